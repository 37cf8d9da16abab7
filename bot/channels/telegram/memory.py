"""What the bridge keeps about a chat, keyed by the HMAC sender id, never the chat id.

- the ids of the chat's messages (the user's and the bot's), so that the erase can delete them.
  Telegram lets a bot delete messages of a private chat for 48 hours, so ids older than that are
  useless and are dropped. No text is ever kept, only integers and the time they were seen;
- the language the conversation is in ("en"/"fr"), for the bridge's own texts;
- a lock per chat, so that one chat's messages are handled in order while chats run in parallel
  (in this process's memory; with a Redis store, in Redis, across every bridge process: order.py).

The ids and the language live in a store that survives a restart of the bridge, so an erase after
a restart still deletes the messages seen before it (TELEGRAM_STATE_URL):

    sqlite:////abs/path.db   default: <repo>/var/telegram.db (folder 0700, file 0600)
    redis://[:password@]host:6379/2   the `scaled` profile: shared by every bridge process
    memory://                nothing on disk; a restart forgets (tests)

Keys are the sender ids (HMAC-SHA256 of the chat id with TELEGRAM_SENDER_SECRET); values are message
ids, the times they were seen, and the language; everything expires 48 hours after the chat's
last activity (Redis: the keys' TTL; SQLite: pruned on every read and by the bridge's sweep).
The erase forgets all of it. The store's calls are short and local (a file, or Redis on the
private network); they run on the bridge's event loop.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from bot.channels.telegram.order import ChatOrder

DELETABLE_SECONDS = 48 * 3600  # Telegram: a bot may delete a private chat's messages for 48 hours
MAX_IDS_PER_CHAT = 5000  # a bound; a chat never gets near it in 48 hours of conversation
ROOT = Path(__file__).resolve().parents[3]
DEFAULT_STATE_URL = f"sqlite:///{ROOT / 'var' / 'telegram.db'}"


class MemoryStore:
    """In this process only: {sender: ([(id, seen)], language, last activity)}."""

    def __init__(self) -> None:
        self._chats: dict[str, tuple[list[tuple[int, float]], str | None, float]] = {}

    def add(self, sender: str, message_id: int, now: float) -> None:
        ids, language, _ = self._chats.get(sender, ([], None, now))
        ids.append((message_id, now))
        del ids[:-MAX_IDS_PER_CHAT]
        self._chats[sender] = (ids, language, now)

    def ids(self, sender: str, since: float) -> list[int]:
        ids, _, _ = self._chats.get(sender, ([], None, 0.0))
        ids[:] = [(m, t) for m, t in ids if t >= since]
        return [m for m, _ in ids]

    def language(self, sender: str, since: float) -> str | None:
        _, language, last = self._chats.get(sender, ([], None, 0.0))
        return language if last >= since else None

    def set_language(self, sender: str, language: str, now: float) -> None:
        ids, _, _ = self._chats.get(sender, ([], None, now))
        self._chats[sender] = (ids, language, now)

    def delete(self, sender: str) -> None:
        self._chats.pop(sender, None)

    def sweep(self, since: float) -> int:
        gone = [s for s, (ids, _, last) in self._chats.items() if last < since and all(t < since for _, t in ids)]
        for sender in gone:
            del self._chats[sender]
        return len(gone)

    def __len__(self) -> int:
        return len(self._chats)

    def close(self) -> None:
        pass


class SQLiteStore:
    """One file; survives a restart of the bridge (one bridge process at a time)."""

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            folder = Path(path).parent
            folder.mkdir(parents=True, exist_ok=True)
            if folder.resolve() == (ROOT / "var").resolve():
                folder.chmod(0o700)
        old_umask = os.umask(0o077)  # a new database file is created 0600
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        finally:
            os.umask(old_umask)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS chat_messages (sender TEXT NOT NULL, message_id INTEGER NOT NULL,"
                " seen REAL NOT NULL, PRIMARY KEY (sender, message_id))"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS chats (sender TEXT PRIMARY KEY, language TEXT, last REAL NOT NULL)"
            )

    def _run(self, sql: str, *args) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def add(self, sender: str, message_id: int, now: float) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("INSERT OR REPLACE INTO chat_messages VALUES (?, ?, ?)", (sender, message_id, now))
            self._db.execute(
                "INSERT INTO chats VALUES (?, NULL, ?) ON CONFLICT(sender) DO UPDATE SET last = excluded.last",
                (sender, now),
            )
            self._db.execute(
                "DELETE FROM chat_messages WHERE sender = ? AND message_id NOT IN (SELECT message_id FROM"
                " chat_messages WHERE sender = ? ORDER BY seen DESC LIMIT ?)",
                (sender, sender, MAX_IDS_PER_CHAT),
            )
            self._db.execute("COMMIT")

    def ids(self, sender: str, since: float) -> list[int]:
        self._run("DELETE FROM chat_messages WHERE sender = ? AND seen < ?", sender, since)
        return [
            m
            for (m,) in self._run(
                "SELECT message_id FROM chat_messages WHERE sender = ? ORDER BY seen, message_id", sender
            )
        ]

    def language(self, sender: str, since: float) -> str | None:
        rows = self._run("SELECT language FROM chats WHERE sender = ? AND last >= ?", sender, since)
        return rows[0][0] if rows else None

    def set_language(self, sender: str, language: str, now: float) -> None:
        self._run(
            "INSERT INTO chats VALUES (?, ?, ?) ON CONFLICT(sender) DO UPDATE SET language = excluded.language,"
            " last = excluded.last",
            sender,
            language,
            now,
        )

    def delete(self, sender: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM chat_messages WHERE sender = ?", (sender,))
            self._db.execute("DELETE FROM chats WHERE sender = ?", (sender,))
            self._db.execute("COMMIT")

    def sweep(self, since: float) -> int:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM chat_messages WHERE seen < ?", (since,))
            gone = self._db.execute(
                "DELETE FROM chats WHERE last < ? AND sender NOT IN (SELECT sender FROM chat_messages)", (since,)
            ).rowcount
            self._db.execute("COMMIT")
            return gone

    def __len__(self) -> int:
        return self._run("SELECT count(*) FROM chats")[0][0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class RedisStore:
    """Redis, shared by every bridge process of the `scaled` profile; Redis expires the keys itself."""

    PREFIX = "telegram:"

    def __init__(self, url: str, ttl: float = DELETABLE_SECONDS) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._ttl = max(1, int(ttl))

    def _keys(self, sender: str) -> tuple[str, str]:
        return f"{self.PREFIX}ids:{sender}", f"{self.PREFIX}chat:{sender}"

    def add(self, sender: str, message_id: int, now: float) -> None:
        ids, chat = self._keys(sender)
        pipe = self._redis.pipeline()
        pipe.zadd(ids, {str(message_id): now})
        pipe.zremrangebyrank(ids, 0, -MAX_IDS_PER_CHAT - 1)
        pipe.hset(chat, "last", now)
        pipe.expire(ids, self._ttl)
        pipe.expire(chat, self._ttl)
        pipe.execute()

    def ids(self, sender: str, since: float) -> list[int]:
        ids, _ = self._keys(sender)
        self._redis.zremrangebyscore(ids, "-inf", f"({since}")
        return [int(m) for m in self._redis.zrange(ids, 0, -1)]

    def language(self, sender: str, since: float) -> str | None:
        _, chat = self._keys(sender)
        language, last = self._redis.hmget(chat, "language", "last")
        if language is None or last is None or float(last) < since:
            return None
        return language.decode()

    def set_language(self, sender: str, language: str, now: float) -> None:
        _, chat = self._keys(sender)
        pipe = self._redis.pipeline()
        pipe.hset(chat, mapping={"language": language, "last": now})
        pipe.expire(chat, self._ttl)
        pipe.execute()

    def delete(self, sender: str) -> None:
        self._redis.delete(*self._keys(sender))

    def sweep(self, since: float) -> int:
        return 0  # the keys expire by themselves

    def __len__(self) -> int:
        return sum(1 for _ in self._redis.scan_iter(f"{self.PREFIX}chat:*"))

    def close(self) -> None:
        self._redis.close()


def open_store(url: str | None = None):
    """The store for TELEGRAM_STATE_URL (see the module's docstring)."""
    url = (url or DEFAULT_STATE_URL).strip()
    scheme = urlsplit(url).scheme
    if scheme in ("memory", "inmemory"):
        return MemoryStore()
    if scheme == "sqlite":
        path = unquote(urlsplit(url).path[1:]) or ":memory:"  # sqlite:///relative or sqlite:////absolute
        return SQLiteStore(path)
    if scheme in ("redis", "rediss"):
        return RedisStore(url)
    raise ValueError("TELEGRAM_STATE_URL must be sqlite:///path, redis://host:port/db or memory://")


class ChatMemory:
    """The chats' message ids and language (in a store, see above) and their locks (in memory)."""

    def __init__(self, store=None, clock: Callable[[], float] = time.time, max_age: float = DELETABLE_SECONDS):
        self.store = store if store is not None else MemoryStore()
        self.order: ChatOrder | None = None  # a ChatOrder (order.py) when several processes share the store (Redis)
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self.clock, self.max_age = clock, max_age

    def __len__(self) -> int:
        return len(self.store)

    def _since(self) -> float:
        return self.clock() - self.max_age

    def remember(self, sender: str, message_id: int | None) -> None:
        if message_id is not None:
            self.store.add(sender, int(message_id), float(self.clock()))

    def message_ids(self, sender: str) -> list[int]:
        return self.store.ids(sender, self._since())

    def language(self, sender: str) -> str | None:
        return self.store.language(sender, self._since())

    def set_language(self, sender: str, language: str) -> None:
        self.store.set_language(sender, language, float(self.clock()))

    def forget(self, sender: str) -> list[int]:
        """Forget the chat; returns the message ids that may still be deleted."""
        ids = self.message_ids(sender)
        self.store.delete(sender)
        return ids

    def sweep(self) -> int:
        """Drop expired ids, and chats with nothing left that were idle for max_age. Returns chats dropped."""
        return self.store.sweep(self._since())

    def close(self) -> None:
        self.store.close()

    @asynccontextmanager
    async def lock(self, sender: str, update_id: int | None = None) -> AsyncIterator[bool]:
        """One chat's updates are handled one at a time, in order: in this process (an asyncio lock),
        or, with `order`, across processes in update id order. Yields False for an update that was
        handled already (delivered twice, `order` only): the caller then does nothing."""
        if self.order is not None and update_id is not None:
            async with self.order.turn(sender, update_id) as first_time:
                yield first_time
            return
        lock = self._locks.setdefault(sender, asyncio.Lock())
        self._waiting[sender] = self._waiting.get(sender, 0) + 1
        try:
            async with lock:
                yield True
        finally:
            self._waiting[sender] -= 1
            if not self._waiting[sender]:
                del self._waiting[sender]
                self._locks.pop(sender, None)
