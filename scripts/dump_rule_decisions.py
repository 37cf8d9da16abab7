"""Every decision the safety rules make, over every text the project holds: a before/after check.

Runs the rule functions (danger, calm, needs, quick exit, audience) and the SafetyNet component with a
few made-up classifier rankings over every training example (data/nlu), every test story message
(tests/**/*.yml) and every turn of every test case (tests/**/*.jsonl), and writes
{text: {decision: value}} as JSON. Two dumps taken before and after a change of the rules tell
exactly which decisions changed.

    PYTHONPATH=. .venv/bin/python scripts/dump_rule_decisions.py /tmp/rule_decisions_before.json
    PYTHONPATH=. .venv/bin/python scripts/dump_rule_decisions.py --compare /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Made-up classifier outputs: (name, chosen intent, ranking). Each text goes through SafetyNet.process
# once per scenario, so every branch that depends on the words (not on the model) is exercised.
SCENARIOS: list[tuple[str, str, list[tuple[str, float]]]] = [
    ("fallback", "nlu_fallback", [("nlu_fallback", 0.4), ("victim_services", 0.3), ("emergency", 0.1)]),
    ("safe", "user_safe", [("user_safe", 0.9), ("emergency", 0.05)]),
    ("danger", "emergency", [("emergency", 0.6), ("shelter", 0.3)]),
    ("shelter", "shelter", [("shelter", 0.7), ("emergency", 0.25)]),
    ("report", "report_crime", [("report_crime", 0.8), ("emergency", 0.05)]),
    ("parent", "parent_worry", [("parent_worry", 0.8)]),
    ("online", "online_exploitation", [("online_exploitation", 0.8)]),
    ("exit", "safety_exit", [("safety_exit", 0.7), ("goodbye", 0.2)]),
    ("plan", "safety_plan", [("safety_plan", 0.8), ("legal_help", 0.1)]),
    ("unsure_exit", "nlu_fallback", [("nlu_fallback", 0.3), ("safety_exit", 0.3), ("goodbye", 0.25)]),
]


def _nlu_examples() -> Iterator[str]:
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in doc.get("nlu", []) or []:
            for line in str(item.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield line[2:].strip()


def _story_messages(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "user" and isinstance(value, str):
                yield value.strip()
            else:
                yield from _story_messages(value)
    elif isinstance(node, list):
        for value in node:
            yield from _story_messages(value)


def _test_texts() -> Iterator[str]:
    for path in sorted((ROOT / "tests").rglob("*.yml")):
        if "node_modules" in path.parts:
            continue
        yield from _story_messages(yaml.safe_load(path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "tests").rglob("*.jsonl")):
        if "node_modules" in path.parts:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for turn in json.loads(line).get("turns", []):
                    if isinstance(turn, str):
                        yield turn


def corpus() -> list[str]:
    """Every distinct text, in a stable order."""
    seen: dict[str, None] = {}
    for text in list(_nlu_examples()) + list(_test_texts()):
        if text and not text.startswith("/"):
            seen.setdefault(text, None)
    return list(seen)


def _scenario(net: Any, text: str, intent: str, ranking: list[tuple[str, float]]) -> list[Any]:
    from rasa.shared.nlu.training_data.message import Message

    msg = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": dict(ranking).get(intent, 0.5)},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
    )
    net.process([msg])
    found = msg.get("safety_net") or {}
    # the category of the rule that fired (before the rules were data, `rule` held the category)
    rule = found.get("category") or found.get("rule")
    return [msg.get("intent")["name"], rule, found.get("classifier_intent")]


def decisions(texts: list[str]) -> dict[str, dict[str, Any]]:
    from bot.plugins.nlu import safety_net as sn
    from bot.shared.audience import audience_from_text
    from bot.shared.safety import danger
    from bot.shared.safety.quick_exit import is_exit_request, leaving_now

    net = sn.SafetyNet()
    out: dict[str, dict[str, Any]] = {}
    for text in texts:
        found = danger.assess(text)
        rec: dict[str, Any] = {
            "normalise": danger.normalise(text),
            "assess": [found.category, found.pattern] if found else None,
            "long_ago": danger.long_ago(text),
            "says_safe": danger.says_safe(text),
            "need_hint": sn.need_hint(text),
            "plain_need": sn.plain_need(text),
            "plain_needs_all": _plain_needs_all(sn, text),
            "is_exit_request": is_exit_request(text),
            "leaving_now": leaving_now(text),
            "looks_like_leaving": [sn.looks_like_leaving(text, True), sn.looks_like_leaving(text, False)],
            "audience": audience_from_text(text),
            "indigenous_talk": sn.indigenous_person_wants_to_talk(text),
            "young_talk": sn.young_person_wants_to_talk(text),
        }
        for name, intent, ranking in SCENARIOS:
            rec["net." + name] = _scenario(net, text, intent, ranking)
        out[text] = rec
    return out


def _plain_needs_all(sn: Any, text: str) -> list[str]:
    """Every plain need whose words are in the text (not only the first), in rule order."""
    if hasattr(sn, "plain_needs_all"):
        return sn.plain_needs_all(text)
    import re

    from bot.shared.language import strip_accents

    plain = re.sub(r"['-]", " ", strip_accents(text.lower()))
    return [intent for intent, rx in sn.PLAIN_NEEDS if rx.search(plain)]


def compare(before_path: str, after_path: str) -> dict[str, Any]:
    before = json.loads(Path(before_path).read_text(encoding="utf-8"))
    after = json.loads(Path(after_path).read_text(encoding="utf-8"))
    changed: dict[str, dict[str, Any]] = {}
    per_key: dict[str, int] = {}
    for text in sorted(set(before) | set(after)):
        b, a = before.get(text, {}), after.get(text, {})
        diff = {k: [b.get(k), a.get(k)] for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)}
        if diff:
            changed[text] = diff
            for k in diff:
                per_key[k] = per_key.get(k, 0) + 1
    return {
        "texts": len(set(before) | set(after)),
        "changed_texts": len(changed),
        "per_decision": per_key,
        "changed": changed,
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"]:
        result = compare(argv[1], argv[2])
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    out = argv[0] if argv else "/tmp/rule_decisions_before.json"
    texts = corpus()
    Path(out).write_text(json.dumps(decisions(texts), ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    print(f"{len(texts)} texts -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
