"""action_respond: answers every need that is not an emergency, from the table in data/needs.yml."""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import HelpAction, numbers, said_audience
from actions.hours import utter_opening
from bot.shared.needs import Need, table

# "Other options" only makes sense after a first answer.
NEEDS_AN_EARLIER_ANSWER = ("more_options",)


# Who the person is, once known, over the guess a need makes (data/needs.yml, `audience`).
KEPT_AUDIENCES = ("indigenous", "teen", "parent")


class ActionRespond(HelpAction):
    def name(self) -> str:
        return "action_respond"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        needs = table()
        said = said_audience(tracker.latest_message, tracker.latest_message.get("text"))
        if said == "parent" and intent:
            intent = needs.for_parents.get(intent, intent)
        if intent in NEEDS_AN_EARLIER_ANSWER and not any(e.get("event") == "bot" for e in tracker.events):
            # "who else can I ask?" as the first message: nothing was answered yet, so ask first
            intent = "nlu_fallback"
        # a message that names no need of its own ("what should I do?"): the need of the turns before it
        # (set by bot/plugins/policies/conversation_policy.py)
        carried = tracker.get_slot("context_need")
        if carried in needs.needs and not tracker.latest_message.get("entities"):
            intent = carried
        asked = bool(tracker.get_slot("asked_safe"))
        if intent in needs.asks_if_safe and asked:
            intent = "still_unsure"  # ask once: never the same question twice in a row
        need = path_step(tracker, intent) or typed_answer(tracker) or needs.answer(intent)
        earlier = tracker.get_slot("audience")
        # who said who they are earlier ("hi im 14", "my daughter", "I'm Cree") stays so: the need's own
        # guess ("survivor" for trafficking, "teen" for youth_support) does not undo it
        audience = said or (earlier if earlier in KEPT_AUDIENCES else None) or need.audience or earlier
        if tracker.get_slot("danger_check") and need.response != needs.answer("nlu_fallback").response:
            # the danger score's middle band: 911 and one question first, then the answer
            dispatcher.utter_message(response="utter_danger_check", **numbers())
        if need.resources or need.by_audience:
            self.utter_with_resources(dispatcher, need.response, need.resource_ids(audience, lang), lang)
        else:
            dispatcher.utter_message(response=need.response, **numbers())
        if need.hours_of:
            utter_opening(dispatcher, need.hours_of, lang)
        events = []
        asking = need.response == needs.answer("nlu_fallback").response
        if asking != asked:
            events.append(SlotSet("asked_safe", asking))
        if audience and audience != tracker.get_slot("audience"):
            events.append(SlotSet("audience", audience))
        return events


def path_step(tracker: Tracker, intent: str | None) -> Need | None:
    """The step of a guided path a button asked for (/signs_check{"step":"me_2"}), or None."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "step" and table().step(intent, entity.get("value")):
            return table().step(intent, entity.get("value"))
    return None


# A yes/no step answered by typing instead of a button: "yes", "oui", "non", "nope". (Words read,
# never shown: every answer is still a domain response.)
_YES = re.compile(r"^\s*(?:yes+|yeah|yep|yup|ya|oui+|ouais|ouin|yes please|oui oui)\s*[.!]*\s*$", re.I)
_NO = re.compile(r"^\s*(?:no+|nope|nah|not really|non+|nan|pas vraiment|ben non)\s*[.!]*\s*$", re.I)
_STEP_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})$")


def typed_answer(tracker: Tracker) -> Need | None:
    """After a yes/no question of a guided path, a typed "yes" or "no": the step its button leads to."""
    text = tracker.latest_message.get("text") or ""
    answer = 0 if _YES.match(text) else 1 if _NO.match(text) else None
    if answer is None:
        return None
    last = next((e for e in reversed(tracker.events) if e.get("event") == "bot"), None)
    buttons = ((last or {}).get("data") or {}).get("buttons") or []
    steps = [s for s in (_step_of(b.get("payload")) for b in buttons[:2]) if s is not None]
    # a yes/no question: "Yes" leads to a `_sign` answer, "No" to another step of the same path
    if len(steps) < 2 or not steps[0][1].endswith("_sign") or steps[0][0] != steps[1][0]:
        return None
    path, step = steps[answer]
    return table().step(path, step)


def _step_of(payload: Any) -> tuple[str, str] | None:
    """'/signs_check{"step":"me_2"}' -> ("signs_check", "me_2"); None for any other payload."""
    found = _STEP_PAYLOAD.match(str(payload or ""))
    if not found:
        return None
    try:
        step = json.loads(found.group(2)).get("step")
    except (ValueError, AttributeError):
        return None
    return (found.group(1), str(step)) if step else None
