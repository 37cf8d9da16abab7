"""The `scaled` profile, for real: PostgreSQL tracker store, Redis lock store, 2 Rasa nodes and
1 action server behind nginx, all on loopback in temp dirs (tests/support/servers.py ScaledStack).

Many conversations are sent interleaved through nginx and straight to both nodes; then every
tracker is read back. Quick exit and retention are checked in PostgreSQL itself. The last test
kills a node mid-run. Two Telegram bridges in webhook mode behind their own nginx share their chat
state in the same Redis and talk to the nodes through nginx (tests/support/fake_telegram.py Bridges).
Run alone with `pytest -m scale`.
"""

import json
import threading
import time
import urllib.error
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.channels.telegram.config import sender_id
from bot.channels.telegram.render import format_phones
from tests.support.fake_telegram import Bridges, FakeTelegram
from tests.support.servers import ScaledStack, post

pytestmark = [pytest.mark.scale, pytest.mark.integration]

TOKEN = uuid.uuid4().hex
CONVERSATION_LIMIT, IP_LIMIT = 10, 12
MESSAGES = [
    "hello",
    "my boss keeps my passport",
    "what is human trafficking",
    "I need a place to stay",
    "can I talk to someone",
    "thank you",
]


@pytest.fixture(scope="module")
def stack():
    # A node killed mid-turn leaves its lock on that conversation; Rasa lets it expire after
    # TICKET_LOCK_LIFETIME seconds (default 60), shortened here so the test stays short.
    # The rate limits are counted in the lock store's Redis (the scaled profile's default); they are
    # lowered so that the limit tests stay short, and stay above what the other tests send (at most 6
    # messages per conversation, plus a retry when a node dies; nginx's own address is exempt per IP).
    env = {
        "TICKET_LOCK_LIFETIME": "15",
        "RETENTION_SWEEP_MINUTES": "0",
        "RATE_LIMIT_CONVERSATION_PER_MINUTE": str(CONVERSATION_LIMIT),
        "RATE_LIMIT_IP_PER_MINUTE": str(IP_LIMIT),
    }
    with ScaledStack(nodes=2, action_servers=1, api_token=TOKEN, env=env) as running:
        yield running


def sender():
    return "scale-" + uuid.uuid4().hex[:12]


def script(n):
    """n distinct user messages (distinct so that their order can be checked)."""
    return [f"{MESSAGES[i % len(MESSAGES)]} {i}" for i in range(n)]


def tracker(stack, conversation):
    import urllib.request

    url = f"{stack.url()}/conversations/{conversation}/tracker?token={TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def user_texts(t):
    return [e["text"] for e in t["events"] if e["event"] == "user"]


def turns_are_whole(t):
    """Every user message is answered before the next one starts: no two turns interleaved."""
    answered = True
    for e in t["events"]:
        if e["event"] == "user":
            if not answered:
                return False
            answered = False
        elif e["event"] == "bot":
            answered = True
    return True


def rows(stack, conversation):
    return stack.postgres.query("SELECT count(*) FROM events WHERE sender_id = %s", conversation)[0][0]


def backdate(stack, *conversations, hours=25):
    """As if these conversations' events had happened `hours` earlier (column and stored event)."""
    stack.postgres.query(
        "UPDATE events SET timestamp = timestamp - %s, data = jsonb_set(data::jsonb, '{timestamp}', "
        "to_jsonb((data::jsonb->>'timestamp')::float - %s))::text WHERE sender_id = ANY(%s)",
        hours * 3600,
        hours * 3600,
        list(conversations),
    )


def say(url, conversation, text):
    reply = post(url, conversation, text)
    assert reply and reply[0].get("text"), f"no answer to a message through {url}"
    return reply


