"""Fill the `examples` and `near_misses` of the rules in data/safety/*.yml from the project's own texts.

For each rule whose examples are empty (all rules with --all): up to two texts of the corpus (training
examples, test stories, test cases: scripts/dump_rule_decisions.py) that fire it, the shortest first,
and up to two near misses: texts that share a word of the rule with those examples but do not fire
it. A rule no text fires gets an example made from its pattern (said in its note). The files are
edited in place, line by line: comments and layout stay.

    PYTHONPATH=. .venv/bin/python scripts/harvest_rule_examples.py [--all]
"""

from __future__ import annotations

import json
import re
import sre_constants as C
import sre_parse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.shared.safety.rulebook import DEFAULT_DIR, Rule, Rulebook, literal_words  # noqa: E402
from scripts.dump_rule_decisions import corpus  # noqa: E402

MAX_LEN = 140
MADE_UP = " (Example made from the pattern: no text of the project fires this rule.)"


def _made_up(tree, out: list[str]) -> None:
    """A short text the parsed pattern matches: first branch, fewest repeats, lookaheads written out."""
    for op, av in tree:
        if op == C.LITERAL:
            out.append(chr(av))
        elif op == C.IN:
            for kind, value in av:
                if kind == C.LITERAL:
                    out.append(chr(value))
                    break
                if kind == C.RANGE:
                    out.append(chr(value[0]))
                    break
                if kind == C.CATEGORY:
                    out.append("1" if value == C.CATEGORY_DIGIT else " " if value == C.CATEGORY_SPACE else "a")
                    break
        elif op == C.BRANCH:
            _made_up(av[1][0], out)
        elif op == C.SUBPATTERN:
            _made_up(av[-1], out)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo, _, sub = av
            for _ in range(lo):
                _made_up(sub, out)
        elif op == C.ASSERT and av[0] == 1:  # lookahead: what it asks for comes next
            _made_up(av[1], out)
            out.append(" ")
        elif op == C.ANY:
            out.append("x")
        elif op == C.CATEGORY:
            out.append("1" if av == C.CATEGORY_DIGIT else " " if av == C.CATEGORY_SPACE else "a")


def made_up_example(book: Rulebook, rule: Rule) -> str | None:
    for alternative in [rule.source] + [f"(?:{a})" for a in rule.source.split("|")[:3]]:
        try:
            out: list[str] = []
            _made_up(sre_parse.parse(alternative), out)
        except Exception:
            continue
        text = re.sub(r"\.\*|\s+", " ", "".join(out)).strip()
        if text and book.fires(rule, text):
            return text
    return None


def harvest(book: Rulebook, texts: list[str], rule: Rule) -> tuple[list[str], list[str], bool]:
    firing = sorted({t for t in texts if len(t) <= MAX_LEN and book.fires(rule, t)}, key=lambda t: (len(t), t))
    examples = firing[:2]
    made_up = False
    if not examples:
        ex = made_up_example(book, rule)
        examples, made_up = ([ex] if ex else []), bool(ex)
    words = set()
    rule_words = literal_words(rule.source)
    for ex in examples:
        words |= {w for w in book.text_for(rule, ex).split() if w in rule_words and len(w) >= 3}
    if not words:
        for ex in examples:
            words |= {w for w in book.text_for(rule, ex).split() if len(w) >= 5}
    near: list[str] = []
    if words:
        candidates = sorted((t for t in texts if len(t) <= MAX_LEN and t not in examples), key=lambda t: (len(t), t))
        for t in candidates:
            if len(near) == 2:
                break
            seen = book.text_for(rule, t)
            if set(seen.split()) & words and not rule.regex.search(seen):
                near.append(t)
    return examples, near, made_up


def _yaml_list(key: str, items: list[str], indent: int) -> list[str]:
    pad = " " * indent
    if not items:
        return [f"{pad}{key}: []"]
    return [f"{pad}{key}:"] + [f"{pad}  - {json.dumps(t, ensure_ascii=False)}" for t in items]


def rewrite(path: Path, found: dict[str, tuple[list[str], list[str], bool]]) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    current: str | None = None
    skipping = False
    changed = 0
    for line in lines:
        m = re.match(r"^(\s*)- id: (\S+)\s*$", line)
        if m:
            current, skipping = m.group(2), False
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if current in found and stripped.startswith("examples:"):
            examples, near, _ = found[current]
            out += _yaml_list("examples", examples, indent) + _yaml_list("near_misses", near, indent)
            skipping, changed = True, changed + 1
            continue
        if skipping:
            if stripped.startswith("note:"):
                skipping = False
                if found[current][2] and MADE_UP.strip() not in line:
                    line = line.rstrip()
                    line = line[:-1] + MADE_UP.replace("'", "''") + "'" if line.endswith("'") else line + MADE_UP
            else:
                continue
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    everything = "--all" in argv
    book = Rulebook.from_dir(DEFAULT_DIR)
    texts = corpus()
    by_file: dict[str, dict[str, tuple[list[str], list[str], bool]]] = {}
    empty = 0
    for rule in book.rules.values():
        if rule.examples and not everything:
            continue
        examples, near, made_up = harvest(book, texts, rule)
        empty += not examples
        by_file.setdefault(rule.file, {})[rule.id] = (examples, near, made_up)
    for name, found in sorted(by_file.items()):
        n = rewrite(DEFAULT_DIR / name, found)
        print(f"{name}: {n} rules filled")
    print(f"rules with no example at all: {empty}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
