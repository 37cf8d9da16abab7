"""The steady second opinion on the intent (bot/plugins/nlu/intent_blend.py)."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.plugins.nlu.intent_blend import BLEND, IntentBlend, blend

EXAMPLES = {
    "shelter": ["i need a bed tonight", "where can i sleep tonight", "j'ai besoin d'un lit ce soir", "un refuge svp"],
    "legal_help": ["how do i get a restraining order", "free lawyer for a protection order", "ordonnance du tribunal"],
    "greet": ["hi", "hello there", "bonjour", "allo"],
}


def training_data(extra: dict[str, list[str]] | None = None) -> TrainingData:
    messages = [
        Message(data={TEXT: text, INTENT: intent})
        for intent, texts in {**EXAMPLES, **(extra or {})}.items()
        for text in texts
    ]
    return TrainingData(training_examples=messages)


def component(tmp_path, config=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    storage = LocalModelStorage(tmp_path)
    return IntentBlend.create(config or {}, storage, Resource("blend"), ExecutionContext(GraphSchema({}))), storage


def test_blend_averages_and_ranks():
    diet = [{"name": "shelter", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    ranked = blend(diet, {"shelter": 0.2, "legal_help": 0.7, "greet": 0.1}, weight=0.5)
    assert [r["name"] for r in ranked] == ["shelter", "legal_help", "greet"]
    assert ranked[0]["confidence"] == pytest.approx(0.55) and ranked[1]["confidence"] == pytest.approx(0.35)
    assert blend(diet, {"legal_help": 1.0}, weight=0.0)[0]["name"] == "shelter"  # weight 0: DIET alone


def test_the_same_data_give_the_same_model_and_a_little_more_moves_it_a_little(tmp_path):
    first, _ = component(tmp_path / "a")
    first.train(training_data())
    again, _ = component(tmp_path / "b")
    again.train(training_data())
    more, _ = component(tmp_path / "c")
    more.train(training_data({"legal_help": [*EXAMPLES["legal_help"], "can a judge stop him from calling me"]}))
    probe = "un lit pour dormir ce soir"
    assert first.linear(probe) == again.linear(probe)
    assert max(abs(first.linear(probe)[k] - more.linear(probe)[k]) for k in EXAMPLES) < 0.1
    assert max(first.linear(probe), key=first.linear(probe).get) == "shelter"


def test_it_persists_in_the_model_and_rewrites_the_ranking(tmp_path):
    trained, storage = component(tmp_path)
    resource = trained.train(training_data())
    loaded = IntentBlend.load({}, storage, resource, ExecutionContext(GraphSchema({})))
    message = Message(data={TEXT: "where can i sleep tonight"})
    message.set(INTENT, {"name": "greet", "confidence": 0.6})
    message.set(INTENT_RANKING_KEY, [{"name": "greet", "confidence": 0.6}, {"name": "shelter", "confidence": 0.4}])
    loaded.process([message])
    assert message.get(INTENT)["name"] == "shelter"  # the steady model outvotes DIET's weak guess
    assert message.get(BLEND) == {"diet": "greet", "linear": "shelter"}
    assert message.get(INTENT_RANKING_KEY)[0] == message.get(INTENT)


def test_a_button_payload_and_an_untrained_blend_change_nothing(tmp_path):
    untrained, _ = component(tmp_path)
    message = Message(data={TEXT: "/greet"})
    message.set(INTENT, {"name": "greet", "confidence": 1.0})
    message.set(INTENT_RANKING_KEY, [{"name": "greet", "confidence": 1.0}])
    untrained.process([message])
    assert message.get(BLEND) is None and message.get(INTENT)["name"] == "greet"