def test_interleaved_conversations_through_both_nodes_lose_and_reorder_nothing(stack):
    doors = [stack.webhook(), stack.nodes[0].webhook, stack.nodes[1].webhook]
    conversations = {sender(): script(5) for _ in range(24)}

    def talk(item):
        k, (conversation, texts) = item
        for i, text in enumerate(texts):  # each turn through another door: nginx, node 1, node 2
            say(doors[(k + i) % 3], conversation, text)

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(talk, enumerate(conversations.items())))

    # Two messages of one conversation at the same moment, one on each node: the Redis lock
    # makes one wait for the other, so both turns are kept whole.
    pairs = {sender(): ("hello there", "I need a place to stay tonight") for _ in range(8)}

    def both_at_once(item):
        conversation, (a, b) = item
        go = threading.Barrier(2)
        sent = []

        def one(url, text):
            go.wait()
            sent.append(say(url, conversation, text))

        threads = [
            threading.Thread(target=one, args=(stack.nodes[0].webhook, a)),
            threading.Thread(target=one, args=(stack.nodes[1].webhook, b)),
        ]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert len(sent) == 2

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(both_at_once, pairs.items()))

    for conversation, texts in conversations.items():
        t = tracker(stack, conversation)
        assert user_texts(t) == texts, "a turn was lost or reordered"
        assert turns_are_whole(t)
        assert rows(stack, conversation) > 0  # in PostgreSQL, shared by both nodes
    for conversation, pair in pairs.items():
        t = tracker(stack, conversation)
        assert sorted(user_texts(t)) == sorted(pair), "a concurrent turn was lost"
        assert turns_are_whole(t), "two turns of one conversation were handled at the same time"


def test_quick_exit_deletes_the_conversation_from_postgresql(stack):
    leaving, staying = sender(), sender()
    for conversation in (leaving, staying):
        say(stack.nodes[0].webhook, conversation, "il prend tout mon argent")
    assert rows(stack, leaving) > 0
    say(stack.nodes[1].webhook, leaving, "/safety_exit")  # the other node handles the exit
    assert rows(stack, leaving) == 0
    assert rows(stack, staying) > 0
    assert "il prend tout mon argent" not in json.dumps(tracker(stack, leaving), ensure_ascii=False)


def test_retention_job_deletes_old_conversations_from_postgresql(stack, monkeypatch, capsys):
    old, idle, fresh = sender(), sender(), sender()
    for conversation in (old, idle, fresh):
        say(stack.webhook(), conversation, "hello")
        say(stack.webhook(), conversation, "my boss keeps my passport")
    # As if their last message had been sent 25 hours ago.
    backdate(stack, old, idle)
    # The job `python -m bot.retention`, run here in-process (same code, no second Rasa import;
    # tests/test_tracker_store.py runs the command itself).
    from bot.retention import main

    for var, value in {**stack.env, "RETENTION_SWEEP_MINUTES": "0"}.items():
        monkeypatch.setenv(var, value)
    monkeypatch.delenv("RETENTION_HOURS", raising=False)  # the default: 24 hours
    assert main([]) == 0
    out = capsys.readouterr()
    assert "deleted 2 conversation(s)" in out.out
    assert stack.postgres.password not in out.out + out.err
    assert rows(stack, old) == 0 and rows(stack, idle) == 0 and rows(stack, fresh) > 0

    # Expired but not swept yet: the next message starts a new conversation, the old rows go.
    stale = sender()
    say(stack.webhook(), stale, "my boss keeps my passport")
    backdate(stack, stale)
    say(stack.webhook(), stale, "hello")
    assert user_texts(tracker(stack, stale)) == ["hello"]
    assert (
        stack.postgres.query(
            "SELECT count(*) FROM events WHERE sender_id = %s AND timestamp < %s", stale, time.time() - 24 * 3600
        )[0][0]
        == 0
    )


def send(url, conversation, text, headers=None):
    """(status, Retry-After) of one message."""
    from tests.inprocess import request

    status, reply, got = request(url, {"sender": conversation, "message": text}, headers, timeout=60)
    if status == 429:
        assert reply["error"] == "rate_limited" and reply["message"]
    return status, got.get("Retry-After")


