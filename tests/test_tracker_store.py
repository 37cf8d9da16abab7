"""Conversations are kept in the store chosen by TRACKER_STORE_URL, and really deleted: on a quick
exit, and RETENTION_HOURS after their last message. Every check reads the database itself.

SQLite and in-memory run everywhere; PostgreSQL and Redis start throwaway servers (marked `scale`).
"""

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.plugins.lock_store import EnvLockStore
from bot.plugins.tracker_store import ConfigurationError, ErasingTrackerStore
from tests.support.servers import ROOT

DAY = 24 * 3600


@pytest.fixture(autouse=True)
def no_background_sweep(monkeypatch):
    monkeypatch.setenv("RETENTION_SWEEP_MINUTES", "0")  # a test that wants it says so


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def postgres():
    from tests.support.servers import Postgres

    with Postgres() as pg:
        yield pg


@pytest.fixture(scope="module")
def redis_server():
    from tests.support.servers import Redis

    with Redis() as r:
        yield r


class Backend:
    """One store URL plus a way to count a conversation's rows without going through Rasa."""

    def __init__(self, url, rows):
        self.url, self.rows = url, rows


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.scale),
        pytest.param("redis", marks=pytest.mark.scale),
    ]
)
def backend(request, tmp_path, monkeypatch):
    monkeypatch.setenv("RETENTION_SWEEP_MINUTES", "0")
    monkeypatch.delenv("RETENTION_HOURS", raising=False)
    monkeypatch.delenv("ASSISTANT_PROFILE", raising=False)
    kind = request.param
    if kind == "memory":
        b = Backend("memory://", None)
    elif kind == "sqlite":
        db = tmp_path / "conversations.db"
        b = Backend(
            f"sqlite:///{db}",
            lambda s: (
                sqlite3.connect(db).execute("SELECT count(*) FROM events WHERE sender_id = ?", (s,)).fetchone()[0]
            ),
        )
    elif kind == "postgresql":
        pg = request.getfixturevalue("postgres")
        pg.query("DROP TABLE IF EXISTS events")
        b = Backend(pg.url, lambda s: pg.query("SELECT count(*) FROM events WHERE sender_id = %s", s)[0][0])
    else:
        import redis

        r = request.getfixturevalue("redis_server")
        client = redis.Redis(host="127.0.0.1", port=r.port, password=r.password, db=0)
        client.flushdb()
        b = Backend(r.url(0), lambda s: client.exists("tracker:" + s))
    b.kind = kind
    monkeypatch.setenv("TRACKER_STORE_URL", b.url)
    return b


def run(coro):
    return asyncio.get_event_loop_policy().new_event_loop().run_until_complete(coro)


def conversation(domain, sender, texts, at=None):
    """A tracker with one user message and one bot answer per text, `at` = time of the first event."""
    at = at or time.time()
    events = [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]
    for i, text in enumerate(texts):
        t = at + i
        events += [
            UserUttered(text, timestamp=t),
            BotUttered("answer", timestamp=t + 0.5),
            ActionExecuted("action_listen", timestamp=t + 0.5),
        ]
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def user_texts(tracker):
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_the_backend_is_chosen_by_the_environment(backend, domain):
    store = ErasingTrackerStore(domain)
    expected = {
        "memory": "ErasingInMemoryTrackerStore",
        "sqlite": "ErasingSQLTrackerStore",
        "postgresql": "ErasingSQLTrackerStore",
        "redis": "ErasingRedisTrackerStore",
    }[backend.kind]
    assert type(store).__name__ == expected and isinstance(store, ErasingTrackerStore)
    store.close()


