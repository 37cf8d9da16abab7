"""The web channel: Rasa's REST channel with limits, clear errors, and no personal data in logs.

Registered in credentials.yml as `bot.channels.rest.WebInput`. Its name is still "rest", so the
contract is unchanged: `POST /webhooks/rest/webhook` with {"sender", "message", "metadata"} returns
the list of Rasa REST messages, and the output channel is Rasa's `collector`.

What it adds before a message reaches the assistant:

- a body that is not a JSON object, a missing or odd sender, an empty or non-text message:
  400 with a JSON body {"error": <code>, "message": <text in the user's language>};
- a message of MESSAGE_CHAR_LIMIT (2,000) characters or more: 413, "send it in shorter parts"
  (the conversation is untouched: nothing of it is lost, nothing is cut silently);
- too many messages in a conversation, or from one client IP: 429 with Retry-After; the text also
  gives the emergency number. A trusted bridge (X-Bridge-Token = BRIDGE_TOKEN) skips the per-IP
  limit, never the per-conversation one. A quick exit (exactly `/safety_exit`, or a whole message
  exit / quitter / sortir ...) is never held back by these limits: leaving and erasing always
  work. Exits have their own generous budgets per conversation and per IP instead, so that they
  cannot flood the assistant. See bot/channels/limits.py for the settings.
- the sender id and the text are redacted from every log line while the message is handled
  (bot/shared/redaction.py); the channel itself never logs them.

Each reply tells the channels what the server knows, so they need not guess: every message carries,
in Rasa's `custom` payload (the collector's own message shape, as `json_message` gives),
the conversation's language (the `language` slot at the end of the turn), and the messages of a
turn that erased the conversation carry `"erase": true`:

    [{"recipient_id": "...", "text": "...", "buttons": [...], "custom": {"language": "fr"}},
     {"recipient_id": "...", "text": "You exited ...", "custom": {"language": "en", "erase": true}}]

An erase with no message to show (the action server failed: the conversation is deleted anyway)
still gets one message, `{"recipient_id": "...", "custom": {"language": ..., "erase": true}}`.
The values come from the tracker store's save at the end of the turn (bot/plugins/tracker_store.py:
reporting_turn). Streaming replies (`?stream=true`) are Rasa's own, without these.

Error texts are in data/channel_texts.yml (EN and FR). The language is `metadata.language` when
given, else the language of the message itself (bot/shared/language.py), else English.

Rasa's start-up: when Rasa registers this channel's blueprint on its app, the blueprint calls
`bot.startup.install_rasa_server(app)`, once, explicitly: the Rasa version check, the log redaction,
the speed-ups and the guard of Rasa's HTTP API. Whoever starts Rasa with credentials.yml gets them
all. See bot/startup.py for why this is the hook.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot import startup
from bot.channels.limits import Limits
from bot.plugins.tracker_store import reporting_turn
from bot.shared import redaction
from bot.shared.language import detect, normalise_hint
from bot.shared.safety.quick_exit import is_exit_request
from bot.shared.texts import text as channel_text

logger = logging.getLogger(__name__)

MAX_SENDER_LENGTH = 128


class BadRequest(Exception):
    def __init__(
        self, status: int, error: str, key: str, lang: str = "en", headers: dict | None = None, **values: Any
    ) -> None:
        super().__init__(error)
        self.status, self.error, self.key, self.lang, self.headers, self.values = (
            status,
            error,
            key,
            lang,
            headers,
            values,
        )

    def as_response(self) -> HTTPResponse:
        body = {"error": self.error, "message": channel_text(self.key, self.lang), "language": self.lang, **self.values}
        return response.json(body, status=self.status, headers=self.headers)


def _clean_text(value: str) -> str:
    """Lone UTF-16 surrogates (valid JSON, invalid text) become U+FFFD instead of breaking storage later."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def message_language(metadata: Any, message: Any) -> str:
    hint = normalise_hint(metadata.get("language")) if isinstance(metadata, dict) else None
    if hint:
        return hint
    if isinstance(message, str) and message.strip():
        return detect(message[:1000]).language
    return "en"


def parse_request(body: bytes, limits: Limits) -> tuple[str, str, dict[str, Any] | None, str | None, str]:
    """(sender, message, metadata, input_channel, language) from a request body, or BadRequest."""
    if len(body) > limits.settings.max_body_bytes:
        raise BadRequest(413, "request_too_large", "message_too_long", _tail_hint(body))
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise BadRequest(400, "invalid_json", "request_invalid") from None
    if not isinstance(data, dict):
        raise BadRequest(400, "invalid_json", "request_invalid")
    metadata, message = data.get("metadata"), data.get("message")
    lang = message_language(metadata, message)
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest(400, "invalid_metadata", "request_invalid", lang)
    sender = data.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest(400, "missing_sender", "request_invalid", lang)
    if len(sender) > MAX_SENDER_LENGTH or not sender.isprintable() or _clean_text(sender) != sender:
        raise BadRequest(400, "invalid_sender", "request_invalid", lang)
    if message is None or (isinstance(message, str) and not message.strip()):
        raise BadRequest(400, "empty_message", "message_empty", lang)
    if not isinstance(message, str):
        raise BadRequest(400, "invalid_message", "request_invalid", lang)
    if limits.too_long(message):
        raise BadRequest(413, "message_too_long", "message_too_long", lang, limit=limits.settings.message_char_limit)
    input_channel = data.get("input_channel")
    if not (isinstance(input_channel, str) and 0 < len(input_channel) <= 32 and input_channel.isidentifier()):
        input_channel = None
    return sender, _clean_text(message), metadata, input_channel, lang


