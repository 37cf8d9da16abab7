"""The one redaction point for logs: no message text, no sender id in clear, no token, no phone number.

`install()` is called once at start-up in every process that handles conversations, by
bot/startup.py: the Rasa server, the action server (bot/action_server.py) and the Telegram bridge.
Importing this module installs nothing. It covers every logger at once:

- every stdlib log record (Rasa, Sanic, aiohttp, rasa-sdk, our code) is redacted when it is made
  (the standard library's `logging.setLogRecordFactory`): its message, its arguments (dicts and
  lists, such as raw updates or request parameters, are dropped whole), its traceback, and the
  `extra` fields `Logger.makeRecord` adds after the factory (the record's attribute dict redacts them);
- Rasa's structlog events are redacted before they are rendered: keys that hold user content
  (`text`, `parse_data_text`, ...) are replaced whole, every other string is scrubbed.

What is scrubbed from a string:

- the texts and sender ids of the messages being handled right now (`in_flight(...)`), in the forms
  logs print them (as is, JSON-escaped, repr-escaped, lower case, without accents);
- sender ids become `sender#<hash>`, so one conversation's lines can still be followed;
- the values of secret environment variables (*TOKEN*, *SECRET*, *PASSWORD*, *KEY*) and token-like
  strings (Telegram bot tokens, JWTs, `Bearer ...`, `token=...`);
- phone numbers and e-mail addresses.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

REDACTED = "[redacted]"
SECRET = "[secret]"

# structlog keys whose values are user content (Rasa's own anonymizable keys, and more).
CONTENT_KEYS = frozenset(
    [
        "text",
        "response_text",
        "user_text",
        "parse_data_text",
        "parse_data_entities",
        "message",
        "user_message",
        "json_message",
        "token_text",
        "slot_candidates",
        "prefilled_slots",
        "tracker_latest_message",
        "utter",
        "entity",
        "current_entity",
        "next_entity",
        "metadata",
    ]
)
SENDER_KEYS = frozenset(["sender", "sender_id", "conversation_id", "recipient_id"])
_SECRET_ENV = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|API_KEY|_KEY$", re.IGNORECASE)
_MIN_VALUE_LENGTH = 3  # shorter texts ("ok", "hi") say nothing about anyone
_GRACE_SECONDS = 5.0  # a value stays redacted this long after its request ended (late log lines)
_MAX_VALUES = 2000

_PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    # Telegram bot tokens (123456789:AA...), also inside the bot API URLs (/bot<token>/getUpdates).
    (re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}"), SECRET),
    # JSON Web Tokens.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"), SECRET),
    # Authorization headers and token query parameters.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), lambda m: f"{m.group(1)} {SECRET}"),
    (
        re.compile(r"(?i)\b((?:auth_)?token|secret|password|api_key)([\"']?\s*[=:]\s*[\"']?)([^\s&\"',;}]{4,})"),
        lambda m: f"{m.group(1)}{m.group(2)}{SECRET}",
    ),
    (re.compile(r"(?i)(x-(?:bridge|action)-token[\"']?\s*[:=]\s*[\"']?)([^\s\"',;}]+)"), lambda m: m.group(1) + SECRET),
    # Private keys.
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S), SECRET),
    # E-mail addresses.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Phone numbers: North American (416-555-0199, (416) 555 0199, +1 416.555.0199, 4165550199),
    # international (+33 6 12 34 56 78), French (06 12 34 56 78), local 7 digits (555-0199).
    (re.compile(r"(?<![\w.])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?![\w])"), "[phone]"),
    (re.compile(r"(?<![\w.])\+\d{1,3}(?:[\s.-]?\d{1,4}){2,5}(?![\w])"), "[phone]"),
    (re.compile(r"(?<![\w.])0\d(?:[\s.-]?\d{2}){4}(?![\w])"), "[phone]"),
    (re.compile(r"(?<![\w.:-])\d{3}[\s.-]\d{4}(?![\w:])"), "[phone]"),
    # Conversation ids in API paths and in Rasa's own log lines about a conversation.
    (re.compile(r"(/conversations/)([^/?\s\"']+)"), lambda m: m.group(1) + sender_ref(m.group(2))),
    (
        re.compile(r"(?i)((?:conversation(?: id)?|for id|sender(?:_id)?|recipient_id)[\"']?\s*[:=]?\s*)'([^']+)'"),
        lambda m: f"{m.group(1)}'{sender_ref(m.group(2))}'",
    ),
]


def sender_ref(sender: Any) -> str:
    """A short, stable stand-in for a sender id: the same id gives the same reference."""
    if isinstance(sender, str) and sender.startswith("sender#"):
        return sender
    digest = hashlib.sha256(str(sender).encode("utf-8", "replace")).hexdigest()[:10]
    return f"sender#{digest}"


def _strip_accents(value: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def _variants(value: str) -> Iterable[str]:
    yield value
    yield json.dumps(value)[1:-1]
    yield json.dumps(value, ensure_ascii=False)[1:-1]
    yield repr(value)[1:-1]
    yield _strip_accents(value)


class _InFlight:
    """Texts and sender ids of the messages being handled now, in memory only, bounded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, int, float]] = {}  # value -> (kind, users, expiry)
        self._regex: re.Pattern[str] | None = None
        self._kinds: dict[str, str] = {}
        self._dirty = False

    def add(self, value: Any, kind: str) -> str | None:
        if not isinstance(value, str) or len(value.strip()) < _MIN_VALUE_LENGTH:
            return None
        value = value.strip()
        with self._lock:
            self._expire()
            _, users, _ = self._values.get(value, (kind, 0, 0.0))
            self._values[value] = (kind, users + 1, float("inf"))
            if len(self._values) > _MAX_VALUES:  # drop the oldest-expiring first
                for old in sorted(self._values, key=lambda v: self._values[v][2])[: len(self._values) - _MAX_VALUES]:
                    self._values.pop(old, None)
            self._dirty = True
        return value

    def release(self, value: str | None) -> None:
        if value is None:
            return
        with self._lock:
            if value in self._values:
                kind, users, _ = self._values[value]
                self._values[value] = (
                    kind,
                    users - 1,
                    time.monotonic() + _GRACE_SECONDS if users <= 1 else float("inf"),
                )

    def _expire(self) -> None:
        now = time.monotonic()
        gone = [v for v, (_, users, expiry) in self._values.items() if users <= 0 and expiry < now]
        for v in gone:
            del self._values[v]
        if gone:
            self._dirty = True

    def regex(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        with self._lock:
            self._expire()
            if self._dirty:
                kinds: dict[str, str] = {}
                for value, (kind, _, _) in self._values.items():
                    for variant in _variants(value):
                        if len(variant) >= _MIN_VALUE_LENGTH:
                            kinds.setdefault(variant.lower(), sender_ref(value) if kind == "sender" else REDACTED)
                alternatives = sorted(kinds, key=len, reverse=True)
                self._regex = (
                    re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE) if alternatives else None
                )
                self._kinds = kinds
                self._dirty = False
            return self._regex, self._kinds

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._values)


