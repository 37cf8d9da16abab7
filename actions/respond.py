"""action_respond: answers every need that is not an emergency, from the table in actions/needs.py."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import HelpAction, audience_from_text, numbers
from actions.hours import utter_opening
from actions.needs import FOR_PARENTS, NEEDS


class ActionRespond(HelpAction):
    def name(self) -> Text:
        return "action_respond"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> List[Dict[Text, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        said = audience_from_text(tracker.latest_message.get("text"))
        if said == "parent":
            intent = FOR_PARENTS.get(intent, intent)
        need = NEEDS.get(intent) or NEEDS["nlu_fallback"]
        audience = said or need.audience or tracker.get_slot("audience")
        if need.resources or need.by_audience:
            self.utter_with_resources(dispatcher, need.response, need.resource_ids(audience, lang), lang)
        else:
            dispatcher.utter_message(response=need.response, **numbers())
        if need.hours_of:
            utter_opening(dispatcher, need.hours_of, lang)
        if audience and audience != tracker.get_slot("audience"):
            return [SlotSet("audience", audience)]
        return []
