"""Wiring and Rasa's own validator.

- Wiring: every intent has a rule, every intent answered by action_respond has a row in
  bot/shared/needs.py, and every row names a response that exists.
- `rasa data validate`, run in its own process: its errors, in a finding.
"""

from __future__ import annotations

import subprocess
from typing import Dict

from bot.staff.check.core import Checker, key_line, quiet_load, say
from bot.staff.check.directory import needs_table
from bot.staff.project import rasa_bin

SPECIAL_ACTIONS = {"action_emergency", "action_safety_exit"}


def check_wiring(c: Checker) -> None:
    domain = quiet_load(c.project.domain)
    if not domain:
        return
    intents = [str(i) if not isinstance(i, dict) else str(next(iter(i))) for i in domain.get("intents") or []]
    responses = domain.get("responses") or {}
    answered: Dict[str, str] = {}
    for path in sorted((c.project.root / "data" / "rules").glob("*.yml")):
        data = c.readable(path)
        for rule in (data or {}).get("rules") or []:
            steps = rule.get("steps") or []
            for first, then in zip(steps, steps[1:]):
                if "intent" in first and "action" in then:
                    answered.setdefault(str(first["intent"]), str(then["action"]))
    try:
        needs = needs_table(c.project).NEEDS
    except Exception as e:
        c.error(c.project.needs, None, *say("file.unreadable", error=e))
        return
    for intent in intents:
        if intent not in answered:
            c.error(c.project.domain, key_line(domain, "intents"), *say("wiring.no_rule", intent=intent))
        elif answered[intent] == "action_respond" and intent not in needs:
            c.error(c.project.needs, None, *say("wiring.no_need", intent=intent))
    for intent, need in needs.items():
        if need.response not in responses:
            c.error(c.project.needs, None, *say("wiring.unknown_response", intent=intent, response=need.response))


# --------------------------------------------------------------------------------------------------
# Rasa's own validator


def check_rasa_validate(c: Checker) -> None:
    proc = subprocess.run(
        [rasa_bin(), "data", "validate", "--quiet"],
        cwd=c.project.root,
        env=c.project.env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        lines = [
            l
            for l in (proc.stdout + proc.stderr).splitlines()
            if l.strip() and "warn" not in l.lower()[:40] and "tensorflow" not in l.lower()
        ]
        detail = "\n      " + "\n      ".join(lines[-12:])
        c.error(c.project.root / "data", None, *say("rasa.failed", detail=detail))
