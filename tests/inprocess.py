"""The Rasa app built by Rasa's own `configure_app`, with the web channel, served in a thread.

No model and no action server: a stand-in agent answers "echo: <text>". Fast enough for limit
tests and fuzzing of the HTTP layer; tests/support/servers.py starts the real servers.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from typing import Any

from sanic import Sanic

from tests.support.servers import free_port


class EchoAgent:
    """Answers every message with its own text; remembers what reached it."""

    def __init__(self) -> None:
        self.received: list[Any] = []

    async def handle_message(self, message) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"echo: {message.text}")


class InProcessRasa:
    def __init__(
        self,
        env: dict[str, str] | None = None,
        enable_api: bool = False,
        auth_token: str | None = None,
        cors: str | None = None,
        monkeypatch=None,
    ) -> None:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        from rasa.core.run import configure_app

        from bot.channels.rest import WebInput

        Sanic.test_mode = True  # several apps with the same name in one test process
        self.channel = WebInput()
        self.agent = EchoAgent()
        self.app = configure_app([self.channel], cors=cors, auth_token=auth_token, enable_api=enable_api)
        self.app.ctx.agent = self.agent
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> InProcessRasa:
        self._server = self._loop.run_until_complete(
            self.app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True)
        )
        self._loop.run_until_complete(self._server.startup())
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def post(
        self,
        body: Any,
        headers: dict[str, str] | None = None,
        path: str = "/webhooks/rest/webhook",
        method: str = "POST",
    ) -> tuple[int, Any, Any]:
        return request(self.url + path, body, headers, method)


def request(
    url: str, body: Any = None, headers: dict[str, str] | None = None, method: str = "POST", timeout: float = 30
) -> tuple[int, Any, Any]:
    """(status, parsed JSON body or raw text, headers). `body` may be bytes or anything JSON."""
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw, hdrs = r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        status, raw, hdrs = e.code, e.read(), e.headers
    try:
        return status, json.loads(raw or b"null"), hdrs
    except ValueError:
        return status, raw.decode("utf-8", "replace"), hdrs
