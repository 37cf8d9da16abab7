"""Rasa graph component: "Bonjour. Ma nièce a un chum plus vieux..." is not a greeting, and a long
message that mentions French is not a request to switch.

A long message that opens with hello, thanks or ok is about what follows. When the classifier
ranks small talk first for a message of `min_words` words or more, the best other intent takes
its place. Runs before the FallbackClassifier, so an unsure result still falls back.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

SMALL_TALK = ("greet", "goodbye", "thanks", "affirm", "switch_language")
# "en français svp" is a request to switch; a long message that says "...parler à une conseillère en
# français" is about the need: a switch request needs this many words before it gives way.
MIN_WORDS = {"switch_language": 10}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SmallTalkFilter(GraphComponent, IntentClassifier):
    @staticmethod
    def required_components() -> List[Type]:
        return [IntentClassifier]  # re-reads the intent ranking of the classifier before it (DIET)

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"min_words": 6, "min_other_confidence": 0.1}

    def __init__(self, config: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **(config or {})}

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SmallTalkFilter":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if not isinstance(text, str) or text.startswith("/") or intent not in SMALL_TALK:
                continue
            if len(text.split()) < MIN_WORDS.get(intent, self.config["min_words"]):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in SMALL_TALK]
            # "i have to go quick bye" is a goodbye: give way only to a need the classifier saw too
            if ranking and (ranking[0].get("confidence") or 0) >= self.config["min_other_confidence"]:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