def test_rate_limits_hold_across_both_nodes(stack):
    """Each node counts in the shared Redis: alternating between the nodes gets no more than the limit
    (counted per process, two nodes would have let through twice as much)."""
    nodes = [stack.nodes[0].webhook, stack.nodes[1].webhook]
    started = time.monotonic()
    conversation = sender()
    per_conversation = [send(nodes[i % 2], conversation, f"hello {i}") for i in range(CONVERSATION_LIMIT + 4)]
    # Many senders from one client address (what nginx writes in X-Forwarded-For; the nodes believe
    # it from loopback, a trusted proxy).
    client = {"X-Forwarded-For": f"203.0.113.{uuid.uuid4().int % 250 + 1}"}
    per_ip = [send(nodes[i % 2], sender(), "hello", client) for i in range(IP_LIMIT + 4)]
    if time.monotonic() - started > 55:
        pytest.skip("too slow to stay within one minute's window")
    statuses = [s for s, _ in per_conversation]
    assert statuses == [200] * CONVERSATION_LIMIT + [429] * 4, statuses
    statuses = [s for s, _ in per_ip]
    assert statuses == [200] * IP_LIMIT + [429] * 4, statuses
    assert all(1 <= int(wait) <= 60 for s, wait in per_conversation + per_ip if s == 429)
    # The limited conversation can still leave, on either node; another client is not affected.
    assert send(nodes[1], conversation, "/safety_exit")[0] == 200
    assert send(nodes[0], sender(), "hello", {"X-Forwarded-For": "198.51.100.77"})[0] == 200


# --------------------------------------------------------------------- two Telegram bridges behind nginx

BOT_TOKEN = "7000000002:AAFakeTokenForScaleTestsOnly_q1W2e3R4t5y6"  # not-a-secret (fake, for tests)
SENDER_SECRET = uuid.uuid4().hex
chat_ids = iter(range(7302000001, 7302999999))


@pytest.fixture(scope="module")
def bridges(stack):
    """Two bridge processes (A and B) behind nginx, their chat state in Redis db 2, the assistant
    through the nodes' nginx: the scaled profile's Telegram side."""
    with (
        FakeTelegram(BOT_TOKEN) as fake,
        Bridges(fake, stack.url(), stack.redis.url(2), token=BOT_TOKEN, sender_secret=SENDER_SECRET) as running,
    ):
        yield fake, running


def bot_texts_in_tracker(stack, chat):
    """What the assistant answered, turn after turn, as the bridge shows it (phone numbers tappable)."""
    events = tracker(stack, sender_id(SENDER_SECRET, chat))["events"]
    return [format_phones((e.get("text") or "").strip()) or "…" for e in events if e["event"] == "bot"]


def answered(stack, fake, chat, said):
    """Every message the chat sent reached the assistant once, in order, and every answer is on screen
    in the same order. Returns the chat's bot messages."""
    conversation = sender_id(SENDER_SECRET, chat)

    def done():
        t = tracker(stack, conversation)
        if len(user_texts(t)) < len(said) or t["events"][-1]["event"] not in ("bot", "action"):
            return None
        expected = bot_texts_in_tracker(stack, chat)
        shown = fake.bot_messages(chat)
        return (t, expected, shown) if len(shown) >= len(expected) else None

    t, expected, shown = fake.wait(done, 60, "every message to be answered")
    assert user_texts(t) == said, "the assistant got the chat's messages out of order (or lost one)"
    assert turns_are_whole(t), "two updates of one chat were handled at the same time"
    assert [m.text for m in shown] == expected, "the answers were shown out of order"
    return shown


def test_the_chat_order_in_redis_across_two_processes(stack):
    """bot/channels/telegram/order.py with two instances (two processes) on the stack's Redis: a later
    update waits for an earlier one registered elsewhere; a duplicate is handled once; other chats do
    not wait; an update whose process died (its lease not renewed) holds the chat up for at most the lease."""
    import asyncio

    from bot.channels.telegram.order import ChatOrder

    async def scenario():
        url = stack.redis.url(2)
        a, b, dead = (
            ChatOrder(url, lease=1.0, poll=0.01),
            ChatOrder(url, lease=1.0, poll=0.01),
            ChatOrder(url, lease=2.0),
        )
        chat, other = uuid.uuid4().hex, uuid.uuid4().hex
        ran = []

        async def handle(order, sender, update_id, seconds=0.0):
            async with order.turn(sender, update_id):
                ran.append(("start", update_id))
                await asyncio.sleep(seconds)
                ran.append(("end", update_id))

        for order, update_id in ((a, 11), (b, 12), (a, 13), (b, 14)):  # arrival, as the webhook queues them
            await order.arrived(chat, update_id)
        # Their handlers start in the worst order: the latest first.
        await asyncio.gather(handle(b, chat, 14), handle(a, chat, 13), handle(b, chat, 12), handle(a, chat, 11, 0.3))
        assert ran == [(edge, i) for i in (11, 12, 13, 14) for edge in ("start", "end")]

        # One update delivered twice, to both processes (Telegram resent it): handled once.
        await a.arrived(chat, 15)
        await b.arrived(chat, 15)

        async def copy(order):
            async with order.turn(chat, 15) as first_time:
                return first_time

        assert sorted(await asyncio.gather(copy(a), copy(b))) == [False, True]

        ran.clear()
        await dead.arrived(chat, 20)  # a process that then dies: no heartbeat, its lease runs out
        dead._beat.cancel()
        await asyncio.wait_for(handle(b, other, 30), 0.5)  # another chat does not wait
        started = time.monotonic()
        await handle(a, chat, 21)
        assert 1.0 < time.monotonic() - started < 6  # waited for the dead update's lease (2 s), not forever
        for order in (a, b, dead):
            await order.close()

    asyncio.run(scenario())


