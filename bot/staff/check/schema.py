"""The structure of a directory entry (data/resources.schema.json), its problems in plain EN and FR.

The schema says which fields an entry has, their types and allowed values (status, audience, ...):
the checks read them from there, never from a copy in Python. Its validator speaks English
("'x' is a required property"); each of its findings becomes a sentence of messages.yml instead.

A misspelt field name (`checkd_on`) gets "did you mean `checked_on`?", and what follows from it
(`checked_on` is missing) is said once, under that cause.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
from pathlib import Path
from typing import Any

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

    subject: tuple[str, ...]  # what it is about: ("checked_on",), ("name", "fr")
    text: EnFr  # without the entry's name
    missing: bool = False  # a required field is absent
    guess: tuple[str, ...] | None = None  # an unknown field: the field it probably meant
    effects: list[Problem] = dataclasses.field(default_factory=list)  # what follows from it, said with it
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


def allowed_values(schema: dict[str, Any], name: str) -> list[str]:
    """The values the schema allows for a field, or for the items of a list field (status, audience)."""
    spec = schema.get("properties", {}).get(name, {})
    return [str(v) for v in spec.get("enum") or spec.get("items", {}).get("enum") or []]


def _as_read(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as bot/shared/directory.py reads it: contact values and the check date as text
    (`phone: 911` and an unquoted date are read as the number and date they look like)."""
    entry = dict(entry)
    if isinstance(entry.get("contact"), dict):
        entry["contact"] = {k: v if isinstance(v, (dict, list)) else str(v) for k, v in entry["contact"].items()}
    if entry.get("checked_on") is not None and not isinstance(entry["checked_on"], (str, dict, list)):
        entry["checked_on"] = str(entry["checked_on"])
    return entry


def _choices(values: list[Any]) -> EnFr:
    """verified, unverified, do_not_show / `verified`, `unverified` ou `do_not_show` (in a French sentence,
    the values staff type are quoted)."""
    values = [str(v) for v in values]
    quoted = [f"`{v}`" for v in values]
    fr = say("word.or", first=", ".join(quoted[:-1]), last=quoted[-1]).fr if len(quoted) > 1 else "".join(quoted)
    return EnFr(", ".join(values), fr)


def _names(fields: list[str]) -> EnFr:
    return EnFr(", ".join(fields), ", ".join(f"`{f}`" for f in fields))


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_name(path: tuple[str, ...]) -> EnFr:
    if len(path) == 1 and path[0] in BOTH_LANGUAGES:
        return say(f"field.{path[0]}")
    return EnFr(".".join(path), ".".join(path))


def _sentence(schema: dict[str, Any], e: Any, path: tuple[str, ...], instance: Any) -> EnFr:
    """One finding of the validator in plain words. `path`: the field (name, name.fr, open_hours.days)."""
    top, validator = path[0] if path else "", e.validator
    values: dict[str, Any] = {"field": _field_name(path), "value": _shown(instance)}
    if top == "open_hours":
        return say("resource.open_hours")
    if top in BOTH_LANGUAGES and len(path) == 2 and validator in ("required", "minLength"):
        return say("resource.no_language", field=_field_name(path[:1]), lang=lang_name(path[1]), code=path[1])
    if top == "source_url" and validator in ("pattern", "type"):
        return say("resource.source_format" if str(instance or "").strip() else "resource.no_source", **values)
    key = FIELD_MESSAGES.get((validator, top)) if len(path) == 1 else None
    if key:
        return say(key, choices=_choices(allowed_values(schema, top)), **values)
    if validator == "type":
        kinds = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
        return say("schema.type", kind=say(f"type.{kinds[0]}"), **values)
    if validator == "enum":
        return say("schema.enum", choices=_choices(e.validator_value), **values)
    if validator == "minItems":
        return say("schema.minItems", n=e.validator_value, **values)
    if validator in ("required", "minLength", "pattern"):
        return say(f"schema.{validator}", **values)
    return say("schema.other", **values)


def schema_problems(entry: dict[str, Any], schema_path: Path) -> list[Problem]:
    """What data/resources.schema.json finds wrong in one entry, in plain words (not yet grouped)."""
    schema, validator = load(schema_path)
    problems: list[Problem] = []
    for e in sorted(validator.iter_errors(_as_read(entry)), key=lambda e: [str(p) for p in e.path]):
        at = tuple(str(p) for p in e.path if not isinstance(p, int))  # audience[2] is about audience
        if e.validator == "required":
            for name in [k for k in e.validator_value if k not in e.instance]:
                problems.append(Problem(at + (name,), _sentence(schema, e, at + (name,), None), missing=True))
        elif e.validator == "additionalProperties":
            allowed = list(e.schema.get("properties", {}))
            for name in sorted(set(e.instance) - set(allowed)):
                problems.append(_unknown(at, str(name), allowed, e.instance))
        else:
            problems.append(Problem(at, _sentence(schema, e, at, e.instance)))
    return problems


def _unknown(at: tuple[str, ...], name: str, allowed: list[str], instance: dict[str, Any]) -> Problem:
    guess = difflib.get_close_matches(name, [a for a in allowed if a not in instance], n=1)
    if at and at[0] in BOTH_LANGUAGES:
        text = say("resource.other_languages", field=_field_name(at), extra=[name])
    elif at == ("contact",):
        known = say("word.or", first=", ".join(allowed[:-1]), last=allowed[-1]) if len(allowed) > 1 else allowed[0]
        text = say("resource.contact_unknown", unknown=name, known=known)
    else:
        where = say("schema.where_in", field=".".join(at)) if at else say("schema.where")
        key = "schema.unknown_guess" if guess else "schema.unknown"
        text = say(
            key, unknown=".".join(at + (name,)), where=where, guess=guess[0] if guess else "", known=_names(allowed)
        )
    if guess and (at and at[0] in BOTH_LANGUAGES or at == ("contact",)):
        text = EnFr(*(f"{t} {g}" for t, g in zip(text, say("schema.guess", guess=guess[0]), strict=False)))
    return Problem(at + (name,), text, guess=at + (guess[0],) if guess else None)


def group(problems: list[Problem], entry: dict[str, Any]) -> list[Problem]:
    """A misspelt field name leaves the field it meant missing: what follows from that goes under the
    misspelling, once. "`checkd_on` is not a field... Did you mean `checked_on`? Because of it:
    `checked_on` is missing." (instead of a second finding that `checked_on` is missing)."""
    causes = [(p, p.guess) for p in problems if p.guess and not _present(entry, p.guess)]
    out: list[Problem] = []
    for p in problems:
        cause = next((c for c, guess in causes if c is not p and p.subject[: len(guess)] == guess), None)
        if cause is None:
            out.append(p)
        else:
            cause.effects.append(p)
    for cause, guess in causes:
        if cause.effects:
            because = say("schema.because", effects=say("schema.required", field=_field_name(guess)))
            cause.text = EnFr(f"{cause.text.en} {because.en}", f"{cause.text.fr} {because.fr}")
    return out


def _present(entry: dict[str, Any], path: tuple[str, ...]) -> bool:
    value: Any = entry
    for name in path:
        if not isinstance(value, dict) or name not in value:
            return False
        value = value[name]
    return True


def entry_schema_errors(entry: dict[str, Any], schema_path: Path) -> list[tuple[str, EnFr]]:
    """(field, sentence) for what data/resources.schema.json finds wrong in one entry's structure."""
    return [(p.field, p.text) for p in group(schema_problems(entry, schema_path), entry)]