_in_flight = _InFlight()
_secret_cache: tuple[tuple[tuple[str, str], ...], re.Pattern[str] | None] = ((), None)


@contextlib.contextmanager
def in_flight(texts: Iterable[Any] = (), senders: Iterable[Any] = ()) -> Iterator[None]:
    """Redact these message texts and sender ids from every log line while the block runs."""
    held = [_in_flight.add(s, "sender") for s in senders] + [_in_flight.add(t, "text") for t in texts]
    try:
        yield
    finally:
        for value in held:
            _in_flight.release(value)


def hold(texts: Iterable[Any] = (), senders: Iterable[Any] = ()) -> list[str | None]:
    """Like `in_flight`, for code that cannot use a with-block (Sanic middleware): pair with `release`."""
    return [_in_flight.add(s, "sender") for s in senders] + [_in_flight.add(t, "text") for t in texts]


def release(held: Iterable[str | None]) -> None:
    for value in held or ():
        _in_flight.release(value)


def _secrets_regex() -> re.Pattern[str] | None:
    global _secret_cache
    items = tuple(sorted((k, v) for k, v in os.environ.items() if _SECRET_ENV.search(k) and len(v) >= 6))
    if items != _secret_cache[0]:
        values = sorted({v for _, v in items}, key=len, reverse=True)
        _secret_cache = (items, re.compile("|".join(map(re.escape, values))) if values else None)
    return _secret_cache[1]