def test_quick_exit_deletes_every_row_of_that_conversation_only(backend, domain):
    store = ErasingTrackerStore(domain)

    async def scenario():
        alice = conversation(domain, "alice", ["he takes all my money"], at=time.time() - 7200)
        await store.save(alice)
        # A second session of the same conversation: the erase removes both sessions.
        alice = await store.retrieve_full_tracker("alice")
        for e in [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("he has my passport"),
        ]:
            alice.update(e)
        await store.save(alice)
        await store.save(conversation(domain, "bob", ["hello"]))
        if backend.rows:
            assert backend.rows("alice") > 0
        assert set(user_texts(await store.retrieve_full_tracker("alice"))) == {
            "he takes all my money",
            "he has my passport",
        }
        alice = await store.retrieve("alice")
        alice.update(UserUttered("/safety_exit"))
        alice.update(ActionExecuted("action_safety_exit"))
        alice.update(SlotSet("erase_conversation", True))
        await store.save(alice)
        assert await store.retrieve_full_tracker("alice") is None
        assert user_texts(await store.retrieve("bob")) == ["hello"]  # others are untouched
        if backend.rows:
            assert backend.rows("alice") == 0 and backend.rows("bob") > 0

    run(scenario())
    store.close()


def test_quick_exit_deletes_even_when_the_action_server_call_failed(backend, domain):
    """Rasa keeps the record that action_safety_exit ran but drops its events when the call fails."""
    store = ErasingTrackerStore(domain)

    async def scenario():
        carol = conversation(domain, "carol", ["il garde mon passeport"])
        await store.save(carol)
        carol = await store.retrieve("carol")
        carol.update(UserUttered("/safety_exit"))
        carol.update(ActionExecuted("action_safety_exit"))  # no SlotSet: the action server was down
        await store.save(carol)
        assert await store.retrieve_full_tracker("carol") is None
        if backend.rows:
            assert backend.rows("carol") == 0
        # An exit in an earlier turn says nothing about this one: a later turn is saved normally.
        dave = conversation(domain, "dave", ["hello"])
        dave.update(ActionExecuted("action_safety_exit"))
        dave.update(UserUttered("i need help"))
        await store.save(dave)
        assert "i need help" in user_texts(await store.retrieve("dave"))

    run(scenario())
    store.close()


def test_a_restart_loses_nothing(backend, domain):
    if backend.kind == "memory":
        pytest.skip("memory:// is meant to forget on restart")
    first = ErasingTrackerStore(domain)
    run(first.save(conversation(domain, "carol", ["my boss keeps my passport", "what can I do"])))
    first.close()
    second = ErasingTrackerStore(domain)  # a new process would do exactly this
    assert user_texts(run(second.retrieve("carol"))) == ["my boss keeps my passport", "what can I do"]
    second.close()


def test_retention_deletes_conversations_idle_longer_than_the_limit(backend, domain):
    store = ErasingTrackerStore(domain)
    now = time.time()
    run(store.save(conversation(domain, "old", ["hello"], at=now - DAY - 600)))
    run(store.save(conversation(domain, "recent", ["hello"], at=now - 3600)))
    # Started long ago, but its last message is recent: kept (24 h after the LAST message).
    long_talk = conversation(domain, "long", ["hello"], at=now - 3 * DAY)
    long_talk.update(UserUttered("still here", timestamp=now - 60))
    run(store.save(long_talk))

    if backend.kind == "redis":  # Redis expires keys by itself, 24 h after the last save
        import redis

        client = redis.Redis(
            host="127.0.0.1",
            port=int(backend.url.rsplit(":", 1)[1].split("/")[0]),
            password=backend.url.split(":")[2].split("@")[0],
        )
        assert 0 < client.ttl("tracker:recent") <= DAY
    assert store.sweep() == 1
    assert run(store.retrieve("old")) is None
    assert user_texts(run(store.retrieve("recent"))) == ["hello"]
    assert user_texts(run(store.retrieve("long")))[-1] == "still here"
    if backend.rows:
        assert backend.rows("old") == 0 and backend.rows("recent") > 0 and backend.rows("long") > 0
    store.close()


def test_an_expired_conversation_is_deleted_when_read_not_continued(backend, domain, monkeypatch):
    monkeypatch.setenv("RETENTION_HOURS", "1")
    store = ErasingTrackerStore(domain)
    run(store.save(conversation(domain, "dave", ["they watch my phone"], at=time.time() - 7200)))
    assert run(store.retrieve("dave")) is None  # no sweep ran: reading it deleted it
    if backend.rows:
        assert backend.rows("dave") == 0
    store.close()


