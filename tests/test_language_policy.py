"""The conversation's language slot, kept by LanguagePolicy in the Rasa server."""

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.plugins.policies.language_policy import language_after
from bot.shared.language import detect


def tracker_after(*turns, metadata=None):
    """A real tracker where the user said each turn (with the NLU's detection) and the bot answered."""
    events = [ActionExecuted("action_listen")]
    language = None
    for text in turns:
        parse = {"text": text, "intent": {"name": "x", "confidence": 1.0}, "entities": []}
        if not text.startswith("/"):
            parse["language_detection"] = detect(text, (metadata or {}).get("language")).as_dict()
        events.append(UserUttered(text, parse_data=parse, metadata=metadata))
        tracker = DialogueStateTracker.from_events("t", events + ([SlotSet("language", language)] if language else []))
        language = language_after(tracker)
        events += [SlotSet("language", language), ActionExecuted("action_respond"), ActionExecuted("action_listen")]
    return language


@pytest.mark.parametrize(
    "turns,expected",
    [
        (["bonjour", "merci"], "fr"),
        (["bonjour", "ok"], "fr"),
        (["bonjour", "ok", "oui", "thanks"], "fr"),
        (["hello", "merci"], "en"),
        (["hello", "oui"], "en"),
        (["salut", "in english please"], "en"),
        (["hello", "en français"], "fr"),
        (["hi", "bonjour, je cherche de l'aide pour ma fille"], "fr"),
        (["salut", "/legal_help"], "fr"),
        (["ok"], "en"),
    ],
)
def test_conversation_language(turns, expected):
    assert tracker_after(*turns) == expected


def test_metadata_hint_decides_an_unclear_first_turn():
    assert tracker_after("ok", metadata={"language": "fr-CA"}) == "fr"
    assert tracker_after("/greet", metadata={"language": "fr"}) == "fr"


def test_no_change_once_an_action_ran():
    events = [
        ActionExecuted("action_listen"),
        UserUttered("salut", parse_data={"language_detection": detect("salut").as_dict()}),
        ActionExecuted("action_respond"),
    ]
    assert language_after(DialogueStateTracker.from_events("t", events)) is None
