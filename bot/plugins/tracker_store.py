"""Where conversations are kept, and how they are deleted: on a quick exit, and after a time.

Rasa saves the tracker at the end of every turn, after the actions ran, and the action server
cannot reach the tracker store. So `action_safety_exit` only sets the slot `erase_conversation`;
at the end of that turn this store deletes the whole conversation (every session, every row)
instead of saving it. The next message from the same sender starts a new, empty conversation.

Registered in endpoints.yml as `bot.plugins.tracker_store.ErasingTrackerStore`. The backend comes from the
environment, so the same files serve every deployment (see .env.example):

    TRACKER_STORE_URL   sqlite:////abs/path.db   default: <repo>/var/conversations.db
                        postgresql://user:password@host:5432/db   (the `scaled` profile)
                        redis://[:password@]host:6379/0           (expiry by Redis itself)
                        memory://                                  (nothing on disk)
    RETENTION_HOURS     delete a conversation this long after its last event (default 24)
    RETENTION_SWEEP_MINUTES  how often the Rasa process sweeps (default 10; 0 = only the job,
                        `python -m bot.retention`)
    ASSISTANT_PROFILE   `default` or `scaled`; `scaled` refuses to start without PostgreSQL and
                        a Redis lock store (LOCK_STORE_URL, see bot/plugins/lock_store.py)

Retention is a real deletion: rows are deleted from the store by the sweep, and a conversation
found expired when it is read is deleted at that moment, so it is never continued.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple
from urllib.parse import unquote, urlsplit

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.shared import settings
from bot.shared.settings import SettingError

logger = logging.getLogger(__name__)

ERASE_SLOT = "erase_conversation"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = ROOT / "var" / "conversations.db"
DEFAULT_RETENTION_HOURS = 24.0
DEFAULT_SWEEP_MINUTES = 10.0
PROFILES = ("default", "scaled")


# A storage setting in the environment is missing or wrong (the message names the variable).
ConfigurationError = SettingError


SAFETY_EXIT_ACTION = "action_safety_exit"


def erase_requested(tracker: DialogueStateTracker) -> bool:
    """True when this turn asked for an erase.

    The action sets the slot; but when the call to the action server fails (down, restarting, a
    wrong token), Rasa drops the action's events and still records that the action ran. The erase
    must not depend on the action server, so that record is enough.
    """
    if tracker.get_slot(ERASE_SLOT):
        return True
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name == SAFETY_EXIT_ACTION:
            return True
        if isinstance(event, UserUttered):
            return False
    return False


@dataclass
class TurnOutcome:
    """What a turn ended with, as saved: the conversation's language (the `language` slot) and
    whether the conversation was erased (a quick exit). The web channel puts both in its reply."""

    language: Optional[str] = None
    erased: bool = False
    saved: bool = False


_turn_outcome: ContextVar[Optional[TurnOutcome]] = ContextVar("bot_turn_outcome", default=None)


@contextlib.contextmanager
def reporting_turn() -> Iterator[TurnOutcome]:
    """Around handing one message to Rasa (bot/channels/rest.py): the store's `save()` at the end of
    that turn fills in the outcome. Rasa saves in the task that handles the message, which inherits
    this context, so the outcome reaches exactly the request that carried the message."""
    outcome = TurnOutcome()
    token = _turn_outcome.set(outcome)
    try:
        yield outcome
    finally:
        _turn_outcome.reset(token)


def _report(tracker: DialogueStateTracker, erased: bool) -> None:
    outcome = _turn_outcome.get()
    if outcome is not None:
        language = tracker.get_slot("language")
        outcome.language = language if isinstance(language, str) else None
        outcome.erased, outcome.saved = erased, True


def retention_seconds() -> float:
    return settings.number("RETENTION_HOURS", DEFAULT_RETENTION_HOURS, allow_zero=False) * 3600


def sweep_interval_seconds() -> float:
    return settings.number("RETENTION_SWEEP_MINUTES", DEFAULT_SWEEP_MINUTES) * 60


def profile() -> str:
    name = settings.text("ASSISTANT_PROFILE", "default").lower()
    if name not in PROFILES:
        raise ConfigurationError(f"ASSISTANT_PROFILE must be one of {PROFILES}, got {name!r}")
    return name


def tracker_store_url(url: Optional[str] = None) -> str:
    """The backend: TRACKER_STORE_URL, else the `url` in endpoints.yml, else SQLite in var/."""
    url = settings.text("TRACKER_STORE_URL") or (url or "").strip()
    if profile() == "scaled" and not url.startswith(("postgresql://", "postgresql+psycopg2://")):
        raise ConfigurationError(
            "ASSISTANT_PROFILE=scaled needs TRACKER_STORE_URL=postgresql://user:password@host:port/db "
            "(all Rasa nodes share it)"
        )
    return url or f"sqlite:///{DEFAULT_SQLITE}"


def redacted(url: str) -> str:
    """The URL without user and password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _kind(url: str) -> str:
    scheme = urlsplit(url).scheme.lower()
    if scheme == "sqlite" or scheme.startswith("postgresql"):
        return "sql"
    if scheme in ("redis", "rediss"):
        return "redis"
    if scheme in ("memory", "in-memory", "inmemory"):
        return "memory"
    raise ConfigurationError(f"TRACKER_STORE_URL: unsupported scheme {scheme!r} (sqlite, postgresql, redis or memory)")


