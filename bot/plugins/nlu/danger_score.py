"""Rasa graph component: a learned, calibrated score of "danger now", beside the danger rules.

The rules (bot/shared/safety/) are precise but only know the phrasings someone wrote down. This score
is a plain word and character n-gram logistic regression (scikit-learn), trained with the model on
everything labelled:

- every training example (`emergency` and `self_harm` are danger, every other intent is not);
- the labelled conversations of the development sets (`cases`, JSON lines in the evaluation
  contract's form): the last message of each case is danger when its group is an emergency ("he's
  gone and we can't reach him" after "my son is 13"), and not when it is calm. The sealed set is
  left out (`exclude`), so it still measures what nobody tuned on.

It is calibrated (Platt scaling over cross-validation folds), so the number reads as a probability,
and cut into three bands that the safety net and the conversation policy act on:

- high (>= `high`): the emergency answer, 911 first;
- middle: the need's answer, but first the safety check that names 911 and asks "are you safe
  right now?";
- low (< `low`): the need's answer.

It scores each message as `danger_score` in the parse data, which the safety net and the conversation
policy (bot/plugins/policies/conversation_policy.py) read.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.plugins.nlu.ngram_model import load_model, ngram_features, save_model

logger = logging.getLogger(__name__)

DANGER_SCORE = "danger_score"
DANGER_INTENTS = ("emergency", "self_harm")
DANGER_GROUPS = ("emergency", "sticky_emergency")
HIGH, MIDDLE, LOW = "high", "middle", "low"
_FILE = "danger_score.pkl"


def labelled_cases(patterns: Iterable[str], exclude: Iterable[str] = ()) -> List[Tuple[str, int]]:
    """(text, label) pairs from JSON-lines case files (the evaluation contract's form)."""
    skip = {Path(p).resolve() for pattern in exclude for p in glob.glob(pattern)}
    pairs = []
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            if Path(path).resolve() in skip:
                continue
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        case = json.loads(line)
                        turns = [t for t in case["turns"] if not t.startswith("/")]
                        if turns:
                            pairs.append((turns[-1], int(case["group"] in DANGER_GROUPS)))
    return pairs


def build_model(texts: List[str], labels: List[int], c: float = 10.0):
    """The calibrated n-gram classifier (deterministic for the same data)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        ngram_features(),
        CalibratedClassifierCV(LogisticRegression(C=c, max_iter=3000, class_weight="balanced"), cv=3),
    )
    model.fit(texts, labels)
    return model


class Scorer:
    """A trained model and its bands."""

    def __init__(self, model: Any, high: float, low: float) -> None:
        self.model, self.high, self.low = model, high, low

    def score(self, text: str) -> float:
        return float(self.model.predict_proba([text])[0][1])

    def band(self, score: float) -> str:
        return HIGH if score >= self.high else MIDDLE if score >= self.low else LOW


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DangerScore(GraphComponent, IntentClassifier):
    @staticmethod
    def required_components() -> List[Type]:
        return []  # scores the plain text with its own n-gram model; it reads no other component's output

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "high": 0.8,
            "low": 0.4,
            "c": 10.0,
            "cases": [],  # JSON-lines files (globs) of labelled conversations
            "exclude": [],  # globs left out of training: the sealed set
        }

    def __init__(
        self, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any = None
    ) -> None:
        self.config = {**self.get_default_config(), **(config or {})}
        self._storage, self._resource = model_storage, resource
        self.scorer = Scorer(model, self.config["high"], self.config["low"]) if model is not None else None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DangerScore":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The labelled case files are read from disk: a change to them retrains the score."""
        digest = hashlib.sha256()
        for pattern in config.get("cases") or []:
            for path in sorted(glob.glob(pattern)):
                digest.update(path.encode() + Path(path).read_bytes())
        return digest.hexdigest()

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = [], []
        for example in training_data.intent_examples:
            if example.get(TEXT):
                texts.append(example.get(TEXT))
                labels.append(int(example.get(INTENT) in DANGER_INTENTS))
        for text, label in labelled_cases(self.config["cases"], self.config["exclude"]):
            texts.append(text)
            labels.append(label)
        if len(set(labels)) < 2:
            logger.warning("danger score: nothing labelled as danger, no score is trained")
            return self._resource
        model = build_model(texts, labels, self.config["c"])
        save_model(self._storage, self._resource, _FILE, model)
        self.scorer = Scorer(model, self.config["high"], self.config["low"])
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "DangerScore":
        model = load_model(model_storage, resource, _FILE)
        if model is None:
            logger.warning("danger score: the model holds no trained score")
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self.scorer is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/") or not re.search(r"\w", text):
                continue
            value = self.scorer.score(text)
            message.set(DANGER_SCORE, {"score": round(value, 4), "band": self.scorer.band(value)}, add_to_output=True)
        return messages
