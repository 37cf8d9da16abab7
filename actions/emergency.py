"""action_emergency: 911 first, before anything else; 9-8-8 too for self-harm; then the service that
fits the rest of the message, and the 24/7 hotline."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import HelpAction, said_audience
from bot.shared.needs import EMERGENCY_OTHER_RESPONSE, EMERGENCY_RESPONSE, SELF_HARM_RESPONSE, table


def emergency_resource_ids(tracker: Tracker) -> list[str]:
    message = tracker.latest_message
    # What the classifier understood of the rest of the message (see bot/plugins/nlu/safety_net.py).
    understood = (message.get("safety_net") or {}).get("classifier_intent")
    ids = ["emergency"]
    if is_self_harm(tracker):
        ids.append("crisis_988")
        if audience(tracker) == "teen":  # a young person: Kids Help Phone, not the trafficking hotline
            return ids + ["kids_help_phone"]
    needs = table()
    ids.append(needs.emergency_follow_up.get(understood or "", needs.emergency_default_follow_up))
    ids.append(needs.emergency_default_follow_up)  # the 24/7 hotline always, for when the danger has passed
    return list(dict.fromkeys(ids))


def is_self_harm(tracker: Tracker) -> bool:
    message = tracker.latest_message
    understood = (message.get("safety_net") or {}).get("classifier_intent")
    return (message.get("intent") or {}).get("name") == "self_harm" or understood == "self_harm"


def audience(tracker: Tracker):
    return said_audience(tracker.latest_message, tracker.latest_message.get("text")) or tracker.get_slot("audience")


class ActionEmergency(HelpAction):
    tells_phone_traces = False  # 911 first, and nothing that delays the call

    def name(self) -> str:
        return "action_emergency"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> list[dict[str, Any]]:
        self.utter_with_resources(dispatcher, emergency_response(tracker), emergency_resource_ids(tracker), lang)
        return [SlotSet("asked_safe", False)] if tracker.get_slot("asked_safe") else []


def emergency_response(tracker: Tracker) -> str:
    """The answer that speaks to a parent or a friend when the rules found danger to someone else."""
    found = tracker.latest_message.get("safety_net") or {}
    # the category of the rule that fired on this message (models trained before the rules were data put
    # it in "rule"), or on the last turns read together (bot/plugins/policies/conversation_policy.py)
    category = found.get("category") or found.get("rule") or tracker.get_slot("context_danger")
    if category == "someone_else":
        return EMERGENCY_OTHER_RESPONSE
    return SELF_HARM_RESPONSE if is_self_harm(tracker) else EMERGENCY_RESPONSE
