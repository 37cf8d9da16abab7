"""The lock shared by the Rasa nodes: one ticket per message, in order, even when nodes race."""

import asyncio
import threading

import pytest
from rasa.core.lock_store import RedisLockStore

from bot.plugins.lock_store import AtomicRedisLockStore, EnvLockStore

pytestmark = pytest.mark.scale


@pytest.fixture(scope="module")
def redis_server():
    from tests.support.servers import Redis

    with Redis() as r:
        yield r


def race(store_class, redis_server, takers=2, rounds=40):
    """`takers` nodes take a ticket for the same conversation at the same moment, `rounds` times."""
    stores = [
        store_class(host="127.0.0.1", port=redis_server.port, password=redis_server.password, db=1)
        for _ in range(takers)
    ]
    duplicated = 0
    for r in range(rounds):
        conversation = f"race-{store_class.__name__}-{r}"
        go, tickets = threading.Barrier(takers), []

        def take(store, go=go, tickets=tickets, conversation=conversation):
            go.wait()
            tickets.append(store.issue_ticket(conversation, 30))

        threads = [threading.Thread(target=take, args=(s,)) for s in stores]
        [t.start() for t in threads]
        [t.join() for t in threads]
        duplicated += len(tickets) - len(set(tickets))
        stores[0].red.delete(stores[0].key_prefix + conversation)
    return duplicated


def test_two_nodes_taking_a_ticket_at_once_never_get_the_same_one(redis_server):
    assert race(AtomicRedisLockStore, redis_server, takers=4) == 0


def test_rasas_own_redis_lock_store_can_give_the_same_ticket_twice(redis_server):
    # Why AtomicRedisLockStore exists: with the read-modify-write of Rasa 3.6, racing nodes can
    # both be "now serving" for one conversation. (If this ever passes, Rasa fixed it.)
    assert race(RedisLockStore, redis_server, takers=4, rounds=60) > 0


def test_messages_of_one_conversation_are_served_one_at_a_time_in_ticket_order(redis_server, monkeypatch):
    monkeypatch.setenv("LOCK_STORE_URL", redis_server.url(1))
    nodes = [EnvLockStore(), EnvLockStore()]
    assert all(isinstance(n, AtomicRedisLockStore) for n in nodes)
    order, inside = [], []

    async def message(node, i):
        async with node.lock("conv-order", wait_time_in_seconds=0.01):
            inside.append(i)
            assert len(inside) == 1, "two messages of one conversation handled at once"
            order.append(i)
            await asyncio.sleep(0.02)
            inside.remove(i)

    async def scenario():
        tasks = []
        for i in range(6):
            tasks.append(asyncio.create_task(message(nodes[i % 2], i)))
            await asyncio.sleep(0.001)  # ticket i is taken before ticket i + 1
        await asyncio.gather(*tasks)

    asyncio.run(scenario())
    assert order == list(range(6))
    # Nothing is left behind once the conversation is served.
    assert nodes[0].red.exists(nodes[0].key_prefix + "conv-order") == 0


def test_a_lock_left_by_a_dead_node_expires_with_its_ticket(redis_server):
    store = AtomicRedisLockStore(host="127.0.0.1", port=redis_server.port, password=redis_server.password, db=1)
    store.issue_ticket("conv-dead", 5)  # the node died before releasing it
    assert 0 < store.red.ttl(store.key_prefix + "conv-dead") <= 6


def test_a_message_retried_after_a_node_died_is_served_once_the_dead_ticket_expires(redis_server):
    # Node A took the lock for a turn, then died (its ticket is never released). Node B gets the
    # same message again at once (nginx retries it): it must wait for A's ticket, not fail with it.
    a = AtomicRedisLockStore(host="127.0.0.1", port=redis_server.port, password=redis_server.password, db=1)
    b = AtomicRedisLockStore(host="127.0.0.1", port=redis_server.port, password=redis_server.password, db=1)
    a.issue_ticket("conv-retry", 1.0)

    async def retried():
        async with b.lock("conv-retry", lock_lifetime=1.0, wait_time_in_seconds=0.1):
            return "served"

    assert asyncio.run(retried()) == "served"
    assert b.red.exists(b.key_prefix + "conv-retry") == 0
