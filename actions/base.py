"""What every answer of the assistant shares.

- the conversation's language, from the `language` slot (set in the Rasa server before the action);
- the audience (teen, parent, survivor, Indigenous), remembered in the `audience` slot;
- the one-line "how to leave fast" hint after the first answer of a conversation.

The text itself is always a domain response (domain.yml, EN and FR) or resource data
(data/resources.yml): no user-facing string is written in Python.
"""

from __future__ import annotations

import abc
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.shared import directory
from bot.shared.directory import LANGUAGES
from bot.shared.audience import audience_from_text  # noqa: F401  (the one rule, shared with the Rasa server)

# Placeholder -> directory entry, for the few numbers said inside a sentence ("call 911").
INLINE_NUMBERS = {"emergency": "emergency", "hotline": "chth"}


def language(tracker: Tracker) -> str:
    lang = tracker.get_slot("language")
    return lang if lang in LANGUAGES else "en"


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
    def utter_with_resources(
        dispatcher: CollectingDispatcher, response: str, resource_ids: List[str], lang: str
    ) -> None:
        entries = directory.showable(resource_ids)
        dispatcher.utter_message(response=response, resources=directory.render_list(entries, lang), **numbers())


def numbers() -> Dict[str, str]:
    """The numbers an answer may name inside its sentence ({emergency_number}, {hotline_number}),
    from the directory, like every other number."""
    return {f"{key}_number": directory.phone(rid) for key, rid in INLINE_NUMBERS.items()}
