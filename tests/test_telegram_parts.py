"""The Telegram bridge's parts, without servers: rendering, memory, logging, settings, the REST client."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.channels.telegram import logs
from bot.channels.telegram.assistant import Assistant, AssistantUnavailable
from bot.channels.telegram.config import Config, ConfigError, sender_id
from bot.channels.telegram.memory import DELETABLE_SECONDS, ChatMemory, open_store
from bot.channels.telegram.render import MAX_MESSAGE, Payloads, format_phones, inline_keyboard, split_text, tg_len
from bot.shared.texts import text

TOKEN = "7000000001:AAFakeTokenForTestsOnly_x9Yq2Lm4Np6Rs8Tu"  # not-a-secret (fake, for tests)
GOOD_ENV = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_SENDER_SECRET": "s" * 32}


# ------------------------------------------------------------------------------------ rendering


@pytest.mark.parametrize(
    "before, after",
    [
        ("Hotline: 1-833-900-1010, 24/7.", "Hotline: +1-833-900-1010, 24/7."),
        ("au 1-833-900-1010, ou", "au +1-833-900-1010, ou"),
        ("(Toronto 416-314-2447)", "(Toronto +1-416-314-2447)"),
        ("already +1-833-900-1010", "already +1-833-900-1010"),
        ("Call 911 now. Text 686868. Dial 2-1-1.", "Call 911 now. Text 686868. Dial 2-1-1."),
    ],
)
def test_phone_numbers_get_the_tappable_international_form(before, after):
    assert format_phones(before) == after


def test_hotline_in_a_channel_text_becomes_tappable():
    assert "+1-833-900-1010" in format_phones(text("assistant_unreachable", "fr"))


def test_long_answers_split_between_paragraphs_and_lose_nothing():
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(12)]  # ~9,000 characters
    body = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_text(body)
    assert len(parts) == 3 and all(tg_len(p) <= MAX_MESSAGE for p in parts)
    assert all(p.startswith("Paragraph") for p in parts), "each part starts at a paragraph"
    assert "\n\n".join(parts) == body


def test_a_paragraph_longer_than_the_limit_splits_at_a_sentence_and_emoji_count_double():
    body = ("Une phrase assez courte. " * 400).strip()
    parts = split_text(body, limit=1000)
    assert all(tg_len(p) <= 1000 and p.endswith(".") for p in parts)
    assert " ".join(parts) == body
    emoji = "🙂" * 600  # 1,200 UTF-16 units
    assert [tg_len(p) for p in split_text(emoji, limit=1000)] == [1000, 200]


def test_short_answer_is_one_message():
    assert split_text("  Hi.  ") == ["Hi."]


def test_callback_data_stays_within_64_bytes_and_maps_back():
    payloads = Payloads()
    long_payload = '/legal_help{"topic": "restraining order for someone who is éèà très long"}'
    assert len(long_payload.encode()) > 64
    markup = inline_keyboard(
        [{"title": "Legal", "payload": long_payload}, {"title": "Exit", "payload": "/safety_exit"}], payloads
    )
    datas = [row[0].callback_data for row in markup.inline_keyboard]
    assert all(len(d.encode()) <= 64 for d in datas)
    assert datas[1] == "/safety_exit"
    assert payloads.decode(datas[0]) == long_payload
    assert payloads.decode("#0123456789abcdef") is None, "an unknown key (e.g. after a restart) is not guessed"


# ------------------------------------------------------------------------------------ memory


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_memory_keeps_ids_at_most_48_hours_and_forgets_on_erase():
    clock = Clock()
    memory = ChatMemory(clock=clock)
    memory.remember("abc", 1)
    clock.now += DELETABLE_SECONDS - 10
    memory.remember("abc", 2)
    clock.now += 20
    assert memory.message_ids("abc") == [2]
    memory.set_language("abc", "fr")
    assert memory.forget("abc") == [2]
    assert memory.message_ids("abc") == [] and memory.language("abc") is None and len(memory) == 0


def test_sweep_drops_idle_chats():
    clock = Clock()
    memory = ChatMemory(clock=clock)
    memory.remember("old", 1)
    memory.remember("new", 2)
    clock.now += DELETABLE_SECONDS + 1
    memory.remember("new", 3)
    assert memory.sweep() == 1 and len(memory) == 1


def test_memory_holds_only_integers_and_times():
    memory = ChatMemory()
    memory.remember("abc", 17)
    ids, language, last = memory.store._chats["abc"]
    assert all(isinstance(mid, int) and isinstance(t, float) for mid, t in ids) and language is None


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_the_state_store_keeps_ids_and_language_for_48_hours_and_nothing_else(tmp_path, backend):
    url = "memory://" if backend == "memory" else f"sqlite:///{tmp_path / 'telegram.db'}"
    clock = Clock()
    memory = ChatMemory(open_store(url), clock=clock)
    sender = sender_id("secret" * 4, 7301000001)
    memory.remember(sender, 10)
    memory.set_language(sender, "fr")
    clock.now += DELETABLE_SECONDS - 10
    memory.remember(sender, 11)
    clock.now += 20
    assert memory.message_ids(sender) == [11] and memory.language(sender) == "fr" and len(memory) == 1
    if backend == "sqlite":  # what is on disk: the HMAC, integers, times, the language; no chat id, no text
        memory.close()
        rows = (
            sqlite3.connect(tmp_path / "telegram.db")
            .execute("SELECT * FROM chat_messages UNION ALL SELECT sender, language, last FROM chats")
            .fetchall()
        )
        assert {r[0] for r in rows} == {sender} and "7301000001" not in repr(rows)
        memory = ChatMemory(open_store(url), clock=clock)  # a restart keeps it
        assert memory.message_ids(sender) == [11] and memory.language(sender) == "fr"
    clock.now += DELETABLE_SECONDS + 1
    assert memory.message_ids(sender) == [] and memory.language(sender) is None
    assert memory.sweep() == 1 and len(memory) == 0
    memory.remember(sender, 12)
    assert memory.forget(sender) == [12] and memory.message_ids(sender) == [] and len(memory) == 0
    memory.close()


@pytest.mark.scale
def test_the_state_store_in_redis_expires_by_itself():
    from tests.support.servers import Redis

    with Redis() as server:
        import redis

        store = open_store(server.url(2))
        memory = ChatMemory(store)
        memory.remember("f00d", 5)
        memory.set_language("f00d", "en")
        assert memory.message_ids("f00d") == [5] and memory.language("f00d") == "en"
        client = redis.Redis(host="127.0.0.1", port=server.port, password=server.password, db=2)
        assert 0 < client.ttl("telegram:ids:f00d") <= DELETABLE_SECONDS
        assert 0 < client.ttl("telegram:chat:f00d") <= DELETABLE_SECONDS
        assert memory.forget("f00d") == [5] and not client.keys("telegram:*")
        memory.close()


def test_the_scaled_profile_needs_the_state_in_redis():
    with pytest.raises(ConfigError, match="TELEGRAM_STATE_URL=redis"):
        Config.from_env({**GOOD_ENV, "ASSISTANT_PROFILE": "scaled"})
    with pytest.raises(ConfigError, match="TELEGRAM_STATE_URL must be"):
        Config.from_env({**GOOD_ENV, "TELEGRAM_STATE_URL": "postgresql://x/y"})
    assert Config.from_env({**GOOD_ENV, "ASSISTANT_PROFILE": "scaled", "TELEGRAM_STATE_URL": "redis://r:6379/2"})


def test_chat_lock_keeps_one_chats_order_and_cleans_up():
    memory = ChatMemory()
    seen = []

    async def handle(n, delay):
        async with memory.lock("abc"):
            await asyncio.sleep(delay)
            seen.append(n)

    async def main():
        await asyncio.gather(handle(1, 0.05), handle(2, 0.0), handle(3, 0.0))

    asyncio.run(main())
    assert seen == [1, 2, 3] and not memory._locks


# ------------------------------------------------------------------------------------ settings


def test_sender_is_an_hmac_of_the_chat_id_never_the_id():
    s = sender_id("a-long-secret-value", 7301000001)
    assert len(s) == 64 and "7301000001" not in s
    assert s != sender_id("another-secret-value", 7301000001)


def test_config_needs_a_token_and_a_sender_secret():
    with pytest.raises(ConfigError):
        Config.from_env({})
    with pytest.raises(ConfigError, match="TELEGRAM_SENDER_SECRET"):
        Config.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_SENDER_SECRET": "short"})
    config = Config.from_env(GOOD_ENV)
    assert config.mode == "polling" and config.rasa_url == "http://localhost:5005"


def test_webhook_mode_needs_an_url_and_a_valid_secret():
    env = {**GOOD_ENV, "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": "https://help.example.org/tg/hook"}
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        Config.from_env(env)
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        Config.from_env({**env, "TELEGRAM_WEBHOOK_SECRET": "has spaces and is long enough"})
    config = Config.from_env({**env, "TELEGRAM_WEBHOOK_SECRET": "A" * 32})
    assert config.webhook_path == "tg/hook" and TOKEN in config.secrets


def test_config_errors_never_print_the_value():
    with pytest.raises(ConfigError) as err:
        Config.from_env(
            {
                **GOOD_ENV,
                "TELEGRAM_MODE": "webhook",
                "TELEGRAM_WEBHOOK_URL": "https://x.org/h",
                "TELEGRAM_WEBHOOK_SECRET": "bad secret!",
            }
        )
    assert "bad secret!" not in str(err.value) and TOKEN not in str(err.value)


# ------------------------------------------------------------------------------------ logging


@pytest.fixture
def captured():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, {n: logging.getLogger(n).level for n in ("httpx", "telegram")})
    logs.setup("DEBUG", [TOKEN, "my-webhook-secret-value"], stream=stream)
    yield stream
    handlers, level, levels = saved
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)
    for name, lvl in levels.items():
        logging.getLogger(name).setLevel(lvl)


def test_library_logs_cannot_leak_the_token_or_payloads(captured):
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    logging.getLogger("httpx").warning('HTTP Request: POST %s "HTTP/1.1 502 Bad Gateway"', url)
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)  # held back
    logging.getLogger("telegram.Bot").debug("Calling Bot API endpoint with %s", {"chat_id": 7301000001})  # held back
    logging.getLogger("telegram.ext.Updater").critical(
        "Received data was: %r", {"message": {"text": "my secret story"}}
    )
    logging.getLogger("other").error(
        "token in text 1234567890:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA and my-webhook-secret-value"
    )
    try:
        raise RuntimeError(f"boom at {url}")
    except RuntimeError:
        logging.getLogger("telegram.ext.Application").exception("Update failed")
    out = captured.getvalue()
    assert "502 Bad Gateway" in out and "Received data was" in out and "Update failed" in out
    assert TOKEN not in out and "AAAAAAAAAAAAAAAAAAAAAAA" not in out and "my-webhook-secret-value" not in out
    assert "7301000001" not in out and "my secret story" not in out and "200 OK" not in out
    assert out.count("[redacted]") >= 4


# ------------------------------------------------------------------------------------ REST client


class Recorder(BaseHTTPRequestHandler):
    requests = []
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Recorder.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        data = json.dumps([{"recipient_id": body["sender"], "text": "ok"}]).encode()
        self.send_response(Recorder.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def rasa_stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Recorder.requests, Recorder.status = [], 200
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_rest_client_sends_the_contract(rasa_stub):
    async def go():
        client = Assistant(rasa_stub, bridge_token="bridge-secret")
        try:
            answer = await client.say("f00d", "bonjour", "fr-CA")
            await client.erase("f00d")
        finally:
            await client.close()
        return answer

    assert asyncio.run(go()) == [{"recipient_id": "f00d", "text": "ok"}]
    first, second = Recorder.requests
    assert first["path"] == "/webhooks/rest/webhook"
    assert first["body"] == {"sender": "f00d", "message": "bonjour", "metadata": {"language": "fr-CA"}}
    assert first["headers"]["X-Bridge-Token"] == "bridge-secret"
    assert second["body"]["message"] == "/safety_exit"


def test_rest_client_reports_an_error_status_as_unavailable(rasa_stub):
    Recorder.status = 500

    async def go():
        client = Assistant(rasa_stub)
        try:
            await client.say("f00d", "hi")
        finally:
            await client.close()

    with pytest.raises(AssistantUnavailable):
        asyncio.run(go())
    assert "X-Bridge-Token" not in Recorder.requests[0]["headers"]


# ------------------------------------------------------------------------------------ the application


def test_application_talks_to_telegram_unless_told_otherwise_and_rate_limits():
    from telegram.ext import AIORateLimiter

    from bot.channels.telegram.bridge import Bridge

    app = Bridge(Config.from_env(GOOD_ENV)).build()
    assert app.bot.base_url == f"https://api.telegram.org/bot{TOKEN}"
    assert isinstance(app.bot.rate_limiter, AIORateLimiter)
    local = Bridge(Config.from_env({**GOOD_ENV, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/"})).build()
    assert local.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"


def test_the_bridges_timers_are_ptb_job_queue_jobs():
    """The sweep and the deletion of the neutral line are PTB JobQueue jobs, not the bridge's own tasks."""
    import asyncio as aio

    from telegram.ext import JobQueue

    from bot.channels.telegram.bridge import SWEEP_SECONDS, Bridge

    bridge = Bridge(Config.from_env({**GOOD_ENV, "TELEGRAM_STATE_URL": "memory://"}))
    app = bridge.build()
    assert isinstance(app.job_queue, JobQueue)

    async def scheduled():
        app.job_queue.set_application(app)
        await app.job_queue.start()
        try:
            bridge._delete_later(7301000001, 42, 30)
            app.job_queue.run_repeating(bridge._sweep, interval=SWEEP_SECONDS, first=SWEEP_SECONDS, name="sweep")
            return sorted(j.name for j in app.job_queue.jobs()), list(bridge._notes.values())
        finally:
            await app.job_queue.stop(wait=False)

    names, notes = aio.run(scheduled())
    assert names == ["delete-note", "sweep"] and notes == [(7301000001, 42)]
    assert not hasattr(Bridge, "_sweep_forever")  # the bridge's own timer loop is gone