def test_the_rasa_process_sweeps_on_its_own(backend, domain, monkeypatch):
    if backend.kind == "redis":
        pytest.skip("Redis expires the keys itself")
    monkeypatch.setenv("RETENTION_SWEEP_MINUTES", "0.005")  # every 0.3 s
    monkeypatch.setenv("RETENTION_HOURS", "1")
    store = ErasingTrackerStore(domain)

    async def scenario():
        await store.save(conversation(domain, "erin", ["hello"], at=time.time() - 7200))
        await store.save(conversation(domain, "frank", ["hello"]))  # also starts the sweeper
        for _ in range(100):
            if "erin" not in list(await store.keys()):
                break
            await asyncio.sleep(0.1)
        store.close()
        await asyncio.sleep(0)
        return list(await store.keys())

    assert run(scenario()) == ["frank"]


def test_the_rasa_process_sweeps_off_its_event_loop(tmp_path, domain, monkeypatch):
    """The sweep's blocking database calls run in a worker thread: turns go on while it works."""
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    monkeypatch.setenv("RETENTION_SWEEP_MINUTES", "0.005")  # every 0.3 s
    store = ErasingTrackerStore(domain)
    sweeping, threads, real_sweep = threading.Event(), [], store.sweep

    def slow_sweep(now=None):  # a slow database
        threads.append(threading.get_ident())
        sweeping.set()
        try:
            time.sleep(0.5)
            return real_sweep(now)
        finally:
            sweeping.clear()

    monkeypatch.setattr(store, "sweep", slow_sweep)

    async def scenario():
        await store.save(conversation(domain, "gina", ["hello"]))  # starts the sweeper
        ticks_while_sweeping, deadline = 0, time.monotonic() + 20
        while time.monotonic() < deadline and not (threads and ticks_while_sweeping >= 3):
            await asyncio.sleep(0.01)
            ticks_while_sweeping += sweeping.is_set()
        store.close()
        return threading.get_ident(), ticks_while_sweeping

    loop_thread, ticks = run(scenario())
    assert threads and loop_thread not in threads
    assert ticks >= 3  # the event loop kept running during the sweep


def test_a_failed_delete_is_logged_without_any_conversation_data(tmp_path, domain, monkeypatch, caplog):
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    store = ErasingTrackerStore(domain)
    sender, secret = "widget-Qx7Lm2", "he keeps my passport"
    run(store.save(conversation(domain, sender, [secret])))
    run(store.save(conversation(domain, "old-" + sender, [secret], at=time.time() - 2 * DAY)))

    def broken(*args, **kwargs):  # the store is down, and its error quotes what it was given
        raise RuntimeError(f"cannot delete {sender}: {secret}")

    monkeypatch.setattr(store, "delete", broken)
    run(store.erase(sender))  # a quick exit while the store is down: marked, retried by the sweep
    monkeypatch.setattr(store, "_lock", broken)  # expired conversations cannot be deleted either
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        assert store.sweep() == 0
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("Retrying the deletion of a conversation failed (RuntimeError)" in m for m in errors), errors
    assert any("1 expired conversation(s) could not be deleted (RuntimeError)" in m for m in errors), errors
    assert sender not in caplog.text and secret not in caplog.text and "passport" not in caplog.text
    store.close()


