"""The structure of a directory entry (data/resources.schema.json), its problems in EN and FR.

The schema says which fields an entry has, their types and allowed values (status, audience, ...):
the checks read them from there, never from a copy in Python. A finding about a field that has its
own sentence in messages.yml (id, name, text, hours, contact, status, show, audience, source_url,
checked_on, open_hours) uses it; the others quote the validator.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

from bot.staff.check.core import EnFr, lang_name, say

SCHEMA = Path("data") / "resources.schema.json"
BOTH_LANGUAGES = ("name", "text", "hours")  # {en: ..., fr: ...}

# (validator, field) -> the field's own sentence in messages.yml; the others get schema.<validator>.
FIELD_MESSAGES = {
    **{(v, "id"): "resource.id_format" for v in ("required", "type", "pattern")},
    **{(v, f): "resource.both_languages" for v in ("required", "type") for f in BOTH_LANGUAGES},
    ("type", "contact"): "resource.contact_type",
    **{(v, "status"): "resource.status" for v in ("required", "enum")},
    **{(v, "show"): "resource.show" for v in ("required", "type")},
    **{(v, "audience"): "resource.audience" for v in ("required", "type", "enum", "minItems")},
    **{(v, "checked_on"): "resource.checked_on_format" for v in ("required", "type", "pattern")},
    ("required", "source_url"): "resource.no_source",
}


@dataclasses.dataclass
class Problem:
    """One thing wrong with an entry, before it becomes a finding."""

    subject: Tuple[str, ...]  # what it is about: ("checked_on",), ("name", "fr")
    text: EnFr  # without the entry's name
    warning: bool = False

    @property
    def field(self) -> str:
        return self.subject[0] if self.subject else "id"


@functools.lru_cache(maxsize=4)
def _load(schema_path: Path, mtime: float):
    """The schema and its validator, read once per version of the file (not once per entry)."""
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    return schema, Draft202012Validator(schema)


def load(schema_path: Path):
    return _load(schema_path, schema_path.stat().st_mtime)


def allowed_values(schema: Dict[str, Any], name: str) -> List[str]:
    """The values the schema allows for a field, or for the items of a list field (status, audience)."""
    spec = schema.get("properties", {}).get(name, {})
    return [str(v) for v in spec.get("enum") or spec.get("items", {}).get("enum") or []]


def _as_read(entry: Dict[str, Any]) -> Dict[str, Any]:
    """The entry as bot/shared/directory.py reads it: contact values and the check date as text
    (`phone: 911` and an unquoted date are read as the number and date they look like)."""
    entry = dict(entry)
    if isinstance(entry.get("contact"), dict):
        entry["contact"] = {k: v if isinstance(v, (dict, list)) else str(v) for k, v in entry["contact"].items()}
    if entry.get("checked_on") is not None and not isinstance(entry["checked_on"], (str, dict, list)):
        entry["checked_on"] = str(entry["checked_on"])
    return entry


def _choices(values: List[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_name(path: Tuple[str, ...]) -> EnFr:
    if len(path) == 1 and path[0] in BOTH_LANGUAGES:
        return say(f"field.{path[0]}")
    return EnFr(".".join(path), ".".join(path))


def _sentence(schema: Dict[str, Any], e: Any, path: Tuple[str, ...], instance: Any) -> EnFr:
    """One finding of the validator. `path`: the field (name, name.fr, open_hours.days)."""
    top, validator = path[0] if path else "", e.validator
    values: Dict[str, Any] = {"field": _field_name(path), "value": _shown(instance)}
    if top == "open_hours":
        return say("resource.open_hours")
    if top in BOTH_LANGUAGES and len(path) == 2 and validator in ("required", "minLength"):
        return say("resource.no_language", field=_field_name(path[:1]), lang=lang_name(path[1]), code=path[1])
    if top == "source_url" and validator in ("pattern", "type"):
        return say("resource.source_format" if str(instance or "").strip() else "resource.no_source", **values)
    key = FIELD_MESSAGES.get((validator, top)) if len(path) == 1 else None
    if key:
        return say(key, choices=_choices(allowed_values(schema, top)), **values)
    detail = (
        f"`{'.'.join(path)}` is missing" if validator == "required" else f"`{'.'.join(path) or 'entry'}`: {e.message}"
    )
    return say("schema.other", detail=detail)


def schema_problems(entry: Dict[str, Any], schema_path: Path) -> List[Problem]:
    """What data/resources.schema.json finds wrong in one entry."""
    schema, validator = load(schema_path)
    problems: List[Problem] = []
    for e in sorted(validator.iter_errors(_as_read(entry)), key=lambda e: [str(p) for p in e.path]):
        at = tuple(str(p) for p in e.path if not isinstance(p, int))  # audience[2] is about audience
        if e.validator == "required":
            for name in [k for k in e.validator_value if k not in e.instance]:
                problems.append(Problem(at + (name,), _sentence(schema, e, at + (name,), None)))
        elif e.validator == "additionalProperties":
            allowed = list(e.schema.get("properties", {}))
            for name in sorted(set(e.instance) - set(allowed)):
                problems.append(_unknown(at, str(name)))
        else:
            problems.append(Problem(at, _sentence(schema, e, at, e.instance)))
    return problems


def _unknown(at: Tuple[str, ...], name: str) -> Problem:
    if at and at[0] in BOTH_LANGUAGES:
        text = say("resource.other_languages", field=_field_name(at), extra=[name])
    elif at == ("contact",):
        text = say("resource.contact_unknown", unknown=name)
    else:
        under = f" under `{'.'.join(at)}`" if at else ""
        text = say("schema.other", detail=f"unknown field(s) {[name]}{under}")
    return Problem(at + (name,), text)


def entry_schema_errors(entry: Dict[str, Any], schema_path: Path) -> List[Tuple[str, EnFr]]:
    """(field, sentence) for what data/resources.schema.json finds wrong in one entry's structure."""
    return [(p.field, p.text) for p in schema_problems(entry, schema_path)]
