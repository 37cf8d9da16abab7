"""The safety net: rule-based detection of immediate danger, in English and French.

It backs up the classifier. When it fires, the NLU pipeline forces the `emergency` intent, so
the user gets 911 first even when the model is unsure or wrong. The rules themselves are data
(data/safety/danger.yml, calm.yml, phrases.yml, read by bot/shared/safety/rulebook.py); this file
keeps only how they are combined, over the normalised text (bot/shared/safety/normalise.py:
lower case, no accents, contractions expanded, small typos corrected).

Statements of being safe ("I'm safe now", "je ne suis plus en danger") are removed before the
danger rules run, so they do not fire. A staff phrase of never_911 keeps every rule but self-harm
quiet; a staff phrase of always_911 is danger when no rule fired.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.shared.language import strip_accents  # noqa: F401  (kept for older imports)
from bot.shared.safety.rulebook import ALWAYS_911, NEVER_911, Rulebook, current

SELF_HARM = "self_harm"
PHRASE = "phrase"  # the category of a danger found by an always_911 staff phrase
ALWAYS_911_RULE, NEVER_911_RULE = "phrase.always_911", "phrase.never_911"

# Told as the past, these still count (unless the person is also well now: then only confined does)
_STILL_NOW = {SELF_HARM, "confined", "weapon"}


@dataclass(frozen=True)
class Danger:
    category: str
    pattern: str
    normalised: str
    rule: str = ""  # the id of the rule that fired (data/safety/danger.yml), or phrase.always_911

    @property
    def self_harm(self) -> bool:
        return self.category == SELF_HARM


def _book(book: Rulebook | None) -> Rulebook:
    return book if book is not None else current()


def normalise(text: str, book: Rulebook | None = None) -> str:
    return _book(book).normalise(text)


def staff_phrase(text: str, book: Rulebook | None = None) -> str | None:
    """phrase.always_911 or phrase.never_911 when a staff phrase (data/safety/phrases.yml) is in the
    message; always_911 wins when both are."""
    book = _book(book)
    norm = book.normalise(text)
    if book.phrase(ALWAYS_911, norm):
        return ALWAYS_911_RULE
    return NEVER_911_RULE if book.phrase(NEVER_911, norm) else None


def _told_as_past(book: Rulebook, norm: str) -> bool:
    return bool(book.matcher("long_ago").search(norm)) and not book.matcher("now").search(norm)


def _told_as_past_beside_well_now(book: Rulebook, text: str) -> bool:
    """_told_as_past, once "I'm doing better now", "I'm 31 now" or "ça me stresse encore" are set
    aside: a "now" inside them does not make the event present. `text` is normalised, safe
    statements already removed."""
    aside = book.matcher("not_happening_now").sub(" ", book.matcher("well_now").sub(" ", text))
    return _told_as_past(book, aside)


def long_ago(text: str, book: Rulebook | None = None) -> bool:
    """The message tells of something weeks, months or years ago, and of nothing happening now
    ("now" inside "I'm safe now" or "elle va bien maintenant" does not count)."""
    book = _book(book)
    return _told_as_past_beside_well_now(book, book.matcher("safe_statement").sub(" ", book.normalise(text)))


def _well_now(book: Rulebook, norm: str) -> bool:
    """Well now ("she is at school", "he is asleep"), unless the person writes in a window before someone
    comes back or wakes up, or has only minutes (category watched): "he is asleep" is then no safety."""
    return bool(book.matcher("well_now").search(norm)) and not book.matcher("watched").search(norm)


def says_safe(text: str, book: Rulebook | None = None) -> bool:
    """The user states they (or the person they tell about) are safe, well, or not in danger now."""
    book = _book(book)
    norm = book.normalise(text)
    return bool(book.matcher("safe_statement").search(norm)) or _well_now(book, norm)


def assess(text: str, book: Rulebook | None = None) -> Danger | None:
    """The first sign of immediate danger in `text`, or None."""
    book = _book(book)
    norm = book.normalise(text)
    phrase = staff_phrase(text, book)
    safe = book.matcher("safe_statement")
    said_safe = bool(safe.search(norm))
    remaining = book.matcher("held_by_police").sub(" ", safe.sub(" ", norm))
    past = _told_as_past_beside_well_now(book, remaining)
    well_now = said_safe or _well_now(book, norm)
    # told as the past, and well now ("last year I had dark thoughts, I'm doing better now")
    calm_past = past and well_now
    # a weapon seen, no sign it is now, and the person says they are well
    calm_weapon = well_now and not book.matcher("now").search(norm)
    other_safe: bool | None = None
    for rule in book.danger_rules():
        category = rule.category
        # staff said this message is never an emergency: only self-harm words still count
        if phrase == NEVER_911_RULE and category != SELF_HARM:
            continue
        # "attacked me a few weeks ago" is a past event: support, not 911 (unless still trapped, armed or self-harm)
        if past and (category not in _STILL_NOW or (calm_past and category != "confined")):
            continue
        # "un élève avait un couteau... personne a été blessé pis je suis correct"
        if category == "weapon" and calm_weapon:
            continue
        # Saying "I'm safe now" cancels everything but self-harm and danger to someone else,
        # which "she came home" or "we found him" cancels instead.
        if category == "someone_else":
            if other_safe is None:
                other_safe = bool(book.matcher("other_safe").search(norm))
            if other_safe:
                continue
        elif said_safe and category != SELF_HARM:
            continue
        if rule.regex.search(remaining):
            return Danger(category, rule.source, norm, rule.id)
    if phrase == ALWAYS_911_RULE:
        return Danger(PHRASE, "", norm, ALWAYS_911_RULE)
    return None


def forces_emergency(text: str, book: Rulebook | None = None) -> Danger | None:
    """The danger the safety net acts on (bot/plugins/nlu/safety_net.py): assess(), except that a short
    "I have to go now" with someone coming is the quick exit ("faut que je ferme ça vite il arrive")."""
    from bot.shared.safety.quick_exit import leaving_now

    found = assess(text, book)
    if found is not None and found.category == "intruder" and leaving_now(text, book):
        return None
    return found
