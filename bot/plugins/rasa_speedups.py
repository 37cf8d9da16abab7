"""Speed fixes for Rasa 3.6.21, installed by `install()` (called once, by bot/startup.py).

1. Action reply validation. Rasa checks every action server reply against a JSON schema with
   `jsonschema.validate`, which also re-checks the (large) schema itself on every call: about
   50 ms per custom action on these machines, more than all the rest of a turn. Here the validator
   is built once and reused. The reply is validated exactly as before, against the same schema,
   raising the same error.

2. What the action server gets (RasaHQ/rasa#6334). Rasa sends the WHOLE conversation (every event
   since the first message) with every action call, so each turn costs more than the last: about
   1 MB per call after 300 turns. Our actions read the slots, the latest message, and whether the
   assistant has already spoken in this session (actions/base.py: is_first_answer). So the call
   carries the tracker's current state (slots, latest message, active loop, ...) as before, and only
   the events of the current session, at most ACTION_TRACKER_MAX_EVENTS of them (60 by default;
   0 sends everything, as stock Rasa does). Every turn adds bot messages, so a tail of 60 events
   always holds the last ones.

3. Event lookup. Loading a stored conversation turns each stored event back into an object; Rasa
   finds each event's class by walking all Event subclasses, every time (about 0.15 ms per event,
   most of the cost of loading a long conversation). The class is now looked up once per name.

4. What grows with a long conversation (issue #19, docs/benchmarks.md). Stock Rasa redoes work over
   the whole conversation several times per message, so turn 300 cost about 5x turn 10:
   - RulePolicy turns the conversation back into one "state" per earlier action
     (`DialogueStateTracker.past_states`), replaying every event from the first, for each prediction.
     Earlier states never change when events are appended: the states of a tracker are kept (for the
     last TRACKER_CACHE trackers, by identity) and only new events are turned into states. RulePolicy
     then takes only the latest states its rules can reach (its longest rule, plus one: a rule never
     looks further back, `RulePolicy._is_rule_applicable`).
   - `applied_events()` (read a few times per message) is kept the same way.
   - `copy()` (once per action) copies the tracker's state instead of replaying every event.
   Each gives what stock Rasa gives (tests/test_rasa_speedups.py compares both on every prefix of
   many conversations, and the trained RulePolicy's predictions). Anything but appended events (a
   rewind, an undo, a form's loop) takes Rasa's own path. Each records the SHA-256 of the other Rasa
   functions whose behaviour it repeats (`reads`); a change there leaves the fix out, as below.

Importing this module changes nothing. `install()` replaces the Rasa functions, each once
(it checks "already applied"), and only if the Rasa function is still the one these fixes were
written against: the SHA-256 of its source (`inspect.getsource`) is recorded below in `PATCHES`,
and tests/test_startup.py fails when a Rasa upgrade changes it. A function whose source changed
is left alone (stock behaviour), with a warning.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import logging
import os
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_MAX_EVENTS = 60

# The Rasa functions as they were before install() (filled by install(); the fixes fall back on them).
_originals: Dict[str, Callable] = {}


def _original(name: str) -> Callable:
    owner, attr = _TARGETS[name]
    return _originals.get(name) or getattr(owner, attr)


@lru_cache(maxsize=1)
def _validator():
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError

    try:
        _validator().validate(result)
        return True
    except ValidationError:
        # same message and exception as Rasa's own check
        return _original("RemoteAction._validate_action_result")(self, result)


def max_events() -> int:
    raw = os.environ.get("ACTION_TRACKER_MAX_EVENTS", "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_MAX_EVENTS


def session_tail(events, limit: int) -> List[Event]:
    """The events of the current session (from its `action_session_start`), at most `limit`, in order."""
    tail: List[Event] = []
    for event in reversed(events):
        if len(tail) >= limit:
            break
        tail.append(event)
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME:
            break
    tail.reverse()
    return tail


def _action_call_format(self: RemoteAction, tracker, domain) -> Dict[str, Any]:
    limit = max_events()
    if not limit:
        return _original("RemoteAction._action_call_format")(self, tracker, domain)
    state = tracker.current_state()  # everything but the events
    state["events"] = [e.as_dict() for e in session_tail(tracker.events, limit)]
    result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state, "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


_event_classes: Dict[str, Type[Event]] = {}


def _resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = _original("Event.resolve_by_type")(type_name, default)
        if cls is not None and cls is not default and getattr(cls, "type_name", None) == type_name:
            _event_classes[type_name] = cls
    return cls


TRACKER_CACHE = 256  # conversations whose applied events and past states are kept (least recently used go first)


@dataclass
class _Seen:
    """What was read of one tracker's events: the tracker (by identity), how many events, the first and last."""

    tracker: "weakref.ref[DialogueStateTracker]"
    seen: int = 0
    first: Optional[Event] = None
    last: Optional[Event] = None

    def new_events(self, tracker: DialogueStateTracker) -> Optional[List[Event]]:
        """The events appended since, or None when the tracker is not the one read, or was changed otherwise."""
        events = tracker.events
        if self.tracker() is not tracker or self.seen > len(events):
            return None
        if self.seen and (events[0] is not self.first or events[self.seen - 1] is not self.last):
            return None
        return [events[i] for i in range(self.seen, len(events))]

    def mark(self, tracker: DialogueStateTracker, cache: "OrderedDict[int, Any]") -> None:
        events = tracker.events
        self.seen, self.first, self.last = len(events), events[0], events[-1]
        cache[id(tracker)] = self
        cache.move_to_end(id(tracker))
        while len(cache) > TRACKER_CACHE:
            cache.popitem(last=False)


