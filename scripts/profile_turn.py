#!/usr/bin/env python3
"""`make profile`: where the time of one message goes, end to end, as a table (docs/benchmarks.md).

Loads the trained model in this process with the same speed fixes as the Rasa server
(bot/plugins/rasa_speedups.py), starts the real action server on a free port, and sends the messages
of a held-out file through Rasa's message handling (NLU, policies, the action server call, the
tracker store: SQLite in a temporary folder), under cProfile. Prints the time per message of each
part: cumulative times, so a part includes what it calls (the NLU includes the danger rules).

    .venv/bin/python scripts/profile_turn.py [--cases eval/heldout/issue17-devA.jsonl] [--limit 150]

Timing is never asserted: it depends on the machine. Compare parts with each other, on an idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import pstats
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (label, file suffix, function name): cumulative time of these functions, per message
PARTS = [
    ("whole message (Rasa's handle_message)", "rasa/core/processor.py", "handle_message"),
    ("NLU pipeline", "rasa/core/processor.py", "_parse_message_with_graph"),
    ("  language detection", "bot/plugins/nlu/language_detector.py", "process"),
    ("  DIET classifier", "rasa/nlu/classifiers/diet_classifier.py", "process"),
    ("  danger score", "bot/plugins/nlu/danger_score.py", "process"),
    ("  safety net (rules)", "bot/plugins/nlu/safety_net.py", "process"),
    ("  danger rules (every call)", "bot/shared/safety/danger.py", "assess"),
    ("policies (all predictions)", "rasa/core/processor.py", "_predict_next_with_tracker"),
    ("  RulePolicy", "rasa/core/policies/rule_policy.py", "predict_action_probabilities"),
    ("  ConversationPolicy", "bot/plugins/policies/conversation_policy.py", "predict_action_probabilities"),
    ("action server calls", "rasa/core/actions/action.py", "run"),
    ("tracker store: read", "bot/plugins/tracker_store.py", "retrieve"),
    ("tracker store: save", "bot/plugins/tracker_store.py", "save"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_action_server(token: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "ACTION_SERVER_TOKEN": token, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.action_server", "--actions", "actions", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("the action server did not start")


async def profile(model: Path, endpoints: Path, turns: list, profiler: cProfile.Profile) -> float:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    agent = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints)))
    for i in range(5):  # warm up (first calls compile and load)
        await agent.handle_text("hello", sender_id=f"warm-{i}")
    started = time.perf_counter()
    profiler.enable()
    for n, conversation in enumerate(turns):
        for text in conversation:
            await agent.handle_text(text, sender_id=f"profile-{n}")
    profiler.disable()
    return time.perf_counter() - started


def table(stats: pstats.Stats, messages: int, wall: float) -> str:
    rows = ["| part | ms per message |", "|---|---|", f"| wall clock, in process | {wall / messages * 1000:.1f} |"]
    for label, suffix, name in PARTS:
        total = sum(
            v[3]
            for (file, _, func), v in stats.stats.items()
            if func == name and file.replace("\\", "/").endswith(suffix)
        )
        rows.append(f"| {label} | {total / messages * 1000:.1f} |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default=str(ROOT / "eval" / "heldout" / "issue17-devA.jsonl"))
    ap.add_argument("--limit", type=int, default=150, help="conversations sent (each of 1-5 messages)")
    ap.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    args = ap.parse_args()

    warnings.filterwarnings("ignore")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    from bot.plugins import rasa_speedups

    rasa_speedups.install()

    turns = [json.loads(line)["turns"] for line in Path(args.cases).read_text(encoding="utf-8").splitlines() if line]
    turns = turns[: args.limit]
    messages = sum(len(t) for t in turns)
    token, port = secrets.token_urlsafe(24), free_port()
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        os.environ["TRACKER_STORE_URL"] = f"sqlite:///{tmp}/conversations.db"
        os.environ["ACTION_SERVER_TOKEN"] = token
        endpoints = Path(tmp) / "endpoints.yml"
        endpoints.write_text(
            (ROOT / "endpoints.yml").read_text(encoding="utf-8").replace("localhost:5055", f"127.0.0.1:{port}"),
            encoding="utf-8",
        )
        server = start_action_server(token, port)
        try:
            profiler = cProfile.Profile()
            wall = asyncio.run(profile(Path(args.model), endpoints, turns, profiler))
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"{messages} messages ({len(turns)} conversations of {Path(args.cases).name}), cProfile on:\n")
    print(table(pstats.Stats(profiler), messages, wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