class ErasingTrackerStore(TrackerStore):
    """A Rasa tracker store that deletes a conversation on request and after the retention time.

    `ErasingTrackerStore(domain)` returns the backend chosen by TRACKER_STORE_URL: an
    `ErasingSQLTrackerStore`, `ErasingRedisTrackerStore` or `ErasingInMemoryTrackerStore`,
    each a subclass of this class and of Rasa's own store for that backend.
    """

    def __new__(cls, domain=None, host=None, event_broker=None, **kwargs):  # noqa: D102
        if cls is ErasingTrackerStore:
            cls = _BACKENDS[_kind(tracker_store_url(host))]
        return super().__new__(cls)

    def _setup_erasing(self) -> None:
        self.retention = retention_seconds()
        self._sweep_every = sweep_interval_seconds()
        self._sweeper: Optional[asyncio.Task] = None
        # Erasures that failed (store unreachable): retried by the sweeper, and these
        # conversations are never read back in the meantime.
        self._pending_erase: Set[str] = set()

    # --- Rasa's interface -------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        self._start_sweeper()
        if erase_requested(tracker):
            await self.erase(tracker.sender_id)  # deleted now, or marked (never read back) and retried
            _report(tracker, erased=True)
            return
        await super().save(tracker)
        _report(tracker, erased=False)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._checked(sender_id, await self._read(sender_id, super().retrieve))

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._checked(sender_id, await self._read(sender_id, super().retrieve_full_tracker))

    async def _read(self, sender_id: str, read) -> Optional[DialogueStateTracker]:
        self._start_sweeper()
        if sender_id in self._pending_erase:
            await self.erase(sender_id)
            if sender_id in self._pending_erase:
                raise RuntimeError("a conversation marked for deletion could not be deleted yet")
            return None
        return await read(sender_id)

    async def _checked(self, sender_id: str, tracker: Optional[DialogueStateTracker]):
        if tracker is not None and tracker.events:
            last = tracker.events[-1].timestamp
            if last is not None and last < time.time() - self.retention:
                # Expired but not swept yet: delete it now; the user starts a new conversation.
                await self.erase(sender_id)
                return None
        return tracker

    # --- deletion -----------------------------------------------------------------------------
    async def erase(self, sender_id: str) -> None:
        """Delete every stored event of this conversation. Never logs the sender id."""
        try:
            self.delete(sender_id)
        except Exception as e:  # the store is down: remember, retry, never read it back
            self._pending_erase.add(sender_id)
            logger.error("Deleting a conversation failed (%s); it will be retried.", type(e).__name__)
        else:
            self._pending_erase.discard(sender_id)

    def delete(self, sender_id: str) -> None:
        raise NotImplementedError

    def sweep(self, now: Optional[float] = None) -> int:
        """Delete every conversation whose last event is older than the retention time.

        Returns how many conversations were deleted.
        """
        cutoff = (now if now is not None else time.time()) - self.retention
        for sender_id in list(self._pending_erase):
            try:
                self.delete(sender_id)
                self._pending_erase.discard(sender_id)
            except Exception as e:  # still marked: never read back, retried at the next sweep
                # The error type only: no sender id, and no error text (an SQL error can quote stored data).
                logger.error(
                    "Retrying the deletion of a conversation failed (%s); it stays marked for deletion "
                    "and is retried at the next sweep.",
                    type(e).__name__,
                )
        return self._delete_older_than(cutoff)

    def _delete_older_than(self, cutoff: float) -> int:
        raise NotImplementedError

    # --- the periodic sweep inside the Rasa process ---------------------------------------------
    def _start_sweeper(self) -> None:
        if self._sweeper is not None or not self._sweep_every:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._sweeper = loop.create_task(self._sweep_forever())

    def close(self) -> None:
        """Stop the sweep and release the connection (tests, the retention job)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None

    async def _sweep_forever(self) -> None:
        # The sweep makes blocking database calls: it runs in a worker thread, never on Rasa's event
        # loop, so the turns being handled meanwhile are not held up. The stores' delete and query
        # calls are safe from another thread (SQLAlchemy sessions are per call, redis-py is thread-safe,
        # the in-memory store works on a snapshot of its keys).
        while True:
            try:
                deleted = await asyncio.to_thread(self.sweep)
                if deleted:
                    logger.info("Retention: deleted %d conversation(s).", deleted)
            except Exception as e:
                logger.error("Retention sweep failed (%s); next try in %.0f s.", type(e).__name__, self._sweep_every)
            await asyncio.sleep(self._sweep_every)


class RecentTrackers:
    """Conversations this process saved in the last few minutes, to continue them without reading every
    event back from the database and replaying it (the cost that grew with every turn).

    A conversation is handed out once (taken out of here) and put back when its turn is saved, only if
    the database still ends with the event this process wrote last (one indexed lookup): a turn saved
    by another Rasa node, a deletion or a failed turn make it read from the database, as before. A quick
    exit and the retention sweep drop it at once; any other entry goes after `seconds` idle. Memory
    only: nothing is written anywhere.
    """

    def __init__(self, size: int = 256, seconds: float = 300) -> None:
        self.size, self.seconds = size, seconds
        self._items: "OrderedDict[str, Tuple[float, DialogueStateTracker, int, Optional[int]]]" = OrderedDict()
        self._lock = threading.Lock()  # the retention sweep runs in a worker thread

    def put(self, sender_id: str, tracker: DialogueStateTracker, last_id: Optional[int]) -> None:
        if self.size <= 0 or last_id is None:
            return
        with self._lock:
            self._items[sender_id] = (time.monotonic(), tracker, len(tracker.events), last_id)
            self._items.move_to_end(sender_id)
            self._trim()

    def take(self, sender_id: str, last_id: Optional[int]) -> Optional[DialogueStateTracker]:
        with self._lock:
            self._trim()
            entry = self._items.pop(sender_id, None)
        if entry is None or last_id is None or entry[3] != last_id or len(entry[1].events) != entry[2]:
            return None
        return entry[1]

    def drop(self, sender_id: str) -> None:
        with self._lock:
            self._items.pop(sender_id, None)

    def _trim(self) -> None:
        now = time.monotonic()
        while self._items and (
            len(self._items) > self.size or now - next(iter(self._items.values()))[0] > self.seconds
        ):
            self._items.popitem(last=False)


class ErasingSQLTrackerStore(ErasingTrackerStore, SQLTrackerStore):
    """SQLite (the default, one process) or PostgreSQL (shared by every Rasa node).

    Saving a turn and deleting a conversation take the same per-conversation lock inside their
    transaction (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), so a sweep can never
    delete the older rows of a conversation while a new turn of it is being written.
    """

    def __init__(self, domain=None, host=None, event_broker=None, **kwargs: Any) -> None:
        import sqlalchemy as sa

        url = tracker_store_url(host)
        if url.startswith("sqlite:"):
            path = urlsplit(url).path[1:]  # sqlite:///relative or sqlite:////absolute
            if path and path != ":memory:":
                folder = Path(unquote(path)).parent
                folder.mkdir(parents=True, exist_ok=True)
                if folder.resolve() == DEFAULT_SQLITE.parent:
                    folder.chmod(0o700)  # conversations: readable by this user only
        self._setup_erasing()
        old_umask = os.umask(0o077)  # a new database file is created 0600
        try:
            super().__init__(domain=domain, host=url, event_broker=event_broker)
            with self.engine.begin() as conn:  # the retention sweep reads events by time
                conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_events_timestamp ON events (timestamp)"))
        finally:
            os.umask(old_umask)
        # SQL errors must never carry message text into the logs (Rasa logs them on failure).
        self.engine.hide_parameters = True
        self.backend = self.engine.dialect.name
        self._recent = RecentTrackers(settings.number("TRACKER_CACHE_SIZE", 256, kind=int))
        logger.debug("Tracker store: %s", redacted(url))

    def _lock(self, session, sender_id: str) -> None:
        import sqlalchemy as sa

        if self.backend == "postgresql":
            session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "tracker:" + sender_id})
        elif self.backend == "sqlite":
            session.execute(sa.text("BEGIN IMMEDIATE"))

    # Saving a turn: Rasa counts the stored events of the session (a query that reads every row of the
    # conversation, so each turn costs more than the last) to know which events are new. The tracker
    # was read from this store at the start of the turn, under the conversation's lock: it remembers how
    # many events it was read with and the id of the last stored one. If that last id is still the last
    # (one indexed lookup), the new events are the ones after those; otherwise Rasa counts, as before.
    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            last_id = self._last_id(session, sender_id)
        # the conversation as this process saved it, if the database still ends where it did (RecentTrackers)
        tracker = self._recent.take(sender_id, last_id)
        if tracker is None:
            tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None:
            tracker._stored_as = (len(tracker.events), last_id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._recent.drop(tracker.sender_id)
        await super().save(tracker)
        # kept for its next turn, unless it was erased or a new session began in it (a new session is read
        # back from its start, as Rasa does)
        if not erase_requested(tracker) and sum(isinstance(e, SessionStarted) for e in tracker.events) <= 1:
            with self.session_scope() as session:
                self._recent.put(tracker.sender_id, tracker, self._last_id(session, tracker.sender_id))

    def _last_id(self, session, sender_id: str) -> Optional[int]:
        from sqlalchemy import func

        return session.query(func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id).scalar()

    def _additional_events(self, session, tracker: DialogueStateTracker):
        self._lock(session, tracker.sender_id)  # first statement of save()'s transaction
        stored_as = getattr(tracker, "_stored_as", None)
        tracker._stored_as = None  # valid for one save: the turn's
        if stored_as is not None and stored_as[1] == self._last_id(session, tracker.sender_id):
            return itertools.islice(tracker.events, stored_as[0], len(tracker.events))
        return super()._additional_events(session, tracker)

    def delete(self, sender_id: str) -> None:
        self._recent.drop(sender_id)
        with self.session_scope() as session:
            self._lock(session, sender_id)
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()

    def _delete_older_than(self, cutoff: float) -> int:
        from sqlalchemy import func

        E = self.SQLEvent
        with self.session_scope() as session:
            candidates = [
                s
                for (s,) in session.query(E.sender_id)
                .group_by(E.sender_id)
                .having(func.max(E.timestamp) < cutoff)
                .all()
            ]
        deleted, failed = 0, 0
        for sender_id in candidates:
            try:
                with self.session_scope() as session:
                    self._lock(session, sender_id)
                    # Checked again under the lock: a turn may have been saved since.
                    last = session.query(func.max(E.timestamp)).filter(E.sender_id == sender_id).scalar()
                    if last is not None and last < cutoff:
                        self._recent.drop(sender_id)
                        session.query(E).filter(E.sender_id == sender_id).delete(synchronize_session=False)
                        deleted += 1
                    session.commit()
            except Exception as e:  # one conversation that cannot be deleted does not stop the others
                failed += 1
                last_error = type(e).__name__
        if failed:
            logger.error(
                "Retention: %d expired conversation(s) could not be deleted (%s); next try at the next sweep.",
                failed,
                last_error,
            )
        return deleted

    def close(self) -> None:
        self._recent = RecentTrackers(0)
        super().close()
        self.engine.dispose()


class ErasingRedisTrackerStore(ErasingTrackerStore, RedisTrackerStore):
    """Redis: every save sets the key to expire RETENTION_HOURS later, so Redis deletes it itself."""

    def __init__(self, domain=None, host=None, event_broker=None, **kwargs: Any) -> None:
        url = tracker_store_url(host)
        parts = urlsplit(url)
        self._setup_erasing()
        super().__init__(
            domain=domain,
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            db=int(parts.path.strip("/") or 0),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_ssl=parts.scheme == "rediss",
            record_exp=max(1, int(self.retention)),
            event_broker=event_broker,
        )

    def delete(self, sender_id: str) -> None:
        self.red.delete(self.key_prefix + sender_id)

    def _delete_older_than(self, cutoff: float) -> int:
        # Keys already expire by themselves; this catches keys written with a longer retention.
        deleted = 0
        for key in self.red.scan_iter(self.key_prefix + "*"):
            stored = self.red.get(key)
            if stored is None:
                continue
            tracker = self.deserialise_tracker(key[len(self.key_prefix) :], stored)
            if tracker is None or not tracker.events or (tracker.events[-1].timestamp or 0) < cutoff:
                deleted += self.red.delete(key)
        return deleted

    def close(self) -> None:
        super().close()
        self.red.close()


class ErasingInMemoryTrackerStore(ErasingTrackerStore, InMemoryTrackerStore):
    """Nothing on disk; a restart forgets everything (TRACKER_STORE_URL=memory://)."""

    def __init__(self, domain=None, host=None, event_broker=None, **kwargs: Any) -> None:
        self._setup_erasing()
        super().__init__(domain, event_broker)

    def delete(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)

    def _delete_older_than(self, cutoff: float) -> int:
        expired: List[str] = []
        for sender_id, stored in list(self.store.items()):
            tracker = self.deserialise_tracker(sender_id, stored)
            if tracker is None or not tracker.events or (tracker.events[-1].timestamp or 0) < cutoff:
                expired.append(sender_id)
        for sender_id in expired:
            self.store.pop(sender_id, None)
        return len(expired)


_BACKENDS: Dict[str, type] = {
    "sql": ErasingSQLTrackerStore,
    "redis": ErasingRedisTrackerStore,
    "memory": ErasingInMemoryTrackerStore,
}