def test_the_bridge_reads_the_language_and_the_erase_the_assistant_tells_and_guesses_nothing():
    """bot/channels/rest.py puts them in Rasa's `custom` payload; the reply's words are not read."""
    from bot.channels.telegram.assistant import reply_erased, reply_language

    french_words = [{"recipient_id": "s", "text": "Je suis là pour toi.", "custom": {"language": "en"}}]
    assert reply_language(french_words) == "en" and not reply_erased(french_words)
    assert reply_language([{"recipient_id": "s", "text": "OK"}]) is None  # not told: not guessed
    assert reply_language([{"recipient_id": "s", "custom": ["a", "list"]}]) is None
    exit_reply = [
        {"recipient_id": "s", "text": "Tu as utilisé la sortie rapide", "custom": {"language": "fr", "erase": True}}
    ]
    assert reply_erased(exit_reply) and reply_language(exit_reply) == "fr"
    assert reply_erased([{"recipient_id": "s", "custom": {"language": "en", "erase": True}}])  # no text at all
    assert not reply_erased([{"recipient_id": "s", "text": "You exited the chat. This conversation is deleted."}])
    import bot.channels.telegram.bridge as bridge

    assert not hasattr(bridge, "exit_answer_texts") and "detect(answer" not in Path(bridge.__file__).read_text()