def test_two_bridges_behind_nginx_answer_every_update_in_order(stack, bridges):
    """Several chats send messages faster than they are answered; nginx spreads every chat's updates
    over both bridges. Each chat's turns reach the assistant in order, each answer is shown in order,
    and no update is lost."""
    fake, _ = bridges
    chats = {next(chat_ids): script(4) for _ in range(6)}

    def burst(item):
        chat, said = item
        for text in said:  # no waiting for the answers
            fake.user_says(chat, text, "en")

    with ThreadPoolExecutor(len(chats)) as pool:
        list(pool.map(burst, chats.items()))
    assert fake.webhook_deliveries and set(fake.webhook_deliveries) == {200}
    for chat, said in chats.items():
        answered(stack, fake, chat, said)
    assert {m.via for chat in chats for m in fake.bot_messages(chat)} == {"A", "B"}


def test_a_flood_limit_in_one_bridge_does_not_let_the_other_answer_first(stack, bridges):
    """The first answer meets Telegram's flood limit (429, retry after 2 s) in the bridge that handles
    it; the chat's next message, in the other bridge, waits for it (with a lock per process, the
    other bridge showed its answer first)."""
    fake, _ = bridges
    chat = next(chat_ids)
    fake.fail_next("sendMessage", 429, retry_after=2, chat_id=chat)
    said = ["hello", "what is human trafficking"]
    for text in said:
        fake.user_says(chat, text, "en")
    shown = answered(stack, fake, chat, said)
    sends = [c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == chat]
    assert sends[0].status == 429
    assert len({m.via for m in shown}) == 2, "nginx should have given the two updates to both bridges"


def test_an_erase_through_one_bridge_deletes_what_the_other_sent(stack, bridges):
    fake, running = bridges
    chat = next(chat_ids)
    said = ["hello", "my boss keeps my passport", "I need a place to stay"]
    for text in said:
        mid = fake.user_says(chat, text, "en")
        fake.wait_bot_messages(chat, after=mid)
    answered(stack, fake, chat, said)
    on_screen = {m.message_id for m in fake.visible(chat)}
    senders = {m.via for m in fake.bot_messages(chat)}
    assert senders == {"A", "B"}, "both bridges should have answered this chat"

    exit_mid = fake.user_says(chat, "/exit", "en")
    fake.wait_bot_messages(chat, after=exit_mid)  # the neutral line...
    fake.wait(lambda: not fake.visible(chat), 30, "the chat to be empty")  # ...deleted in turn
    deleting = {c.via for c in fake.calls_to("deleteMessages") if c.params["chat_id"] == chat}
    assert len(deleting) == 1  # the bridge that got the exit...
    deleted = {
        i for c in fake.calls_to("deleteMessages") if c.params["chat_id"] == chat for i in c.params["message_ids"]
    }
    other = {m.message_id for m in fake.bot_messages(chat) if m.via not in deleting and m.message_id in on_screen}
    assert other, "the other bridge sent some of these messages"
    assert on_screen | {exit_mid} <= deleted  # ...deleted everything, the other bridge's messages too
    fake.wait(
        lambda: not user_texts(tracker(stack, sender_id(SENDER_SECRET, chat))),
        30,
        "the assistant's conversation to be deleted",
    )
    log = running.log
    assert BOT_TOKEN not in log and SENDER_SECRET not in log and str(chat) not in log
    assert not any(text in log for text in said)


