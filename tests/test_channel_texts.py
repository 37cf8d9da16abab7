"""Channel texts: both languages for every key, numbers only from the directory."""
import re

import pytest

from bot.texts import all_texts, text


# Values a channel passes in itself (not from the directory), e.g. {limit} for message_too_long.
CHANNEL_VALUES = {"limit": "2,000"}


@pytest.mark.parametrize("key", sorted(all_texts()))
def test_every_channel_text_exists_in_english_and_french_and_renders(key):
    assert set(all_texts()[key]) == {"en", "fr"}
    for lang in ("en", "fr"):
        assert text(key, lang, **CHANNEL_VALUES).strip()


@pytest.mark.parametrize("key", sorted(all_texts()))
def test_no_phone_number_is_typed_into_channel_texts(key):
    for lang in ("en", "fr"):
        assert not re.search(r"\d{3}", all_texts()[key][lang]), "write {emergency[phone]}, not the number"


def test_unreachable_text_gives_911_and_the_hotline_in_the_users_language():
    fr = text("assistant_unreachable", "fr")
    assert "911" in fr and "1-833-900-1010" in fr and "appelle" in fr
    assert "call 911" in text("assistant_unreachable", "en")
    assert text("assistant_unreachable", "de") == text("assistant_unreachable", "en")
