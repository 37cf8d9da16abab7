"""A quick exit deletes the conversation: nothing of it stays in the tracker store."""
import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ErasingTrackerStore


def test_saving_a_turn_that_asked_for_erase_deletes_the_conversation():
    domain = Domain.load("domain.yml")
    store = ErasingTrackerStore(domain)

    async def scenario():
        t = DialogueStateTracker.from_events("alice", [UserUttered("he takes all my money")], domain.slots)
        await store.save(t)
        await store.save(DialogueStateTracker.from_events("bob", [UserUttered("hello")], domain.slots))
        assert "alice" in await store.keys()
        t.update(UserUttered("/safety_exit"))
        t.update(ActionExecuted("action_safety_exit"))
        t.update(SlotSet("erase_conversation", True))
        await store.save(t)
        assert "alice" not in await store.keys()
        assert await store.retrieve("alice") is None
        assert "bob" in await store.keys()  # other conversations are untouched

    asyncio.run(scenario())


def test_action_reply_validation_is_unchanged_by_the_speedup():
    import pytest
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    import bot.rasa_speedups  # noqa: F401

    action = RemoteAction("action_respond", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot"}], "responses": "not a list"})
