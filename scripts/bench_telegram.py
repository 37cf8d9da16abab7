"""Figures for the Telegram bridge, against the real assistant and a fake Bot API server on loopback.

    .venv/bin/python scripts/bench_telegram.py [--turns 40]

Prints, side by side:
- a turn through the bridge (user message in -> the bot's first message out) vs the same message
  posted straight to the REST channel: median and p95, and their ratio;
- the erase for chats of several sizes: message ids deleted, deleteMessages calls, and the time from
  /exit to the neutral line.
No internet; nothing here is a test (no timing is asserted anywhere).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.shared.texts import text  # noqa: E402

# The servers and the fake Bot API come from the tests' harness (tests/support/, the only part of tests/
# a script may import, and only a bench: tests/test_layout.py): a bench measures what the tests check,
# started the same way, and a copy kept here would drift from it.
from tests.support.fake_telegram import BridgeProcess, FakeTelegram  # noqa: E402
from tests.support.servers import Assistant  # noqa: E402

TOKEN = "7000000002:AABenchTokenNotARealOne_x9Yq2Lm4Np6Rs8Tu"  # not-a-secret (fake, for the benchmark)
MESSAGES = [
    "hello",
    "someone controls my money",
    "merci",
    "mon patron garde mon passeport",
    "what happens when I call",
    "is this job offer safe",
    "thank you",
    "ok",
]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    with Assistant() as assistant, FakeTelegram(TOKEN) as fake, BridgeProcess(fake, assistant.url) as bridge:
        for i in range(3):  # warm-up
            assistant.say(f"warm-{i}", MESSAGES[i])
        direct, through = [], []
        for i in range(args.turns):
            said = MESSAGES[i % len(MESSAGES)]
            t = time.perf_counter()
            assistant.say("direct-" + uuid.uuid4().hex[:8], said)
            direct.append(time.perf_counter() - t)
            chat = 8100000000 + i
            t = time.perf_counter()
            mid = fake.user_says(chat, said, "en")
            fake.wait_bot_messages(chat, after=mid, timeout=30)
            through.append(time.perf_counter() - t)
        ms = lambda s: f"{1000 * s:.0f}"  # noqa: E731
        print(f"{'measure':48} {'bridge':>10} {'REST direct':>12} {'ratio':>6}")
        for name, fn in (("turn latency p50 (ms)", statistics.median), ("turn latency p95 (ms)", lambda v: pct(v, 95))):
            a, b = fn(through), fn(direct)
            print(f"{name:48} {ms(a):>10} {ms(b):>12} {a / b:>6.2f}")

        print(
            f"\n{'erase of a chat with':24} {'ids deleted':>12} {'deleteMessages calls':>21} {'/exit -> neutral line (ms)':>27}"
        )
        cleared = text("telegram_erased", "en")
        for turns in (5, 60, 150):
            chat = 8200000000 + turns
            first = fake.user_says(chat, "hello", "en")
            for _ in range(turns - 1):
                fake.user_says(chat, "thank you", "en")
            fake.wait_bot_messages(chat, after=first, count=turns + 1, timeout=120)  # "hello" gets 2
            before = len(fake.calls_to("deleteMessages"))
            shown = len(fake.visible(chat))
            t = time.perf_counter()
            mid = fake.user_says(chat, "/exit", "en")
            fake.wait(
                lambda mid=mid, chat=chat: any(
                    m.message_id > mid and m.text.startswith(cleared) for m in fake.bot_messages(chat)
                ),
                60,
                "the neutral line",
            )
            took = time.perf_counter() - t
            calls = [c for c in fake.calls_to("deleteMessages")[before:] if c.params["chat_id"] == chat]
            deleted = sum(len(c.params["message_ids"]) for c in calls)
            print(f"{f'{turns} turns ({shown + 1} messages)':24} {deleted:>12} {len(calls):>21} {ms(took):>27}")
        fake.wait(lambda: "Erase:" in bridge.log, what="the erase log line")


if __name__ == "__main__":
    main()
