"""`make bench-scale`: the `scaled` profile with 1 Rasa node against 2, side by side.

One stack on loopback (tests/support/servers.py ScaledStack): PostgreSQL tracker store, Redis lock store,
1 action server, 2 Rasa nodes and nginx with two sites: one balancing over node 1 only, one over
both nodes. The same bounded load (a fixed number of conversations, each a few messages, sent by a
fixed number of concurrent clients) goes through each site in alternating rounds. Prints throughput,
p50 and p95 latency and the error count (which must be 0: the exit status is 1 otherwise).

Timing depends on the machine: compare the two columns, not the absolute figures. On a 2-core
machine the nodes share the cores with PostgreSQL, Redis, nginx, the action server and the clients.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The servers come from the tests' harness (tests/support/, the only part of tests/ a script may import,
# and only a bench: tests/test_layout.py): a bench measures what the tests check, started the same way,
# and a copy kept here would drift from it.
from tests.support.servers import ScaledStack, post  # noqa: E402

MESSAGES = [
    "hello",
    "my boss keeps my passport and says I owe him",
    "what is human trafficking",
    "I need a place to stay",
    "can I talk to someone",
    "merci",
    "il prend tout mon argent",
]


def run_load(webhook: str, conversations: int, turns: int, concurrency: int):
    latencies, errors = [], 0

    def talk(k: int):
        nonlocal errors
        sender = "bench-" + uuid.uuid4().hex[:12]
        for i in range(turns):
            started = time.perf_counter()
            try:
                reply = post(webhook, sender, MESSAGES[(k + i) % len(MESSAGES)])
                if not reply:
                    raise ValueError("empty reply")
                latencies.append(time.perf_counter() - started)
            except Exception:
                errors += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(talk, range(conversations)))
    return latencies, errors, time.perf_counter() - started


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else (values[0] if values else float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=48, help="conversations per run (default 48)")
    parser.add_argument("--turns", type=int, default=5, help="messages per conversation (default 5)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per configuration (default 2)")
    args = parser.parse_args()

    print("Starting PostgreSQL, Redis, nginx, 1 action server and 2 Rasa nodes on loopback...", flush=True)
    t0 = time.perf_counter()
    with ScaledStack(
        nodes=2, action_servers=1, sites={"one": [0], "two": [0, 1]}, env={"RETENTION_SWEEP_MINUTES": "0"}
    ) as stack:
        print(f"ready in {time.perf_counter() - t0:.0f} s", flush=True)
        for site in ("one", "two"):  # warm up both nodes (first turns load lazily)
            run_load(stack.webhook(site), 8, 2, 8)
        results = {"one": ([], 0, 0.0), "two": ([], 0, 0.0)}
        for _ in range(args.rounds):
            for site in ("one", "two"):
                lat, err, wall = run_load(stack.webhook(site), args.conversations, args.turns, args.concurrency)
                prev = results[site]
                results[site] = (prev[0] + lat, prev[1] + err, prev[2] + wall)

    per_run = args.conversations * args.turns
    print()
    print(
        f"make bench-scale: nginx -> Rasa nodes (PostgreSQL tracker store, Redis lock store, 1 action "
        f"server), {args.concurrency} concurrent clients, {args.conversations} conversations x {args.turns} "
        f"messages per run, {args.rounds} alternating rounds, {os.cpu_count()} CPU cores, loopback only"
    )
    print()
    print("| Rasa nodes | messages | errors | throughput (msg/s) | p50 (ms) | p95 (ms) |")
    print("|---|---|---|---|---|---|")
    figures = {}
    for site, nodes in (("one", 1), ("two", 2)):
        lat, err, wall = results[site]
        tput = len(lat) / wall if wall else 0.0
        p50 = statistics.median(lat) * 1000 if lat else float("nan")
        figures[site] = (tput, p95(lat) * 1000)
        print(f"| {nodes} | {per_run * args.rounds} | {err} | {tput:.1f} | {p50:.0f} | {figures[site][1]:.0f} |")
    (t1, q1), (t2, q2) = figures["one"], figures["two"]
    print()
    print(f"2 nodes / 1 node: throughput {t2 / t1:.2f}x, p95 {q2 / q1:.2f}x")
    errors = results["one"][1] + results["two"][1]
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