# The end of a body as the widget and the bridges write it: {..., "metadata": {"language": "fr"}}.
_TAIL_HINT = re.compile(rb'"metadata"\s*:\s*\{\s*"language"\s*:\s*"([A-Za-z_-]{2,10})"\s*\}\s*\}\s*$')


def _tail_hint(body: bytes) -> str:
    """The language hint of a body too large to parse: a look at its last bytes only, never a parse.
    Quotes inside JSON strings are escaped, so a message cannot fake this ending. Else English."""
    match = _TAIL_HINT.search(body[-200:])
    return (normalise_hint(match.group(1).decode("ascii")) if match else None) or "en"


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


QUICK_EXIT_PAYLOAD = "/safety_exit"


def is_quick_exit(message: str) -> bool:
    """The whole message is the exit payload the widget and the bridges send, or an exit word.

    Exactly `/safety_exit` (Rasa strips the text too): not a prefix, so `/safety_exitx` or
    `/safety_exit hello` are ordinary messages. Rasa would also read `/safety_exit{...}` or
    `/safety_exit@0.9` as the exit intent; those are not recognised here, so they still erase
    but under the ordinary limits (nothing sends them, and no exit needs entities).
    """
    return message.strip() == QUICK_EXIT_PAYLOAD or is_exit_request(message)


def _rate_limited(wait: float, lang: str) -> BadRequest:
    seconds = max(1, math.ceil(wait))
    return BadRequest(429, "rate_limited", "rate_limited", lang, headers={"Retry-After": str(seconds)})


def tell(messages: list[dict[str, Any]], sender: str, language: str, erased: bool) -> list[dict[str, Any]]:
    """The reply's messages, each with the conversation's language (and the erase flag) in `custom`."""
    told = {"language": language, **({"erase": True} if erased else {})}
    out = []
    for message in messages:
        custom = message.get("custom")
        if custom is None or isinstance(custom, dict):
            message = {**message, "custom": {**(custom or {}), **told}}
        out.append(message)  # a non-object custom payload (a list, a string) is passed on as it is
    if erased and not any(isinstance(m.get("custom"), dict) and m["custom"].get("erase") for m in out):
        out.append({"recipient_id": sender, "custom": told})
    return out


class WebInput(RestInput):
    """Rasa's REST channel (same name, same URL, same replies), with limits and clear errors."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        channel = self
        webhook = _StartupBlueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"], error_format="json")
        async def receive(request: Request) -> HTTPResponse | ResponseStream:
            try:
                return await channel.handle(request, on_new_message)
            except BadRequest as refusal:
                return refusal.as_response()

        return webhook

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[None]]
    ) -> HTTPResponse | ResponseStream:  # a stream with ?stream=true
        ip = self.limits.client_ip(request.ip, request.headers.get("x-forwarded-for"))
        # The body is capped in size, so parsing it first is cheap; it tells a quick exit apart.
        sender, message, metadata, input_channel, lang = parse_request(request.body or b"", self.limits)
        # A quick exit (erase) is never held back by the ordinary limits, per IP or per conversation:
        # leaving and deleting must always work, also for many people behind one address (a school,
        # a shelter). Exits have their own, generous budgets, so they cannot be used to flood Rasa.
        quick_exit = is_quick_exit(message)
        allowed, wait = self.limits.check_ip(ip, request.headers.get("x-bridge-token"), quick_exit)
        if not allowed:
            raise _rate_limited(wait, lang)
        with redaction.in_flight(texts=[message], senders=[sender]):
            allowed, wait = self.limits.check_conversation(sender, quick_exit)
            if not allowed:
                raise _rate_limited(wait, lang)
            input_channel = input_channel or self.name()
            if request.args.get("stream", "").lower() == "true":
                held = redaction.hold(texts=[message], senders=[sender])  # the turn runs while streaming
                stream = self.stream_response(on_new_message, message, sender, input_channel, metadata)

                async def streaming(resp: Any) -> None:
                    try:
                        await stream(resp)
                    finally:
                        redaction.release(held)

                return response.stream(streaming, content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                with reporting_turn() as outcome:  # the turn's task inherits it; the store fills it in
                    turn = asyncio.ensure_future(
                        on_new_message(
                            UserMessage(message, collector, sender, input_channel=input_channel, metadata=metadata)
                        )
                    )
                if quick_exit:
                    # The erase finishes on the server even if the page that asked for it is gone
                    # (the client disconnecting cancels this handler, not the shielded turn).
                    held = redaction.hold(texts=[message], senders=[sender])
                    turn.add_done_callback(lambda _: redaction.release(held))
                    await asyncio.shield(turn)
                else:
                    await turn
            except asyncio.CancelledError:  # Rasa's response timeout: answer with what was sent so far
                logger.error("A message took too long to handle (%s).", redaction.sender_ref(sender))
            except Exception as e:  # the user gets help, the log gets the error type, never the text
                logger.error("Handling a message failed (%s): %s", redaction.sender_ref(sender), type(e).__name__)
                if not collector.messages:
                    raise BadRequest(503, "assistant_error", "assistant_unreachable", lang) from None
            return response.json(tell(collector.messages, sender, outcome.language or lang, outcome.erased))


class _StartupBlueprint(Blueprint):
    """The channel's blueprint. Rasa registers it on its app while building it (rasa.core.run.configure_app,
    before the server listens): the Rasa server's start-up hook (bot/startup.py)."""

    def register(self, app, options):
        startup.install_rasa_server(app)
        return super().register(app, options)