def redact(value: str) -> str:
    """`value` with message texts, sender ids, secrets, phone numbers and e-mails replaced."""
    if not isinstance(value, str) or not value:
        return value
    secrets = _secrets_regex()
    if secrets is not None:
        value = secrets.sub(SECRET, value)
    regex, kinds = _in_flight.regex()
    if regex is not None:
        value = regex.sub(lambda m: kinds.get(m.group(0).lower(), REDACTED), value)
    for pattern, replacement in _PATTERNS:
        value = pattern.sub(replacement, value)
    return value


def redact_value(value: Any, key: str | None = None, _depth: int = 0) -> Any:
    """Redact a structured value (structlog event fields): content keys whole, other strings scrubbed."""
    if key in CONTENT_KEYS and value not in (None, "", [], {}):
        return REDACTED
    if key in SENDER_KEYS and isinstance(value, (str, int)):
        return sender_ref(value)
    if isinstance(value, str):
        return redact(value)
    if _depth > 6:
        return REDACTED
    if isinstance(value, dict):
        return {k: redact_value(v, k if isinstance(k, str) else None, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [redact_value(v, None, _depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return redact(repr(value))


def structlog_processor(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: runs just before the renderer."""
    return {k: (v if k in ("exc_info", "level", "timestamp") else redact_value(v, k)) for k, v in event_dict.items()}


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_redacted", False):
        return record
    # Structured arguments (raw updates, request parameters, trackers) are dropped before formatting.
    if isinstance(record.args, dict):
        record.args = {k: REDACTED if isinstance(v, _STRUCTURED) else v for k, v in record.args.items()}
    elif record.args:
        record.args = tuple(REDACTED if isinstance(a, _STRUCTURED) else a for a in record.args)
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep its parts, redacted
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact(message), ()
    for key, value in list(record.__dict__.items()):
        if key in _RECORD_FIELDS:
            continue
        if isinstance(value, str):
            record.__dict__[key] = redact(value)
        elif isinstance(value, (dict, list, tuple)) or key in CONTENT_KEYS or key in SENDER_KEYS:
            record.__dict__[key] = redact_value(value, key)
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    record._redacted = True
    return record


_STRUCTURED = (dict, list, tuple, set, frozenset, bytes)
_RECORD_FIELDS = frozenset(
    [
        "name",
        "msg",
        "args",
        "levelname",
        "levelno",
        "pathname",
        "filename",
        "module",
        "exc_info",
        "exc_text",
        "stack_info",
        "lineno",
        "funcName",
        "created",
        "msecs",
        "relativeCreated",
        "thread",
        "threadName",
        "processName",
        "process",
        "message",
        "asctime",
        "taskName",
        "_redacted",
    ]
)


class _RedactingDict(dict[str, Any]):
    """A log record's attribute dict that redacts what `Logger.makeRecord` adds after the factory ran:
    the `extra={...}` fields (Sanic's access log puts the request URL there)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if key not in _RECORD_FIELDS:
            if isinstance(value, str):
                value = redact(value)
            elif isinstance(value, (dict, list, tuple)) or key in CONTENT_KEYS or key in SENDER_KEYS:
                value = redact_value(value, key)
        super().__setitem__(key, value)


class _RedactingFactory:
    """The record factory: the one before it makes the record, this one redacts it."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = _redact_record(self.previous(*args, **kwargs))
        # a record class with slots: its message and traceback are done already
        with contextlib.suppress(TypeError):
            record.__dict__ = _RedactingDict(record.__dict__)
        return record


def is_installed() -> bool:
    return isinstance(logging.getLogRecordFactory(), _RedactingFactory)


def install_structlog() -> None:
    """Put the redaction processor just before structlog's renderer (in place: cached loggers see it too)."""
    try:
        import structlog
    except ImportError:  # pragma: no cover - structlog comes with Rasa
        return
    processors = structlog.get_config().get("processors")
    if not isinstance(processors, list) or structlog_processor in processors:
        return
    processors.insert(max(len(processors) - 1, 0), structlog_processor)


def install() -> None:
    """Redact every log line of this process from now on (bot/startup.py calls it). Safe to call again."""
    if not is_installed():
        logging.setLogRecordFactory(_RedactingFactory(logging.getLogRecordFactory()))
        logging.captureWarnings(True)
    install_structlog()
