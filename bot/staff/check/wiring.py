"""Wiring and Rasa's own validator.

- Wiring: every intent has a rule, every intent answered by action_respond has a line in
  data/needs.yml (checked against data/needs.schema.json), and every line names a response that exists.
- `rasa data validate`: run in its own process, its output kept from the staff member's screen; only
  its errors reach them, in a finding (no warnings, no colour codes).
"""

from __future__ import annotations

import re
import subprocess

from bot.staff.check.core import Checker, key_line, plain, quiet_load, say
from bot.staff.check.directory import needs_table
from bot.staff.project import rasa_bin

SPECIAL_ACTIONS = {"action_emergency", "action_safety_exit"}
# data/needs.schema.json's findings, in plain words (messages.yml: needs.*)
NEEDS_PROBLEMS = {
    "maxItems": "needs.too_many_services",
    "required": "needs.missing",
    "additionalProperties": "needs.unknown_field",
    "propertyNames": "needs.unknown_field",
    "enum": "needs.not_allowed",
}


def check_needs_file(c: Checker) -> bool:
    """data/needs.yml against data/needs.schema.json; True when it can be used."""
    import json

    from jsonschema import Draft202012Validator

    data = c.readable(c.project.needs)
    if data is None:
        return False
    schema = json.loads(c.project.needs.with_name("needs.schema.json").read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(plain(data)), key=lambda e: [str(p) for p in e.path])
    for e in errors:
        where = ".".join(map(str, e.path)) or "data/needs.yml"
        line = key_line(data, e.path[0]) if e.path else None
        missing = ", ".join(k for k in e.validator_value if k not in e.instance) if e.validator == "required" else ""
        allowed = ", ".join(map(str, e.validator_value)) if e.validator == "enum" else ""
        key = NEEDS_PROBLEMS.get(e.validator, "needs.malformed")
        c.error(c.project.needs, line, *say(key, where=where, missing=missing, allowed=allowed))
    return not errors


def check_wiring(c: Checker) -> None:
    domain = quiet_load(c.project.domain)
    if not domain:
        return
    intents = [str(i) if not isinstance(i, dict) else str(next(iter(i))) for i in domain.get("intents") or []]
    responses = domain.get("responses") or {}
    answered: dict[str, str] = {}
    for path in sorted((c.project.root / "data" / "rules").glob("*.yml")):
        data = c.readable(path)
        for rule in (data or {}).get("rules") or []:
            steps = rule.get("steps") or []
            for first, then in zip(steps, steps[1:], strict=False):
                if "intent" in first and "action" in then:
                    answered.setdefault(str(first["intent"]), str(then["action"]))
    if not check_needs_file(c):
        return
    table = needs_table(c.project)
    needs = {**table.needs, **{f"{p} ({k})": v for p, steps in table.steps.items() for k, v in steps.items()}}
    for intent in intents:
        if intent not in answered:
            c.error(c.project.domain, key_line(domain, "intents"), *say("wiring.no_rule", intent=intent))
        elif answered[intent] == "action_respond" and intent not in table.needs:
            c.error(c.project.needs, None, *say("wiring.no_need", intent=intent))
    for intent, need in needs.items():
        if need.response not in responses:
            c.error(c.project.needs, None, *say("wiring.unknown_response", intent=intent, response=need.response))


# --------------------------------------------------------------------------------------------------
# Rasa's own validator

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# The first line of what Rasa and its libraries say that is not an error: Python warnings
# ("...py:100: UserWarning: ..."), log lines at WARNING or below, TensorFlow's, SQLAlchemy's and
# setuptools' notices. Their indented lines go with them.
NOT_AN_ERROR = re.compile(
    r"Warning\b|\bWARNING\b|\b(?:INFO|DEBUG)\b|tensorflow|TensorFlow|sqlalchemy|SQLAlchemy|sqlalche\.me|pkg_resources"
    r"|declare_namespace|namespace packages|oneDNN|cuda|TensorRT|AVX|absl"
)


def rasa_errors(output: str) -> list[str]:
    """The lines of Rasa's output that say what is wrong: colour codes removed, and warnings (with the
    lines under them) left out."""
    records: list[list[str]] = []
    for line in ANSI.sub("", output).splitlines():
        if not line.strip():
            continue
        if line[:1].isspace() and records:
            records[-1].append(line.rstrip())
        else:
            records.append([line.rstrip()])
    return [line for record in records if not NOT_AN_ERROR.search(record[0]) for line in record]


def check_rasa_validate(c: Checker) -> None:
    proc = subprocess.run(
        [rasa_bin(), "data", "validate", "--quiet"],
        cwd=c.project.root,
        env=c.project.env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode == 0:
        return
    lines = rasa_errors(proc.stdout + "\n" + proc.stderr)
    if not lines:
        c.error(c.project.root / "data", None, *say("rasa.failed_silently"))
        return
    detail = "".join(f"\n      {line}" for line in lines[-12:])
    c.error(c.project.root / "data", None, *say("rasa.failed", detail=detail))
