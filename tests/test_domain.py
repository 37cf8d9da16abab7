"""Two languages, one quality: every response, button and error exists in EN and FR."""
import re

import yaml

from actions.needs import NEEDS
from tests.conftest import ROOT

FR_CONDITION = [{"type": "slot", "name": "language", "value": "fr"}]


def variations(domain, name):
    en = [v for v in domain["responses"][name] if not v.get("condition")]
    fr = [v for v in domain["responses"][name] if v.get("condition") == FR_CONDITION]
    return en, fr


def test_every_response_has_exactly_one_english_and_one_french_variation(domain):
    for name, vs in domain["responses"].items():
        en, fr = variations(domain, name)
        assert len(en) == 1 and len(fr) == 1 and len(vs) == 2, name
        assert not any(v.get("channel") for v in vs), f"{name}: a channel variation would beat the French one"


def test_french_variation_is_french_and_english_is_english(domain):
    fr_words, en_words = {"tu", "le", "la", "les", "de", "est", "pour", "une", "à", "ou", "qui", "voici"}, {"the", "you", "to", "and", "is", "a", "or", "i", "are", "can", "here", "other", "that"}
    for name in domain["responses"]:
        en, fr = variations(domain, name)
        en_text, fr_text = set(re.findall(r"[\w']+", en[0]["text"].lower())), set(re.findall(r"[\w']+", fr[0]["text"].lower()))
        assert en_text & en_words and not (en_text & {"tu", "est", "pour"}), name
        assert fr_text & fr_words and not (fr_text & {"the", "you", "and"}), name


def test_both_languages_offer_the_same_buttons(domain):
    for name in domain["responses"]:
        en, fr = variations(domain, name)
        assert [b["payload"] for b in en[0].get("buttons", [])] == [b["payload"] for b in fr[0].get("buttons", [])], name
        for b_en, b_fr in zip(en[0].get("buttons", []), fr[0].get("buttons", [])):
            assert b_en["title"] and b_fr["title"] and b_en["title"] != b_fr["title"], (name, b_en)


def test_every_answer_that_shows_resources_has_a_quick_exit_button(domain):
    for name, vs in domain["responses"].items():
        for v in vs:
            if "{resources}" in v["text"]:
                exits = [b for b in v.get("buttons", []) if b["payload"] == "/safety_exit"]
                assert exits, name
                assert re.search(r"(?i)exit|sortie", exits[0]["title"])


def test_no_phone_number_or_web_address_is_typed_into_a_response(domain):
    for name, vs in domain["responses"].items():
        for v in vs:
            assert not re.search(r"\d{3}|\b\w+\.(ca|com|org)\b", v["text"]), name


def test_every_need_has_its_response_and_a_rule(domain):
    rules = "\n".join(p.read_text() for p in (ROOT / "data" / "rules").glob("*.yml"))
    for intent, need in NEEDS.items():
        assert need.response in domain["responses"], intent
        assert f"intent: {intent}\n" in rules, intent
    for intent in domain["intents"]:
        assert intent in NEEDS or intent in ("emergency", "self_harm", "safety_exit"), intent


def test_training_data_covers_every_intent_in_both_languages(domain):
    for lang in ("en", "fr"):
        seen = {}
        for path in (ROOT / "data" / "nlu" / lang).glob("*.yml"):
            for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
                if "intent" in block:
                    seen[block["intent"]] = seen.get(block["intent"], 0) + block["examples"].count("\n- ")
        for intent in domain["intents"]:
            assert seen.get(intent, 0) >= 10, (lang, intent, seen.get(intent))


def test_every_response_is_used_by_an_action():
    """Rasa's validator can't see responses sent by custom actions; this test can."""
    code = "\n".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
    used = {need.response for need in NEEDS.values()} | set(re.findall(r'"(utter_\w+)"', code))
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["responses"]) == used
