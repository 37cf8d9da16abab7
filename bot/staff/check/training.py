"""Training examples (data/nlu/en, data/nlu/fr) and the safety rules (data/safety/*.yml).

- Examples: at least N per intent per language, no example twice, none under two intents, none copied
  from the held-out test sets; a warning for an example that is clearly in the other language.
- Safety rules: the schema, every rule on its examples and near misses, the staff phrases, and no
  danger rule firing on a training example of another intent ("rule conflict").
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.staff.check.core import LANGUAGES, Checker, key_line, lang_noun, place, quiet_load, say
from bot.staff.project import Project

# Intents that an NLU component sets, never learned from examples (bot/plugins/nlu/other_language.py).
SET_BY_PIPELINE = {"other_language"}


def topic_intents(c: Checker) -> set[str]:
    """Intents that only words name (data/safety/needs.yml, category topic): they have no examples."""
    from bot.shared.safety.rulebook import Rulebook

    try:
        book = Rulebook.from_dir(c.project.root / "data" / "safety")
    except Exception:  # a broken rule file is reported by the safety rules' own check
        return set()
    return {r.intent for r in book.category("topic") if r.intent}


HELDOUT_MIN_WORDS = 4  # "hi", "ok", "merci" are everyone's words, not a copy
# An example in the other language: only sentences long enough for the detector to be sure, and only
# when it is (bot/shared/language.py; "ok", "merci" and "can you speak english" are not flagged).
WRONG_LANGUAGE_MIN_WORDS = 4
WRONG_LANGUAGE_CONFIDENCE = 0.9
DANGER_INTENTS = ("emergency", "self_harm")
ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def normalise_example(text: str) -> str:
    text = ENTITY.sub(r"\1", text)  # entity annotations
    text = re.sub(r"[^\w\s']", " ", text.lower())
    return " ".join(text.split())


def nlu_examples(c: Checker, lang: str) -> list[tuple[str, str, Path, int]]:
    """(intent, example, file, line) for every example in data/nlu/<lang>/."""
    out: list[tuple[str, str, Path, int]] = []
    folder = c.project.nlu_dir(lang)
    if not folder.is_dir():
        c.error(folder, None, *say("examples.no_folder", lang=lang_noun(lang)))
        return out
    for path in sorted(folder.glob("*.yml")):
        data = c.readable(path)
        if data is None:
            continue
        for block in (data or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            start = key_line(block, "examples") or key_line(block, "intent") or 0
            for i, raw in enumerate(str(block.get("examples") or "").splitlines()):
                raw = raw.strip()
                if raw.startswith("- "):
                    out.append((str(block["intent"]), raw[2:].strip(), path, start + 1 + i))
    return out


def heldout_messages(project: Project) -> dict[str, str]:
    """Normalised held-out message -> its case id (these sets test the model: never train on them)."""
    out: dict[str, str] = {}
    for path in sorted(project.heldout.glob("*.jsonl")) if project.heldout.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                for turn in case.get("turns", []):
                    key = normalise_example(turn)
                    if not turn.startswith("/") and len(key.split()) >= HELDOUT_MIN_WORDS:
                        out.setdefault(key, f"{path.name} {case.get('id')}")
    return out


def example_language(text: str):
    """The language an example is clearly written in, or None (short, mixed, or a request to switch:
    "can you speak english" names English, it is not written in it)."""
    from bot.shared.language import detect

    plain_text = ENTITY.sub(r"\1", text)
    if len(plain_text.split()) < WRONG_LANGUAGE_MIN_WORDS:
        return None
    found = detect(plain_text)
    if found.explicit or found.words < WRONG_LANGUAGE_MIN_WORDS or found.confidence < WRONG_LANGUAGE_CONFIDENCE:
        return None
    return found.language


def check_training_examples(c: Checker) -> None:
    domain = quiet_load(c.project.domain) or {}
    intents = [str(i) if not isinstance(i, dict) else str(next(iter(i))) for i in (domain or {}).get("intents") or []]
    intents_line = key_line(domain, "intents") if domain else None
    heldout = heldout_messages(c.project)
    first_seen: dict[str, tuple[str, Path, int, str]] = {}
    for lang in LANGUAGES:
        examples = nlu_examples(c, lang)
        counts: dict[str, int] = {}
        first_line: dict[str, tuple[Path, int]] = {}
        for intent, text, path, line in examples:
            counts[intent] = counts.get(intent, 0) + 1
            first_line.setdefault(intent, (path, line))
            key = normalise_example(text)
            if key in heldout:
                c.error(path, line, *say("examples.heldout", text=text, case=heldout[key]))
            written_in = example_language(text)
            if written_in and written_in != lang:
                c.warning(
                    path,
                    line,
                    *say(
                        "examples.wrong_language",
                        text=text,
                        lang=lang_noun(written_in),
                        folder=lang_noun(lang),
                        code=written_in,
                    ),
                )
            if key in first_seen:
                other_intent, other_path, other_line, other_lang = first_seen[key]
                where = place(c.project, other_path, other_line)
                if other_intent == intent and other_lang != lang:
                    pass  # "ok" and "merci" belong in both languages' files
                elif other_intent == intent:
                    c.warning(path, line, *say("examples.twice", text=text, intent=intent, where=where))
                else:
                    c.error(
                        path, line, *say("examples.conflict", text=text, intent=intent, other=other_intent, where=where)
                    )
            else:
                first_seen[key] = (intent, path, line, lang)
        for intent in counts:
            if intent not in intents:
                path, line = first_line[intent]
                c.error(path, line, *say("examples.unknown_intent", intent=intent))
        by_words = topic_intents(c)
        for intent in intents:
            n = counts.get(intent, 0)
            if n < c.min_examples and intent not in SET_BY_PIPELINE and not (n == 0 and intent in by_words):
                path, first = first_line.get(intent, (c.project.nlu_dir(lang), None))
                values = dict(intent=intent, n=n, s="s" if n != 1 else "", lang=lang_noun(lang), code=lang)
                c.error(
                    path,
                    first if n else intents_line,
                    *say("examples.too_few", min=c.min_examples, more=c.min_examples - n, **values),
                )


def check_safety_rules(c: Checker) -> None:
    from bot.shared.safety.danger import SELF_HARM, assess, forces_emergency
    from bot.shared.safety.rulebook import Rulebook, RulebookError

    folder = c.project.root / "data" / "safety"
    try:
        book = Rulebook.from_dir(folder)
    except RulebookError as e:
        which = say("safety.rule", rule=e.rule) if e.rule else ""
        path = folder / e.file if not Path(e.file).is_absolute() else Path(e.file)
        c.error(path, None, *say("safety.unreadable", message=e.message, rule=which))
        return
    for rule in book.rules.values():
        path, line = folder / rule.file, book.line_of(rule.id)
        for text in rule.examples:
            if not book.fires(rule, text):
                c.error(path, line, *say("safety.misses_example", rule=rule.id, text=text))
        for text in rule.near_misses:
            if book.fires(rule, text):
                c.error(path, line, *say("safety.fires_on_near_miss", rule=rule.id, text=text))
    phrases_path = folder / "phrases.yml"
    phrase_lines = book.lines.get("phrases.yml", [])
    for kind, by_lang in book.phrases.items():
        for phrases in by_lang.values():
            for phrase in phrases:
                line = next((i for i, l in enumerate(phrase_lines, 1) if phrase in l), None)
                found = assess(phrase, book)
                if kind == "always_911" and found is None:
                    c.error(phrases_path, line, *say("safety.always_911_missed", phrase=phrase))
                elif kind == "never_911" and found is not None and found.category != SELF_HARM:
                    c.error(phrases_path, line, *say("safety.never_911_fires", phrase=phrase, rule=found.rule))
    quiet = Checker(c.project)  # the examples' own problems are reported by the examples section
    for lang in LANGUAGES:
        for intent, text, path, line in nlu_examples(quiet, lang):
            if intent in DANGER_INTENTS:
                continue
            # what the safety net does with this example, whatever the classifier says
            found = forces_emergency(ENTITY.sub(r"\1", text), book)
            if found is not None:
                file = book.rules[found.rule].file if found.rule in book.rules else "phrases.yml"
                c.error(path, line, *say("safety.conflict", rule=found.rule, text=text, intent=intent, file=file))
