"""The learned danger score (bot/plugins/nlu/danger_score.py): trained, persisted in the model, loaded back."""

from __future__ import annotations

import json

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.plugins.nlu.danger_score import DANGER_SCORE, DangerScore, labelled_cases

DANGER = [
    "he is at my door right now",
    "he's hitting me right now",
    "they locked me in the room",
    "il est devant ma porte",
    "il me frappe en ce moment",
    "ils m'ont enfermée dans la chambre",
    "someone is breaking in",
    "he has a knife and says he'll kill me",
]
CALM = [
    "how do i get a restraining order",
    "what is the hotline number",
    "does the hotline help boys too",
    "comment avoir une ordonnance",
    "je veux parler à quelqu'un",
    "my boss kept my passport last year",
    "is this confidential",
    "quelles sont les heures d'ouverture",
]


def training_data():
    examples = [Message(data={TEXT: t, INTENT: "emergency"}) for t in DANGER]
    examples += [Message(data={TEXT: t, INTENT: "legal_help"}) for t in CALM]
    return TrainingData(examples)


def test_trained_score_is_persisted_and_loaded_back(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("danger_score")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**DangerScore.get_default_config(), "cases": [], "exclude": []}
    component = DangerScore.create(config, storage, resource, context)
    component.train(training_data())

    loaded = DangerScore.load(config, storage, resource, context)
    messages = [Message(data={TEXT: "il est devant ma porte maintenant"}), Message(data={TEXT: "/legal_help"})]
    loaded.process(messages)
    scored = messages[0].get(DANGER_SCORE)
    assert 0.0 <= scored["score"] <= 1.0 and scored["band"] in ("high", "middle", "low")
    assert messages[1].get(DANGER_SCORE) is None  # a button payload is not scored
    danger = loaded.scorer.score("he is at my door right now")
    calm = loaded.scorer.score("what is the hotline number")
    assert danger > calm


def test_cases_give_their_last_message_and_the_sealed_set_is_left_out(tmp_path):
    dev, sealed = tmp_path / "dev.jsonl", tmp_path / "sealed.jsonl"
    dev.write_text(
        json.dumps({"id": "1", "group": "emergency", "turns": ["my son is 13", "he's gone"]})
        + "\n"
        + json.dumps({"id": "2", "group": "legal", "calm": True, "turns": ["i'm safe now", "how do i get an order"]})
        + "\n"
    )
    sealed.write_text(json.dumps({"id": "3", "group": "emergency", "turns": ["help"]}) + "\n")
    pairs = labelled_cases([str(tmp_path / "*.jsonl")], exclude=[str(sealed)])
    assert pairs == [("he's gone", 1), ("how do i get an order", 0)]


def test_a_change_to_the_cases_retrains(tmp_path):
    cases = tmp_path / "dev.jsonl"
    cases.write_text("{}\n")
    before = DangerScore.fingerprint_addon({"cases": [str(cases)]})
    cases.write_text("{} \n")
    assert DangerScore.fingerprint_addon({"cases": [str(cases)]}) != before