def test_the_retention_job_deletes_old_conversations(tmp_path, domain, monkeypatch, capsys):
    monkeypatch.delenv("RETENTION_HOURS", raising=False)
    db = tmp_path / "conversations.db"
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("RETENTION_SWEEP_MINUTES", "0")
    store = ErasingTrackerStore(domain)
    run(store.save(conversation(domain, "old", ["hello"], at=time.time() - 30 * 3600)))
    run(store.save(conversation(domain, "new", ["hello"], at=time.time() - 3600)))  # 1 h old: kept by the 24 h default
    store.close()
    out = subprocess.run(
        [sys.executable, "-m", "bot.retention"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "deleted 1 conversation" in out.stdout
    count = lambda s: sqlite3.connect(db).execute("SELECT count(*) FROM events WHERE sender_id=?", (s,)).fetchone()[0]
    assert count("old") == 0 and count("new") > 0
    # --hours overrides RETENTION_HOURS for one run (in-process: same code, faster)
    from bot.retention import main

    assert main(["--hours", "0.5"]) == 0
    assert "deleted 1 conversation" in capsys.readouterr().out and count("new") == 0
    assert "RETENTION_HOURS" not in os.environ  # main() leaves the environment as it was


def test_sql_errors_never_carry_message_text(tmp_path, domain, monkeypatch):
    db = tmp_path / "conversations.db"
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{db}")
    store = ErasingTrackerStore(domain)
    with sqlite3.connect(db) as conn:  # break the table so the insert fails
        conn.execute("DROP TABLE events")
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, type_name TEXT, "
            "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT CHECK (length(data) < 5))"
        )
    with pytest.raises(Exception) as error:
        run(store.save(conversation(domain, "gina", ["my uncle Zyxwvut took my papers"])))
    assert "Zyxwvut" not in str(error.value) and "parameters hidden" in str(error.value)


def test_profiles_are_chosen_by_environment_variables(monkeypatch, domain, tmp_path):
    for var in ("TRACKER_STORE_URL", "LOCK_STORE_URL", "ASSISTANT_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    assert isinstance(EnvLockStore(), InMemoryLockStore)
    monkeypatch.setenv("LOCK_STORE_URL", "redis://:s3cret@10.0.0.5:6380/2")
    lock = EnvLockStore()
    assert isinstance(lock, RedisLockStore)
    kw = lock.red.connection_pool.connection_kwargs
    assert (kw["host"], kw["port"], kw["db"], kw["password"]) == ("10.0.0.5", 6380, 2, "s3cret")
    # `scaled` refuses to start on the single-process defaults
    monkeypatch.setenv("ASSISTANT_PROFILE", "scaled")
    with pytest.raises(ConfigurationError, match="TRACKER_STORE_URL=postgresql"):
        ErasingTrackerStore(domain)
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path}/x.db")
    with pytest.raises(ConfigurationError, match="TRACKER_STORE_URL=postgresql"):
        ErasingTrackerStore(domain)
    monkeypatch.delenv("LOCK_STORE_URL")
    with pytest.raises(ConfigurationError, match="LOCK_STORE_URL"):
        EnvLockStore()
    monkeypatch.setenv("ASSISTANT_PROFILE", "default")
    monkeypatch.setenv("RETENTION_HOURS", "soon")
    with pytest.raises(ConfigurationError, match="RETENTION_HOURS"):
        ErasingTrackerStore(domain)


def test_the_default_store_is_sqlite_in_a_gitignored_folder(monkeypatch):
    monkeypatch.delenv("TRACKER_STORE_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_PROFILE", raising=False)
    from bot.plugins.tracker_store import DEFAULT_SQLITE, tracker_store_url

    assert tracker_store_url() == f"sqlite:///{DEFAULT_SQLITE}"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(DEFAULT_SQLITE)], cwd=ROOT)
    assert ignored.returncode == 0, "the conversation database must never be committed"


