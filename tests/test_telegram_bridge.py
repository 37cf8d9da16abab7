"""The Telegram bridge, end to end: the real bridge process, a fake Bot API server on loopback
(tests/support/fake_telegram.py), and the real Rasa assistant. Nothing reaches Telegram.

Polling mode carries most of the checks; webhook mode checks the secret token and a conversation;
a third bridge points at an assistant that is down.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.shared.texts import text
from tests.support.fake_telegram import BridgeProcess as _BridgeProcess
from tests.support.fake_telegram import FakeTelegram
from tests.support.servers import free_port

pytestmark = pytest.mark.integration

TOKEN = "7000000001:AAFakeTokenForTestsOnly_x9Yq2Lm4Np6Rs8Tu"  # not-a-secret (fake, for tests)
SENDER_SECRET = "test-sender-secret-0123456789abcdef"  # not-a-secret (fake, for tests)
WEBHOOK_SECRET = "webhook-secret-Zx81_Qw72-Er63Ty54"  # not-a-secret (fake, for tests)
ids = iter(range(7301000001, 7301999999))


def sender_of(chat_id: int) -> str:
    """What the assistant must see: HMAC-SHA256(secret, chat id), computed here independently."""
    return hmac.new(SENDER_SECRET.encode(), str(chat_id).encode(), hashlib.sha256).hexdigest()


def user_events(tracker: dict) -> list[dict]:
    return [e for e in tracker["events"] if e["event"] == "user"]


def BridgeProcess(fake: FakeTelegram, rasa_url: str, mode: str = "polling", env: dict | None = None) -> _BridgeProcess:
    """The bridge as `make telegram` runs it, at DEBUG (the log test reads everything it printed)."""
    return _BridgeProcess(
        fake,
        rasa_url,
        mode,
        token=TOKEN,
        sender_secret=SENDER_SECRET,
        webhook_secret=WEBHOOK_SECRET,
        env={"TELEGRAM_LOG_LEVEL": "DEBUG", "BRIDGE_TOKEN": "bridge-token-for-tests", **(env or {})},
    )


@pytest.fixture(scope="module")
def polling(assistant):
    with FakeTelegram(TOKEN) as fake, BridgeProcess(fake, assistant.url) as bridge:
        yield fake, bridge


@pytest.fixture(scope="module")
def webhook(assistant):
    with FakeTelegram(TOKEN) as fake, BridgeProcess(fake, assistant.url, mode="webhook") as bridge:
        yield fake, bridge


def buttons_of(message) -> list[str]:
    return [b["text"] for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]


def talk(fake: FakeTelegram, chat_id: int, said: str, language_code: str | None = "en", count: int = 1):
    """The user sends `said`; returns the bot's next `count` messages."""
    mid = fake.user_says(chat_id, said, language_code)
    return fake.wait_bot_messages(chat_id, after=mid, count=count)


def press(fake: FakeTelegram, chat_id: int, message, title: str, language_code: str = "en", count: int = 1):
    before = max(m.message_id for m in fake.bot_messages(chat_id))
    callback_id = fake.user_presses(chat_id, message.message_id, title, language_code)
    fake.wait(
        lambda: any(c.params.get("callback_query_id") == callback_id for c in fake.calls_to("answerCallbackQuery")),
        what="the button press to be answered",
    )
    return fake.wait_bot_messages(chat_id, after=before, count=count)


def forgotten(fake: FakeTelegram, assistant, chat_id: int) -> None:
    """The assistant's conversation is deleted: it follows the neutral line (the screen is cleared first)."""
    fake.wait(
        lambda: not user_events(assistant.tracker(sender_of(chat_id))),
        what="the assistant's conversation to be deleted",
    )


def erased(fake: FakeTelegram, chat_id: int) -> bool:
    """Every message of the chat is deleted, the neutral line included."""
    return fake.chat(chat_id).messages and not fake.visible(chat_id)


# ---------------------------------------------------------------------------------------------- polling


