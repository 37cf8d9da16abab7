"""The service directory is complete and valid, and hidden entries never reach a user."""
import datetime
import re

import pytest

from actions import directory
from actions.needs import EMERGENCY_DEFAULT_FOLLOW_UP, EMERGENCY_FOLLOW_UP, NEEDS

PHONE = re.compile(r"^(?:911|988|211|1-8\d\d-\d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{6})$")
ENTRIES = list(directory.load().values())


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_entry_is_complete_in_both_languages(entry):
    for field in ("name", "text", "hours"):
        value = getattr(entry, field)
        assert set(value) == {"en", "fr"} and all(v.strip() for v in value.values()), field
    assert entry.status in ("verified", "unverified", "do_not_show")
    assert entry.audience and entry.source_url.startswith("https://")
    datetime.date.fromisoformat(entry.checked_on)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_phone_numbers_are_well_formed_and_the_texts_use_exactly_them(entry):
    numbers = [v for k, v in entry.contact.items() if k.startswith("phone") or k == "text_number"]
    for number in numbers:
        assert PHONE.match(number), number
    digits = {n.replace("-", "") for n in numbers}
    for lang, text in entry.text.items():
        # every number in the text is one of the entry's contacts...
        for found in re.findall(r"\b\d[\d-]{2,}\d\b", text):
            assert found.replace("-", "") in digits, (entry.id, lang, found)
        # ...and every contact number is in the text, in both languages
        for d in digits:
            assert d in text.replace("-", ""), (entry.id, lang, d)


def test_hidden_entries_are_never_shown():
    hidden = {e.id for e in ENTRIES if not e.showable}
    assert {"old_ontario_helpline", "awhl"} <= hidden  # do not show / number unverified
    every_id = [r for need in NEEDS.values() for ids in [need.resources, *need.by_audience.values(), need.fr_extra] for r in ids]
    every_id += list(EMERGENCY_FOLLOW_UP.values()) + [EMERGENCY_DEFAULT_FOLLOW_UP, "emergency", "crisis_988"]
    assert not hidden & set(every_id)
    assert directory.showable(["old_ontario_helpline", "awhl", "chth"]) == [directory.directory()["chth"]]


def test_every_id_the_actions_use_exists():
    known = {e.id for e in ENTRIES}
    for name, need in NEEDS.items():
        for ids in [need.resources, *need.by_audience.values(), need.fr_extra]:
            assert set(ids) <= known, name


def test_unverified_entries_are_shown_only_with_a_reason():
    for e in ENTRIES:
        if e.showable and e.status != "verified":
            assert e.show_reason, e.id


def test_no_phone_number_or_address_is_typed_into_python_code():
    from tests.conftest import ROOT

    for path in list((ROOT / "actions").glob("*.py")) + list((ROOT / "bot").rglob("*.py")):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\b1-8\d\d-\d{3}-\d{4}\b|\b\w+\.(ca|org)\b", code), path
