"""One chat's updates in order across several bridge processes (the `scaled` profile, Redis).

Behind nginx, Telegram's updates for one chat reach whichever bridge process nginx picks, so an
in-memory lock cannot keep them in order. Here the order lives in Redis (the chat state's Redis,
TELEGRAM_STATE_URL), under the chat's HMAC key, never the chat id:

    telegram:order:<hmac>          sorted set: the chat's update ids that arrived and are not done
    telegram:order:<hmac>:<id>     this update's lease: its process is alive (refreshed every lease/3)
    telegram:order:<hmac>:turn     the update whose turn it is (SET NX, with the same lease)
    telegram:order:<hmac>:handled  the chat's last 200 update ids that took their turn
    telegram:order:<hmac>:exits    exits under way: nothing more is shown to the chat meanwhile

1. An update is registered when it ARRIVES: the webhook's update queue (`ArrivalQueue` in
   bridge.py) adds its update id before the bridge answers Telegram's POST with 200. Telegram
   numbers updates in order, so update ids order a chat's updates whichever process got them.
2. A handler takes the chat's turn (`turn()`): it waits until its id is the chat's lowest one still
   registered, then holds `:turn`. One update of a chat runs at a time, lowest id first.
3. Done (or failed), it removes its id and frees the turn for the next.

An update handled already is not handled again: Telegram sends an update again when it did not
get the 200 (a bridge stopped or a connection broke after the update was queued), and nginx may
then give it to another bridge while the first one still handles its copy. Whichever copy takes
the turn first is handled; `turn()` tells the other that it is a duplicate.

A process that dies stops refreshing its leases: after `lease` seconds its updates are dropped from
the queue and its turn expires, so a crash holds a chat up for at most `lease` seconds. Nothing is
lost on the way in: if Redis cannot be reached when an update arrives, the webhook answers 500 and
Telegram sends the update again. Values are update ids only (no text, no chat id); every key expires.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

log = logging.getLogger("bot.channels.telegram")

PREFIX = "telegram:order:"
LEASE_SECONDS = 10.0
QUEUE_TTL_SECONDS = 3600  # a chat's queue key, refreshed by every arrival; empty queues vanish anyway
EXIT_TTL_SECONDS = 120
HANDLED_KEPT = 200  # update ids remembered per chat to recognise a duplicate delivery

# Refresh or delete a key only if it still holds our value (our turn, not someone else's).
_IF_OURS_EXPIRE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
)
_IF_OURS_DELETE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class ChatOrder:
    """The chats' update order in Redis, shared by every bridge process (see the module's docstring)."""

    def __init__(self, url: str, lease: float = LEASE_SECONDS, poll: float = 0.05) -> None:
        import redis.asyncio as aredis

        self._redis = aredis.Redis.from_url(url)
        self.lease, self.poll = lease, poll
        self._lease_ms = max(1, int(lease * 1000))
        self._mine: set[tuple[str, int]] = set()  # updates this process registered and has not finished
        self._turns: dict[str, int] = {}  # chats whose turn this process holds: sender -> update id
        self._beat: asyncio.Task | None = None
        self._if_ours_expire = self._redis.register_script(_IF_OURS_EXPIRE)
        self._if_ours_delete = self._redis.register_script(_IF_OURS_DELETE)

    @staticmethod
    def _queue(sender: str) -> str:
        return f"{PREFIX}{sender}"

    def _lease(self, sender: str, update_id: int) -> str:
        return f"{PREFIX}{sender}:{update_id}"

    # ------------------------------------------------------------------ arrival and release
    async def arrived(self, sender: str, update_id: int) -> None:
        """Register an update of this chat as it arrives (before the webhook answers 200)."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(self._queue(sender), {str(update_id): update_id})
        pipe.expire(self._queue(sender), QUEUE_TTL_SECONDS)
        pipe.set(self._lease(sender, update_id), 1, px=self._lease_ms)
        await pipe.execute()
        self._mine.add((sender, update_id))
        if self._beat is None or self._beat.done():
            self._beat = asyncio.ensure_future(self._heartbeat())

    async def done(self, sender: str, update_id: int) -> None:
        """This update is finished (handled, dropped or failed): the chat's next update may go."""
        if self._turns.get(sender) == update_id:
            del self._turns[sender]
            await self._if_ours_delete(keys=[f"{self._queue(sender)}:turn"], args=[str(update_id)])
        if (sender, update_id) in self._mine:
            self._mine.discard((sender, update_id))
            pipe = self._redis.pipeline(transaction=True)
            pipe.zrem(self._queue(sender), str(update_id))
            pipe.delete(self._lease(sender, update_id))
            await pipe.execute()

    # ------------------------------------------------------------------ the chat's turn
    @asynccontextmanager
    async def turn(self, sender: str, update_id: int) -> AsyncIterator[bool]:
        """Wait for this update's turn in its chat, hold it, then give it to the next update.
        Yields False if this update was handled already (a duplicate delivery): do nothing then."""
        if (sender, update_id) not in self._mine:  # not seen arriving (e.g. polling): register now
            await self.arrived(sender, update_id)
        try:
            await self._wait(sender, update_id)
            yield await self._first_time(sender, update_id)
        finally:
            await self.done(sender, update_id)

    async def _first_time(self, sender: str, update_id: int) -> bool:
        handled = f"{self._queue(sender)}:handled"
        pipe = self._redis.pipeline(transaction=True)
        pipe.zadd(handled, {str(update_id): update_id}, nx=True)
        pipe.zremrangebyrank(handled, 0, -HANDLED_KEPT - 1)
        pipe.expire(handled, QUEUE_TTL_SECONDS)
        added, _, _ = await pipe.execute()
        if not added:
            log.info("An update delivered twice was handled once")
        return bool(added)

    async def _wait(self, sender: str, update_id: int) -> None:
        queue, turn = self._queue(sender), f"{self._queue(sender)}:turn"
        while True:
            head = await self._redis.zrange(queue, 0, 0)
            if head and int(head[0]) < update_id:  # an earlier update of this chat is still to finish
                if not await self._redis.exists(self._lease(sender, int(head[0]))):
                    await self._redis.zrem(queue, head[0])  # its process died: it will not come
                    continue
            elif await self._redis.set(turn, str(update_id), nx=True, px=self._lease_ms):
                self._turns[sender] = update_id
                return
            await asyncio.sleep(self.poll)

    async def _heartbeat(self) -> None:
        """While this process holds updates, keep their leases (and its turns) alive."""
        while self._mine or self._turns:
            await asyncio.sleep(self.lease / 3)
            try:
                pipe = self._redis.pipeline(transaction=False)
                for sender, update_id in list(self._mine):
                    pipe.pexpire(self._lease(sender, update_id), self._lease_ms)
                await pipe.execute()
                for sender, update_id in list(self._turns.items()):
                    await self._if_ours_expire(
                        keys=[f"{self._queue(sender)}:turn"], args=[str(update_id), self._lease_ms]
                    )
            except Exception as exc:  # Redis away for a moment: the next beat tries again
                log.warning("Could not renew the chats' order leases (%s)", type(exc).__name__)

    # ------------------------------------------------------------------ exits under way
    async def exit_started(self, sender: str, update_id: int) -> None:
        key = f"{self._queue(sender)}:exits"
        pipe = self._redis.pipeline(transaction=True)
        pipe.sadd(key, str(update_id))
        pipe.expire(key, EXIT_TTL_SECONDS)
        await pipe.execute()

    async def exit_done(self, sender: str, update_id: int) -> None:
        await self._redis.srem(f"{self._queue(sender)}:exits", str(update_id))

    async def exiting(self, sender: str) -> bool:
        """An exit of this chat is under way in some bridge process."""
        return bool(await self._redis.scard(f"{self._queue(sender)}:exits"))

    async def close(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
        await self._redis.close()
