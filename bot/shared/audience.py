"""Who is writing (a teen, a parent, a survivor, an Indigenous person), and how French addresses them.

One rule, imported by both sides:
- the Rasa server (bot/plugins/policies/address_policy.py) sets the `address` slot (tu / vous) before any
  answer is rendered, so the French variation is chosen from this turn's words;
- the action server (actions/respond.py, actions/emergency.py) picks the services for the audience.

French: "tu" for a teen, "vous" for a parent. Everyone else keeps what the conversation already
has, and a French speaker nobody knows yet is "vous" (DEFAULT_ADDRESS): an adult addressed as
"tu" by a service can feel talked down to, a teen addressed as "vous" only finds it a bit formal,
and the first words that say "I'm 15" or "my daughter" switch it. It is sticky: "merci", "ok" or
a button keep it.
"""

from __future__ import annotations

from typing import Any

from bot.shared.safety.rulebook import Rulebook, current

ADDRESSES = ("tu", "vous")
ADULT = "adult"  # data/safety/audience.yml: an adult's own age; it only rules out "teen"
DEFAULT_ADDRESS = "vous"
# Only these audiences say how old the reader is; the others keep the conversation's address.
ADDRESS_OF = {"teen": "tu", "parent": "vous"}


def audience_from_text(text: str | None, book: Rulebook | None = None) -> str | None:
    """The audience the words themselves name ("my daughter", "j'ai 15 ans"), or None. The words are in
    data/safety/audience.yml, tried in file order on the normalised text (no typo correction)."""
    if not text:
        return None
    book = book if book is not None else current()
    plain = book.plain(text)
    rules = book.category("audience")
    # a writer who gives an adult age is not a teen, whatever else they name ("my parents are worried")
    adult = any(rule.audience == ADULT and rule.regex.search(plain) for rule in rules)
    skip = (ADULT, "teen") if adult else (ADULT,)
    return next((rule.audience for rule in rules if rule.audience not in skip and rule.regex.search(plain)), None)


ONLY_WHO_MAX_OTHER_WORDS = 2  # "im 15", "j'ai 15 ans btw", "je suis sa mère": who, and nothing else


def only_says_who(text: str | None, book: Rulebook | None = None) -> bool:
    """The message says who is writing and (almost) nothing else: "im 15", "j'ai 15 ans", "i am her mom".
    Said after a question, it changes who the answer is for, not the question."""
    if not text:
        return False
    book = book if book is not None else current()
    plain = book.plain(text)
    for rule in book.category("audience"):
        found = rule.regex.search(plain)
        if found:
            rest = (plain[: found.start()] + " " + plain[found.end() :]).split()
            return len(rest) <= ONLY_WHO_MAX_OTHER_WORDS
    return False


def intent_audience(intent: str | None, step: str | None = None) -> str | None:
    """The audience a need reveals by itself (data/needs.yml: youth_support is a teen's; the signs
    check's step "child_1", chosen with "About my child", is a parent's)."""
    from bot.shared.needs import table

    needs = table()
    need = needs.step(intent, step) or needs.needs.get(intent or "")
    return need.audience if need else None


def said_audience(parse_data: dict[str, Any] | None, text: str | None) -> str | None:
    """The audience the message's words name, as the NLU worked it out once for this message
    (`audience` in the parse data, set by the safety net); from the text for older models."""
    if parse_data and "audience" in parse_data:
        said: str | None = parse_data["audience"]  # the safety net's audience, or None
        return said
    return audience_from_text(text)


def message_audience(
    text: str | None, intent: str | None, step: str | None = None, parse_data: dict[str, Any] | None = None
) -> str | None:
    """Who this message says is writing: the words first, then the need, else None."""
    return said_audience(parse_data, text) or intent_audience(intent, step)


def address_after(
    current: str | None,
    text: str | None,
    intent: str | None,
    step: str | None = None,
    parse_data: dict[str, Any] | None = None,
) -> str:
    """The conversation's French address after this message: tu or vous."""
    found = ADDRESS_OF.get(message_audience(text, intent, step, parse_data) or "")
    return found or (current if current in ADDRESSES else DEFAULT_ADDRESS)
