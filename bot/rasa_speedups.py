"""One speed fix for Rasa 3.6, applied when the Rasa server loads our code.

Rasa checks every action server reply against a JSON schema with `jsonschema.validate`, which
also re-checks the (large) schema itself on every call: about 50 ms per custom action on these
machines, more than all the rest of a turn. Here the validator is built once and reused. The
reply is validated exactly as before, against the same schema, raising the same error.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from rasa.core.actions.action import RemoteAction

_original = RemoteAction._validate_action_result


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
        return _original(self, result)  # same message and exception as Rasa's own check


if getattr(RemoteAction._validate_action_result, "__module__", "") != __name__:
    RemoteAction._validate_action_result = _validate_action_result
