"""Rasa graph component: a steady second opinion on the intent, blended with DIET's.

DIET starts from random weights. Two trainings that differ by a couple of examples (a staff member
adding two phrasings) move dozens of unrelated held-out messages from one intent to another, some to
answers that make no sense ("besoin d'un lit pour ce soir" read as a quick exit). The quality gate then
sees a real-looking drop that the staff member did not cause.

This component trains a plain word and character n-gram logistic regression (scikit-learn) on the same
training examples. It has no random start: the same data give the same model, and a few more examples
move it a little. Each message's intent ranking becomes the average of the two (`weight` is this
model's share), so an intent needs both to agree to win clearly, and the FallbackClassifier after it
still asks when neither is sure.

It runs after DIETClassifier and before SmallTalkFilter and FallbackClassifier, and persists its model in
the trained model (a model and its blend roll back together).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.plugins.nlu.ngram_model import load_model, ngram_features, save_model

logger = logging.getLogger(__name__)

BLEND = "intent_blend"  # parse data: what each model said of the top intent (bot try shows it)
RANKING_LENGTH = 10
_FILE = "intent_blend.pkl"


def build_model(texts: List[str], labels: List[str], c: float):
    """Word (1-2) and character (2-5) n-grams, one multinomial logistic regression: deterministic."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(ngram_features(), LogisticRegression(C=c, max_iter=3000))
    model.fit(texts, labels)
    return model


def blend(diet: List[Dict[str, Any]], linear: Dict[str, float], weight: float) -> List[Dict[str, Any]]:
    """The averaged ranking, best first: (1 - weight) x DIET's confidence + weight x the linear model's."""
    names = {r[INTENT_NAME_KEY] for r in diet if r.get(INTENT_NAME_KEY)} | set(linear)
    scores = {r[INTENT_NAME_KEY]: r.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for r in diet if r.get(INTENT_NAME_KEY)}
    mixed = {n: (1 - weight) * scores.get(n, 0.0) + weight * linear.get(n, 0.0) for n in names}
    ranked = sorted(mixed.items(), key=lambda item: (-item[1], item[0]))[:RANKING_LENGTH]
    return [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: round(float(p), 6)} for n, p in ranked]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class IntentBlend(GraphComponent, IntentClassifier):
    @staticmethod
    def required_components() -> List[Type]:
        # At prediction it blends DIET's ranking, but Rasa checks requirements in the training graph too,
        # where a trained node is fed by the training data only: asking for DIETClassifier there fails
        # `rasa train`. tests/test_rules_data.py checks that config.yml puts it after DIET.
        return []

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"weight": 0.5, "c": 10.0}

    def __init__(
        self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any = None
    ) -> None:
        self.config = {**self.get_default_config(), **(config or {})}
        self._storage, self._resource = model_storage, resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentBlend":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = [], []
        for example in training_data.intent_examples:
            if example.get(TEXT) and example.get(INTENT):
                texts.append(example.get(TEXT))
                labels.append(example.get(INTENT))
        if len(set(labels)) < 2:
            logger.warning("intent blend: fewer than two intents, nothing to learn")
            return self._resource
        self.model = build_model(texts, labels, self.config["c"])
        save_model(self._storage, self._resource, _FILE, self.model)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "IntentBlend":
        model = load_model(model_storage, resource, _FILE)
        if model is None:
            logger.warning("intent blend: the model holds no trained blend; DIET alone decides")
        return cls(config, model_storage, resource, model)

    def linear(self, text: str) -> Dict[str, float]:
        probabilities = self.model.predict_proba([text])[0]
        return {str(name): float(p) for name, p in zip(self.model.classes_, probabilities, strict=True)}

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        weight = float(self.config["weight"])
        for message in messages:
            text = message.get(TEXT)
            diet: Optional[List[Dict[str, Any]]] = message.get(INTENT_RANKING_KEY)
            if not isinstance(text, str) or text.startswith("/") or not re.search(r"\w", text) or not diet:
                continue
            linear = self.linear(text)
            ranking = blend(diet, linear, weight)
            top = ranking[0]
            said = {
                "diet": (message.get(INTENT) or {}).get(INTENT_NAME_KEY),
                "linear": max(linear, key=linear.__getitem__),
            }
            message.set(INTENT, dict(top), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(BLEND, said, add_to_output=True)
        return messages
