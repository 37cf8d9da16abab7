"""Issue #11, point 2: the "Is this OK?" signs check through the real assistant, walked with its own
buttons in both languages, tu/vous respected; danger, a quick exit or another question at any step win."""

import json
import re
import uuid

import pytest

from bot.staff.check import address_words

pytestmark = pytest.mark.integration

DIGITS = lambda s: re.sub(r"\D", "", s)
HOTLINE, KIDS_HELP_PHONE = "8339001010", "686868"


def new_sender():
    return "test-" + uuid.uuid4().hex[:10]


def only(form, text):
    words = address_words(text)
    other = "vous" if form == "tu" else "tu"
    return bool(words[form]) and not words[other]


def test_an_adult_in_english_walks_all_three_questions_and_gets_an_answer_that_leads_to_a_service(assistant):
    sender = new_sender()
    text, buttons = assistant.turn(sender, "is it normal that my boyfriend checks my phone all the time")
    assert "not a diagnosis" in text and "Who is this about?" in text
    assert list(buttons) == ["About me", "About my child", "A young person I work with", "Quick exit"]
    text, buttons = assistant.turn(sender, buttons["About me"])
    for n in (1, 2, 3):
        assert f"Question {n} of 3" in text
        assert list(buttons)[:2] == ["Yes", "No"] and "/safety_exit" in buttons.values()
        if n < 3:
            text, buttons = assistant.turn(sender, buttons["No"])
    text, buttons = assistant.turn(sender, buttons["No"])
    assert "I don't see the usual signs" in text and HOTLINE in DIGITS(text)
    assert {"/contact_person", "/signs_check", "/safety_exit"} <= set(buttons.values())


def test_a_parent_in_french_gets_vous_and_a_sign_leads_to_the_hotline_and_cybertip(assistant):
    sender = new_sender()
    text, _ = assistant.turn(sender, "bonjour, je suis la mère d'une fille de 14 ans")
    assert only("vous", text)
    text, buttons = assistant.turn(sender, "peux-tu m'aider à vérifier si c'est correct")
    assert "C'est à propos de qui ?" in text and only("vous", text)
    text, buttons = assistant.turn(sender, buttons["À propos de mon enfant"])
    assert "Question 1 sur 3" in text and "votre enfant" in text and only("vous", text)
    text, buttons = assistant.turn(sender, buttons["Oui"])
    assert "Ce n'est pas un diagnostic" in text and only("vous", text)
    assert "n'affrontez pas" in text and HOTLINE in DIGITS(text) and "Cyberaide" in text
    assert "Sortie rapide" in buttons


def test_a_teen_in_french_gets_tu_and_kids_help_phone(assistant):
    sender = new_sender()
    assistant.turn(sender, "j'ai 15 ans")
    text, buttons = assistant.turn(sender, "/signs_check")
    assert only("tu", text)
    text, buttons = assistant.turn(sender, buttons["À propos de moi"])
    assert "ton téléphone" in text and only("tu", text)
    text, buttons = assistant.turn(sender, buttons["Oui"])
    assert "ce n'est pas de ta faute" in text and only("tu", text)
    assert KIDS_HELP_PHONE in DIGITS(text)


@pytest.mark.parametrize("lang, exit_word", [("en", "exit"), ("fr", "quitter")])
def test_a_quick_exit_in_the_middle_erases_the_check(assistant, lang, exit_word):
    sender = new_sender()
    _, buttons = assistant.turn(
        sender, "can you help me check if this is ok" if lang == "en" else "peux-tu m'aider à vérifier si c'est correct"
    )
    _, buttons = assistant.turn(sender, buttons["About me" if lang == "en" else "À propos de moi"])
    assistant.turn(sender, buttons["No" if lang == "en" else "Non"])
    reply, _ = assistant.turn(sender, exit_word)
    assert len(reply) <= 300
    assert "signs" not in json.dumps(assistant.tracker(sender))


@pytest.mark.parametrize("danger", ["he's outside my door right now", "il est devant ma porte pis il cogne"])
def test_danger_in_the_middle_of_the_check_gets_911_first(assistant, danger):
    sender = new_sender()
    assistant.turn(sender, "/signs_check")
    assistant.turn(sender, '/signs_check{"step":"me_1"}')
    text, _ = assistant.turn(sender, danger)
    assert "911" in text.splitlines()[0]


def test_another_question_in_the_middle_leaves_the_check(assistant):
    sender = new_sender()
    assistant.turn(sender, "/signs_check")
    assistant.turn(sender, '/signs_check{"step":"work_1"}')
    text, _ = assistant.turn(sender, "i have nowhere safe to sleep tonight")
    assert "Question" not in text and "211" in DIGITS(text)


# Issue #11, point 4: helping someone else, from the friend_worry answer.
@pytest.mark.parametrize(
    "lang, start, say, avoid, call",
    [
        (
            "en",
            "i'm worried about my best friend, an older guy controls her phone, how do i help",
            "What can I say?",
            "What should I avoid?",
            "Calling the hotline together",
        ),
        (
            "fr",
            "je pense que ma cousine se fait exploiter, comment je peux l'aider",
            "Quoi lui dire ?",
            "Quoi éviter ?",
            "Appeler la ligne ensemble",
        ),
    ],
)
def test_helping_someone_else_what_to_say_what_to_avoid_and_calling_together(assistant, lang, start, say, avoid, call):
    sender = new_sender()
    text, buttons = assistant.turn(sender, start)
    assert HOTLINE in DIGITS(text) and [say, avoid, call] == list(buttons)[:3]
    text, buttons = assistant.turn(sender, buttons[say])
    assert ("It's not your fault" if lang == "en" else "Ce n'est pas de ta faute") in text  # words to say to the friend
    text, buttons = assistant.turn(sender, buttons[avoid])
    assert ("don't confront" if lang == "en" else "n'affrontez pas") in text
    text, buttons = assistant.turn(sender, buttons.get(call, '/friend_worry{"step":"call"}'))
    assert ("on speaker" if lang == "en" else "haut-parleur") in text and HOTLINE in DIGITS(text)
    assert "/safety_exit" in buttons.values()
    if lang == "fr":
        assert only("vous", text)


@pytest.mark.parametrize("typed", ["autre chose", "something else"])
def test_autre_chose_typed_in_the_middle_leaves_the_check(assistant, typed):
    sender = new_sender()
    assistant.turn(
        sender, "peux-tu m'aider à vérifier si c'est correct" if typed == "autre chose" else "check if this is ok"
    )
    assistant.turn(sender, '/signs_check{"step":"me_1"}')
    text, buttons = assistant.turn(sender, typed)
    assert "Question" not in text and "/safety_exit" in buttons.values()
