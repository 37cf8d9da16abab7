"""Which answer and which services each need gets: the table in data/needs.yml, read-only.

Staff edit data/needs.yml (its structure: data/needs.schema.json; `bot check` checks it). Like the
service directory, `table()` looks at the file's modification time (one stat per call) and reads it
again when it changed, so the action server follows an edit without a restart. A file that can't be
read keeps the last good table in use.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "needs.yml"
MAX_RESOURCES = 4

# Wiring, not staff data: the emergency answers (actions/emergency.py).
EMERGENCY_RESPONSE = "utter_emergency"
# Danger told about someone else: the answer speaks to the person who wrote, not to the one in danger.
EMERGENCY_OTHER_RESPONSE = "utter_emergency_other"
SELF_HARM_RESPONSE = "utter_emergency_self_harm"  # acknowledges the feeling; 9-8-8 (and Kids Help Phone for a teen)


@dataclass(frozen=True)
class Need:
    response: str
    resources: tuple[str, ...] = ()
    audience: str | None = None  # the audience this need reveals, if any
    by_audience: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fr_extra: tuple[str, ...] = ()
    hours_of: str | None = None  # a directory entry with `open_hours`: the answer says if it is open now

    def resource_ids(self, audience: str | None, lang: str) -> list[str]:
        ids = list(self.by_audience.get(audience or "", self.resources))[:MAX_RESOURCES]
        if lang == "fr":
            ids += [r for r in self.fr_extra if r not in ids]
        return ids

    def all_resource_ids(self) -> list[str]:
        return [r for ids in (self.resources, *self.by_audience.values(), self.fr_extra) for r in ids]


@dataclass(frozen=True)
class Table:
    needs: dict[str, Need]
    steps: dict[str, dict[str, Need]]  # guided paths: path -> step -> need
    asks_if_safe: tuple[str, ...]  # the needs answered with "are you safe right now?"
    for_parents: dict[str, str]  # a parent's words: need -> the parent's need
    emergency_follow_up: dict[str, str]  # need -> the service shown after 911
    emergency_default_follow_up: str

    def step(self, path: str | None, step: str | None) -> Need | None:
        return self.steps.get(path or "", {}).get(step or "")

    def answer(self, intent: str | None) -> Need:
        return self.needs.get(intent or "") or self.needs["nlu_fallback"]


def _need(raw: dict[str, Any]) -> Need:
    return Need(
        response=raw["response"],
        resources=tuple(raw.get("resources") or ()),
        audience=raw.get("audience"),
        by_audience={k: tuple(v or ()) for k, v in (raw.get("by_audience") or {}).items()},
        fr_extra=tuple(raw.get("fr_extra") or ()),
        hours_of=raw.get("hours_of"),
    )


def parse(raw: dict[str, Any]) -> Table:
    follow = dict(raw.get("emergency_follow_up") or {})
    default = follow.pop("default", "chth")
    return Table(
        needs={str(k): _need(v) for k, v in raw["needs"].items()},
        steps={str(p): {str(k): _need(v) for k, v in t.items()} for p, t in (raw.get("steps") or {}).items()},
        asks_if_safe=tuple(raw.get("asks_if_safe") or ()),
        for_parents=dict(raw.get("for_parents") or {}),
        emergency_follow_up=follow,
        emergency_default_follow_up=default,
    )


def needs_path() -> Path:
    return Path(os.environ.get("NEEDS_FILE") or DEFAULT_PATH)


def load(path: Path | None = None) -> Table:
    with open(path or needs_path(), encoding="utf-8") as f:
        return parse(yaml.safe_load(f))


_lock = threading.Lock()


@dataclass
class _Cache:
    path: Path | None = None
    mtime: int | None = None
    table: Table | None = None


_cache = _Cache()


def table() -> Table:
    """The current table, read again when data/needs.yml changed (the last good one if it can't be read)."""
    path = needs_path()
    mtime: int | None
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = None
    with _lock:
        current = _cache.table
        if current is None or (_cache.path, _cache.mtime) != (path, mtime):
            try:
                current = _cache.table = load(path)
            except Exception:
                if current is None:
                    raise
                logger.error("%s could not be read; the last good needs table stays in use (bot check says why)", path)
            _cache.path, _cache.mtime = path, mtime
        return current
