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

import re
from typing import Optional, Text

_AUDIENCE_CUES = [
    (
        "parent",
        re.compile(
            r"\b(my|our) \d{1,2} ?(yo|y/o|year old|years old|yr old)\b|\b(ma|mon|notre) (fille|fils|gars|garcon|garçon|enfant|ado|petite?) de \d{1,2} ans\b|\b(my|our) (daughter|son|kid|kids|child|children|teen|teenager|stepdaughter|stepson|niece|nephew|granddaughter|grandson)\b|\b(ma|notre) (fille|belle-fille|nièce|niece|petite-fille)\b|\b(mon|notre) (fils|enfant|ado|adolescent|neveu|petit-fils)\b|\bmes enfants\b|\b(sommes|suis|est|on est) (une )?famille d'?accueil\b|\bnotre (jeune|ado)\b|\bfoster (parent|family|mom|dad|mother|father)\b|\bour (foster )?(kid|teen|youth)\b|\bi'?m a (parent|mom|dad|mother|father)\b|\bje suis (la |le |une |un )?(m[èe]re|maman|p[èe]re|papa|parent)\b",
            re.I,
        ),
    ),
    (
        "indigenous",
        re.compile(
            r"\b(indigenous|first nations?|m[ée]tis|inuk|inuit|native|on reserve|rez|autochtones?|premi[èe]res? nations?|anishinaabe|anishnaabe|cree|cri|ojibwe?|oji-cree|algonquine?|algonquin|mohawk|haudenosaunee|innue?|atikamekw|mi'?kmaq|wendat|huronne?|abénakise?|abenaki|dene|réserve|reserve|two-spirit|bispirituel(le)?)\b",
            re.I,
        ),
    ),
    (
        "teen",
        re.compile(
            r"\b(i'?m|i am|im|j'?ai|jai) (1[0-7]|[89])\b|\b(1[0-7]|[89]) (years old|yo|y/o|ans)\b|\b(high school|my teacher|my parents|mes parents|secondaire|école|ecole|grade \d+)\b",
            re.I,
        ),
    ),
]

ADDRESSES = ("tu", "vous")
DEFAULT_ADDRESS = "vous"
# Only these audiences say how old the reader is; the others keep the conversation's address.
ADDRESS_OF = {"teen": "tu", "parent": "vous"}


def audience_from_text(text: Optional[Text]) -> Optional[str]:
    """The audience the words themselves name ("my daughter", "j'ai 15 ans"), or None."""
    for audience, rx in _AUDIENCE_CUES:
        if text and rx.search(text):
            return audience
    return None


def intent_audience(intent: Optional[Text], step: Optional[Text] = None) -> Optional[str]:
    """The audience a need reveals by itself (bot/shared/needs.py: youth_support is a teen's; the signs
    check's step "child_1", chosen with "About my child", is a parent's)."""
    from bot.shared.needs import NEEDS, STEPS

    need = STEPS.get(intent or "", {}).get(step or "") or NEEDS.get(intent or "")
    return need.audience if need else None


def message_audience(text: Optional[Text], intent: Optional[Text], step: Optional[Text] = None) -> Optional[str]:
    """Who this message says is writing: the words first, then the need, else None."""
    return audience_from_text(text) or intent_audience(intent, step)


def address_after(
    current: Optional[str], text: Optional[Text], intent: Optional[Text], step: Optional[Text] = None
) -> str:
    """The conversation's French address after this message: tu or vous."""
    found = ADDRESS_OF.get(message_audience(text, intent, step) or "")
    return found or (current if current in ADDRESSES else DEFAULT_ADDRESS)
