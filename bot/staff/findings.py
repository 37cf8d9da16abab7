"""What `bot check` finds: a problem, where it is (file and line), in plain English and French."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

ERROR, WARNING = "error", "warning"


class Out(Protocol):
    """What the staff tools print to: STDOUT (below), sys.stdout or an io.StringIO."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...

    def isatty(self) -> bool: ...


class _CurrentStdout:
    """sys.stdout as it is when printing (not when a function was defined): tests can capture it."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()

    def isatty(self) -> bool:
        return sys.stdout.isatty()


STDOUT = _CurrentStdout()


@dataclass(frozen=True)
class Finding:
    level: str  # ERROR blocks a change; WARNING is shown but does not
    file: str  # relative to the project
    line: int | None  # 1-based, when known
    en: str
    fr: str

    @property
    def where(self) -> str:
        return f"{self.file}, line {self.line}" if self.line else self.file

    @property
    def where_fr(self) -> str:
        return f"{self.file}, ligne {self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.where}: {self.en}"


def errors(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == ERROR]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == WARNING]


def report(findings: list[Finding], language: str = "both", out: Out = STDOUT) -> None:
    """Print each finding with its place, in English, French or both."""
    for f in findings:
        tag_en, tag_fr = ("PROBLEM", "PROBLÈME") if f.level == ERROR else ("WARNING", "AVERTISSEMENT")
        if language in ("en", "both"):
            print(f"{tag_en}  {f.where}", file=out)
            print(f"    {f.en}", file=out)
        if language in ("fr", "both"):
            if language == "fr":
                print(f"{tag_fr}  {f.where_fr}", file=out)
            print(f"    (fr) {f.fr}", file=out)
        print(file=out)
