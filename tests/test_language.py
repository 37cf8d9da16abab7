"""Language detection: short turns, stickiness, switches, the channel's hint, determinism."""

import subprocess
import sys

import pytest

from bot.shared.language import conversation_language, detect, plain_langdetect
from tests.conftest import ROOT


@pytest.mark.parametrize(
    "text", ["salut", "allô", "merci", "oui", "bonjour!", "slt", "d'accord", "mrc", "ouais", "stp aide moi"]
)
def test_short_french_turns_are_french(text):
    assert detect(text).language == "fr"


@pytest.mark.parametrize("text", ["help", "hello", "thanks", "hi", "yes please", "idk", "thx"])
def test_short_english_turns_are_english(text):
    assert detect(text).language == "en"


@pytest.mark.parametrize(
    "text",
    [
        "il prend tout mon argent",
        "mon boss garde mon passeport",
        "jsuis pas bien pis jsais pas quoi faire",
        "c quoi ton film prefere",
        "mon chum me fait voir des clients",
    ],
)
def test_french_without_accents_or_in_slang_is_french(text):
    assert detect(text).language == "fr"


def test_ok_carries_no_language_of_its_own():
    d = detect("ok")
    assert d.source == "default" and d.confidence <= 0.5


@pytest.mark.parametrize("current", ["en", "fr"])
@pytest.mark.parametrize("text", ["ok", "merci", "oui", "thanks", "yes", "k", "👍", "help"])
def test_short_turns_keep_the_conversation_language(current, text):
    assert conversation_language(current, detect(text)) == current


@pytest.mark.parametrize(
    "current,text,expected",
    [
        ("fr", "english please", "en"),
        ("fr", "English?", "en"),
        ("en", "français?", "fr"),
        ("fr", "in english please", "en"),
        ("fr", "can we speak english", "en"),
        ("fr", "en anglais svp", "en"),
        ("en", "en français", "fr"),
        ("en", "en francais stp", "fr"),
        ("en", "french please", "fr"),
        ("en", "parle français", "fr"),
    ],
)
def test_explicit_switches_name_the_target_language(current, text, expected):
    d = detect(text)
    assert d.explicit
    assert conversation_language(current, d) == expected


def test_a_clear_message_in_the_other_language_switches():
    assert conversation_language("en", detect("bonjour, j'ai besoin d'aide pour mon amie")) == "fr"
    assert conversation_language("fr", detect("sorry I don't speak French, can you help me find a shelter")) == "en"


def test_first_message_sets_the_language_and_metadata_breaks_ties():
    assert conversation_language(None, detect("salut")) == "fr"
    assert conversation_language(None, detect("ok", hint="fr-CA"), hint="fr-CA") == "fr"
    assert conversation_language(None, detect("ok")) == "en"
    # The hint never overrides a clear message.
    assert detect("my boss keeps my passport", hint="fr").language == "en"


def test_metadata_hint_accepts_telegram_and_page_codes():
    for hint in ("fr", "FR", "fr-CA", "fr_CA"):
        assert detect("ok", hint=hint).language == "fr"
    assert detect("ok", hint="de").language == "en"


def test_detection_is_deterministic_across_processes():
    code = "from bot.shared.language import detect; print([detect(t) for t in ['il prend tout', 'bonjour mon ami', 'help me pls', 'ok cool merci']])"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
        for _ in range(3)
    }
    assert len(runs) == 1


def test_better_than_plain_langdetect_on_short_turns():
    cases = [
        ("salut", "fr"),
        ("merci", "fr"),
        ("bonjour!", "fr"),
        ("allô", "fr"),
        ("il prend tout mon argent", "fr"),
        ("jsuis pas bien", "fr"),
        ("help", "en"),
        ("hey", "en"),
        ("oui", "fr"),
        ("mon chum", "fr"),
    ]
    ours = sum(detect(t).language == lang for t, lang in cases)
    plain = sum(plain_langdetect(t) == lang for t, lang in cases)
    assert ours == len(cases) and plain < ours


@pytest.mark.parametrize(
    "text,lang", [("quick exit pls", "en"), ("quick exit please", "en"), ("sortie rapide svp", "fr")]
)
def test_a_typed_quick_exit_is_answered_in_its_own_language(text, lang):
    # "quick exit pls" was read as French (langdetect on three short words), so the exit answer was French
    assert detect(text).language == lang
