"""action_safety_exit: a short neutral goodbye, then the conversation is forgotten.

The deletion itself happens in the Rasa server (bot/plugins/tracker_store.py) when it saves this turn:
the action server cannot reach the tracker store.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionSafetyExit(Action):
    def name(self) -> str:
        return "action_safety_exit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_safety_exit")
        return [SlotSet("erase_conversation", True)]
