"""The rulebook: every pattern of the safety rules, read from data/safety/*.yml.

The Python of danger.py, safety_net.py, quick_exit.py and audience.py keeps only the logic (which rule
wins, what a safe statement cancels); every regular expression, word list and phrase is data:

- lists.yml      named word lists; a pattern writes `{subject_en}` for (?:he|she|they|...)
- danger.yml     signs of danger now, by category, in the order they are tried
- calm.yml       safe statements, told as the past, well now, held by the police...
- needs.yml      words that name a need (need hints, plain needs) and the second look's checks
- exit.yml       the quick-exit words and "I have to go now"
- audience.yml   who is writing (a parent, an Indigenous person, a teen)
- normalise.yml  contractions, words never corrected, apostrophes and quotes
- phrases.yml    staff phrases, no regex: always_911 and never_911

Each file is checked against rules.schema.json when read. A Rulebook can also be built from the dict
a trained model carries (bot/plugins/nlu/safety_net.py), so a model and its rules roll back together.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.shared.language import strip_accents
from bot.shared.safety.normalise import Normaliser

if TYPE_CHECKING:
    import jsonschema

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "data" / "safety"
SCHEMA_NAME = "rules.schema.json"
ALWAYS_911, NEVER_911 = "always_911", "never_911"
_LIST_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")
# between the parts of a staff phrase written "he is ... my door": up to four words
_GAP = r" (?:\w+ ){0,4}"


# These categories run on the normalised text without typo correction (Rulebook.plain): the channels and
# the action server use them without loading a dictionary. Every other rule sees Rulebook.normalise.
PLAIN_CATEGORIES = frozenset({"audience", "leaving_now"})


class RulebookError(ValueError):
    """A rule file that cannot be used: its name, and what is wrong."""

    def __init__(self, file: str, message: str, rule: str | None = None) -> None:
        super().__init__(f"{file}: {rule + ': ' if rule else ''}{message}")
        self.file, self.rule, self.message = file, rule, message


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression ("a|(?:b|c)|d" -> ["a", "(?:b|c)", "d"])."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


_ESCAPE = re.compile(r"\\.")
_CLASS = re.compile(r"\[(\^?)([^\]]*)\]")
_GROUP_START = re.compile(r"\(\?(?:[:=!]|<[=!])")
_COUNT = re.compile(r"\{\d*,?\d*\}")
_WORD = re.compile(r"[a-z]+")


def literal_words(pattern: str) -> set[str]:
    """The words a pattern is written with: not its escapes (\\b, \\w) nor its syntax ("\\bjust" is
    "just", not "bjust")."""
    text = strip_accents(pattern.lower())
    text = _ESCAPE.sub(" ", text)
    text = _CLASS.sub(lambda m: " " if m.group(1) else (m.group(2)[:1] if m.group(2)[:1].isalpha() else " "), text)
    text = _GROUP_START.sub("(", _COUNT.sub(" ", text))
    return {w for w in _WORD.findall(text) if len(w) >= 2}


class Rule:
    """One rule: where it is, what it is for, its compiled pattern."""

    def __init__(self, file: str, data: dict[str, Any], source: str) -> None:
        self.file = file
        self.id: str = data["id"]
        self.category: str = data["category"]
        self.lang: str = data.get("lang", "any")
        self.intent: str | None = data.get("intent")
        self.audience: str | None = data.get("audience")
        self.replace: str | None = data.get("replace")
        self.also: tuple[str, ...] = tuple(data.get("also") or ())
        self.over: tuple[str, ...] = tuple(data.get("over") or ())  # topic: the classifier's answers it replaces
        self.examples: list[str] = list(data.get("examples") or [])
        self.near_misses: list[str] = list(data.get("near_misses") or [])
        self.note: str = data.get("note", "")
        # "(?=.*A)(?=.*B)": A and B anywhere, in any order. Searched unanchored, each lookahead would scan
        # the rest of the message from every position (time grows with the square of its length); from
        # the start alone it finds the same (the normalised text has no line breaks for `.` to stop at).
        if source.startswith("(?=.*"):
            source = "^" + source
        self.source = source  # the regular expression, lists expanded
        try:
            self.regex = re.compile(source)
        except re.error as e:
            raise RulebookError(file, f"the pattern is not a valid regular expression ({e})", self.id) from e

    def __repr__(self) -> str:
        return f"Rule({self.id!r})"


@lru_cache(maxsize=4)
def _validator(schema_path: str, mtime: float) -> jsonschema.Draft7Validator:
    import jsonschema

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def schema_errors(name: str, doc: Any, schema_path: Path = DEFAULT_DIR / SCHEMA_NAME) -> list[str]:
    """What is wrong with one parsed rule file, in words ("rules[3]: 'id' is a required property")."""
    if not schema_path.is_file():
        return []
    validator = _validator(str(schema_path), schema_path.stat().st_mtime)
    out = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path).lstrip(".")
        out.append(f"{where or 'top'}: {err.message}")
    return out


class Rulebook:
    def __init__(self, files: dict[str, Any], schema: Path | None = DEFAULT_DIR / SCHEMA_NAME) -> None:
        """`files`: file name (danger.yml, ...) -> its parsed YAML."""
        self.files = copy.deepcopy(files)
        self.lines: dict[str, list[str]] = {}  # file name -> its lines (from_dir only): where a rule is
        if schema is not None:
            for name, doc in sorted(self.files.items()):
                problems = schema_errors(name, doc, schema)
                if problems:
                    raise RulebookError(name, "; ".join(problems[:5]))
        self.lists: dict[str, list[str]] = {}
        for doc in self.files.values():
            for name, spec in ((doc or {}).get("lists") or {}).items():
                self.lists[name] = list(spec["items"])
        self._expanded: dict[str, str] = {}
        self.rules: dict[str, Rule] = {}
        self._categories: dict[str, list[Rule]] = {}
        self._own: dict[str, list[Rule]] = {}
        self._also: dict[str, list[Rule]] = {}
        self.danger_order: list[str] = []
        self.exit_words: frozenset[str] = frozenset()
        self.never_correct: list[str] = []
        self.vocabulary_from: list[str] | None = None
        self.contractions: list[Rule] = []
        self.phrases: dict[str, dict[str, list[str]]] = {ALWAYS_911: {}, NEVER_911: {}}
        apostrophes, quotes = None, None
        for name in sorted(self.files):
            doc = self.files[name] or {}
            self.danger_order = list(doc.get("order") or self.danger_order)
            for data in doc.get("safety_rules") or []:
                self._add(name, data)
            for data in doc.get("contractions") or []:
                rule = Rule(
                    name, {**data, "category": "contraction"}, self.expand(self._pattern(data), name, data["id"])
                )
                self._register(rule)
                self.contractions.append(rule)
            if "exit_words" in doc:
                self.exit_words = frozenset(doc["exit_words"])
            if "vocabulary_from" in doc:
                self.vocabulary_from = list(doc["vocabulary_from"])
            if "never_correct" in doc:
                self.never_correct = list(doc["never_correct"])
            apostrophes = doc.get("apostrophes", apostrophes)
            quotes = doc.get("quotes", quotes)
            for kind in (ALWAYS_911, NEVER_911):
                for lang, phrases in (doc.get(kind) or {}).items():
                    self.phrases[kind].setdefault(lang, []).extend(phrases)
        for cat in self.danger_order:
            if cat not in self._categories:
                raise RulebookError("danger.yml", f"the category '{cat}' in `order` has no rule")
        kw = {}
        if apostrophes is not None:
            kw["apostrophes"] = apostrophes
        if quotes is not None:
            kw["quotes"] = quotes
        self.normaliser = Normaliser(
            [(r.source, r.replace or "") for r in self.contractions],
            self.never_correct,
            self.vocabulary(),
            keep=self.words(),
            **kw,
        )
        self.normalise = self.normaliser.normalise
        self.plain = self.normaliser.plain
        self._matchers: dict[str, re.Pattern[str]] = {}
        self._phrase_rx = {kind: self._phrase_regex(kind) for kind in self.phrases}

    # -- building ---------------------------------------------------------------------------------

    @classmethod
    def from_dir(cls, path: Path = DEFAULT_DIR) -> Rulebook:
        path = Path(path)
        files = {}
        for f in sorted(path.glob("*.yml")):
            try:
                files[f.name] = yaml.safe_load(f.read_text(encoding="utf-8"))
            except yaml.YAMLError as e:
                raise RulebookError(f.name, f"not valid YAML ({e})") from e
        if not files:
            raise RulebookError(str(path), "no rule files (*.yml) here")
        schema = path / SCHEMA_NAME
        book = cls(files, schema if schema.is_file() else DEFAULT_DIR / SCHEMA_NAME)
        book.lines = {f.name: f.read_text(encoding="utf-8").splitlines() for f in sorted(path.glob("*.yml"))}
        return book

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rulebook:
        """From `to_dict()`: the copy a trained model carries."""
        return cls(data["files"])

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "files": copy.deepcopy(self.files)}

    @staticmethod
    def _pattern(data: dict[str, Any]) -> str:
        if "patterns" in data:
            return "|".join(data["patterns"])
        return str(data["pattern"])

    def expand(self, pattern: str, file: str = "", rule: str | None = None, seen: tuple[str, ...] = ()) -> str:
        """`{name}` -> (?:item|item|...) for every list named in the pattern (lists may name lists)."""

        def one(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in self.lists:
                raise RulebookError(file, f"the list '{{{name}}}' is not in lists.yml", rule)
            if name in seen:
                raise RulebookError(file, f"the list '{name}' names itself", rule)
            if name not in self._expanded:
                items = [self.expand(item, "lists.yml", name, seen + (name,)) for item in self.lists[name]]
                self._expanded[name] = "(?:" + "|".join(items) + ")"
            return self._expanded[name]

        return _LIST_REF.sub(one, pattern)

    def _add(self, file: str, data: dict[str, Any]) -> None:
        self._register(Rule(file, data, self.expand(self._pattern(data), file, data.get("id"))))

    def _register(self, rule: Rule) -> None:
        if rule.id in self.rules:
            raise RulebookError(rule.file, f"the id is used twice (also in {self.rules[rule.id].file})", rule.id)
        self.rules[rule.id] = rule
        if rule.category != "contraction":
            self._own.setdefault(rule.category, []).append(rule)
            for cat in rule.also:
                self._also.setdefault(cat, []).append(rule)
            # a category's own rules first, then those that join it with `also`
            for cat in (rule.category,) + rule.also:
                self._categories[cat] = self._own.get(cat, []) + self._also.get(cat, [])

    def words(self) -> frozenset[str]:
        """The words of every rule, list and phrase: none of them is ever "corrected"."""
        words: set[str] = set()
        for rule in self.rules.values():
            if rule.category != "contraction":
                words |= literal_words(rule.source)
        for items in self.lists.values():
            for item in items:
                words |= literal_words(item)
        return frozenset(words | self.vocabulary())

    def vocabulary(self) -> frozenset[str]:
        """The words typos are corrected towards: those of the word lists, patterns and phrases of the
        files named by `vocabulary_from` in normalise.yml (the danger rules: a typo in "he's outsde my dor"
        must not hide the danger; more words would make more typos ambiguous, so fewer corrected)."""
        sources = set(self.vocabulary_from) if self.vocabulary_from is not None else set(self.files)
        words: set[str] = set()
        for rule in self.rules.values():
            if rule.category != "contraction" and rule.file in sources:
                words |= literal_words(rule.source)
        for name in sources:
            doc = self.files.get(name) or {}
            for spec in (doc.get("lists") or {}).values():
                for item in spec["items"]:
                    words |= literal_words(item)
            for kind in (ALWAYS_911, NEVER_911):
                for phrases in (doc.get(kind) or {}).values():
                    for phrase in phrases:
                        words.update(w for w in re.findall(r"[a-z]+", strip_accents(phrase.lower())) if len(w) >= 2)
        return frozenset(words)

    # -- using ------------------------------------------------------------------------------------

    def category(self, name: str) -> list[Rule]:
        """The rules of a category, in file order (danger categories: in the order they are tried)."""
        return list(self._categories.get(name, ()))

    def categories(self) -> list[str]:
        return list(self._categories)

    def matcher(self, name: str) -> re.Pattern[str]:
        """One pattern that matches wherever any rule of the category matches (first rule first)."""
        if name not in self._matchers:
            rules = self._categories.get(name)
            if not rules:
                raise KeyError(f"no rule in the category '{name}'")
            self._matchers[name] = re.compile("|".join(f"(?:{r.source})" for r in rules))
        return self._matchers[name]

    def first(self, name: str, text: str) -> Rule | None:
        """The first rule of the category that matches `text` (already normalised)."""
        return next((r for r in self._categories.get(name, ()) if r.regex.search(text)), None)

    def text_for(self, rule: Rule, text: str) -> str:
        """The message as `rule` sees it."""
        if rule.category == "contraction":
            # contractions apply in order, before accents are removed
            return self.normaliser.contract(self.normaliser.spaced(text), self.contractions.index(rule))
        return self.plain(text) if rule.category in PLAIN_CATEGORIES else self.normalise(text)

    def fires(self, rule: Rule, text: str) -> bool:
        """The rule's pattern is found in the message (alone: whatever the other rules say)."""
        return bool(rule.regex.search(self.text_for(rule, text)))

    def line_of(self, rule_id: str) -> int | None:
        """The line of `- id: <rule_id>` in its file, when the rulebook was read from a folder."""
        rule = self.rules.get(rule_id)
        lines = self.lines.get(rule.file) if rule else None
        if not lines:
            return None
        return next(
            (i for i, line in enumerate(lines, 1) if line.strip() in (f"- id: {rule_id}", f"id: {rule_id}")), None
        )

    def plain_exit_words(self) -> frozenset[str]:
        """The exit words as the normaliser writes them ("sortie d'urgence" -> "sortie d urgence")."""
        if not hasattr(self, "_plain_exit"):
            self._plain_exit = frozenset(self.plain(w) for w in self.exit_words)
        return self._plain_exit

    def danger_rules(self) -> Iterable[Rule]:
        for cat in self.danger_order:
            yield from self._categories[cat]

    def phrase_pattern(self, phrase: str) -> str:
        """A staff phrase as a pattern: its words, whole, on the normalised text; `...` is a few words."""
        parts = [self.plain(p) for p in re.split(r"\.\.\.|…", phrase)]
        body = _GAP.join(" ".join(re.escape(w) for w in p.split()) for p in parts if p.strip())
        return r"\b" + body + r"\b"

    def _phrase_regex(self, kind: str) -> re.Pattern[str] | None:
        pats = [self.phrase_pattern(p) for ps in self.phrases[kind].values() for p in ps if p.strip()]
        return re.compile("|".join(f"(?:{p})" for p in pats)) if pats else None

    def phrase(self, kind: str, normalised: str) -> bool:
        rx = self._phrase_rx.get(kind)
        return bool(rx and rx.search(normalised))


_CURRENT: dict[str, Rulebook] = {}


def current() -> Rulebook:
    """The rulebook read from data/safety/ (once per process): used when no model brings its own."""
    if "book" not in _CURRENT:
        _CURRENT["book"] = Rulebook.from_dir(DEFAULT_DIR)
    return _CURRENT["book"]


def reload() -> Rulebook:
    _CURRENT.pop("book", None)
    return current()
