"""What every answer of the assistant shares.

- the conversation's language, from the `language` slot (set in the Rasa server before the action);
- the audience (teen, parent, survivor, Indigenous), remembered in the `audience` slot;
- the one-line "how to leave fast" hint after the first answer of a conversation;
- once per conversation, after the first answer that shows a number to call or text: "if someone
  checks your phone, delete the call or text afterwards" (never in an emergency answer: 911 first).

The text itself is always a domain response (domain.yml, EN and FR) or resource data
(data/resources.yml): no user-facing string is written in Python.
"""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.shared import directory
from bot.shared.audience import audience_from_text, said_audience  # noqa: F401  (the one rule, shared with the Rasa server)
from bot.shared.directory import LANGUAGES

# Placeholder -> directory entry, for the few numbers said inside a sentence ("call 911").
INLINE_NUMBERS = {"emergency": "emergency", "hotline": "chth"}

PHONE_TRACES = "utter_phone_traces"


def language(tracker: Tracker) -> str:
    lang = tracker.get_slot("language")
    return lang if lang in LANGUAGES else "en"


def is_first_answer(tracker: Tracker) -> bool:
    return not any(e.get("event") == "bot" for e in tracker.events)


PHONE_TRACES_SLOT = "phone_traces_told"


def told_phone_traces(tracker: Tracker) -> bool:
    """The conversation was already told how to delete a call or text (utter_phone_traces). A slot, not a
    look through the events: the action server gets only the last events of a long conversation."""
    return bool(tracker.get_slot(PHONE_TRACES_SLOT))


def shows_a_number(entries) -> bool:
    """Some of these services are reached by calling or texting a number (911 aside: an emergency answer
    never carries more than what to do now)."""
    return any(e.id != "emergency" and (e.contact.get("phone") or e.contact.get("text_number")) for e in entries)


class HelpAction(Action, abc.ABC):
    """Base class: subclasses build the answer, this class adds what every answer needs."""

    @abc.abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> list[dict[str, Any]]:
        """Send the answer; return the events to apply."""

    # An emergency answer says what to do now and nothing more (actions/emergency.py sets it False).
    tells_phone_traces = True

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        first = is_first_answer(tracker)
        events = self.answer(dispatcher, tracker, language(tracker))
        if self.tells_phone_traces and getattr(dispatcher, "shows_a_number", False) and not told_phone_traces(tracker):
            dispatcher.utter_message(response=PHONE_TRACES)
            events = [*events, SlotSet(PHONE_TRACES_SLOT, True)]
        if first:
            dispatcher.utter_message(response="utter_exit_hint")
        return events

    @staticmethod
    def utter_with_resources(
        dispatcher: CollectingDispatcher, response: str, resource_ids: list[str], lang: str
    ) -> None:
        entries = directory.showable(resource_ids)
        dispatcher.utter_message(response=response, resources=directory.render_list(entries, lang), **numbers())
        if shows_a_number(entries):  # this turn's dispatcher: read by run() for utter_phone_traces
            dispatcher.shows_a_number = True


def numbers() -> dict[str, str]:
    """The numbers an answer may name inside its sentence ({emergency_number}, {hotline_number}),
    from the directory, like every other number."""
    return {f"{key}_number": directory.phone(rid) for key, rid in INLINE_NUMBERS.items()}
