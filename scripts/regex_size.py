"""How many characters of regular expressions live in Python under bot/ and actions/.

A string literal counts when it is a raw string (r"..."), or when it is (part of) the pattern argument
of a call to re.compile / re.search / re.match / re.fullmatch / re.sub / re.subn / re.split /
re.findall / re.finditer. Usage: python scripts/regex_size.py [--by-file] [--exclude PATH ...]
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

ROOTS = ("bot", "actions")
EXCLUDE = {"bot/shared/redaction.py"}
RE_FUNCS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def _raw_string_lines(source: str) -> set:
    spans = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING:
            prefix = tok.string.split(tok.string[-1])[0].lower()
            if "r" in prefix:
                spans.add(tok.start)
    return spans


def regex_chars(path: Path) -> int:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    raw = _raw_string_lines(source)
    counted = set()
    total = 0

    def count(node: ast.AST) -> None:
        nonlocal total
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                key = (sub.lineno, sub.col_offset)
                if key not in counted:
                    counted.add(key)
                    total += len(sub.value)

    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in RE_FUNCS
            and node.args
        ):
            count(node.args[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (node.lineno, node.col_offset) in raw:
            key = (node.lineno, node.col_offset)
            if key not in counted:
                counted.add(key)
                total += len(node.value)
    return total


def main(argv: list) -> int:
    by_file = "--by-file" in argv
    sizes = {}
    for root in ROOTS:
        for path in sorted(Path(root).rglob("*.py")):
            if str(path) in EXCLUDE:
                continue
            sizes[str(path)] = regex_chars(path)
    if by_file:
        for name, n in sorted(sizes.items(), key=lambda kv: -kv[1]):
            if n:
                print(f"{n:7d}  {name}")
    print(f"{sum(sizes.values()):7d}  total (bot/ and actions/, without {', '.join(sorted(EXCLUDE))})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
