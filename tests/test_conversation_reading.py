"""Issue #17, through the real Rasa server and action server: the conversation is read, the question
"are you safe right now?" is asked once, and a follow-up keeps its need. Cases are whole conversations;
only the reply to the last turn is checked, as in the behavioural contract."""

from __future__ import annotations

import re
import uuid

import pytest

pytestmark = pytest.mark.integration


def text_of(reply):
    return "\n".join(m.get("text") or "" for m in reply)


def converse(assistant, turns):
    sender = "test-" + uuid.uuid4().hex[:10]
    reply = []
    for turn in turns:
        reply = assistant.say(sender, turn)
    return reply


def first_number(text: str):
    found = re.search(r"\b911\b|1-833-900-1010|686868|1-800-668-6868", text)
    return found.group(0) if found else None


@pytest.mark.parametrize(
    "turns",
    [
        ["my son is 13", "he's been talking to a man on a game for weeks", "he's gone and we can't reach him"],
        ["ma fille a 14 ans", "elle parle avec un homme plus vieux sur snap", "elle est partie depuis hier soir"],
    ],
    ids=["en", "fr"],
)
def test_danger_told_over_three_turns_gets_911_first_once(assistant, turns):
    reply = converse(assistant, turns)
    assert first_number(text_of(reply)) == "911"
    # one answer, not the emergency answer followed by the answer to the message's own intent
    assert sum("911" in (m.get("text") or "") for m in reply) == 1


@pytest.mark.parametrize(
    "turns",
    [["hmm", "idk"], ["euh", "jsais pas"]],
    ids=["en", "fr"],
)
def test_the_safety_question_is_asked_once(assistant, turns):
    sender = "test-" + uuid.uuid4().hex[:10]
    first = text_of(assistant.say(sender, turns[0]))
    second = text_of(assistant.say(sender, turns[1]))
    assert re.search(r"(?i)safe right now|en sécurité en ce moment", first)
    assert not re.search(r"(?i)are you safe right now|es-tu en sécurité|êtes-vous en sécurité", second)
    # instead: a person and the topics, with 911 named
    assert "1-833-900-1010" in second and "911" in second


def test_a_follow_up_with_no_need_of_its_own_keeps_the_need(assistant):
    reply = text_of(
        converse(assistant, ["my boss keeps my passport and says i owe him", "ok but what should i do now"])
    )
    assert "1-833-900-1010" in reply
    assert not re.search(r"(?i)are you safe right now", reply)


@pytest.mark.parametrize(
    "message",
    ["I'm 17 and a boy, does the hotline help guys too?", "is an actual human reading this?"],
)
def test_plain_questions_get_no_911_first(assistant, message):
    assert first_number(text_of(converse(assistant, [message]))) != "911"


@pytest.mark.parametrize(
    "message", ["is an actual human reading this?", "est-ce que c'est une vraie personne qui me répond?"]
)
def test_asked_if_a_person_reads_it_says_it_is_automated_first(assistant, message):
    first = converse(assistant, [message])[0]["text"]
    assert re.match(r"(?i)(no, )?i'm an automated assistant|(non, )?je suis un assistant automatisé", first)
