"""Rasa answers -> Telegram messages.

- Buttons become an inline keyboard under the message. A button's payload travels as its
  `callback_data` when it fits Telegram's 64 bytes, otherwise as a short key into `Payloads`.
- Phone numbers: North American numbers are written +1-XXX-XXX-XXXX, the format Telegram turns into
  a tappable phone link (the Bot API's own example of a phone_number entity): "1-8XX-XXX-XXXX"
  reads "+1-8XX-XXX-XXXX". Short numbers (911, 988, 211) stay as they are.
- Text is sent plain (no Markdown/HTML parsing, so nothing in an answer can break the formatting),
  and a message longer than Telegram's 4096 characters is split between paragraphs, then lines,
  then sentences, then words; the buttons go under the last part.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

MAX_MESSAGE = 4096  # Telegram's limit, counted in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
_KEY_PREFIX = "#"

_NANP = re.compile(r"(?<![\d+\-])(?:\+?1[- ])?\(?([2-9]\d{2})\)?[- ]([2-9]\d{2})-(\d{4})(?![\d-])")


def format_phones(text: str) -> str:
    """'1-8XX-XXX-XXXX' and 'XXX-XXX-XXXX' (digits) -> '+1-8XX-XXX-XXXX', '+1-XXX-XXX-XXXX'."""
    return _NANP.sub(lambda m: f"+1-{m.group(1)}-{m.group(2)}-{m.group(3)}", text)


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji can count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """The largest prefix length of `text` whose Telegram length is within `limit`."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if tg_len(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


_BREAKS = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ")


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split into parts of at most `limit`, at the best boundary available (paragraph first)."""
    text = text.strip()
    parts: list[str] = []
    while tg_len(text) > limit:
        window = text[: _fit(text, limit)]
        cut = -1
        for sep in _BREAKS:
            at = window.rfind(sep)
            if at > len(window) // 4:  # never a tiny first part
                cut = at + (len(sep) if sep.strip() else 0)
                break
        if cut <= 0:
            cut = len(window)  # one very long word: cut it
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


class Payloads:
    """Button payloads too long for callback_data, kept in memory under a short key (bounded).

    Payloads come from the assistant's domain (e.g. "/legal_help"), never from what a user typed.
    """

    def __init__(self, capacity: int = 2000):
        self.capacity = capacity
        self._by_key: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA and not payload.startswith(_KEY_PREFIX):
            return payload
        key = _KEY_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
        self._by_key[key] = payload
        self._by_key.move_to_end(key)
        while len(self._by_key) > self.capacity:
            self._by_key.popitem(last=False)
        return key

    def decode(self, data: str | None) -> str | None:
        """The payload for a button's callback_data; None if it is unknown (e.g. after a restart)."""
        if not data:
            return None
        if data.startswith(_KEY_PREFIX):
            return self._by_key.get(data)
        return data


def inline_keyboard(buttons: Sequence[dict], payloads: Payloads) -> InlineKeyboardMarkup | None:
    """One button per row: titles are sentences, and a phone screen is narrow."""
    rows = []
    for b in buttons or ():
        title, payload = (b.get("title") or "").strip(), (b.get("payload") or "").strip()
        if title and payload:
            rows.append([InlineKeyboardButton(title, callback_data=payloads.encode(payload))])
    return InlineKeyboardMarkup(rows) if rows else None


def exit_keyboard(label: str) -> ReplyKeyboardMarkup:
    """The persistent "Exit / Sortir" button under the text field."""
    return ReplyKeyboardMarkup([[KeyboardButton(label)]], resize_keyboard=True, is_persistent=True)
