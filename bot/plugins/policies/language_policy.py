"""Rasa policy that keeps the conversation's `language` slot.

It never predicts an action. After each user message, it reads the NLU's `language_detection`
(from bot.plugins.nlu.language_detector) and the slot's current value, and sets the slot with
`bot.shared.language.conversation_language`: explicit switches win, the first message sets the language,
short or unclear turns keep it.

Why a policy: Rasa applies the events of every policy's prediction before it runs the next action,
in the Rasa server itself. So the slot is right before any response is rendered, with no extra call
to the action server. An NLU component could not do this: it sees one message, not the
conversation.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import METADATA

from bot.shared.language import DEFAULT_LANGUAGE, Detection, conversation_language, normalise_hint
from bot.plugins.nlu.language_detector import LANGUAGE_DETECTION

LANGUAGE_SLOT = "language"


def _just_heard_user(tracker: DialogueStateTracker) -> Optional[UserUttered]:
    """The latest user message, if no action has run since it."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return event
        if isinstance(event, ActionExecuted):
            return None
    return None


def language_after(tracker: DialogueStateTracker) -> Optional[str]:
    """The language the conversation should have after its latest user message, or None."""
    message = _just_heard_user(tracker)
    if message is None:
        return None
    current = tracker.get_slot(LANGUAGE_SLOT)
    parse = message.parse_data or {}
    hint = (parse.get(METADATA) or message.metadata or {}).get("language")
    found = parse.get(LANGUAGE_DETECTION)
    if not found:  # a button payload ("/legal_help") says nothing about the language
        return current or normalise_hint(hint) or DEFAULT_LANGUAGE
    return conversation_language(current, Detection(**found), hint)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class LanguagePolicy(Policy):
    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 0}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        events = []
        language = language_after(tracker)
        if language and language != tracker.get_slot(LANGUAGE_SLOT):
            events.append(SlotSet(LANGUAGE_SLOT, language))
        return self._prediction(self._default_predictions(domain), events=events)
