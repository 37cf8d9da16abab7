"""Tracker store that forgets a conversation when the user asks for a quick exit.

Rasa saves the tracker at the end of every turn, after the actions ran, and the action server
cannot reach the tracker store. So `action_safety_exit` only sets the slot `erase_conversation`;
at the end of that turn this store deletes the conversation instead of saving it. The next
message from the same sender starts a new, empty conversation.

Registered in endpoints.yml as `bot.tracker_store.ErasingTrackerStore`.
"""
from __future__ import annotations

from typing import Text

import bot.rasa_speedups  # noqa: F401  (see the module)
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

ERASE_SLOT = "erase_conversation"


def erase_requested(tracker: DialogueStateTracker) -> bool:
    return bool(tracker.get_slot(ERASE_SLOT))


class ErasingTrackerStore(InMemoryTrackerStore):
    """In memory only, nothing on disk; deletes a conversation on request."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if erase_requested(tracker):
            await self.delete(tracker.sender_id)
            return
        await super().save(tracker)

    async def delete(self, sender_id: Text) -> None:
        self.store.pop(sender_id, None)
