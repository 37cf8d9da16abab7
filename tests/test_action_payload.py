"""What the action server gets stays bounded in a long conversation, and the actions behave the same.

RasaHQ/rasa#6334: stock Rasa sends every event of the conversation with every action call.
bot/plugins/rasa_speedups.py sends the tracker's state and only the current session's last events.
"""

import asyncio
import json

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor

from bot.plugins import rasa_speedups
from bot.plugins.rasa_speedups import DEFAULT_MAX_EVENTS

rasa_speedups.install()  # what bot/startup.py does in the Rasa server

ENDPOINT = EndpointConfig("http://localhost:5055/webhook", enable_selective_domain=True)


def user(text, intent):
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.99},
        parse_data={"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
    )


def conversation(turns, rasa_domain, language="fr"):
    # the first answer (before these turns) already said how to delete a call or text
    events = [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("phone_traces_told", True)]
    events.append(ActionExecuted("action_listen"))
    for i in range(turns):
        events += [
            user(f"message {i}", "thanks"),
            SlotSet("language", language),
            ActionExecuted("action_respond"),
            BotUttered(f"answer {i}"),
            ActionExecuted("action_listen"),
        ]
    events += [user("mon patron garde mon passeport", "trafficking"), SlotSet("language", language)]
    return DialogueStateTracker.from_events("long-talker", events, rasa_domain.slots)


def payload(tracker, rasa_domain, monkeypatch, max_events=None):
    if max_events is not None:
        monkeypatch.setenv("ACTION_TRACKER_MAX_EVENTS", str(max_events))
    return RemoteAction("action_respond", ENDPOINT)._action_call_format(tracker, rasa_domain)


def run_actions(call):
    executor = ActionExecutor()
    executor.register_package("actions")
    return asyncio.run(executor.run(call))


def test_payload_stays_bounded_for_a_300_turn_conversation(rasa_domain, monkeypatch):
    short = payload(conversation(10, rasa_domain), rasa_domain, monkeypatch)
    long = payload(conversation(300, rasa_domain), rasa_domain, monkeypatch)
    stock = payload(conversation(300, rasa_domain), rasa_domain, monkeypatch, max_events=0)
    assert len(short["tracker"]["events"]) == 4 + 10 * 5 + 2  # a short session goes whole
    assert len(long["tracker"]["events"]) == DEFAULT_MAX_EVENTS
    assert len(json.dumps(long)) < 1.2 * len(json.dumps(short))
    assert len(json.dumps(stock)) > 20 * len(json.dumps(long))  # what stock Rasa sends
    # The state the actions read is complete: slots, latest message, sender.
    assert long["tracker"]["slots"]["language"] == "fr"
    assert long["tracker"]["latest_message"]["text"] == "mon patron garde mon passeport"
    assert long["sender_id"] == "long-talker" and "domain" not in long


def test_actions_answer_turn_300_exactly_as_with_the_whole_conversation(rasa_domain, monkeypatch):
    tracker = conversation(300, rasa_domain)
    trimmed = run_actions(payload(tracker, rasa_domain, monkeypatch))
    whole = run_actions(payload(tracker, rasa_domain, monkeypatch, max_events=0))
    assert trimmed == whole
    names = [r.get("response") for r in trimmed["responses"]]
    assert names == ["utter_trafficking"]  # no "how to leave fast" hint again: it's not the first answer


def test_the_first_answer_of_a_session_still_gets_the_exit_hint(rasa_domain, monkeypatch):
    tracker = conversation(0, rasa_domain)
    result = run_actions(payload(tracker, rasa_domain, monkeypatch))
    assert [r.get("response") for r in result["responses"]] == ["utter_trafficking", "utter_exit_hint"]


@pytest.mark.parametrize("limit", [1, 5, 60])
def test_the_tail_never_reaches_into_an_earlier_session(rasa_domain, monkeypatch, limit):
    old = conversation(3, rasa_domain).events
    events = list(old) + [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        user("salut", "greet"),
    ]
    tracker = DialogueStateTracker.from_events("s", events, rasa_domain.slots)
    sent = payload(tracker, rasa_domain, monkeypatch, max_events=limit)["tracker"]["events"]
    assert len(sent) == min(limit, 4)
    assert not any(e["event"] == "bot" for e in sent)
