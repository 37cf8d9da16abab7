"""Issue #11: the guided paths through the real assistant, walked with their own buttons, in both
languages; a quick exit or danger at any step wins, and the exit erases the whole path."""

import json
import re
import uuid

import pytest

pytestmark = pytest.mark.integration


PATHS = {
    "en": [
        ("how do i get a restraining order against my trafficker", "For me", "restraining order"),
        (None, "What happens next?", "You can apply for yourself"),
        (None, None, "What happens next, step by step"),
    ],
    "fr": [
        ("je veux une ordonnance pour qu'il arrête de me contacter", "Pour moi", "ordonnance interdictive"),
        (None, "Et ensuite ?", "Vous pouvez la demander pour vous-même"),
        (None, None, "La suite, étape par étape"),
    ],
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_restraining_order_guide_walks_with_its_buttons_and_says_when_lawyers_answer(assistant, lang):
    sender, payload = "test-" + uuid.uuid4().hex[:10], None
    for typed, next_button, expected in PATHS[lang]:
        text, buttons = assistant.turn(sender, typed or payload)
        assert expected in text
        assert "18339001010" in re.sub(r"\D", "", text)
        assert re.search(
            r"Right now: .* (is open|is closed)" if lang == "en" else r"En ce moment : .* (est ouvert|est fermé)", text
        )
        assert "/safety_exit" in buttons.values()
        payload = buttons.get(next_button) if next_button else None


@pytest.mark.parametrize(
    "lang, start, steps, exit_word",
    [
        ("en", "can you help me make a safety plan", ["Next: papers and money", "Next: your phone"], "exit"),
        (
            "fr",
            "peux-tu m'aider à faire un plan de sécurité",
            ["Suite : papiers et argent", "Suite : votre téléphone"],
            "quitter",
        ),
    ],
)
def test_the_safety_plan_goes_step_by_step_and_a_quick_exit_erases_it(assistant, lang, start, steps, exit_word):
    sender = "test-" + uuid.uuid4().hex[:10]
    text, buttons = assistant.turn(sender, start)
    assert ("Step 1 of 3" if lang == "en" else "Étape 1 sur 3") in text
    for n, title in enumerate(steps, start=2):
        text, buttons = assistant.turn(sender, buttons[title])
        assert (f"Step {n} of 3" if lang == "en" else f"Étape {n} sur 3") in text
    assert "Telegram" in text  # the phone step covers Telegram's auto-delete
    reply, _ = assistant.turn(sender, exit_word)
    assert len(reply) <= 300
    assert "safety_plan" not in json.dumps(assistant.tracker(sender))


@pytest.mark.parametrize(
    "lang, danger", [("en", "he found me, he's outside my door"), ("fr", "il est devant ma porte pis il cogne")]
)
def test_danger_in_the_middle_of_a_path_gets_911_first(assistant, lang, danger):
    sender = "test-" + uuid.uuid4().hex[:10]
    assistant.turn(sender, "/safety_plan")
    assistant.turn(sender, "/safety_plan_documents")
    text, _ = assistant.turn(sender, danger)
    assert "911" in text.splitlines()[0]
