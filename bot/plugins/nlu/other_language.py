"""Rasa graph component: a message in neither English nor French gets the `other_language` intent.

The assistant writes only English and French, so a message in Spanish, Punjabi, Arabic, Tagalog,
Chinese, Ukrainian... is answered, in English or French, with the hotline's phone interpreters
(200+ languages) and 911. `bot.shared.language.other_language` decides (a non-Latin script, or a text with
almost no English or French words that langdetect, seeded, puts in another language).

Placed after the safety net: a danger rule or a quick exit found in the message keeps its intent.
The conversation stays in English or French (the `language` slot is never set to anything else).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.nlu.safety_net import EXIT_INTENT, SAFETY_NET, SafetyNet, force_intent
from bot.shared.language import other_language

OTHER_LANGUAGE_INTENT = "other_language"
OTHER_LANGUAGE = "other_language"  # the parse data key: the language found (ISO code or "other")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OtherLanguage(GraphComponent, IntentClassifier):
    @staticmethod
    def required_components() -> List[Type]:
        return [SafetyNet]  # a danger rule or an exit the net found wins over "another language"

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "OtherLanguage":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._check(message)
        return messages

    @staticmethod
    def _check(message: Message) -> None:
        text: Optional[str] = message.get(TEXT)
        if not isinstance(text, str) or text.startswith("/"):
            return
        if (message.get(SAFETY_NET) or {}).get("rule") or (message.get(INTENT) or {}).get(
            INTENT_NAME_KEY
        ) == EXIT_INTENT:
            return
        found = other_language(text)
        if not found:
            return
        message.set(OTHER_LANGUAGE, found, add_to_output=True)
        force_intent(message, OTHER_LANGUAGE_INTENT)
