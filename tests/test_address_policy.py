"""The conversation's `address` slot (tu / vous), kept by AddressPolicy in the Rasa server."""

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.plugins.policies.address_policy import address_for
from bot.shared.audience import DEFAULT_ADDRESS, address_after


def address_after_turns(*turns):
    """A real tracker where the user said each (text, intent) turn and the bot answered."""
    events = [ActionExecuted("action_listen")]
    address = None
    for text, intent in turns:
        parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
        events.append(UserUttered(text, intent=parse["intent"], parse_data=parse))
        tracker = DialogueStateTracker.from_events("t", events + ([SlotSet("address", address)] if address else []))
        address = address_for(tracker)
        events += [SlotSet("address", address), ActionExecuted("action_respond"), ActionExecuted("action_listen")]
    return address


@pytest.mark.parametrize(
    "turns, expected",
    [
        ([("bonjour", "greet")], DEFAULT_ADDRESS),
        ([("bonjour, je suis la mère d'une fille de 14 ans", "parent_worry")], "vous"),
        ([("ma fille parle à un homme plus vieux en ligne", "parent_worry"), ("merci", "thanks")], "vous"),
        ([("j'ai 15 ans pis mon chum garde mon téléphone", "trafficking"), ("merci", "thanks")], "tu"),
        ([("j'ai 15 ans", "youth_support"), ("ok", "affirm"), ("/trafficking", "trafficking")], "tu"),  # sticky
        ([("salut", "greet"), ("j'ai besoin de parler à quelqu'un, je suis au secondaire", "youth_support")], "tu"),
        ([("/parent_worry", "parent_worry")], "vous"),  # the topic button "Je m'inquiète pour mon enfant"
        ([("j'ai 16 ans", "youth_support"), ("en fait c'est pour mon fils", "parent_worry")], "vous"),
    ],
)
def test_address_follows_the_audience_and_sticks(turns, expected):
    assert address_after_turns(*turns) == expected


def test_about_my_child_in_the_signs_check_is_a_parent():
    events = [ActionExecuted("action_listen"), SlotSet("address", "tu")]
    parse = {"intent": {"name": "signs_check"}, "entities": [{"entity": "step", "value": "child_1"}]}
    events.append(
        UserUttered(
            '/signs_check{"step":"child_1"}', intent=parse["intent"], entities=parse["entities"], parse_data=parse
        )
    )
    assert address_for(DialogueStateTracker.from_events("t", events)) == "vous"
    assert address_after("tu", '/signs_check{"step":"me_1"}', "signs_check", "me_1") == "tu"


def test_an_unknown_reader_is_vous_and_keeps_what_the_conversation_had():
    assert address_after(None, "allo", "greet") == "vous"
    assert address_after("tu", "merci", "thanks") == "tu"
    assert address_after("vous", "merci", "thanks") == "vous"


def test_no_change_once_an_action_ran():
    events = [
        ActionExecuted("action_listen"),
        UserUttered("j'ai 15 ans", intent={"name": "youth_support"}),
        ActionExecuted("action_respond"),
    ]
    assert address_for(DialogueStateTracker.from_events("t", events)) is None


def test_a_teen_living_in_a_foster_family_is_a_teen_and_foster_parents_are_parents():
    assert address_after(None, "jai 16 ans, chu en famille d'accueil pis j'ai besoin de jaser", "youth_support") == "tu"
    assert (
        address_after(None, "nous sommes une famille d'accueil et notre jeune de 14 ans a fugué", "parent_worry")
        == "vous"
    )
