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

Importing this module changes nothing. `install()` replaces the three Rasa functions, each once
(it checks "already applied"), and only if the Rasa function is still the one these fixes were
written against: the SHA-256 of its source (`inspect.getsource`) is recorded below in `PATCHES`,
and tests/test_startup.py fails when a Rasa upgrade changes it. A function whose source changed
is left alone (stock behaviour), with a warning.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Type

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event

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


@dataclass(frozen=True)
class Patch:
    name: str  # "Class.function" in Rasa
    replacement: Callable
    source_sha256: str  # of inspect.getsource(the Rasa function) in the Rasa version these fixes were written for
    optional: bool  # RASA_SPEEDUPS=off leaves it out (side-by-side benchmarks)


_TARGETS = {
    "RemoteAction._validate_action_result": (RemoteAction, "_validate_action_result"),
    "RemoteAction._action_call_format": (RemoteAction, "_action_call_format"),
    "Event.resolve_by_type": (Event, "resolve_by_type"),
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
    applied = []
    for patch in PATCHES:
        if is_applied(patch):
            applied.append(patch.name)
            continue
        if patch.optional and skip_optional:
            continue
        original = current(patch.name)
        if source_sha256(original) != patch.source_sha256:
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
