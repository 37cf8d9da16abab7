"""A fake Telegram Bot API server on loopback, for tests (never the internet).

A real HTTP server that speaks the Bot API methods the bridge uses (getMe, getUpdates,
deleteWebhook, setWebhook, getWebhookInfo, setMyCommands, sendMessage, deleteMessage,
deleteMessages, answerCallbackQuery), with Telegram's rules that matter here: 4096 characters a
message, 64 bytes of callback_data, 1-100 ids per deleteMessages. It records every call, keeps each
chat's messages (who sent them, whether they were deleted), and can fail the next call to a method
(e.g. a 429 with retry_after). Users are simulated: `user_says` and `user_presses` queue an update
for getUpdates or, when a webhook is set, POST it to the webhook with its secret token.
`BridgeProcess` runs the real bridge against it.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

BOT_USER = {
    "id": 4242000001,
    "is_bot": True,
    "first_name": "Help",
    "username": "test_help_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class ChatMessage:
    message_id: int
    by: str  # "user" or "bot"
    text: str | None
    reply_markup: dict | None = None
    deleted: bool = False
    via: str | None = None  # which bridge process sent it (its API base URL ends with /via/<name>)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    via: str | None = None


@dataclass
class Chat:
    id: int
    type: str = "private"
    messages: dict[int, ChatMessage] = field(default_factory=dict)


class FakeTelegram:
    def __init__(self, token: str):
        self.token = token
        self.lock = threading.Condition()
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict] = []
        self.failures: dict[str, list[dict]] = {}
        self.webhook: dict | None = None
        self.webhook_deliveries: list[int] = []  # HTTP statuses of updates posted to the webhook (0: no answer)
        self.webhook_undelivered: list[int] = []  # update ids that every attempt failed to deliver
        self.webhook_attempts = 4  # like Telegram, an update the webhook did not take is sent again
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)  # one counter for all chats: ids are unique in tests
        self._callback_ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # ------------------------------------------------------------------ life
    def __enter__(self) -> FakeTelegram:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        with self.lock:
            self.lock.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ test helpers
    def fail_next(
        self,
        method: str,
        code: int = 429,
        retry_after: int | None = 1,
        description: str = "",
        chat_id: int | None = None,
    ) -> None:
        """The next call to `method` (for `chat_id`, if given) fails with `code`."""
        error = {
            "ok": False,
            "error_code": code,
            "description": description
            or (f"Too Many Requests: retry after {retry_after}" if code == 429 else "Bad Gateway"),
        }
        if code == 429:
            error["parameters"] = {"retry_after": retry_after}
        error["chat_id"] = chat_id
        with self.lock:
            self.failures.setdefault(method, []).append(error)

    def chat(self, chat_id: int, type_: str = "private") -> Chat:
        with self.lock:
            if chat_id not in self.chats:
                self.chats[chat_id] = Chat(chat_id, type_)
            return self.chats[chat_id]

    def _chat_json(self, chat: Chat) -> dict:
        if chat.type == "private":
            return {"id": chat.id, "type": "private", "first_name": "Sam"}
        return {"id": chat.id, "type": chat.type, "title": "A group"}

    def user_says(
        self,
        chat_id: int,
        text: str | None,
        language_code: str | None = "en",
        chat_type: str = "private",
        user_id: int | None = None,
        photo: bool = False,
    ) -> int:
        """A user sends a message; returns its message id."""
        chat = self.chat(chat_id, chat_type)
        with self.lock:
            mid = next(self._message_ids)
            chat.messages[mid] = ChatMessage(mid, "user", text)
        user = {
            "id": user_id or (chat_id if chat_type == "private" else 777000123),
            "is_bot": False,
            "first_name": "Sam",
        }
        if language_code:
            user["language_code"] = language_code
        message = {"message_id": mid, "date": int(time.time()), "chat": self._chat_json(chat), "from": user}
        if photo:
            message["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 10, "height": 10}]
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self._deliver({"message": message})
        return mid

    def user_presses(self, chat_id: int, message_id: int, title: str, language_code: str | None = "en") -> str:
        """A user taps the inline button `title` under bot message `message_id`; returns the callback id."""
        chat = self.chat(chat_id)
        with self.lock:
            msg = chat.messages[message_id]
        data = next(
            b["callback_data"] for row in msg.reply_markup["inline_keyboard"] for b in row if b["text"] == title
        )
        callback_id = f"cb{next(self._callback_ids)}"
        user = {"id": chat_id, "is_bot": False, "first_name": "Sam"}
        if language_code:
            user["language_code"] = language_code
        self._deliver(
            {
                "callback_query": {
                    "id": callback_id,
                    "from": user,
                    "chat_instance": "ci1",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": self._chat_json(chat),
                        "from": BOT_USER,
                        "text": msg.text,
                    },
                }
            }
        )
        return callback_id

    def _deliver(self, body: dict) -> None:
        with self.lock:
            update = {"update_id": next(self._update_ids), **body}
            webhook = self.webhook
            if not webhook:
                self.updates.append(update)
                self.lock.notify_all()
                return
        headers = {"Content-Type": "application/json"}
        if webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        error: Exception | None = None
        for attempt in range(self.webhook_attempts):
            if attempt:
                time.sleep(0.3 * attempt)
            req = urllib.request.Request(webhook["url"], data=json.dumps(update).encode(), headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    status, error = r.status, None
            except urllib.error.HTTPError as e:
                status, error = e.code, None
            except OSError as e:  # refused, reset, timed out
                status, error = 0, e
            self.webhook_deliveries.append(status)
            if status == 200 or status in (401, 403):  # taken, or refused for good (a wrong secret)
                return
        self.webhook_undelivered.append(update["update_id"])
        if error is not None:
            raise error

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def visible(self, chat_id: int, by: str | None = None) -> list[ChatMessage]:
        with self.lock:
            return [m for m in self.chat(chat_id).messages.values() if not m.deleted and (by is None or m.by == by)]

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        with self.lock:
            return [m for m in self.chat(chat_id).messages.values() if m.by == "bot"]

    def wait(self, predicate: Callable[[], Any], timeout: float = 20, what: str = "condition") -> Any:
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; calls: {[c.method for c in self.calls][-30:]}")

    def wait_bot_messages(self, chat_id: int, after: int, count: int = 1, timeout: float = 20) -> list[ChatMessage]:
        """Wait until the bot sent `count` messages in the chat with an id above `after`; return them."""

        def ready():
            got = [m for m in self.bot_messages(chat_id) if m.message_id > after]
            return got if len(got) >= count else None

        return self.wait(ready, timeout, f"{count} bot message(s) in chat")

    # ------------------------------------------------------------------ the API
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self._handle()

            def do_POST(self):
                self._handle()

            def _handle(self):
                parsed = urllib.parse.urlparse(self.path)
                path, via = parsed.path, None
                if path.startswith("/via/"):  # /via/<name>/bot<token>/...: a named bridge process
                    via, path = path[len("/via/") :].split("/", 1)
                    path = "/" + path
                prefix = f"/bot{fake.token}/"
                if not path.startswith(prefix):
                    return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                method = path[len(prefix) :]
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                params = fake._params(self.headers.get("Content-Type") or "", raw, parsed.query)
                status, body = fake.call(method, params, via)
                self._reply(status, body)

            def _reply(self, status: int, body: dict):
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away (a long poll cut short when the bridge stops)

        return Handler

    @staticmethod
    def _params(content_type: str, raw: bytes, query: str) -> dict[str, Any]:
        if "json" in content_type:
            return json.loads(raw or b"{}")
        pairs = urllib.parse.parse_qsl(raw.decode() if raw else query, keep_blank_values=True)
        params: dict[str, Any] = {}
        for key, value in pairs:
            if key == "text":
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        return params

    def call(self, method: str, params: dict[str, Any], via: str | None = None):
        with self.lock:
            queue = self.failures.get(method) or []
            failure = next((f for f in queue if f["chat_id"] in (None, params.get("chat_id"))), None)
            if failure:
                queue.remove(failure)
                failure = {k: v for k, v in failure.items() if k != "chat_id"}
            self.calls.append(Call(method, params, failure["error_code"] if failure else 200, via=via))
        if failure:
            return failure["error_code"], failure
        handler = getattr(self, "api_" + method, None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        try:
            result = handler(params)
        except ApiError as e:
            return e.code, {"ok": False, "error_code": e.code, "description": e.description}
        if method == "sendMessage":
            with self.lock:
                self.chats[int(params["chat_id"])].messages[result["message_id"]].via = via
        return 200, {"ok": True, "result": result}

    def api_getMe(self, p):
        return BOT_USER

    def api_getUpdates(self, p):
        offset = int(p.get("offset") or 0)
        timeout = min(float(p.get("timeout") or 0), 5.0)
        deadline = time.time() + timeout
        with self.lock:
            while True:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates or time.time() >= deadline:
                    return list(self.updates[:100])
                self.lock.wait(max(0.0, deadline - time.time()))

    def api_deleteWebhook(self, p):
        with self.lock:
            self.webhook = None
        return True

    def api_setWebhook(self, p):
        with self.lock:
            self.webhook = {
                "url": p["url"],
                "secret_token": p.get("secret_token"),
                "allowed_updates": p.get("allowed_updates"),
            }
        return True

    def api_getWebhookInfo(self, p):
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    def api_setMyCommands(self, p):
        for c in p["commands"]:
            if not (1 <= len(c["command"]) <= 32 and 1 <= len(c["description"]) <= 256):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        return True

    def api_sendMessage(self, p):
        text = p.get("text") or ""
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = p.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard") or []:
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        chat = self.chat(int(p["chat_id"]))
        with self.lock:
            mid = next(self._message_ids)
            chat.messages[mid] = ChatMessage(mid, "bot", text, markup)
        return {
            "message_id": mid,
            "date": int(time.time()),
            "chat": self._chat_json(chat),
            "from": BOT_USER,
            "text": text,
        }

    def _delete(self, chat_id: int, ids: list[int], strict: bool) -> bool:
        chat = self.chat(chat_id)
        with self.lock:
            for mid in ids:
                m = chat.messages.get(mid)
                if m is None or m.deleted:
                    if strict:
                        raise ApiError(400, "Bad Request: message to delete not found")
                    continue
                m.deleted = True
        return True

    def api_deleteMessage(self, p):
        return self._delete(int(p["chat_id"]), [int(p["message_id"])], strict=True)

    def api_deleteMessages(self, p):
        ids = p["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise ApiError(400, "Bad Request: too many messages to delete")
        return self._delete(int(p["chat_id"]), [int(i) for i in ids], strict=False)

    def api_answerCallbackQuery(self, p):
        return True


class BridgeProcess:
    """`python -m bot.channels.telegram`, as `make telegram` runs it, against a FakeTelegram."""

    def __init__(
        self,
        fake: FakeTelegram,
        rasa_url: str,
        mode: str = "polling",
        token: str = "",
        sender_secret: str = "",
        webhook_secret: str = "",
        env: dict | None = None,
        name: str = "",
    ):
        self.fake, self.mode, self.name = fake, mode, name
        self._tmp = tempfile.TemporaryDirectory()
        self.log_path = Path(self._tmp.name) / "bridge.log"
        self.webhook_port = _free_port()
        self.webhook_url = f"http://127.0.0.1:{self.webhook_port}/telegram/hook"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": token or fake.token,
            "TELEGRAM_SENDER_SECRET": sender_secret or "s" * 32,
            "TELEGRAM_API_BASE_URL": f"{fake.url}/via/{name}" if name else fake.url,
            "RASA_URL": rasa_url,
            "TELEGRAM_MODE": mode,
            "TELEGRAM_ERASE_NOTE_SECONDS": "0.5",
            "TELEGRAM_POLL_TIMEOUT": "2",
            # The chats' state in this test's own file (not the repo's var/): a restart keeps it.
            "TELEGRAM_STATE_URL": f"sqlite:///{Path(self._tmp.name) / 'telegram.db'}",
            **(env or {}),
        }
        if mode == "webhook":
            self.env.update(
                {
                    "TELEGRAM_WEBHOOK_URL": self.webhook_url,
                    "TELEGRAM_WEBHOOK_SECRET": webhook_secret or "w" * 32,
                    "TELEGRAM_WEBHOOK_PORT": str(self.webhook_port),
                    **{k: v for k, v in (env or {}).items() if k.startswith("TELEGRAM_WEBHOOK")},
                }
            )

    def __enter__(self) -> BridgeProcess:
        self.start()
        return self.wait_ready()

    def start(self) -> BridgeProcess:
        self._log = open(self.log_path, "w")  # noqa: SIM115 - open while the bridge runs; closed by stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.channels.telegram"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_ready(self) -> BridgeProcess:
        try:
            if self.mode == "webhook":
                self.fake.wait(lambda: self.fake.webhook or self.proc.poll() is not None, 60, "setWebhook")
                self.fake.wait(lambda: self._accepts() or self.proc.poll() is not None, 30, "the webhook server")
            else:
                self.fake.wait(lambda: self.fake.calls_to("getUpdates") or self.proc.poll() is not None, 60, "polling")
            assert self.proc.poll() is None, self.log
        except BaseException:
            self.__exit__()
            raise
        return self

    def _accepts(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.webhook_port), timeout=1).close()
            return True
        except OSError:
            return False

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class ApiError(Exception):
    def __init__(self, code: int, description: str):
        self.code, self.description = code, description


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- several bridge processes behind nginx (the `scaled` profile) ---------------------------------

# The nginx site in front of the bridges; the same text is shown in docs/telegram.md. Round robin
# spreads one chat's updates over every bridge; the chat's order is kept in Redis (order.py).
BRIDGES_SITE = """\
  upstream telegram_bridges {{
{members}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 1m;
    location {path} {{
      proxy_pass http://telegram_bridges;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 2s;
      # A bridge that is down: the update goes to another one (Telegram would resend it anyway).
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }}
  }}
