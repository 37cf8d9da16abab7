"""Rasa graph component: tags each message with its language (see bot/shared/language.py).

It writes `language_detection` into the parse data ({language, confidence, source, explicit,
words}). The conversation's `language` slot is then set by
`bot.plugins.policies.language_policy.LanguagePolicy`, which also knows the slot's previous value: an NLU
component only ever sees one message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.shared.language import detect

LANGUAGE_DETECTION = "language_detection"


def metadata_hint(message: Message) -> Any:
    metadata = message.get(METADATA) or {}
    return metadata.get("language") if isinstance(metadata, dict) else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LanguageDetector(GraphComponent):
    """Detects English or French from the text and the channel's `metadata.language` hint."""

    @staticmethod
    def required_components() -> List[Type]:
        return []  # the first component: it reads the text and the channel's hint only

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls()

    def _tag(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str):
            return
        detection = detect(text, metadata_hint(message))
        message.set(LANGUAGE_DETECTION, detection.as_dict(), add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._tag(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._tag(message)
        return messages
