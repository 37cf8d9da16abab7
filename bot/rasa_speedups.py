"""Speed fixes for Rasa 3.6, applied when the Rasa server loads our code.

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
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Type

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event

DEFAULT_MAX_EVENTS = 60

_original_validate = RemoteAction._validate_action_result
_original_call_format = RemoteAction._action_call_format
_original_resolve = Event.resolve_by_type


@lru_cache(maxsize=1)
def _validator():
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError

    try:
        _validator().validate(result)
        return True
    except ValidationError:
        return _original_validate(self, result)  # same message and exception as Rasa's own check


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


def _action_call_format(self: RemoteAction, tracker, domain) -> Dict[Text, Any]:
    limit = max_events()
    if not limit:
        return _original_call_format(self, tracker, domain)
    state = tracker.current_state()  # everything but the events
    state["events"] = [e.as_dict() for e in session_tail(tracker.events, limit)]
    result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
              "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


_event_classes: Dict[Text, Type[Event]] = {}


def _resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = _original_resolve(type_name, default)
        if cls is not None and cls is not default and getattr(cls, "type_name", None) == type_name:
            _event_classes[type_name] = cls
    return cls


if getattr(RemoteAction._validate_action_result, "__module__", "") != __name__:
    RemoteAction._validate_action_result = _validate_action_result
    # RASA_SPEEDUPS=off keeps fixes 2 and 3 out, for side-by-side benchmarks (scripts/bench_long_conversation.py).
    if os.environ.get("RASA_SPEEDUPS", "").lower() != "off":
        RemoteAction._action_call_format = _action_call_format
        Event.resolve_by_type = staticmethod(_resolve_by_type)
