"""Rasa graph component: the rule-based safety net, placed after the classifiers.

Danger first: when bot.safety.danger finds a sign of immediate danger, the message's intent becomes
`emergency` (or `self_harm`) with confidence 1.0, whatever the classifier or the
FallbackClassifier said. The classifier's own guess is kept in `safety_net.classifier_intent`, so
the emergency answer can add the one resource that fits the rest of the message.

Then quick exit: a message that is only an exit word (exit, quitter, sortir) becomes `safety_exit`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety.danger import assess
from bot.safety.quick_exit import is_exit_request

SAFETY_NET = "safety_net"
EMERGENCY_INTENT = "emergency"
SELF_HARM_INTENT = "self_harm"
EXIT_INTENT = "safety_exit"


def _force(message: Message, intent: str) -> None:
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNet(GraphComponent, IntentClassifier):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyNet":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue  # "/intent" payloads from buttons are handled by Rasa itself
            previous = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            danger = assess(text)
            if danger is not None:
                forced = SELF_HARM_INTENT if danger.self_harm else EMERGENCY_INTENT
                message.set(
                    SAFETY_NET,
                    {"category": danger.category, "classifier_intent": previous},
                    add_to_output=True,
                )
                _force(message, forced)
            elif is_exit_request(text):
                _force(message, EXIT_INTENT)
        return messages
