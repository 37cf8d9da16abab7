"""`make bench`: one table of figures, measured in one run.

- intent accuracy and macro-F1 per language on the sealed set (eval/heldout/sealed.jsonl, by group),
  with spaCy's blank EN/FR tokenizer and, for comparison, a whitespace tokenizer;
- emergency recall (emergency and self-harm cases that get the emergency intent);
- language accuracy: our detection + conversation language vs plain langdetect;
- sequential p50/p95 latency through REST (with the action server) and throughput with 8 concurrent
  senders, side by side with a stock `rasa init` assistant trained in a temporary folder;
- RSS of each process; training time of both.

Timing is never asserted in tests: these machines are shared. Compare the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import contextlib

from bot.shared.language import conversation_language, detect, plain_langdetect  # noqa: E402
from bot.staff.evaluate import GROUP_INTENTS, macro_f1  # noqa: E402

# The servers come from the tests' harness (tests/support/, the only part of tests/ a script may import,
# and only a bench: tests/test_layout.py): a bench measures what the tests check, started the same way,
# and a copy kept here would drift from it.
from tests.support.servers import Assistant, post  # noqa: E402

BIN = Path(sys.executable).parent
# The sealed set (issue #10): written independently, measured once untouched at the end of the work
# it judged; its cases carry a group of the behavioural contract (the intents that answer it).
HELDOUT = ROOT / "eval" / "heldout" / "sealed.jsonl"


def cases():
    """English and French cases, each with its gold intent and the intents its group accepts."""
    out = []
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        if line.strip():
            c = json.loads(line)
            accepted = [c["intent"]] if "intent" in c else list(GROUP_INTENTS.get(c["group"], ()))
            if c["lang"] in ("en", "fr"):
                out.append({**c, "intent": accepted[0] if accepted else None, "accepted": accepted})
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def train(project: Path, out: Path, config: Path = None, nlu_only=False) -> float:
    cmd = (
        [str(BIN / "rasa"), "train"]
        + (["nlu"] if nlu_only else [])
        + ["--out", str(out), "--fixed-model-name", "m", "--quiet"]
    )
    if config:
        cmd += ["--config", str(config)]
    if not nlu_only:
        cmd += ["--force"]
    t0 = time.perf_counter()
    subprocess.run(
        cmd,
        cwd=project,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def intent_scores(model: Path):
    """Accuracy and macro-F1 per language for the last turn of every held-out case."""
    from rasa.core.agent import load_agent

    agent = asyncio.run(load_agent(model_path=str(model)))
    gold, pred = defaultdict(list), defaultdict(list)
    for c in cases():
        text = c["turns"][-1]
        if text.startswith("/") or not c["intent"]:
            continue
        predicted = asyncio.run(agent.parse_message(text))["intent"]["name"]
        gold[c["lang"]].append(c["intent"])
        pred[c["lang"]].append(c["intent"] if predicted in c["accepted"] else predicted)
    out = {}
    for lang in gold:
        g, p = gold[lang], pred[lang]
        acc = sum(a == b for a, b in zip(g, p, strict=False)) / len(g)
        emerg = [(a, b) for a, b in zip(g, p, strict=False) if a in ("emergency", "self_harm")]
        recall = sum(b in ("emergency", "self_harm") for _, b in emerg) / len(emerg)
        out[lang] = (acc, macro_f1(g, p), recall, len(g))
    return out


def language_scores():
    ours = plain = n = 0
    for c in cases():
        current = None
        for t in c["turns"]:
            current = conversation_language(current, detect(t))
        ours += current == c["lang"]
        plain += plain_langdetect(c["turns"][-1]) == c["lang"]
        n += 1
    return ours / n, plain / n, n


def latency(webhooks: dict, n: int = 60):
    """Sequential, interleaved between assistants so both see the same machine load."""
    msgs = [c["turns"][-1] for c in cases() if not c["turns"][-1].startswith("/")][:n]
    times = defaultdict(list)
    for i, m in enumerate(msgs):
        for name, url in webhooks.items():
            t0 = time.perf_counter()
            post(url, f"bench-{name}-{i}", m)
            times[name].append(time.perf_counter() - t0)
    result = {}
    for name, ts in times.items():
        ts.sort()
        result[name] = (1000 * statistics.median(ts), 1000 * ts[int(0.95 * (len(ts) - 1))])
    return result


def throughput(url: str, senders: int = 8, per_sender: int = 15) -> float:
    msgs = [c["turns"][-1] for c in cases() if not c["turns"][-1].startswith("/")]

    def worker(k):
        for i in range(per_sender):
            post(url, f"tp-{k}-{uuid.uuid4().hex[:6]}", msgs[(k * per_sender + i) % len(msgs)])

    t0 = time.perf_counter()
    with ThreadPoolExecutor(senders) as ex:
        list(ex.map(worker, range(senders)))
    return senders * per_sender / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-train", action="store_true", help="use models/assistant.tar.gz; don't time training")
    ap.add_argument("--skip-nlu", action="store_true", help="only speed and memory")
    args = ap.parse_args()
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines
    logging.getLogger().setLevel(logging.WARNING)
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # Stock assistant, for side-by-side figures.
        stock = tmp / "stock"
        stock.mkdir()
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(stock)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        for f in (stock / "models").glob("*.tar.gz"):
            f.unlink()
        stock_train = train(stock, stock / "models")
        if args.skip_train:
            ours_model, ours_train = ROOT / "models" / "assistant.tar.gz", None
        else:
            ours_train = train(ROOT, tmp / "ours")
            ours_model = tmp / "ours" / "m.tar.gz"

        # NLU: spaCy blank tokenizer vs whitespace tokenizer, same data, same seed.
        ws_config = tmp / "config-whitespace.yml"
        ws_config.write_text(
            (ROOT / "config.yml")
            .read_text()
            .replace("bot.plugins.nlu.tokenizer.BilingualSpacyTokenizer", "WhitespaceTokenizer")
        )
        if not args.skip_nlu:
            train(ROOT, tmp / "ws", ws_config, nlu_only=True)
            spacy_scores = intent_scores(ours_model)
            ws_scores = intent_scores(tmp / "ws" / "m.tar.gz")
        for lang in [] if args.skip_nlu else ["en", "fr"]:
            acc, f1, rec, n = spacy_scores[lang]
            wacc, wf1, _, _ = ws_scores[lang]
            rows.append(
                (
                    f"Intent accuracy / macro-F1, {lang.upper()} sealed set (n={n})",
                    f"{acc:.1%} / {f1:.3f}",
                    f"whitespace tokenizer: {wacc:.1%} / {wf1:.3f}",
                )
            )
            rows.append((f"Emergency recall, {lang.upper()} (NLU + safety net)", f"{rec:.1%}", ""))
        ours_lang, plain_lang, n = language_scores()
        rows.append(
            (f"Language accuracy (n={n} conversations)", f"{ours_lang:.1%}", f"plain langdetect: {plain_lang:.1%}")
        )

        with (
            Assistant(model=ours_model) as ours,
            Assistant(model=next((stock / "models").glob("*.tar.gz")), project=stock, with_actions=False) as base,
        ):
            hooks = {"ours": ours.webhook, "stock": base.webhook}
            for url in hooks.values():  # warm up
                for i in range(5):
                    post(url, f"warm-{i}", "hello")
            lat = latency(hooks)
            tp_ours, tp_stock = throughput(ours.webhook), throughput(base.webhook)
            rows.append(
                (
                    "Latency p50 / p95, sequential REST (ms)",
                    f"{lat['ours'][0]:.0f} / {lat['ours'][1]:.0f}",
                    f"stock: {lat['stock'][0]:.0f} / {lat['stock'][1]:.0f}; p95 ratio {lat['ours'][1] / lat['stock'][1]:.2f}x (goal <= 0.75x)",
                )
            )
            rows.append(
                (
                    "Throughput, 8 concurrent senders (msg/s)",
                    f"{tp_ours:.1f}",
                    f"stock: {tp_stock:.1f}; ratio {tp_ours / tp_stock:.2f}x (goal >= 1.5x)",
                )
            )
            r = {k: rss_mb(v) for k, v in ours.pids.items()}
            rows.append(
                (
                    "RSS, Rasa server (MB)",
                    f"{r['rasa']:.0f}",
                    f"stock: {rss_mb(base.pids['rasa']):.0f} (goal: below stock)",
                )
            )
            rows.append(("RSS, action server (MB)", f"{r['actions']:.0f}", "stock: none"))
        rows.append(
            (
                "Training time, full (s)",
                f"{ours_train:.0f}" if ours_train else "skipped",
                f"stock: {stock_train:.0f} (goal <= 90)",
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    w = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(w)} | this assistant | comparison |")
    print(f"|{'-' * (w + 2)}|----------------|------------|")
    for name, ours_v, comp in rows:
        print(f"| {name.ljust(w)} | {ours_v} | {comp} |")


if __name__ == "__main__":
    main()
