#!/usr/bin/env python3
"""Per-turn latency at turn 10 vs turn 300 of ONE conversation (RasaHQ/rasa#6334): `make bench-long`.

Starts the real Rasa server and action server twice on loopback, sends 300 turns in one conversation,
and prints the median latency around turn 10 and turn 300, side by side:
  - this assistant (bot/plugins/rasa_speedups.py: bounded action payload, event lookup cache, the
    conversation's past states and applied events kept, copies without replay);
  - the same without those fixes (RASA_SPEEDUPS=off), i.e. stock Rasa's behaviour.
Also prints the size of the action call at turn 300, both ways. Figures only; nothing is asserted.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The servers come from the tests' harness (tests/support/, the only part of tests/ a script may import,
# and only a bench: tests/test_layout.py): a bench measures what the tests check, started the same way,
# and a copy kept here would drift from it.
from tests.support.servers import Assistant  # noqa: E402

TURNS = 300
MESSAGES = [
    "hello",
    "what happens when I call?",
    "thanks",
    "more options",
    "I need legal help",
    "ok",
    "merci",
    "bonjour",
]


def action_call_bytes(tracker_json: dict, max_events: int) -> int:
    import os

    os.environ["ACTION_TRACKER_MAX_EVENTS"] = str(max_events)
    from bot.plugins import rasa_speedups

    rasa_speedups.install()  # as bot/startup.py does in the Rasa server (RASA_SPEEDUPS=off: only the validation fix)
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    domain = Domain.load("domain.yml")
    tracker = DialogueStateTracker.from_dict(tracker_json["sender_id"], tracker_json["events"], domain.slots)
    action = RemoteAction("action_respond", EndpointConfig("http://x", enable_selective_domain=True))
    return len(json.dumps(action._action_call_format(tracker, domain)))


def run(env: dict) -> dict:
    env = {"RATE_LIMIT_CONVERSATION_PER_MINUTE": "0", **env}
    with Assistant(api_token="bench-" + str(time.time_ns()), env=env) as bot:
        for i in range(3):
            bot.say(f"warmup-{i}", "hello")
        latencies = []
        for i in range(TURNS):
            start = time.perf_counter()
            bot.say("long-conversation", MESSAGES[i % len(MESSAGES)])
            latencies.append((time.perf_counter() - start) * 1000)
        tracker = bot.tracker("long-conversation")
    return {
        "turn10": statistics.median(latencies[5:15]),
        "turn300": statistics.median(latencies[-10:]),
        "events": len(tracker["events"]),
        "tracker": tracker,
    }


def main() -> None:
    ours = run({})
    stock = run({"RASA_SPEEDUPS": "off"})
    sent_ours = action_call_bytes(ours["tracker"], 60)
    sent_stock = action_call_bytes(ours["tracker"], 0)
    print(f"\nOne conversation, {TURNS} turns ({ours['events']} events), sequential, loopback:\n")
    print("| measure | this assistant | stock payload and event lookup |")
    print("|---|---|---|")
    print(f"| median latency around turn 10 (ms) | {ours['turn10']:.0f} | {stock['turn10']:.0f} |")
    print(f"| median latency around turn 300 (ms) | {ours['turn300']:.0f} | {stock['turn300']:.0f} |")
    print(
        f"| turn 300 / turn 10 | {ours['turn300'] / ours['turn10']:.1f}x | {stock['turn300'] / stock['turn10']:.1f}x |"
    )
    print(f"| action call at turn 300 (bytes) | {sent_ours:,} | {sent_stock:,} |")
    print("\nGoal (issue #19): turn 300 / turn 10 <= 1.5x.")


if __name__ == "__main__":
    main()