def test_commands_are_registered_in_english_and_french(polling):
    fake, _ = polling
    menus = {c.params.get("language_code"): c.params["commands"] for c in fake.calls_to("setMyCommands")}
    assert {c["command"] for c in menus[None]} == {"start", "help", "language", "exit"}
    assert {c["command"] for c in menus["fr"]} == {"start", "help", "language", "sortir"}
    assert next(c["description"] for c in menus["fr"] if c["command"] == "sortir") == text("telegram_cmd_exit", "fr")
    assert fake.calls_to("deleteWebhook"), "polling starts by removing any webhook"


def test_survivors_whole_path_in_french(polling, assistant):
    """/start, a question in French, a button, /sortir: everything in French, then nothing left."""
    fake, bridge = polling
    chat = next(ids)
    start = talk(fake, chat, "/start", "fr", count=3)
    greeting, hint, exit_line = start
    assert greeting.text.startswith("Bonjour") and "Quelqu'un me contrôle" in buttons_of(greeting)
    assert "quitter" in hint.text
    # how to leave, what the exit cannot delete, and the privacy tip: at /start, never after an exit
    assert exit_line.text == f"{text('telegram_start_exit', 'fr')}\n\n{text('telegram_privacy_tip', 'fr')}"
    assert exit_line.reply_markup["keyboard"] == [[{"text": "Exit / Sortir"}]]
    assert exit_line.reply_markup["is_persistent"] is True

    # the first answer with a number to call also says, once, how to delete the call (a bubble of its own)
    answer, traces = talk(
        fake, chat, "mon patron garde mon passeport et dit que je lui dois de l'argent", "fr", count=2
    )
    assert "efface" in traces.text
    assert "ce n'est pas de votre faute" in answer.text  # an adult: vous
    assert "+1-833-900-1010" in answer.text  # tappable format
    assert "Aide juridique" in buttons_of(answer) and "Sortie rapide" in buttons_of(answer)

    legal, hours = press(fake, chat, answer, "Aide juridique", "fr", count=2)
    assert "ordonnance" in legal.text
    assert hours.text.startswith("En ce moment")  # whether the free lawyers can be reached now

    sender = sender_of(chat)
    tracker = assistant.tracker(sender)
    assert [e["text"] for e in user_events(tracker)][:2] == [
        "/greet",
        "mon patron garde mon passeport et dit que je lui dois de l'argent",
    ]
    assert tracker["slots"]["language"] == "fr"
    assert not user_events(assistant.tracker(str(chat))), "the raw chat id is never a sender"

    every_id = {m.message_id for m in fake.visible(chat)}
    # /start + 3 answers, the question + its answer and how to delete a call, the button's 2 answers (legal, hours)
    assert len(every_id) == 9
    note_mid = fake.user_says(chat, "/sortir", "fr")
    (note,) = fake.wait_bot_messages(chat, after=note_mid)
    assert note.text == text("telegram_erased", "fr")  # one neutral line: nothing about what the chat was
    assert note.reply_markup == {"remove_keyboard": True}
    deleted = {
        i for c in fake.calls_to("deleteMessages") if c.params["chat_id"] == chat for i in c.params["message_ids"]
    }
    assert every_id | {note_mid} <= deleted
    forgotten(fake, assistant, chat)
    fake.wait(lambda: erased(fake, chat), what="the neutral line to be deleted too")


