"""Channel texts: both languages for every key, numbers only from the directory."""

import pytest

from bot.shared.texts import all_texts, text
from bot.staff.check import run_checks
from bot.staff.findings import errors
from bot.staff.project import Project
from tests.conftest import ROOT


def test_every_channel_text_exists_in_english_and_french_without_typed_numbers():
    found = errors(run_checks(Project(ROOT), ["channel_texts"]))
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize("key", sorted(all_texts()))
def test_every_channel_text_renders_in_both_languages(key):
    for lang in ("en", "fr"):
        assert text(key, lang).strip()  # numbers filled from the directory (an unknown one raises)


def test_unreachable_text_gives_911_and_the_hotline_in_the_users_language():
    fr = text("assistant_unreachable", "fr")
    assert "911" in fr and "1-833-900-1010" in fr and "appeler" in fr
    assert "call 911" in text("assistant_unreachable", "en")
    assert text("assistant_unreachable", "de") == text("assistant_unreachable", "en")


def test_french_channel_texts_say_neither_tu_nor_vous():
    """The widget's and Telegram's own texts are shown before anyone says who they are: a parent must
    not be called "tu", a teen need not be called "vous" (answers choose; see bot/shared/audience.py)."""
    import re

    import yaml

    from tests.conftest import ROOT

    texts = yaml.safe_load((ROOT / "data" / "channel_texts.yml").read_text(encoding="utf-8"))
    addressing = re.compile(r"\b(?:tu|ton|ta|tes|toi|te|vous|votre|vos)\b|\bt'", re.I)
    assert {k: v["fr"] for k, v in texts.items() if isinstance(v, dict) and addressing.search(v.get("fr") or "")} == {}


def test_the_french_safety_page_says_neither_tu_nor_vous():
    import re

    from tests.conftest import ROOT

    page = re.sub(r"<[^>]+>", " ", (ROOT / "web" / "safety.fr.html").read_text(encoding="utf-8"))
    assert not re.findall(r"\b(?:tu|ton|ta|tes|toi|te|vous|votre|vos)\b|\bt'", page, re.I)
