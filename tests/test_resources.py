"""The service directory is complete and valid, and hidden entries never reach a user.

The validity rules live in bot/staff/check/ (`bot check`); these tests run them on the project.
"""

import re

from bot.shared import directory
from bot.shared import needs as needs_table
from bot.staff.check import run_checks
from bot.staff.findings import errors
from bot.staff.project import Project
from tests.conftest import ROOT

ENTRIES = list(directory.load().values())


def test_every_entry_is_complete_valid_and_sourced_in_both_languages():
    # name/text/hours in EN and FR, phone numbers as dialled and the texts show exactly them,
    # web addresses, a https source, a check date; every id the actions use exists
    found = errors(run_checks(Project(ROOT), ["resources"]))
    assert not found, "\n".join(map(str, found))


def test_hidden_entries_are_never_shown():
    hidden = {e.id for e in ENTRIES if not e.showable}
    assert {"old_ontario_helpline", "awhl"} <= hidden  # do not show / number unverified
    table = needs_table.table()
    steps = [need for path in table.steps.values() for need in path.values()]
    every_id = [r for need in [*table.needs.values(), *steps] for r in need.all_resource_ids()]
    every_id += list(table.emergency_follow_up.values()) + [
        table.emergency_default_follow_up,
        "emergency",
        "crisis_988",
    ]
    assert not hidden & set(every_id)
    assert directory.showable(["old_ontario_helpline", "awhl", "chth"]) == [directory.directory()["chth"]]


def test_entry_text_shows_its_own_hours_in_each_language():
    chth = directory.directory()["chth"]
    assert chth.hours["fr"] in chth.render("fr") and "{" not in chth.render("fr")
    assert chth.hours["en"] in chth.render("en") and "{" not in chth.render("en")


def test_no_phone_number_or_address_is_typed_into_python_code():
    # 555-01xx numbers are fictional: `bot check` uses one to show the format
    for path in list((ROOT / "actions").glob("*.py")) + list((ROOT / "bot").rglob("*.py")):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\b1-8\d\d-(?!555-01)\d{3}-\d{4}\b|\b\w+\.(ca|org)\b", code), path
