"""What every check shares: the Checker that collects findings, their texts (messages.yml), YAML reading.

A check says what it found with a key of messages.yml and its values:

    c.error(path, line, *say("response.no_english", name=name))

`say` returns the English and the French sentence. A value may differ by language: pass an `EnFr`
(`say(...)` itself returns one, so a sentence can be built from pieces of the catalogue).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
import os
import re
import string
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from ruamel.yaml import YAML

from bot.staff.findings import ERROR, WARNING, Finding
from bot.staff.project import Project

LANGUAGES = ("en", "fr")
MIN_EXAMPLES = 10
MAX_AGE_DAYS = 365
MESSAGES = Path(__file__).with_name("messages.yml")


class EnFr(NamedTuple):
    """A sentence, or a piece of one, in English and in French."""

    en: str
    fr: str


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """messages.yml: key -> {en: ..., fr: ...} (a key written twice is refused by the reader)."""
    with open(MESSAGES, encoding="utf-8") as f:
        return dict(YAML(typ="safe", pure=True).load(f))


_FIELD = re.compile(r"\{(\w+)\}")


def say(key: str, /, **values: Any) -> EnFr:
    """The finding `key` of messages.yml in English and French, its {names} filled from `values`.

    A brace that names no value ({resources}, {type: slot, ...}) is kept as typed."""
    texts = catalogue()[key]

    def fill(lang: str) -> str:
        def value(m: re.Match[str]) -> str:
            if m[1] not in values:
                return m[0]
            v = values[m[1]]
            return str(getattr(v, lang) if isinstance(v, EnFr) else v)

        return _FIELD.sub(value, str(texts[lang]))

    return EnFr(fill("en") if "en" in texts else "", fill("fr"))


def lang_name(lang: str) -> EnFr:
    """English / anglaise: "the English text", "le texte en version anglaise"."""
    return say(f"lang.{lang}")


def lang_noun(lang: str) -> EnFr:
    """English / anglais: "looks English", "semble être en anglais"."""
    return say(f"lang_noun.{lang}")


def place(project: Project, path: Path, line: int | None) -> EnFr:
    """ "data/x.yml, line 3" / "data/x.yml, ligne 3" (the file alone when the line is unknown)."""
    if not line:
        return EnFr(project.rel(path), project.rel(path))
    return say("line", file=project.rel(path), line=line)


# --------------------------------------------------------------------------------------------------
# YAML


def yaml_rt() -> YAML:
    """ruamel's round-trip loader: keeps line numbers (and comments, for writing back)."""
    y = YAML()
    y.preserve_quotes = True  # type: ignore[assignment]  # ruamel.yaml 0.17 declares these two as None
    y.width = 100000  # type: ignore[assignment]
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml_rt().load(f)


def quiet_load(path: Path) -> Any:
    """The YAML file, or None if missing or broken (another section reports that, once)."""
    try:
        return load_yaml(path) if path.is_file() else None
    except Exception:
        return None


def key_line(mapping: Any, key: Any) -> int | None:
    try:
        return mapping.lc.key(key)[0] + 1
    except Exception:
        return None


def item_line(seq: Any, index: int) -> int | None:
    try:
        return seq.lc.item(index)[0] + 1
    except Exception:
        return None


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text or "") if name}


def plain(value: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# What YAML's reader says (in English), told in French: (words of its message, key of messages.yml).
YAML_PROBLEMS = (
    ("'\\t'", "yaml.tab"),
    ("mapping values are not allowed", "yaml.colon"),
    ("could not find expected ':'", "yaml.no_colon"),
    ("expected <block end>", "yaml.indent"),
    ("expected <block mapping key>", "yaml.indent"),
    ("expected ',' or '}'", "yaml.brace"),
    ("expected ',' or ']'", "yaml.bracket"),
    ("unexpected end of stream", "yaml.quote"),
    ("duplicate key", "yaml.duplicate"),
    ("undefined alias", "yaml.alias"),
)


def yaml_problem(problem: str) -> EnFr:
    """The reader's own words in English, a French sentence for the French line."""
    key = next((k for words, k in YAML_PROBLEMS if words in problem), "yaml.other")
    return EnFr(problem, say(key).fr)


class Checker:
    """Collects findings for one project."""

    def __init__(self, project: Project, today: datetime.date | None = None, min_examples: int = MIN_EXAMPLES):
        self.project = project
        self.today = today or datetime.date.today()
        self.min_examples = min_examples
        self.findings: list[Finding] = []

    def add(self, level: str, path: Path, line: int | None, en: str, fr: str) -> None:
        self.findings.append(Finding(level, self.project.rel(path), line, en, fr))

    def error(self, path: Path, line: int | None, en: str, fr: str) -> None:
        self.add(ERROR, path, line, en, fr)

    def warning(self, path: Path, line: int | None, en: str, fr: str) -> None:
        self.add(WARNING, path, line, en, fr)

    def readable(self, path: Path) -> Any:
        """The YAML file, or None after a finding that says why it can't be read."""
        if not path.is_file():
            self.error(path, None, *say("file.missing"))
            return None
        try:
            return load_yaml(path)
        except Exception as e:  # a YAML syntax error names its line
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark else None
            self.error(path, line, *say("file.not_yaml", problem=yaml_problem(str(getattr(e, "problem", e)))))
            return None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No library's warnings on the staff member's screen while the checks run.

    Loading the action code brings in Sanic, which turns deprecation warnings back on; the safety
    rules bring in spaCy and TensorFlow. Their notices are for developers: Python warnings are not
    shown, library log messages below ERROR are dropped, and TensorFlow's own log is silenced (it reads
    the setting when it is first imported, so the setting stays).
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    disabled = logging.root.manager.disable
    logging.disable(max(disabled, logging.WARNING))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # a library that adds its own filter (Sanic: "once" for DeprecationWarning) still prints nothing
            warnings.showwarning = lambda *args, **kwargs: None
            yield
    finally:
        logging.disable(disabled)