def _is_plain(event: Event) -> bool:
    """Appending it only appends to the applied events (no undo, no form loop: DialogueStateTracker.applied_events)."""
    return not isinstance(event, (ActionReverted, UserUtteranceReverted)) and not (
        isinstance(event, ActiveLoop) and event.name
    )


@dataclass
class _Applied(_Seen):
    applied: List[Event] = field(default_factory=list)


_applied_cache: "OrderedDict[int, _Applied]" = OrderedDict()


def _applied_events(self: DialogueStateTracker) -> List[Event]:
    entry = _applied_cache.get(id(self))
    new = entry.new_events(self) if entry is not None else None
    if entry is None or new is None:
        entry = _Applied(weakref.ref(self))
        new = list(self.events)
    if not self.events or not all(_is_plain(event) for event in new):
        _applied_cache.pop(id(self), None)
        return _original("DialogueStateTracker.applied_events")(self)
    for event in new:
        if isinstance(event, (Restarted, SessionStarted)):
            entry.applied = []
        else:
            entry.applied.append(event)
    entry.mark(self, _applied_cache)
    return list(entry.applied)


@dataclass
class _States(_Seen):
    domain: Any = None
    omit_unset_slots: bool = False
    replay: Optional[DialogueStateTracker] = None  # the tracker after the events seen (generate_all_prior_trackers)
    states: List[Dict[str, Any]] = field(default_factory=list)  # one per ActionExecuted since the last reset


_states_cache: "OrderedDict[int, _States]" = OrderedDict()


def _copy_state(state: Dict[str, Any]) -> Dict[str, Any]:
    # callers delete keys of the sub-states in place (TrackerFeaturizer._remove_user_text_if_intent)
    return {key: dict(value) if isinstance(value, dict) else value for key, value in state.items()}


def _states_entry(tracker: DialogueStateTracker, domain, omit_unset_slots: bool) -> Optional[_States]:
    """The tracker's past states brought up to date, or None where Rasa's own path must run (undo, loops)."""
    entry = _states_cache.get(id(tracker))
    new = entry.new_events(tracker) if entry is not None else None
    if entry is None or new is None or entry.domain is not domain or entry.omit_unset_slots != omit_unset_slots:
        entry = _States(weakref.ref(tracker), domain=domain, omit_unset_slots=omit_unset_slots)
        entry.replay = tracker.init_copy()
        new = list(tracker.events)
    if not tracker.events or not all(_is_plain(event) for event in new):
        _states_cache.pop(id(tracker), None)
        return None
    replay = entry.replay
    assert replay is not None
    for event in new:  # what applied_events, generate_all_prior_trackers and states_for_tracker_history do
        if isinstance(event, (Restarted, SessionStarted)):
            replay, entry.states = tracker.init_copy(), []
            continue
        if isinstance(event, ActionExecuted):
            entry.states.append(domain._clean_state(domain.get_active_state(replay, omit_unset_slots)))
        replay.update(event)
    entry.replay = replay
    entry.mark(tracker, _states_cache)
    return entry


def _states(entry: _States, last: Optional[int] = None) -> List[Dict[str, Any]]:
    """The past states (copies), or only the last `last` of them; the one after the latest event included."""
    kept = entry.states if last is None else entry.states[len(entry.states) - last + 1 :] if last > 1 else []
    states = [_copy_state(state) for state in kept]
    assert entry.replay is not None
    states.append(entry.domain._clean_state(entry.domain.get_active_state(entry.replay, entry.omit_unset_slots)))
    return states


