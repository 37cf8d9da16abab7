"""Logging for the bridge that cannot leak the bot token, secrets or what users wrote.

Three layers, because libraries log things we do not control:
- httpx / httpcore log every request URL, and a Bot API URL contains the bot token
  (`.../bot<TOKEN>/sendMessage`): they are held at WARNING;
- python-telegram-bot logs request parameters (chat ids, message text) and raw updates at DEBUG:
  its loggers are held at INFO, even when the bridge itself runs at DEBUG;
- a filter on the output handler rewrites every record, whichever logger it comes from: known
  secrets and anything shaped like a bot token become "[redacted]", and structured arguments
  (dicts, lists: raw updates, request parameters) are replaced before formatting.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

REDACTED = "[redacted]"
# A bot token looks like 123456789:AAE... (the id, a colon, 30+ url-safe characters).
_TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}")
# Loggers that may print request URLs or payloads, and the lowest level they may use.
_QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "hpack": logging.WARNING,
    "telegram": logging.INFO,
    "tornado.general": logging.INFO,
    "apscheduler": logging.WARNING,
}


class RedactingFilter(logging.Filter):
    """Rewrites a record so that it cannot carry a secret or a raw Telegram payload."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict):
            args = (args,)
        if args:
            args = tuple(REDACTED if isinstance(a, (dict, list, tuple, set, bytes)) else a for a in args)
        try:
            message = str(record.msg) % args if args else str(record.msg)
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = self.redact(message), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.redact(text), None
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup(level: str = "INFO", secrets: Iterable[str] = (), stream=None) -> logging.Handler:
    """Log to stderr through the redacting filter; returns the handler.

    The shared redaction point (bot/shared/redaction.py: phone numbers, e-mails, secrets from the
    environment) is installed at start-up by `main()` (bot/startup.py), not here."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.INFO))
    for name, floor in _QUIET.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
    return handler