def test_safety_plan_walked_with_its_buttons_in_french_then_erased(polling, assistant):
    """The guided safety plan, typed in French, walked by pressing its inline buttons, then /sortir."""
    fake, _ = polling
    chat = next(ids)
    said = "peux-tu m'aider à faire un plan de sécurité"
    step1, traces, hint = talk(fake, chat, said, "fr", count=3)
    assert "efface" in traces.text  # once: how to delete a call to a number it shows
    assert "Étape 1 sur 3" in step1.text
    assert "+1-833-900-1010" in step1.text  # the hotline, in tappable format
    assert "quitter" in hint.text  # the first answer says how to leave
    assert {"Suite : papiers et argent", "Sortie rapide"} <= set(buttons_of(step1))

    (step2,) = press(fake, chat, step1, "Suite : papiers et argent", "fr")
    assert "Étape 2 sur 3" in step2.text and "papiers" in step2.text
    assert {"Suite : votre téléphone", "Sortie rapide"} <= set(buttons_of(step2))

    (step3,) = press(fake, chat, step2, "Suite : votre téléphone", "fr")
    assert "Étape 3 sur 3" in step3.text and "Telegram" in step3.text
    assert "Sortie rapide" in buttons_of(step3)

    sender = sender_of(chat)
    tracker = assistant.tracker(sender)
    assert [e["text"] for e in user_events(tracker)] == [said, "/safety_plan_documents", "/safety_plan_phone"]
    assert tracker["slots"]["language"] == "fr"
    assert not user_events(assistant.tracker(str(chat))), "the raw chat id is never a sender"

    every_id = {m.message_id for m in fake.visible(chat)}
    assert {step1.message_id, hint.message_id, step2.message_id, step3.message_id} <= every_id
    assert len(every_id) == 6  # the question, step 1, how to delete a call and how to leave, steps 2 and 3
    note_mid = fake.user_says(chat, "/sortir", "fr")
    (note,) = fake.wait_bot_messages(chat, after=note_mid)
    assert note.text.startswith(text("telegram_erased", "fr"))
    assert note.reply_markup == {"remove_keyboard": True}
    deleted = {
        i for c in fake.calls_to("deleteMessages") if c.params["chat_id"] == chat for i in c.params["message_ids"]
    }
    assert every_id | {note_mid} <= deleted
    forgotten(fake, assistant, chat)
    fake.wait(lambda: erased(fake, chat), what="the neutral line to be deleted too")


def test_signs_check_walked_with_inline_buttons_in_french_says_vous_to_a_parent(polling, assistant):
    """The "Is this OK?" check on Telegram: a parent (vous), inline buttons, an answer with the hotline."""
    fake, _ = polling
    chat = next(ids)
    # the answer, how to delete a call (once: it shows numbers) and how to leave
    talk(fake, chat, "bonjour, je suis le père d'un garçon de 13 ans et je m'inquiète pour lui", "fr", count=3)
    (who,) = talk(fake, chat, "peux-tu m'aider à vérifier si c'est correct", "fr")
    assert "C'est à propos de qui ?" in who.text and "À propos de mon enfant" in buttons_of(who)
    (q1,) = press(fake, chat, who, "À propos de mon enfant", "fr")
    assert "Question 1 sur 3" in q1.text and "votre enfant" in q1.text and buttons_of(q1)[:2] == ["Oui", "Non"]
    (q2,) = press(fake, chat, q1, "Non", "fr")
    assert "Question 2 sur 3" in q2.text
    (answer,) = press(fake, chat, q2, "Oui", "fr")
    assert (
        "pas un diagnostic" in answer.text
        and "+1-833-900-1010" in answer.text
        and "Sortie rapide" in buttons_of(answer)
    )


def test_english_conversation_and_language_from_language_code(polling, assistant):
    fake, _ = polling
    en, fr = next(ids), next(ids)
    first = talk(fake, en, "hi there", "en", count=2)
    assert first[0].text.startswith("Hi, I'm glad you reached out")
    assert "Someone is controlling me" in buttons_of(first[0])
    # "ok" says nothing about the language: the user's Telegram language decides.
    reply = talk(fake, fr, "ok", "fr-CA", count=1)[0]
    assert re.search(r"(?i)\b(vous|votre)\b", reply.text) and not re.search(r"(?i)\b(you|the)\b", reply.text)
    latest = user_events(assistant.tracker(sender_of(fr)))[-1]
    assert latest["metadata"]["language"] == "fr-CA"


def test_language_and_help_commands(polling):
    fake, _ = polling
    chat = next(ids)
    talk(fake, chat, "/start", "en", count=3)
    (switched,) = talk(fake, chat, "/language", "en")
    assert switched.text.startswith("D'accord, on continue en français")
    (back,) = talk(fake, chat, "/language", "en")
    assert back.text.startswith("Sure, let's continue in English")
    help_, traces = talk(fake, chat, "/help", "en", count=2)
    assert "delete" in traces.text  # once: how to delete a call to a number it shows
    assert help_.text.startswith("Here are other places that can help")
    assert "Quick exit" in buttons_of(help_)


