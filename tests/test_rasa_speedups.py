"""The long-conversation fixes of bot/plugins/rasa_speedups.py give exactly what stock Rasa gives.

Conversations are generated from the domain (its intents, actions and slots, seeded), with session
starts, restarts, rewinds and slots set along the way. On every prefix of each, and as one tracker
grows event by event (the cached path), `past_states`, `applied_events` and `copy` are compared with
Rasa's own functions, and the trained RulePolicy's prediction with and without the fixes.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.plugins import rasa_speedups

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "assistant.tar.gz"

rasa_speedups.install()  # what bot/startup.py does in the Rasa server


def original(name):
    return rasa_speedups._original(name)


def conversation(rasa_domain, seed: int, turns: int = 40, rare: bool = True) -> list:
    """Events of a plausible conversation: user turns with an intent, actions, bot messages, slots."""
    rng = random.Random(seed)
    intents = sorted(rasa_domain.intents)
    actions = sorted(a for a in rasa_domain.action_names_or_texts if a.startswith(("action_", "utter_")))
    slots = [s for s in rasa_domain.slots if s.type_name in ("text", "bool", "categorical", "any")]
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for turn in range(turns):
        intent = rng.choice(intents)
        events.append(UserUttered(f"message {turn}", {"name": intent, "confidence": 0.9}))
        for _ in range(rng.randint(0, 2)):
            slot = rng.choice(slots)
            value = {"bool": rng.choice([True, False]), "categorical": None}.get(slot.type_name, f"v{turn}")
            if slot.type_name == "categorical" and getattr(slot, "values", None):
                value = rng.choice(slot.values)
            events.append(SlotSet(slot.name, value))
        for _ in range(rng.randint(1, 2)):
            events += [ActionExecuted(rng.choice(actions)), BotUttered(f"answer {turn}")]
        events.append(ActionExecuted("action_listen"))
        if rare and rng.random() < 0.04:
            events += [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
        if rare and rng.random() < 0.02:
            events += [Restarted(), ActionExecuted("action_listen")]
    return events


def tracker_of(events, rasa_domain) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("speedups", events, rasa_domain.slots)


def stock_states(tracker, rasa_domain):
    return rasa_domain.states_for_tracker_history(tracker)


@pytest.mark.parametrize("seed", range(6))
def test_past_states_and_applied_events_match_rasa_on_every_prefix(rasa_domain, seed):
    events = conversation(rasa_domain, seed)
    for end in range(1, len(events) + 1, 3):
        tracker = tracker_of(events[:end], rasa_domain)
        assert tracker.past_states(rasa_domain) == stock_states(tracker, rasa_domain), end
        assert tracker.applied_events() == original("DialogueStateTracker.applied_events")(tracker), end


@pytest.mark.parametrize("seed", range(4))
def test_a_growing_conversation_keeps_matching_rasa_turn_after_turn(rasa_domain, seed):
    events = conversation(rasa_domain, 100 + seed, turns=60)
    tracker = tracker_of(events[:1], rasa_domain)
    for event in events[1:]:
        tracker.update(event)
        assert tracker.past_states(rasa_domain) == stock_states(tracker, rasa_domain)
        assert tracker.applied_events() == original("DialogueStateTracker.applied_events")(tracker)
    # the states handed out are copies: a caller deleting keys in them changes nothing kept
    for state in tracker.past_states(rasa_domain):
        state.get("user", {}).clear()
    assert tracker.past_states(rasa_domain) == stock_states(tracker, rasa_domain)


def test_a_rewind_takes_rasa_s_own_path_and_matches(rasa_domain):
    events = conversation(rasa_domain, 7, turns=10, rare=False)
    tracker = tracker_of(events, rasa_domain)
    tracker.past_states(rasa_domain)  # kept
    tracker.update(UserUttered("oops", {"name": "greet", "confidence": 1.0}))
    tracker.update(UserUtteranceReverted())
    assert tracker.past_states(rasa_domain) == stock_states(tracker, rasa_domain)
    assert tracker.applied_events() == original("DialogueStateTracker.applied_events")(tracker)
    assert id(tracker) not in rasa_speedups._states_cache


def test_a_tracker_changed_other_than_by_appending_is_read_again(rasa_domain):
    tracker = tracker_of(conversation(rasa_domain, 8, turns=12, rare=False), rasa_domain)
    tracker.past_states(rasa_domain)
    kept = list(tracker.events)
    tracker.events.clear()
    for event in conversation(rasa_domain, 9, turns=8, rare=False):
        tracker.update(event)
    assert tracker.past_states(rasa_domain) == stock_states(tracker, rasa_domain)
    assert kept  # the first reading was of other events


@pytest.mark.parametrize("seed", range(3))
def test_copy_is_the_tracker_rasa_s_replay_gives(rasa_domain, seed):
    events = conversation(rasa_domain, 200 + seed, turns=20)
    for end in range(1, len(events) + 1, 5):
        tracker = tracker_of(events[:end], rasa_domain)
        fast, stock = tracker.copy(), original("DialogueStateTracker.copy")(tracker)
        assert fast is not tracker and fast.events is not tracker.events
        assert vars(fast).keys() == vars(stock).keys()
        assert list(fast.events) == list(stock.events)
        assert fast.current_state() == stock.current_state()
        assert {k: s.value for k, s in fast.slots.items()} == {k: s.value for k, s in stock.slots.items()}
        fast.update(SlotSet("language", "fr"))  # the copy is independent
        assert len(tracker.events) == end


@pytest.fixture(scope="module")
def rule_policy(tmp_path_factory):
    """The trained RulePolicy of the model, loaded alone (no TensorFlow)."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    storage, metadata = LocalModelStorage.from_model_archive(tmp_path_factory.mktemp("model"), MODEL)
    name, node = next((k, n) for k, n in metadata.predict_schema.nodes.items() if n.uses is RulePolicy)
    context = ExecutionContext(metadata.predict_schema, node_name=name)
    config = {**RulePolicy.get_default_config(), **node.config}
    return RulePolicy.load(config, storage, node.resource, context), metadata.domain


