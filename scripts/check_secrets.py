#!/usr/bin/env python3
"""Fail if a token-like string is committed: `python scripts/check_secrets.py [paths...]`.

Run by `make test` (and so by CI) on every file git knows about, tracked or new (not ignored).
Secrets belong in the environment (.env, never committed; .env.example documents the names).

It looks for: private keys, Telegram bot tokens, JWTs, AWS / GitHub / Slack / Google / OpenAI-style
keys, URLs with a password, and NAME=value assignments where NAME says TOKEN/SECRET/PASSWORD/KEY and
the value looks random (long, mixed, not a placeholder such as `change-me`, `<...>`, `${...}`).
A line that really must hold such a string for a test can say `not-a-secret` in a comment.
Exit status 1 and one line per finding (file:line: kind), never the value itself.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", "models", "results", "node_modules", "__pycache__", ".pytest_cache", ".rasa"}
MAX_BYTES = 2_000_000
ALLOW_MARKER = "not-a-secret"

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("Telegram bot token", re.compile(r"(?<![\d:])\d{6,12}:[A-Za-z0-9_-]{33,40}(?![\w-])")),
    ("JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("API secret key", re.compile(r"\bsk-(?:live-|proj-)?[A-Za-z0-9]{24,}\b")),
    ("password in a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:([^\s:/@'\"$<{]{6,})@")),
]
ASSIGNMENT = re.compile(
    r"(?i)\b[\w.-]*(?:token|secret|password|passwd|api[_-]?key|private[_-]?key)[\w.-]*[\"']?\s*[:=]\s*[\"']?([^\s\"'#,;)}]+)"
)
PLACEHOLDER = re.compile(
    r"(?i)change|example|your|placeholder|replace|dummy|fake|redacted|secret\]|xxx|\.\.\.|^<|^\$|^\{|^%|none|null|true|false"
)

# Documentation writes postgresql://user:password@host: the word itself is not a secret.
URL_PASSWORD_PLACEHOLDER = re.compile(r"(?i)pass(?:word)?|passwd|pwd|secret|\*+|x+")


def entropy(value: str) -> float:
    counts = {c: value.count(c) for c in set(value)}
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    if len(value) < 16 or PLACEHOLDER.search(value) or not re.fullmatch(r"[A-Za-z0-9_+/=.:-]+", value):
        return False
    kinds = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"\d"))
    return kinds >= 2 and entropy(value) >= 3.5


def findings(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        if ALLOW_MARKER in line:
            continue
        for kind, pattern in PATTERNS:
            match = pattern.search(line)
            if match and not (match.groups() and URL_PASSWORD_PLACEHOLDER.fullmatch(match.group(1))):
                yield number, kind
        for match in ASSIGNMENT.finditer(line):
            if looks_random(match.group(1)):
                yield number, "secret-looking value assigned to a secret name"


def candidate_files(root: Path) -> Iterable[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        names = [n for n in out.decode("utf-8", "replace").split("\0") if n]
        return [root / n for n in names if not set(Path(n).parts) & SKIP_DIRS]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the tree
        return [p for p in root.rglob("*") if p.is_file() and not set(p.relative_to(root).parts) & SKIP_DIRS]


def scan(paths: Iterable[Path], root: Path = ROOT) -> list[str]:
    problems = []
    for path in paths:
        try:
            if not path.is_file() or path.stat().st_size > MAX_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if b"\0" in data[:4096]:
            continue  # binary
        for number, kind in findings(data.decode("utf-8", "replace")):
            try:
                shown = path.relative_to(root)
            except ValueError:
                shown = path
            problems.append(f"{shown}:{number}: {kind}")
    return problems


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] if argv else candidate_files(ROOT)
    problems = scan(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"\n{len(problems)} token-like string(s) found. Secrets go in the environment or .env "
            "(never committed); see .env.example.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
