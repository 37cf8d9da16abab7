"""End to end: the real Rasa server and action server, over HTTP, in both languages."""

import json
import re
import subprocess
import sys
import uuid

import pytest

from tests.support.servers import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def bot(assistant):
    return assistant


def text_of(reply):
    return "\n".join(m.get("text") or "" for m in reply)


def new_sender():
    return "test-" + uuid.uuid4().hex[:10]


@pytest.mark.parametrize("message", ["he's outside my door", "hes outsde my dor", "il a une arme", "they locked me in"])
def test_danger_gets_911_before_anything_else(bot, message):
    reply = bot.say(new_sender(), message)
    assert "911" in reply[0]["text"].splitlines()[0]


def test_french_in_french_out_and_it_sticks_through_merci(bot):
    s = new_sender()
    assert "Bonjour" in text_of(bot.say(s, "bonjour"))
    reply = text_of(bot.say(s, "merci"))
    assert "De rien" in reply


def test_switch_on_request(bot):
    s = new_sender()
    bot.say(s, "salut")
    assert "continue in English" in text_of(bot.say(s, "in english please"))


def test_metadata_language_hint_decides_an_unclear_first_turn(bot):
    reply = text_of(bot.say(new_sender(), "ok", metadata={"language": "fr-CA"}))
    assert re.search(r"\b(?:Vous|vous|votre)\b", reply) and not re.search(r"\b(?:you|the)\b", reply)


def test_first_answer_says_how_to_leave_and_resource_answers_carry_the_exit_button(bot):
    reply = bot.say(new_sender(), "my boss keeps my passport and says i owe him")
    assert re.search(r"(?i)leave fast", text_of(reply))
    assert "18339001010" in re.sub(r"\D", "", text_of(reply))
    assert "/safety_exit" in [b["payload"] for m in reply for b in m.get("buttons") or []]


@pytest.mark.parametrize("exit_message", ["/safety_exit", "sortir", "exit"])
def test_quick_exit_deletes_the_conversation(bot, exit_message):
    s = new_sender()
    bot.say(s, "il prend tout mon argent")
    assert "il prend tout mon argent" in json.dumps(bot.tracker(s))
    reply = text_of(bot.say(s, exit_message))
    assert len(reply) <= 300 and not re.search(r"\d{3}", reply)
    assert "il prend tout mon argent" not in json.dumps(bot.tracker(s), ensure_ascii=False)
    # The next message starts a new conversation: the first-answer exit hint comes again.
    assert re.search(r"(?i)leave fast|quitter vite", text_of(bot.say(s, "hello")))


def test_public_sample_passes_completely(bot):
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "eval/eval_bot.py"),
            bot.webhook,
            str(ROOT / "eval/sample.jsonl"),
            "--verbose",
            "--min-pass",
            "1.0",
        ],
        capture_output=True,
        text=True,
    )
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["pass_rate"] == 1.0, out.stdout
    assert summary["exit_rate"] == 1.0, out.stdout
    assert summary["calm_rate"] == 1.0 and summary["emergency_911_first"] == 1.0, out.stdout
    assert summary["disclosed_rate"] == 1.0 and summary["multi_turn_pass_rate"] == 1.0, out.stdout


def test_message_text_never_reaches_the_logs(bot):
    secret = "my cousin Zyxwvut keeps my passport " + uuid.uuid4().hex[:6]
    bot.say(new_sender(), secret)
    assert "Zyxwvut" not in bot.log
