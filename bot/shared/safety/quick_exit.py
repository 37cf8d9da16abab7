"""Typed quick-exit requests: a message that is only "exit", "quitter", "sortir", ... ends the chat.

Only whole messages count, so "je veux sortir de cette situation" is not an exit request. The words
and the "I have to go now" rules are in data/safety/exit.yml; both run on the normalised text without
typo correction (`Rulebook.plain`), which needs no dictionary: the channels call it before Rasa does.
"""

from __future__ import annotations

from typing import Any

from bot.shared.safety.rulebook import Rulebook, current

LEAVING_NOW_MAX_WORDS = 10


def _book(book: Rulebook | None) -> Rulebook:
    return book if book is not None else current()


def exit_words(book: Rulebook | None = None) -> frozenset[str]:
    """The quick-exit words as written in data/safety/exit.yml."""
    return _book(book).exit_words


def __getattr__(name: str) -> Any:
    # EXIT_WORDS, read when asked for (scripts/widget_texts.py): importing this module reads no file
    if name == "EXIT_WORDS":
        return set(exit_words())
    raise AttributeError(name)


def is_exit_request(text: str, book: Rulebook | None = None) -> bool:
    book = _book(book)
    return book.plain(text) in book.plain_exit_words()


def leaving_now(text: str, book: Rulebook | None = None) -> bool:
    """A short message saying the person must leave or close the chat now ("gtg someone just walked in")."""
    book = _book(book)
    # words counted as typed ("im" is one word), matched once contractions are expanded
    words = len(book.normaliser.spaced(text).split())
    return words <= LEAVING_NOW_MAX_WORDS and bool(book.matcher("leaving_now").search(book.plain(text)))