def _past_states(
    self: DialogueStateTracker,
    domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> List[Dict[str, Any]]:
    entry = None if ignore_rule_only_turns else _states_entry(self, domain, omit_unset_slots)
    if entry is None:
        return _original("DialogueStateTracker.past_states")(
            self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data
        )
    return _states(entry)


_rule_windows: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()


def _rule_window(policy) -> int:
    """How many of the latest states a RulePolicy's rules can look at: its longest rule, plus one."""
    window = _rule_windows.get(policy)
    if window is None:
        from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

        keys = [*policy.lookup.get(RULES, {}), *policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
        window = max((len(policy._rule_key_to_state(key)) for key in keys), default=0) + 1
        _rule_windows[policy] = window
    return window


def _rule_prediction_states(
    self,
    tracker: DialogueStateTracker,
    domain,
    use_text_for_last_user_input: bool = False,
    rule_only_data: Optional[Dict[str, Any]] = None,
) -> List[Dict[str, Any]]:
    """RulePolicy's states for one prediction: only the latest ones its rules can reach (see _rule_window)."""
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
    from rasa.core.policies.policy import SupportedData

    featurizer = self.featurizer
    entry = (
        _states_entry(tracker, domain, omit_unset_slots=False)
        if type(featurizer) is MaxHistoryTrackerFeaturizer
        and self.supported_data() != SupportedData.ML_DATA  # Rasa: ignore_rule_only_turns is False
        else None
    )
    if entry is None:
        return _original("RulePolicy._prediction_states")(
            self, tracker, domain, use_text_for_last_user_input, rule_only_data
        )
    # what MaxHistoryTrackerFeaturizer.prediction_states does for RulePolicy, on the latest states only
    window = _rule_window(self)
    if featurizer.max_history:
        window = min(window, featurizer.max_history)
    states = _states(entry, last=window)
    featurizer._choose_last_user_input([states], use_text_for_last_user_input)
    return states


def _copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """The same tracker as Rasa's copy (which replays every event on a fresh tracker), made from its state."""
    tracker = self.init_copy()
    for name in list(vars(tracker)):  # what a fresh tracker holds; what replaying events changes
        value = getattr(self, name)
        if name == "events":
            value = tracker._create_events(list(value))
        elif name == "slots":
            value = {key: copy.copy(slot) for key, slot in value.items()} if isinstance(value, dict) else value
        elif isinstance(value, dict):
            value = dict(value)
        setattr(tracker, name, value)
    return tracker


@dataclass(frozen=True)
class Patch:
    name: str  # "Class.function" in Rasa
    replacement: Callable
    source_sha256: str  # of inspect.getsource(the Rasa function) in the Rasa version these fixes were written for
    optional: bool  # RASA_SPEEDUPS=off leaves it out (side-by-side benchmarks)
    # other Rasa functions whose behaviour the replacement repeats or relies on: (name in _READS, SHA-256)
    reads: Tuple[Tuple[str, str], ...] = ()


def _reads() -> Dict[str, Callable]:
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer, TrackerFeaturizer
    from rasa.shared.core.domain import Domain

    return {
        "DialogueStateTracker.__init__": DialogueStateTracker.__init__,
        "DialogueStateTracker._reset": DialogueStateTracker._reset,
        "DialogueStateTracker.travel_back_in_time": DialogueStateTracker.travel_back_in_time,
        "DialogueStateTracker.generate_all_prior_trackers": DialogueStateTracker.generate_all_prior_trackers,
        "DialogueStateTracker.applied_events": _original("DialogueStateTracker.applied_events"),
        "Domain.states_for_tracker_history": Domain.states_for_tracker_history,
        "MaxHistoryTrackerFeaturizer.prediction_states": MaxHistoryTrackerFeaturizer.prediction_states,
        "TrackerFeaturizer._choose_last_user_input": TrackerFeaturizer._choose_last_user_input,
        "RulePolicy._find_action_from_rules": RulePolicy._find_action_from_rules,
        "RulePolicy._get_possible_keys": RulePolicy._get_possible_keys,
        "RulePolicy._is_rule_applicable": RulePolicy._is_rule_applicable,
    }


_STATES_READS = (
    ("DialogueStateTracker.applied_events", "764d5065ea9997d613c1984d9357370f9ae32d31ca21346086f16c54f0487aae"),
    (
        "DialogueStateTracker.generate_all_prior_trackers",
        "a1f6954347b52649a7b1054741338997d2369197d91acb2eab7f6b11d3855ed1",
    ),
    ("Domain.states_for_tracker_history", "035111ce73ac90ba50e143abf556f924af07d9f452893f5a96a62895d44df8b7"),
)


_TARGETS = {
    "RemoteAction._validate_action_result": (RemoteAction, "_validate_action_result"),
    "RemoteAction._action_call_format": (RemoteAction, "_action_call_format"),
    "Event.resolve_by_type": (Event, "resolve_by_type"),
    "DialogueStateTracker.applied_events": (DialogueStateTracker, "applied_events"),
    "DialogueStateTracker.past_states": (DialogueStateTracker, "past_states"),
    "DialogueStateTracker.copy": (DialogueStateTracker, "copy"),
    "RulePolicy._prediction_states": (RulePolicy, "_prediction_states"),
}

PATCHES = (
    Patch(
        "RemoteAction._validate_action_result",
        _validate_action_result,
        "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42",
        optional=False,
    ),
    Patch(
        "RemoteAction._action_call_format",
        _action_call_format,
        "428795b944f22edba142d278ec47a30098975b01463ba337ec447dade52a0492",
        optional=True,
    ),
    Patch(
        "Event.resolve_by_type",
        _resolve_by_type,
        "b5cf570fa7f286c7059ec73d8880528d03a78b28cf4e80285a46079c0fa65968",
        optional=True,
    ),
    Patch(
        "DialogueStateTracker.applied_events",
        _applied_events,
        "764d5065ea9997d613c1984d9357370f9ae32d31ca21346086f16c54f0487aae",
        optional=True,
    ),
    Patch(
        "DialogueStateTracker.past_states",
        _past_states,
        "5463eefb5c69d27f82cdc7eca84e23b4b82851e9a5ff575bd02447d4d987103b",
        optional=True,
        reads=_STATES_READS,
    ),
    Patch(
        "DialogueStateTracker.copy",
        _copy_tracker,
        "dfa48dca9f355ad1b42c625bc6f6370bafe83514ed17a77904ed64c67bf07285",
        optional=True,
        reads=(
            (
                "DialogueStateTracker.travel_back_in_time",
                "09d16f28f007492f653b504cf2b6064dc453444c524799378609a85b04efd632",
            ),
            ("DialogueStateTracker.__init__", "8f39eb22462aa62b140d9da1f6db986cbc76383d8f7cc4e3dc7664fa7d84cb2d"),
            ("DialogueStateTracker._reset", "190858eaf560a0c0a86f45dca86498f8a9fada57ddb6c7dd1e68648c9779e103"),
        ),
    ),
    Patch(
        "RulePolicy._prediction_states",
        _rule_prediction_states,
        "ed9b82bed2f26ad7a0de61709e02339983912bece614191089c3adba60cf1452",
        optional=True,
        reads=_STATES_READS
        + (
            (
                "MaxHistoryTrackerFeaturizer.prediction_states",
                "451caf09a389e8719ad4ee38eb97dfd10b4743cd3928f1f9569779394fd3462e",
            ),
            (
                "TrackerFeaturizer._choose_last_user_input",
                "0a4f5a414bf19fbbb2d8c4b0ce47e65ccdcb50bfea656b87ed4b7fa9f14a9bfa",
            ),
            ("RulePolicy._find_action_from_rules", "be6da6ee0f5429bd9bbded9f22186f3729469e5b392949493fd34a00ef9531d9"),
            ("RulePolicy._get_possible_keys", "2915fd81711e194c6d667728e00bd0e51e9c1c2791a0be14c55f0ef9938f9936"),
            ("RulePolicy._is_rule_applicable", "64a108b016b46e573d6020b755a6036439dc207a364b45c9ea5dcb0f18dc7068"),
        ),
    ),
)


def source_sha256(function: Callable) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


def current(name: str) -> Callable:
    """The function Rasa calls now for `name` (ours once installed)."""
    owner, attr = _TARGETS[name]
    return getattr(owner, attr)


def is_applied(patch: Patch) -> bool:
    return current(patch.name) is patch.replacement


def install() -> List[str]:
    """Apply the fixes (each at most once); returns the names of the fixes in place afterwards."""
    skip_optional = os.environ.get("RASA_SPEEDUPS", "").lower() == "off"
    reads = _reads()
    applied = []
    for patch in PATCHES:
        if is_applied(patch):
            applied.append(patch.name)
            continue
        if patch.optional and skip_optional:
            continue
        original = current(patch.name)
        if source_sha256(original) != patch.source_sha256 or any(
            source_sha256(reads[name]) != sha for name, sha in patch.reads
        ):
            logger.warning(
                "Rasa's %s is not the one bot/plugins/rasa_speedups.py was written for: left as it is.", patch.name
            )
            continue
        owner, attr = _TARGETS[patch.name]
        _originals[patch.name] = original
        is_static = isinstance(owner.__dict__.get(attr), staticmethod)
        setattr(owner, attr, staticmethod(patch.replacement) if is_static else patch.replacement)
        applied.append(patch.name)
    return applied