def test_an_erase_after_both_bridges_restarted_deletes_the_earlier_messages(stack, bridges):
    """Every bridge process restarts between the messages and the exit: what they sent is known from
    Redis, not from their memory, so the erase still deletes it all."""
    fake, running = bridges
    chat = next(chat_ids)
    said = ["hello", "my boss keeps my passport"]
    for text in said:
        mid = fake.user_says(chat, text, "en")
        fake.wait_bot_messages(chat, after=mid)
    answered(stack, fake, chat, said)
    on_screen = {m.message_id for m in fake.visible(chat)}
    for bridge in running.bridges:
        bridge.__exit__()
    for bridge in running.bridges:
        bridge.start()
    for bridge in running.bridges:
        bridge.wait_ready()
    exit_mid = fake.user_says(chat, "/exit", "en")
    fake.wait(lambda: not fake.visible(chat), 30, "the chat to be empty")
    deleted = {
        i for c in fake.calls_to("deleteMessages") if c.params["chat_id"] == chat for i in c.params["message_ids"]
    }
    assert on_screen | {exit_mid} <= deleted


def test_a_bridge_stopped_mid_run_loses_no_update(stack, bridges):
    """A rolling restart: bridge B is stopped (SIGTERM) while chats are sending. The updates B had
    taken are handled before it exits, the next ones go to A (nginx), every update is answered once,
    in order: one that reached both bridges (sent again after a broken connection) is handled once.
    (Last of the bridge tests: B stays down.)"""
    fake, running = bridges
    chats = {next(chat_ids): script(4) for _ in range(4)}
    delivered = threading.Semaphore(0)

    def burst(item):
        chat, said = item
        for text in said:
            fake.user_says(chat, text, "en")
            delivered.release()
            time.sleep(0.1)

    stopping = running.bridges[1]
    with ThreadPoolExecutor(len(chats)) as pool:
        futures = [pool.submit(burst, item) for item in chats.items()]
        for _ in range(5):
            delivered.acquire()
        stopping.proc.terminate()
        [f.result() for f in futures]
    # generous: it finishes the updates it took first, each a Rasa round trip (slow on a loaded machine)
    assert stopping.proc.wait(timeout=90) == 0, "the bridge should stop cleanly"
    assert not fake.webhook_undelivered
    for chat, said in chats.items():
        answered(stack, fake, chat, said)
    assert any(m.via == "B" for chat in chats for m in fake.bot_messages(chat))


def test_killing_a_node_mid_run_loses_no_conversation(stack):
    conversations = {sender(): script(6) for _ in range(16)}
    done = threading.Semaphore(0)
    errors = []

    def talk(conversation):
        for text in conversations[conversation]:
            try:
                say(stack.webhook(), conversation, text)
            except (urllib.error.URLError, AssertionError, OSError) as e:
                errors.append(type(e).__name__)
            done.release()

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(talk, c) for c in conversations]
        for _ in range(30):  # about a third of the turns are done...
            done.acquire()
        stack.nodes[1].kill()  # ...then node 2 dies (SIGKILL), with turns in flight
        [f.result() for f in futures]

    assert errors == [], "nginx should have retried every message on the surviving node"
    retried_twice = 0
    for conversation, texts in conversations.items():
        got = user_texts(tracker(stack, conversation))
        # A turn the dead node had saved but not answered yet is sent again by nginx: it may
        # appear twice in a row (at-least-once). Nothing may be missing or out of order.
        collapsed = [t for i, t in enumerate(got) if i == 0 or got[i - 1] != t]
        assert collapsed == texts, "a turn was lost or reordered when the node died"
        retried_twice += len(got) - len(collapsed)
    assert retried_twice <= 8  # at most the turns in flight on the dead node


def test_no_secret_and_no_message_text_in_any_log(stack):
    log = stack.log
    assert stack.postgres.password not in log and stack.redis.password not in log and TOKEN not in log
    for text in ("my boss keeps my passport", "il prend tout mon argent", "I need a place to stay"):
        assert text not in log
