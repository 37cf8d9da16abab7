"""Issue #11, point 7, through the real assistant: French says "vous" to a parent (and to anyone not
known yet), "tu" to a teen, chosen in the Rasa server from this turn's words, and it sticks."""

import uuid

import pytest

from bot.staff.check import address_words

pytestmark = pytest.mark.integration


def conversation(assistant, *turns):
    sender = "test-" + uuid.uuid4().hex[:10]
    return [assistant.turn(sender, said)[0] for said in turns], sender


def addressed(text):
    words = address_words(text)
    return (
        {"tu"} if words["tu"] and not words["vous"] else {"vous"} if words["vous"] and not words["tu"] else set(words)
    )


def test_a_parent_gets_vous_from_the_first_answer_and_through_merci(assistant):
    replies, sender = conversation(
        assistant, "bonjour, ma fille de 14 ans parle à un homme plus vieux sur snap", "merci"
    )
    assert [addressed(r) for r in replies] == [{"vous"}, {"vous"}]
    assert "De rien" in replies[1] and "Prenez votre temps" in replies[1]
    assert assistant.tracker(sender)["slots"]["address"] == "vous"


def test_a_teen_gets_tu_from_the_first_answer_and_through_merci(assistant):
    replies, sender = conversation(
        assistant, "j'ai 15 ans pis mon chum veut que je parle à ses amis pour de l'argent", "merci"
    )
    assert [addressed(r) for r in replies] == [{"tu"}, {"tu"}]
    assert "Prends ton temps" in replies[1]
    assert assistant.tracker(sender)["slots"]["address"] == "tu"


def test_someone_unknown_gets_vous_and_english_is_unchanged(assistant):
    replies, _ = conversation(assistant, "bonjour")
    assert addressed(replies[0]) == {"vous"}
    replies, _ = conversation(assistant, "hello")
    assert "I'm glad you reached out" in replies[0]