def test_exit_deletes_every_message_id_in_chunks_of_at_most_100(polling, assistant):
    fake, bridge = polling
    chat = next(ids)
    talk(fake, chat, "/start", "en", count=3)
    first = fake.user_says(chat, "thank you", "en")
    for _ in range(49):  # a long conversation: more than 100 message ids
        fake.user_says(chat, "thank you", "en")
    fake.wait_bot_messages(chat, after=first, count=50)
    every_id = {m.message_id for m in fake.visible(chat)}
    assert len(every_id) > 100
    calls_before = len(fake.calls_to("deleteMessages"))
    exit_mid = fake.user_says(chat, "Exit / Sortir", "en")  # the persistent keyboard button
    fake.wait_bot_messages(chat, after=exit_mid)
    calls = [c for c in fake.calls_to("deleteMessages")[calls_before:] if c.params["chat_id"] == chat]
    deleted = [i for c in calls for i in c.params["message_ids"]]
    assert all(1 <= len(c.params["message_ids"]) <= 100 for c in calls) and len(calls) >= 2
    assert set(deleted) >= every_id | {exit_mid} and len(deleted) == len(set(deleted))
    forgotten(fake, assistant, chat)
    fake.wait(lambda: erased(fake, chat), what="the chat to be empty")


@pytest.mark.parametrize("how", ["quitter", "Quick exit button", "get me out of this chat"])
def test_other_ways_to_exit(polling, assistant, how):
    """Typed exit words; a "Quick exit" button; and what only the assistant understands as an exit."""
    fake, _ = polling
    chat = next(ids)
    greeting = talk(fake, chat, "hello", "en", count=2)[0]
    if how == "Quick exit button":
        (note,) = press(fake, chat, greeting, "Quick exit")
    else:
        mid = fake.user_says(chat, how, "en")
        (note,) = fake.wait_bot_messages(chat, after=mid)
    assert note.text.startswith(text("telegram_erased", "en"))
    forgotten(fake, assistant, chat)
    fake.wait(lambda: erased(fake, chat), what="the chat to be empty")


def test_if_deletemessages_fails_the_messages_are_deleted_one_by_one(polling):
    fake, _ = polling
    chat = next(ids)
    talk(fake, chat, "hello", "en", count=2)
    shown = {m.message_id for m in fake.visible(chat)}
    fake.fail_next("deleteMessages", 500, chat_id=chat)
    mid = fake.user_says(chat, "exit", "en")
    fake.wait_bot_messages(chat, after=mid)
    singles = {c.params["message_id"] for c in fake.calls_to("deleteMessage") if c.params["chat_id"] == chat}
    assert len(shown) == 3 and singles == shown | {mid}
    fake.wait(lambda: erased(fake, chat), what="the chat to be empty")


def test_an_exit_leaves_only_one_neutral_line_never_the_privacy_tip(polling):
    """People exit when someone is watching: the line left after an exit says nothing about the chat,
    the first time as every time (the tip is given at /start)."""
    fake, _ = polling
    chat = next(ids)
    notes = []
    for _ in range(2):
        talk(fake, chat, "hello", "en", count=2)  # a new conversation: greeting and how to leave
        notes.append(talk(fake, chat, "/exit", "en")[0].text)
    assert notes == [text("telegram_erased", "en")] * 2
    assert all(text("telegram_privacy_tip", "en") not in note for note in notes)


def test_flood_limit_429_is_waited_out_and_the_message_is_not_lost(polling):
    fake, bridge = polling
    chat = next(ids)
    fake.fail_next("sendMessage", 429, retry_after=1, chat_id=chat)
    first = talk(fake, chat, "hello", "en", count=2)
    assert first[0].text.startswith("Hi, I'm glad you reached out")
    sends = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == chat]
    assert sends[0].status == 429 and sends[1].status == 200 and sends[0].params["text"] == sends[1].params["text"]
    assert "Rate limit hit" in bridge.log


def test_telegram_error_is_retried(polling):
    fake, _ = polling
    chat = next(ids)
    fake.fail_next("sendMessage", 502, chat_id=chat)
    first = talk(fake, chat, "bonjour", "fr", count=2)
    assert first[0].text.startswith("Bonjour")


