"""Issue #10 through the real assistant (NLU, safety net, rules, actions), in both languages:
no dead end, danger told by someone else, mixed messages, and each need added for it."""

import re
import uuid

import pytest

pytestmark = pytest.mark.integration

DIGITS = lambda s: re.sub(r"\D", "", s)
HOTLINE = "8339001010"


def ask(assistant, message):
    """The first turn of a new conversation: its text, and its buttons' payloads in order."""
    text, buttons = assistant.turn("test-" + uuid.uuid4().hex[:10], message)
    return text, list(buttons.values())


@pytest.mark.parametrize(
    "message",
    [
        "my 13 year old left with a man twice her age and her phone is off",
        "our son never came home from school and no one knows where he is",
        "ma fille de 14 ans est partie avec un gars plus vieux pis elle répond pu",
        "mon neveu a disparu depuis ce matin",
    ],
)
def test_danger_told_by_a_parent_gets_911_first_then_the_hotline(assistant, message):
    text, _ = ask(assistant, message)
    assert "911" in text.splitlines()[0]
    assert HOTLINE in DIGITS(text)


@pytest.mark.parametrize(
    "message, need",
    [
        ("i'm safe now but i want a restraining order against him", "restraining order"),
        ("not an emergency, i just want to report someone anonymously", "8883101122"),
        ("je suis en sécurité maintenant, je veux une ordonnance contre lui", "ordonnance"),
    ],
)
def test_reassurance_then_a_need_gets_the_need_not_911(assistant, message, need):
    text, _ = ask(assistant, message)
    assert need in (DIGITS(text) if need.isdigit() else text)
    assert not re.search(r"\b911\b", text)  # no false alarm: the answer is the need


@pytest.mark.parametrize(
    "message, question",
    [
        ("something happened and i dont know who to tell", "Are you safe right now?"),
        ("c'est compliqué, je sais pas comment l'expliquer", "Êtes-vous en sécurité en ce moment ?"),
    ],
)
def test_a_vague_message_gets_a_question_with_911_and_yes_no_buttons(assistant, message, question):
    text, payloads = ask(assistant, message)
    assert question in text and re.search(r"\b911\b", text)
    assert payloads[:2] == ["/user_safe", "/emergency"]


@pytest.mark.parametrize(
    "message, expected",
    [
        ("i have nowhere safe to sleep tonight", ["211"]),
        ("j'ai nulle part où dormir ce soir", ["211"]),
        (
            "i'm worried about my sister, her boyfriend takes her money and decides who she sees, how do i help",
            [HOTLINE, "confront"],
        ),
        ("je pense que ma cousine se fait exploiter, comment je peux l'aider", [HOTLINE, "affronte"]),
        ("if i call will they tell children's aid? im 14", ["children's aid"]),
        ("si j'appelle est-ce qu'ils vont avertir la DPJ? j'ai 14 ans", ["aide à l'enfance"]),
        # an adult is not sent to Kids Help Phone (issue 18): 988 takes texts in a crisis
        ("can i text someone instead of calling", ["988"]),
        ("im 15, can i text someone instead of calling", ["686868"]),
        ("je veux parler à une vraie personne maintenant", [HOTLINE]),
        ("my employer keeps my work permit and i work 16 hours a day with no pay", ["immigration status"]),
        ("mon employeur garde mon permis de travail pis me paie pas", ["statut d'immigration"]),
        ("necesito ayuda, mi jefe tiene mi pasaporte", [HOTLINE, "911"]),
    ],
)
def test_each_new_need_gets_its_answer(assistant, message, expected):
    text, payloads = ask(assistant, message)
    for item in expected:
        assert item in (DIGITS(text) if item.isdigit() else text), (message, text[:200])
    assert "/safety_exit" in payloads


@pytest.mark.parametrize(
    "message, clause",
    [
        ("hello", "automated assistant"),
        ("my boss keeps my passport", "automated assistant"),
        ("bonjour", "assistant automatisé"),
    ],
)
def test_the_first_answer_says_it_is_automated(assistant, message, clause):
    text, _ = ask(assistant, message)
    assert clause in text