def predictions(policy, tracker, domain, patched: bool):
    from rasa.core.policies.rule_policy import RulePolicy

    saved = RulePolicy._prediction_states
    if not patched:
        RulePolicy._prediction_states = original("RulePolicy._prediction_states")
    try:
        p = policy.predict_action_probabilities(tracker, domain)
    finally:
        RulePolicy._prediction_states = saved
    return p.probabilities, p.is_end_to_end_prediction, p.is_no_user_prediction, [e.as_dict() for e in p.events]


def steps(domain):
    """The project's rules and test stories, each as its list of events (Rasa's own story reader)."""
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    files = sorted((ROOT / "data" / "rules").glob("*.yml")) + sorted((ROOT / "tests" / "stories").glob("*.yml"))
    for file in files:
        for step in YAMLStoryReader(domain).read_from_file(str(file)):
            kept = [e for e in step.events if isinstance(e, (UserUttered, ActionExecuted, SlotSet))]
            events = []
            for event in kept:
                if isinstance(event, UserUttered) and not (
                    events and isinstance(events[-1], ActionExecuted) and events[-1].action_name == "action_listen"
                ):
                    events.append(ActionExecuted("action_listen"))
                if isinstance(event, UserUttered):  # as the NLU gives it: an intent with its confidence
                    event = UserUttered(event.text, {"name": event.intent_name, "confidence": 0.9})
                events.append(event)
            if events:
                yield f"{file.name}: {step.block_name}", events


@pytest.mark.parametrize("at_turn", [0, 25])
def test_the_trained_rule_policy_predicts_the_same_with_its_latest_states_only(rule_policy, at_turn):
    """Every rule and test story, told at the start of a conversation or after 25 turns of others."""
    policy, domain = rule_policy
    assert rasa_speedups._rule_window(policy) >= 2  # the longest rule, plus one
    checked, by_rule = 0, 0
    for seed, (name, story) in enumerate(steps(domain)):
        events = conversation(domain, 400 + seed, turns=at_turn, rare=False)[:-1] if at_turn else []
        tracker = tracker_of(
            [ActionExecuted("action_session_start"), SessionStarted()] if not events else events[:1], domain
        )
        for event in (events[1:] if events else []) + story:
            tracker.update(event)
            if isinstance(event, ActionExecuted) and event.action_name != "action_listen":
                continue  # predict where Rasa predicts: after a user message, after an action ran
            fast, stock = predictions(policy, tracker, domain, True), predictions(policy, tracker, domain, False)
            assert fast == stock, name
            checked += 1
            by_rule += max(stock[0]) == 1.0
    assert checked > 300 and by_rule > 100, (checked, by_rule)


@pytest.mark.parametrize("seed", range(2))
def test_the_trained_rule_policy_predicts_the_same_on_generated_conversations(rule_policy, seed):
    policy, domain = rule_policy
    tracker = tracker_of([ActionExecuted("action_session_start")], domain)
    for event in conversation(domain, 300 + seed, turns=30)[1:]:
        tracker.update(event)
        if isinstance(event, (UserUttered, BotUttered)):
            assert predictions(policy, tracker, domain, True) == predictions(policy, tracker, domain, False)