"""


class Bridges:
    """`count` bridge processes in webhook mode behind one nginx, sharing their chat state in Redis
    (`state_url`), as the `scaled` profile runs them. Telegram (the fake) posts every update to nginx,
    which spreads them over the bridges; each bridge's Bot API calls are tagged /via/<name>."""

    def __init__(
        self,
        fake: FakeTelegram,
        rasa_url: str,
        state_url: str,
        count: int = 2,
        path: str = "/telegram/hook",
        env: dict | None = None,
        **kwargs,
    ):
        from tests.support.servers import free_port

        self.fake, self.path = fake, path
        self.port = free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="nginx-bridges-"))
        self.nginx: subprocess.Popen | None = None
        shared = {
            "ASSISTANT_PROFILE": "scaled",
            "TELEGRAM_STATE_URL": state_url,
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{self.port}{path}",
            **(env or {}),
        }
        self.bridges = [
            BridgeProcess(fake, rasa_url, "webhook", env=shared, name=chr(ord("A") + i), **kwargs) for i in range(count)
        ]

    def __enter__(self) -> Bridges:
        from tests.support.servers import NGINX, NGINX_CONF, wait_port

        try:
            members = "\n".join(f"    server 127.0.0.1:{b.webhook_port};" for b in self.bridges)
            site = BRIDGES_SITE.format(members=members, port=self.port, path=self.path)
            conf = self.prefix / "nginx.conf"
            conf.write_text(NGINX_CONF.format(prefix=self.prefix, servers=site))
            self.nginx = subprocess.Popen(
                [
                    NGINX,
                    "-p",
                    str(self.prefix),
                    "-c",
                    str(conf),
                    "-e",
                    str(self.prefix / "error.log"),
                    "-g",
                    "daemon off;",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
            wait_port(self.port, procs=[self.nginx])
            for bridge in self.bridges:  # started together: they load in parallel
                bridge.start()
            for bridge in self.bridges:
                bridge.wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    @property
    def log(self) -> str:
        return "\n".join(b.log for b in self.bridges if hasattr(b, "_log"))

    def __exit__(self, *exc) -> None:
        for bridge in self.bridges:
            if hasattr(bridge, "proc"):
                bridge.__exit__()
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
        shutil.rmtree(self.prefix, ignore_errors=True)
