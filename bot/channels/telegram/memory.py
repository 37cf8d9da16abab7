"""What the bridge keeps about a chat: in memory only, keyed by the HMAC sender id, never the chat id.

- the ids of the chat's messages (the user's and the bot's), so that the erase can delete them.
  Telegram lets a bot delete messages of a private chat for 48 hours, so ids older than that are
  useless and are dropped. No text is ever kept, only integers and the time they were seen;
- the language the conversation is in ("en"/"fr"), for the bridge's own texts;
- a lock per chat, so that one chat's messages are handled in order while chats run in parallel.

The erase forgets all of it. Nothing here is written to disk.

"Tell the user once" (the auto-delete / passcode tip after an erase) is remembered without
remembering who: `TipMemory` keeps only 16 bits of the sender id (65,536 buckets). A bucket is
shared by a vast number of possible chats, so it cannot tell which chat was told; the price is that
a chat whose bucket is already taken by another chat may not get the tip (with 500 chats that ever
erased, about 0.8% of them). It lasts as long as the process: after a restart, a chat may be told again.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import AsyncIterator, Callable, Deque, Dict, List, Optional, Set, Tuple

DELETABLE_SECONDS = 48 * 3600  # Telegram: a bot may delete a private chat's messages for 48 hours
MAX_IDS_PER_CHAT = 5000  # a bound on memory; a chat never gets near it in 48 hours of conversation


@dataclass
class ChatState:
    ids: Deque[Tuple[int, float]] = field(default_factory=deque)  # (message id, time seen)
    language: Optional[str] = None
    last_seen: float = 0.0


class ChatMemory:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_age: float = DELETABLE_SECONDS):
        self._chats: Dict[str, ChatState] = {}
        self._locks: Dict[str, asyncio.Lock] = {}
        self._waiting: Dict[str, int] = {}
        self.clock, self.max_age = clock, max_age

    def __len__(self) -> int:
        return len(self._chats)

    def _state(self, sender: str) -> ChatState:
        state = self._chats.get(sender)
        if state is None:
            state = self._chats[sender] = ChatState()
        state.last_seen = self.clock()
        return state

    def _prune(self, state: ChatState) -> None:
        oldest = self.clock() - self.max_age
        while state.ids and state.ids[0][1] < oldest:
            state.ids.popleft()
        while len(state.ids) > MAX_IDS_PER_CHAT:
            state.ids.popleft()

    def remember(self, sender: str, message_id: Optional[int]) -> None:
        if message_id is None:
            return
        state = self._state(sender)
        state.ids.append((int(message_id), self.clock()))
        self._prune(state)

    def message_ids(self, sender: str) -> List[int]:
        state = self._chats.get(sender)
        if state is None:
            return []
        self._prune(state)
        return [mid for mid, _ in state.ids]

    def language(self, sender: str) -> Optional[str]:
        state = self._chats.get(sender)
        return state.language if state else None

    def set_language(self, sender: str, language: str) -> None:
        self._state(sender).language = language

    def forget(self, sender: str) -> List[int]:
        """Forget the chat; returns the message ids that may still be deleted."""
        ids = self.message_ids(sender)
        self._chats.pop(sender, None)
        return ids

    def sweep(self) -> int:
        """Drop expired ids, and chats with nothing left that were idle for max_age. Returns chats dropped."""
        now, dropped = self.clock(), 0
        for sender in list(self._chats):
            state = self._chats[sender]
            self._prune(state)
            if not state.ids and now - state.last_seen > self.max_age:
                del self._chats[sender]
                dropped += 1
        return dropped

    @asynccontextmanager
    async def lock(self, sender: str) -> AsyncIterator[None]:
        """One chat's updates are handled one at a time, in order."""
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._waiting[sender] = self._waiting.get(sender, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[sender] -= 1
            if not self._waiting[sender]:
                del self._waiting[sender]
                self._locks.pop(sender, None)


class TipMemory:
    """Remembers that a chat was given the privacy tip, as one of 65,536 anonymous buckets."""

    BITS = 16

    def __init__(self) -> None:
        self._told: Set[int] = set()

    def bucket(self, sender: str) -> int:
        return int(sender[: self.BITS // 4], 16)

    def first_time(self, sender: str) -> bool:
        """True the first time a chat's bucket asks; then False."""
        b = self.bucket(sender)
        if b in self._told:
            return False
        if len(self._told) >= 2 ** (self.BITS - 1):  # half full: start over rather than tell nobody
            self._told.clear()
        self._told.add(b)
        return True
