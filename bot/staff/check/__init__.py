"""`bot check`: everything that must be true before a change can ship, with file and line.

This is the one implementation of these rules: `bot check`, `bot resources import`, the staff page
and the tests (tests/test_domain.py, tests/test_resources.py, tests/test_channel_texts.py) all call it.
One module per thing it checks:

- responses.py  responses (domain.yml): one English and one French variation each (or the French
                tu/vous pair), the same buttons, the same placeholders, no phone number or address
                typed in, the quick-exit button wherever a resource shows.
- directory.py  the service directory (data/resources.yml), through its schema (schema.py):
                complete in both languages, phone numbers and web addresses well formed, a source, a
                check date no more than 12 months old (older: a warning), the same numbers, web
                addresses and hours in both languages; the channel texts (data/channel_texts.yml).
- training.py   training examples (data/nlu/en, data/nlu/fr): at least N per intent per language,
                no example twice, none under two intents, none copied from the held-out test sets,
                none in the other language; the safety rules (data/safety/*.yml).
- wiring.py     every intent has a rule and an answer; Rasa's own validator (`rasa data validate`).
- core.py       the Checker, YAML reading, and `say`: every finding's English and French text is in
                messages.yml.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from bot.staff.check.core import (
    LANGUAGES,
    MAX_AGE_DAYS,
    MIN_EXAMPLES,
    Checker,
    EnFr,
    item_line,
    key_line,
    load_yaml,
    placeholders,
    plain,
    quiet,
    quiet_load,
    say,
    yaml_rt,
)
from bot.staff.check.directory import (
    PHONE,
    URL,
    WEB,
    check_channel_texts,
    check_resource,
    check_resource_use,
    check_resources,
    needs_table,
    used_resource_ids,
    yaml_where,
)
from bot.staff.check.responses import (
    FR_CONDITION,
    KINDS,
    address_words,
    check_responses,
    variation_kind,
)
from bot.staff.check.schema import entry_schema_errors
from bot.staff.check.training import (
    check_safety_rules,
    check_training_examples,
    heldout_messages,
    nlu_examples,
    normalise_example,
)
from bot.staff.check.wiring import check_rasa_validate, check_wiring, rasa_errors
from bot.staff.findings import Finding
from bot.staff.project import Project

SECTIONS: dict[str, Callable[[Checker], None]] = {
    "responses": check_responses,
    "resources": check_resources,
    "channel_texts": check_channel_texts,
    "examples": check_training_examples,
    "safety_rules": check_safety_rules,
    "wiring": check_wiring,
    "rasa": check_rasa_validate,
}


def run_checks(
    project: Project,
    sections: Iterable[str] = tuple(SECTIONS),
    today: datetime.date | None = None,
    min_examples: int = MIN_EXAMPLES,
) -> list[Finding]:
    c = Checker(project, today=today, min_examples=min_examples)
    with quiet():
        for name in sections:
            SECTIONS[name](c)
    return c.findings


__all__ = [
    "LANGUAGES",
    "MAX_AGE_DAYS",
    "MIN_EXAMPLES",
    "SECTIONS",
    "Checker",
    "EnFr",
    "FR_CONDITION",
    "KINDS",
    "PHONE",
    "URL",
    "WEB",
    "address_words",
    "check_channel_texts",
    "check_rasa_validate",
    "check_resource",
    "check_resource_use",
    "check_resources",
    "check_responses",
    "check_safety_rules",
    "check_training_examples",
    "check_wiring",
    "entry_schema_errors",
    "heldout_messages",
    "item_line",
    "key_line",
    "load_yaml",
    "needs_table",
    "nlu_examples",
    "normalise_example",
    "placeholders",
    "plain",
    "quiet",
    "quiet_load",
    "rasa_errors",
    "run_checks",
    "say",
    "used_resource_ids",
    "variation_kind",
    "yaml_rt",
    "yaml_where",
]
