"""What every answer of the assistant shares.

- the conversation's language, from the `language` slot (set in the Rasa server before the action);
- the audience (teen, parent, survivor, Indigenous), remembered in the `audience` slot;
- the one-line "how to leave fast" hint after the first answer of a conversation.

The text itself is always a domain response (domain.yml, EN and FR) or resource data
(data/resources.yml): no user-facing string is written in Python.
"""
from __future__ import annotations

import abc
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import directory
from actions.directory import LANGUAGES

_AUDIENCE_CUES = [
    ("parent", re.compile(r"\b(my|our) \d{1,2} ?(yo|y/o|year old|years old|yr old)\b|\b(ma|mon|notre) (fille|fils|gars|garcon|garçon|enfant|ado|petite?) de \d{1,2} ans\b|\b(my|our) (daughter|son|kid|kids|child|children|teen|teenager|stepdaughter|stepson|niece|nephew|granddaughter|grandson)\b|\b(ma|notre) (fille|belle-fille|nièce|niece|petite-fille)\b|\b(mon|notre) (fils|enfant|ado|adolescent|neveu|petit-fils)\b|\bmes enfants\b|\bfamille d'?accueil\b|\bnotre (jeune|ado)\b|\bfoster (parent|family|mom|dad|mother|father)\b|\bour (foster )?(kid|teen|youth)\b|\bi'?m a (parent|mom|dad|mother|father)\b|\bje suis (la |le |une |un )?(m[èe]re|maman|p[èe]re|papa|parent)\b", re.I)),
    ("indigenous", re.compile(r"\b(indigenous|first nations?|m[ée]tis|inuk|inuit|native|on reserve|rez|autochtones?|premi[èe]res? nations?|anishinaabe|anishnaabe|cree|cri|ojibwe?|oji-cree|algonquine?|algonquin|mohawk|haudenosaunee|innue?|atikamekw|mi'?kmaq|wendat|huronne?|abénakise?|abenaki|dene|réserve|reserve|two-spirit|bispirituel(le)?)\b", re.I)),
    ("teen", re.compile(r"\b(i'?m|i am|im|j'?ai|jai) (1[0-7]|[89])\b|\b(1[0-7]|[89]) (years old|yo|y/o|ans)\b|\b(high school|my teacher|my parents|mes parents|secondaire|école|ecole|grade \d+)\b", re.I)),
]

# Placeholder -> directory entry, for the few numbers said inside a sentence ("call 911").
INLINE_NUMBERS = {"emergency": "emergency", "hotline": "chth"}


def language(tracker: Tracker) -> str:
    lang = tracker.get_slot("language")
    return lang if lang in LANGUAGES else "en"


def audience_from_text(text: Optional[Text]) -> Optional[str]:
    for audience, rx in _AUDIENCE_CUES:
        if text and rx.search(text):
            return audience
    return None


def is_first_answer(tracker: Tracker) -> bool:
    return not any(e.get("event") == "bot" for e in tracker.events)


class HelpAction(Action, abc.ABC):
    """Base class: subclasses build the answer, this class adds what every answer needs."""

    @abc.abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> List[Dict[Text, Any]]:
        """Send the answer; return the events to apply."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        first = is_first_answer(tracker)
        events = self.answer(dispatcher, tracker, language(tracker))
        if first:
            dispatcher.utter_message(response="utter_exit_hint")
        return events

    @staticmethod
    def utter_with_resources(dispatcher: CollectingDispatcher, response: str, resource_ids: List[str], lang: str) -> None:
        entries = directory.showable(resource_ids)
        dispatcher.utter_message(response=response, resources=directory.render_list(entries, lang), **numbers())


def numbers() -> Dict[str, str]:
    """The numbers an answer may name inside its sentence ({emergency_number}, {hotline_number}),
    from the directory, like every other number."""
    return {f"{key}_number": directory.phone(rid) for key, rid in INLINE_NUMBERS.items()}

