"""The lock store, chosen by the environment: Rasa's RedisLockStore when LOCK_STORE_URL is set.

Rasa handles the messages of one conversation one at a time by taking a lock on it. With one
Rasa process (the `default` profile) an in-memory lock is enough. With several Rasa nodes behind
a load balancer (the `scaled` profile) they must share the lock, in Redis, so the messages of a
conversation are handled in order whichever node receives them:

    LOCK_STORE_URL=redis://[:password@]host:6379/1   (rediss:// for TLS)

Registered in endpoints.yml as `bot.plugins.lock_store.EnvLockStore`. `TICKET_LOCK_LIFETIME` (Rasa's own
variable, seconds) bounds how long a conversation stays locked by a node that died mid-turn.

Rasa's RedisLockStore changes a lock by reading it, changing it and writing it back: two nodes
taking a ticket for the same conversation at the same moment can both get the same ticket, and a
node releasing its ticket can erase a ticket just issued by another node. `AtomicRedisLockStore`
makes each of these changes one Redis transaction (WATCH/MULTI, retried on conflict), and lets the
lock key expire with its last ticket, so no key outlives the conversation it locked.

Rasa also counts a ticket's lifetime from the moment it is issued, waiting included: when a node
dies holding a conversation's lock, the message retried on another node waits for the dead ticket
to expire, and its own ticket, issued a moment later, expires with it; the message then fails
(stock Rasa keeps waiting until the request times out). Here a waiting node renews its own ticket
while it waits, so only the tickets of dead nodes expire; the lifetime bounds how long a node may
hold the lock once it is served.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import Callable, Dict, Optional, Tuple, TypeVar
from urllib.parse import unquote, urlsplit

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.plugins.tracker_store import ConfigurationError, profile, redacted

logger = logging.getLogger(__name__)
T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore with every change of a lock done atomically (see the module)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._lifetimes: Dict[Tuple[str, int], float] = {}

    def _atomic(
        self, conversation_id: str, change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]
    ) -> T:
        import redis

        key = self.key_prefix + conversation_id
        for _ in range(100):
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:  # the key goes away with its last ticket, even if its node died
                        ttl = max(1, int(max(t.expires for t in new.tickets) - time.time()) + 1)
                        pipe.set(key, new.dumps(), ex=ttl)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
        raise LockError("Could not update the conversation lock (too much contention).")

    def issue_ticket(self, conversation_id: str, lock_lifetime: Optional[float] = None) -> int:
        from rasa.core.lock_store import LOCK_LIFETIME

        lifetime = LOCK_LIFETIME if lock_lifetime is None else lock_lifetime

        def change(lock):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lifetime)

        try:
            ticket = self._atomic(conversation_id, change)
        except LockError:
            raise
        except Exception as e:
            raise LockError(f"Error while acquiring lock ({type(e).__name__}).") from None
        self._lifetimes[(conversation_id, ticket)] = lifetime
        return ticket

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        lifetime = self._lifetimes.get((conversation_id, ticket))

        def renew(lock):
            # Expired tickets (dead nodes) go; ours is renewed while we wait.
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            mine = next((t for t in lock.tickets if t.number == ticket), None)
            if mine is None:
                return lock, None
            if lifetime is not None:
                mine.expires = max(mine.expires, time.time() + lifetime)
            return lock, lock

        while True:
            lock = self._atomic(conversation_id, renew)
            if lock is None:  # our ticket expired: we waited longer than its lifetime
                raise LockError("Could not acquire the conversation lock (ticket expired).")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)

    def update_lock(self, conversation_id: str) -> None:
        def change(lock):
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._atomic(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def change(lock):
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._atomic(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Releasing the ticket deletes the key when nobody else waits: one step, not two.
        self._lifetimes.pop((conversation_id, ticket_number), None)
        self.finish_serving(conversation_id, ticket_number)


def lock_store_url(endpoint_config: Optional[EndpointConfig] = None) -> str:
    url = (os.environ.get("LOCK_STORE_URL") or (endpoint_config.url if endpoint_config else None) or "").strip()
    if url and urlsplit(url).scheme not in ("redis", "rediss"):
        raise ConfigurationError("LOCK_STORE_URL must be redis://[:password@]host:port/db")
    if profile() == "scaled" and not url:
        raise ConfigurationError(
            "ASSISTANT_PROFILE=scaled needs LOCK_STORE_URL=redis://host:port/db (the lock all Rasa nodes share)"
        )
    return url


def create_lock_store(endpoint_config: Optional[EndpointConfig] = None) -> LockStore:
    url = lock_store_url(endpoint_config)
    if not url:
        return InMemoryLockStore()
    parts = urlsplit(url)
    logger.debug("Lock store: %s", redacted(url))
    return AtomicRedisLockStore(
        host=parts.hostname or "localhost",
        port=parts.port or 6379,
        db=int(parts.path.strip("/") or 1),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=parts.scheme == "rediss",
    )


class EnvLockStore:
    """What Rasa instantiates from endpoints.yml: an AtomicRedisLockStore or Rasa's InMemoryLockStore."""

    def __new__(cls, endpoint_config: Optional[EndpointConfig] = None) -> LockStore:
        return create_lock_store(endpoint_config)
