"""action_emergency: 911 first, before anything else; 9-8-8 too for self-harm; then the service that
fits the rest of the message, and the 24/7 hotline."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import HelpAction
from actions.needs import EMERGENCY_DEFAULT_FOLLOW_UP, EMERGENCY_FOLLOW_UP, EMERGENCY_OTHER_RESPONSE, EMERGENCY_RESPONSE


def emergency_resource_ids(tracker: Tracker) -> List[str]:
    message = tracker.latest_message
    intent = (message.get("intent") or {}).get("name")
    # What the classifier understood of the rest of the message (see bot/nlu/safety_net.py).
    understood = (message.get("safety_net") or {}).get("classifier_intent")
    ids = ["emergency"]
    if intent == "self_harm" or understood == "self_harm":
        ids.append("crisis_988")
    ids.append(EMERGENCY_FOLLOW_UP.get(understood, EMERGENCY_DEFAULT_FOLLOW_UP))
    ids.append(EMERGENCY_DEFAULT_FOLLOW_UP)  # the 24/7 hotline always, for when the danger has passed
    return list(dict.fromkeys(ids))


class ActionEmergency(HelpAction):
    def name(self) -> Text:
        return "action_emergency"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> List[Dict[Text, Any]]:
        self.utter_with_resources(dispatcher, emergency_response(tracker), emergency_resource_ids(tracker), lang)
        return []


def emergency_response(tracker: Tracker) -> str:
    """The answer that speaks to a parent or a friend when the rules found danger to someone else."""
    rule = (tracker.latest_message.get("safety_net") or {}).get("rule")
    return EMERGENCY_OTHER_RESPONSE if rule == "someone_else" else EMERGENCY_RESPONSE