def test_a_message_telegram_keeps_refusing_is_not_lost_silently(polling):
    fake, bridge = polling
    chat = next(ids)
    for _ in range(3):  # every attempt at the greeting fails
        fake.fail_next("sendMessage", 502, chat_id=chat)
    mid = fake.user_says(chat, "salut", "fr")
    hint, failed = fake.wait_bot_messages(chat, after=mid, count=2)
    assert "quitter" in hint.text
    assert failed.text == text("telegram_send_failed", "fr").replace("1-833-900-1010", "+1-833-900-1010")
    assert "Message not sent after 3 attempts" in bridge.log


def test_group_gets_one_short_note_and_nothing_else(polling, assistant):
    fake, _ = polling
    group = -1009000000001
    mid = fake.user_says(group, "/start@test_help_bot", "fr", chat_type="supergroup")
    (note,) = fake.wait_bot_messages(group, after=mid)
    assert note.text == text("telegram_group_note", "fr")
    fake.user_says(group, "my boss keeps my passport", "en", chat_type="supergroup")
    mid = fake.user_says(group, "/help", "en", chat_type="supergroup")
    fake.wait_bot_messages(group, after=mid)
    assert [m.text for m in fake.bot_messages(group)] == [
        text("telegram_group_note", "fr"),
        text("telegram_group_note", "en"),
    ]
    assert not user_events(assistant.tracker(sender_of(group)))


def test_a_photo_gets_a_text_only_note(polling):
    fake, _ = polling
    chat = next(ids)
    mid = fake.user_says(chat, None, "fr", photo=True)
    (note,) = fake.wait_bot_messages(chat, after=mid)
    assert note.text == text("telegram_text_only", "fr")


def test_logs_never_show_the_token_chat_ids_or_what_users_wrote(polling):
    """Runs last in this module: the bridge ran every test above at DEBUG."""
    fake, bridge = polling
    log = bridge.log
    assert "Erase:" in log and "Telegram bridge ready" in log  # the log is really captured
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert SENDER_SECRET not in log and "bridge-token-for-tests" not in log
    for chat_id in fake.chats:
        assert str(abs(chat_id)) not in log
        assert sender_of(chat_id) not in log
    for said in ("passeport", "thank you", "quitter", "get me out"):
        assert said not in log


# ---------------------------------------------------------------------------------------------- webhook


def post_update(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    req = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_webhook_is_set_with_a_secret_and_refuses_requests_without_it(webhook):
    fake, bridge = webhook
    assert fake.webhook["url"] == bridge.webhook_url and fake.webhook["secret_token"] == WEBHOOK_SECRET
    chat = next(ids)
    update = {
        "update_id": 999001,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "text": "hello",
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "X"},
        },
    }
    assert post_update(bridge.webhook_url, update, None) == 403
    assert post_update(bridge.webhook_url, update, "wrong-secret-0000000000") == 403
    time.sleep(0.5)
    assert not fake.chat(chat).messages, "a refused update is not processed"


def test_webhook_conversation_and_exit(webhook, assistant):
    fake, _ = webhook
    chat = next(ids)
    first = talk(fake, chat, "someone controls my money and my papers", "en", count=2)
    assert "not your fault" in first[0].text and "+1-833-900-1010" in first[0].text
    (more,) = press(fake, chat, first[0], "More options")
    assert more.text.startswith("Here are other places that can help")
    assert user_events(assistant.tracker(sender_of(chat)))
    mid = fake.user_says(chat, "/exit", "en")
    fake.wait_bot_messages(chat, after=mid)
    forgotten(fake, assistant, chat)
    fake.wait(lambda: erased(fake, chat), what="the chat to be empty")
    assert set(fake.webhook_deliveries) == {200}


# ---------------------------------------------------------------------------------------------- assistant down


def test_assistant_down_gives_911_and_the_hotline_in_the_users_language():
    closed = f"http://127.0.0.1:{free_port()}"
    with FakeTelegram(TOKEN) as fake, BridgeProcess(fake, closed) as bridge:
        fr, en = next(ids), next(ids)
        (fr_reply,) = talk(fake, fr, "bonjour, j'ai besoin d'aide", "fr")
        (en_reply,) = talk(fake, en, "hello I need help", None)
        log = bridge.log
    assert fr_reply.text == text("assistant_unreachable", "fr").replace("1-833-900-1010", "+1-833-900-1010")
    assert "911" in fr_reply.text and "+1-833-900-1010" in fr_reply.text
    assert en_reply.text.startswith("Sorry, I can't reach the assistant") and "911" in en_reply.text
    assert "Assistant unavailable" in log