def test_action_reply_validation_is_unchanged_by_the_speedup():
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    from bot.plugins import rasa_speedups

    rasa_speedups.install()
    action = RemoteAction("action_respond", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot"}], "responses": "not a list"})


@pytest.mark.integration
def test_the_running_assistant_deletes_the_rows_of_a_quick_exit(assistant):
    # The real Rasa server with the default profile: SQLite, here in the fixture's temp dir.
    import uuid

    count = lambda s: (
        sqlite3.connect(assistant.tracker_db)
        .execute("SELECT count(*) FROM events WHERE sender_id = ?", (s,))
        .fetchone()[0]
    )
    leaving, staying = "exit-" + uuid.uuid4().hex[:8], "stay-" + uuid.uuid4().hex[:8]
    assistant.say(leaving, "il prend tout mon argent")
    assistant.say(staying, "hello")
    assert count(leaving) > 0
    assistant.say(leaving, "quitter")
    assert count(leaving) == 0 and count(staying) > 0


@pytest.mark.parametrize("changed_meanwhile", [False, True])
def test_saving_a_turn_stores_each_new_event_once_without_counting_the_conversation(backend, domain, changed_meanwhile):
    """SQL: a turn read from the store and saved back writes only its new events, found from what it
    was read with (no count over the whole conversation); if the stored conversation changed in
    between, it falls back on Rasa's count, and still nothing is written twice or lost."""
    if backend.kind not in ("sqlite", "postgresql"):
        pytest.skip("the SQL stores")
    import sqlalchemy as sa

    store = ErasingTrackerStore(domain)
    run(store.save(conversation(domain, "dana", ["first", "second"])))
    tracker = run(store.retrieve("dana"))
    if changed_meanwhile:  # another writer added a turn after this one was read
        other = run(store.retrieve("dana"))
        other.update(UserUttered("from elsewhere", timestamp=time.time()))
        run(store.save(other))
    tracker.update(UserUttered("third", timestamp=time.time()))
    tracker.update(BotUttered("answer", timestamp=time.time()))
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2].lower()))
    run(store.save(tracker))
    counted = any("count(" in s for s in statements)
    assert counted is changed_meanwhile
    if changed_meanwhile:  # Rasa's own way, unchanged: as many rows as the tracker has events
        assert backend.rows("dana") == len(tracker.events)
    else:
        assert user_texts(run(store.retrieve("dana"))) == ["first", "second", "third"]
        assert backend.rows("dana") == len(tracker.events)
    store.close()


def test_a_conversation_continues_from_memory_only_while_the_database_still_ends_where_it_did(backend, domain):
    """SQL: the tracker saved by this process is handed back for the next turn without reading every event
    back; another node's turn, a quick exit or the retention sweep make it read from the database."""
    if backend.kind not in ("sqlite", "postgresql"):
        pytest.skip("the SQL stores")
    import sqlalchemy as sa

    store, other_node = ErasingTrackerStore(domain), ErasingTrackerStore(domain)
    saved = conversation(domain, "erin", ["first", "second"])
    run(store.save(saved))
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2].lower()))
    again = run(store.retrieve("erin"))
    assert again is saved and not any("events.data" in s for s in statements)  # no event read back

    # another Rasa node saves a turn: this process reads the conversation from the database
    run(store.save(again))
    theirs = run(other_node.retrieve("erin"))
    theirs.update(UserUttered("from the other node", timestamp=time.time()))
    run(other_node.save(theirs))
    mine = run(store.retrieve("erin"))
    assert mine is not again and user_texts(mine) == ["first", "second", "from the other node"]

    # a quick exit (an erase) forgets it here too, whichever node erased it
    run(store.save(mine))
    run(other_node.erase("erin"))
    assert run(store.retrieve("erin")) is None
    run(store.save(conversation(domain, "erin", ["new start"])))
    store.delete("erin")
    assert run(store.retrieve("erin")) is None

    # the retention sweep drops what it deletes
    run(store.save(conversation(domain, "finn", ["old"], at=time.time() - 3 * DAY)))
    assert store.sweep() == 1 and run(store.retrieve("finn")) is None
    assert "finn" not in store._recent._items
    store.close()
    other_node.close()


def test_recent_trackers_forget_after_a_few_idle_minutes_and_keep_a_bounded_number(domain):
    from bot.plugins.tracker_store import RecentTrackers

    recent = RecentTrackers(size=2, seconds=60)
    trackers = {s: conversation(domain, s, ["hi"]) for s in ("a", "b", "c")}
    for s, t in trackers.items():
        recent.put(s, t, 7)
    assert list(recent._items) == ["b", "c"]  # the oldest went first
    assert recent.take("c", 8) is None  # the database ends elsewhere: read it from there
    assert recent.take("b", 7) is trackers["b"] and recent.take("b", 7) is None  # handed out once
    recent.put("a", trackers["a"], 7)
    recent._items["a"] = (time.monotonic() - 61, *recent._items["a"][1:])
    assert recent.take("a", 7) is None  # idle too long
    trackers["c"].update(UserUttered("a turn that failed before it was saved"))
    recent.put("c", conversation(domain, "c", ["hi"]), 7)
    stale = recent._items["c"][1]
    stale.update(UserUttered("not saved"))
    assert recent.take("c", 7) is None  # events added but never saved: read it from the database
