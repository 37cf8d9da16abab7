"""Two languages, one quality: every response, button and error exists in EN and FR.

The rules themselves live in bot/staff/check/ (`bot check`); these tests run them on the project.
"""

import re

import yaml

from bot.shared.needs import table
from bot.staff.check import run_checks
from bot.staff.findings import errors
from bot.staff.project import Project
from tests.conftest import ROOT


def problems(section):
    found = errors(run_checks(Project(ROOT), [section]))
    return "\n".join(str(f) for f in found)


def test_every_response_has_english_and_french_with_the_same_buttons_and_a_quick_exit():
    # one EN + one FR variation, same buttons (translated titles), same placeholders, each in its
    # language, no typed phone number or address, the quick-exit button wherever services show
    assert problems("responses") == ""


def test_every_intent_has_enough_distinct_examples_in_both_languages():
    assert problems("examples") == ""


def test_every_intent_has_a_rule_and_every_need_its_response():
    assert problems("wiring") == ""


def test_every_response_is_used_by_an_action():
    """Rasa's validator can't see responses sent by custom actions; this test can."""
    code = "\n".join(p.read_text() for p in [*(ROOT / "actions").glob("*.py"), ROOT / "bot" / "shared" / "needs.py"])
    steps = [need for path in table().steps.values() for need in path.values()]
    used = {need.response for need in [*table().needs.values(), *steps]} | set(re.findall(r'"(utter_\w+)"', code))
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["responses"]) == used


def test_no_french_answer_mixes_tu_and_vous():
    """Issue #11: "tu" for teens, "vous" for parents and adults, never both in one answer (buttons included)."""
    from bot.staff.check import address_words, variation_kind

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    mixed, pairs = [], 0
    for name, variations in domain["responses"].items():
        kinds = {variation_kind(v) for v in variations}
        pairs += {"fr-tu", "fr-vous"} <= kinds
        for v in variations:
            kind = variation_kind(v)
            words = address_words(" ".join([v.get("text") or ""] + [b["title"] for b in v.get("buttons") or []]))
            if (
                kind == "fr-vous"
                and words["tu"]
                or kind == "fr-tu"
                and words["vous"]
                or kind == "fr"
                and (words["tu"] or words["vous"])
            ):
                mixed.append((name, kind, words))
    assert mixed == []
    assert pairs >= 39  # every answer that speaks to the reader has both


def test_button_payloads_with_an_entity_survive_rasas_interpolation():
    """Rasa fills {slot} placeholders in responses, buttons included: an entity's JSON braces must be
    doubled, or every such answer logs an error (and relies on Rasa giving the text back unfilled)."""
    import json as _json

    from rasa.core.nlg.interpolator import interpolate_text

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    found = 0
    for name, variations in domain["responses"].items():
        for v in variations:
            for b in v.get("buttons") or []:
                payload = b["payload"]
                if "{" not in payload:
                    continue
                found += 1
                assert "{{" in payload, f"{name}: {payload} (write {{{{ and }}}})"
                shown = interpolate_text(payload, {})
                assert _json.loads(shown[shown.index("{") :]), (name, shown)
    assert found > 0


def test_the_first_bubble_of_every_answer_is_short():
    """Issue #18: the web widget shows each paragraph as a bubble; the first fits a 360 px phone screen
    (measured in tests/test_widget_browser.py). 450 characters is about 15 lines at that width."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    long = [
        (name, len(first))
        for name, variations in domain["responses"].items()
        for v in variations
        if len(first := re.split(r"\n\s*\n", v.get("text") or "")[0]) > 450
    ]
    assert not long, long