# ---------------------------------------------------------------------------------------------- stub assistant


class StubAssistant:
    """A stand-in for Rasa's REST channel on loopback. Records every message it is sent. A message
    listed in `stall` waits (bounded) until `release` is set; `/safety_exit` gets the assistant's
    real exit answer, or 200 with no answer (what Rasa returns when its action server failed)
    while `failed_erases` is above zero."""

    EXIT_ANSWER = "You exited the chat. This conversation is deleted. You can come back any time."

    def __init__(self):
        self.told: dict[str, dict] = {}  # what the assistant tells (custom) in its answer to a message
        self.texts: dict[str, str] = {}  # the answer's text, when not "stub answer to ..."
        self.received: list[str] = []
        self.returned: list[str] = []
        self.stall = set()
        self.buttons: dict[str, list[dict]] = {}
        self.release = threading.Event()
        self.failed_erases = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                said = body["message"]
                stub.received.append(said)
                if said in stub.stall:
                    stub.release.wait(30)
                if said == "/safety_exit":
                    if stub.failed_erases > 0:
                        stub.failed_erases -= 1
                        answer = []
                    else:
                        answer = [
                            {
                                "recipient_id": body["sender"],
                                "text": stub.EXIT_ANSWER,
                                "custom": {"language": "en", "erase": True},
                            }
                        ]
                else:
                    answer = [
                        {
                            "recipient_id": body["sender"],
                            "text": stub.texts.get(said, f"stub answer to {said}"),
                            "custom": stub.told.get(said, {"language": "en"}),
                            **({"buttons": stub.buttons[said]} if said in stub.buttons else {}),
                        }
                    ]
                raw = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                stub.returned.append(said)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> StubAssistant:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    "answer, told, note_language",
    [
        ("Je suis là pour toi, et tu peux me parler de ce que tu vis.", "en", "en"),  # French words, told English
        ("OK : 911.", "fr", "fr"),  # nothing to guess from, told French
    ],
)
def test_the_bridge_speaks_the_language_the_assistant_tells_not_the_one_its_words_suggest(answer, told, note_language):
    with StubAssistant() as stub, FakeTelegram(TOKEN) as fake, BridgeProcess(fake, stub.url):
        stub.texts["hello"], stub.told["hello"] = answer, {"language": told}
        chat = next(ids)
        (shown,) = talk(fake, chat, "hello", "en")
        assert shown.text == answer
        (note,) = talk(fake, chat, "/exit", "en")  # the neutral line is in the conversation's language
        assert note.text.startswith(text("telegram_erased", note_language))


def test_an_answer_flagged_erase_clears_the_chat_whatever_its_text():
    """The assistant took a message as a quick exit (its own reading, not the bridge's exit words) and
    deleted the conversation: the bridge deletes the chat's messages too."""
    with StubAssistant() as stub, FakeTelegram(TOKEN) as fake, BridgeProcess(fake, stub.url):
        stub.texts["someone is coming i need to hide all this"] = "Bye."
        stub.told["someone is coming i need to hide all this"] = {"language": "en", "erase": True}
        chat = next(ids)
        talk(fake, chat, "hello", "en")
        (note,) = talk(fake, chat, "someone is coming i need to hide all this", "en")
        assert note.text.startswith(text("telegram_erased", "en"))
        fake.wait(lambda: erased(fake, chat), what="the chat to be empty")
        assert stub.received == [
            "hello",
            "someone is coming i need to hide all this",
        ]  # the assistant already deleted it: no second erase


def test_an_erase_after_a_bridge_restart_deletes_the_messages_seen_before_it(tmp_path):
    """The chat's message ids live in the bridge's state store (SQLite here), not in its memory."""
    state = {"TELEGRAM_STATE_URL": f"sqlite:///{tmp_path / 'telegram.db'}"}
    with StubAssistant() as stub, FakeTelegram(TOKEN) as fake:
        chat = next(ids)
        with BridgeProcess(fake, stub.url, env=state):
            (answer,) = talk(fake, chat, "bonjour", "fr")
        before = {m.message_id for m in fake.visible(chat)}
        assert len(before) == 2  # the user's message and the answer
        with BridgeProcess(fake, stub.url, env=state):  # a new process: nothing in memory
            (note,) = talk(fake, chat, "/exit", "fr")
            fake.wait(lambda: erased(fake, chat), what="the chat to be empty")
        deleted = {
            i for c in fake.calls_to("deleteMessages") if c.params["chat_id"] == chat for i in c.params["message_ids"]
        }
        assert before <= deleted
        assert note.text.startswith(text("telegram_erased", "en"))  # the stub's answers said English


def test_an_erase_answered_200_without_the_erase_flag_is_retried():
    """Rasa answers 200 even when its action server failed and nothing was deleted: the bridge
    must not count that as done, and asks again before the chat's next message."""
    with StubAssistant() as stub, FakeTelegram(TOKEN) as fake, BridgeProcess(fake, stub.url) as bridge:
        chat = next(ids)
        talk(fake, chat, "hello", "en")
        stub.failed_erases = 1
        (note,) = talk(fake, chat, "/exit", "en")
        assert note.text.startswith(text("telegram_erased", "en"))
        fake.wait(lambda: stub.received.count("/safety_exit") == 1, what="the first erase request")
        (answer,) = talk(fake, chat, "hello again", "en")
        assert answer.text == "stub answer to hello again"
        assert stub.received == ["hello", "/safety_exit", "/safety_exit", "hello again"]
        assert "could not delete a conversation yet" in bridge.log
        # Done now: the next message does not erase again.
        talk(fake, chat, "thanks", "en")
        assert stub.received[-1:] == ["thanks"] and stub.received.count("/safety_exit") == 2


@pytest.mark.parametrize("how", ["/exit", "Exit / Sortir", "Quick exit button"])
def test_exit_clears_the_chat_at_once_while_the_assistant_is_stuck_on_an_earlier_message(how):
    """The user's Exit never waits behind an earlier message the assistant is slow to answer: the
    chat's messages are deleted while that call is still stalled; the assistant's erase follows,
    in order, and the late answer is never shown."""
    with StubAssistant() as stub, FakeTelegram(TOKEN) as fake, BridgeProcess(fake, stub.url):
        stub.buttons["hello"] = [{"title": "Quick exit", "payload": "/safety_exit"}]
        stub.stall = {"are you there"}
        chat = next(ids)
        (greeting,) = talk(fake, chat, "hello", "en")
        stuck = fake.user_says(chat, "are you there", "en")
        fake.wait(lambda: "are you there" in stub.received, what="the assistant to get the stalled message")
        if how == "Quick exit button":
            fake.user_presses(chat, greeting.message_id, "Quick exit", "en")
        else:
            fake.user_says(chat, how, "en")

        def deleted():
            return {
                i
                for c in fake.calls_to("deleteMessages")
                if c.params["chat_id"] == chat
                for i in c.params["message_ids"]
            }

        fake.wait(lambda: {greeting.message_id, stuck} <= deleted(), what="the chat's messages to be deleted")
        assert "are you there" not in stub.returned, "deleted while the earlier call was still stalled"
        (note,) = fake.wait_bot_messages(chat, after=greeting.message_id)
        assert note.text.startswith(text("telegram_erased", "en"))
        assert "/safety_exit" not in stub.received, "the assistant's erase waits its turn behind the stalled message"

        stub.release.set()
        fake.wait(lambda: "/safety_exit" in stub.returned, what="the assistant's erase")
        assert stub.received == ["hello", "are you there", "/safety_exit"]
        fake.wait(lambda: erased(fake, chat), what="the chat to be empty")
        assert not any("are you there" in (m.text or "") for m in fake.bot_messages(chat)), (
            "the late answer is never shown"
        )
        # The chat goes on normally after the exit.
        (answer,) = talk(fake, chat, "hello again", "en")
        assert answer.text == "stub answer to hello again"
