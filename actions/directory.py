"""The service directory (data/resources.yml), loaded once and read-only.

Only entries with `show: true` and a status other than `do_not_show` can ever reach a user.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

LANGUAGES = ("en", "fr")
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "resources.yml"


@dataclass(frozen=True)
class Resource:
    id: str
    name: Dict[str, str]
    text: Dict[str, str]
    hours: Dict[str, str]
    contact: Dict[str, str]
    audience: Tuple[str, ...]
    needs: Tuple[str, ...]
    status: str
    show: bool
    source_url: str
    checked_on: str
    show_reason: str = ""

    @property
    def showable(self) -> bool:
        return self.show and self.status != "do_not_show"

    def render(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]


def load(path: Path = None) -> Dict[str, Resource]:
    path = Path(path or os.environ.get("RESOURCES_FILE") or DEFAULT_PATH)
    with open(path, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    entries = {}
    for item in raw["resources"]:
        entries[item["id"]] = Resource(
            id=item["id"],
            name=item["name"],
            text=item["text"],
            hours=item["hours"],
            contact={k: str(v) for k, v in (item.get("contact") or {}).items()},
            audience=tuple(item.get("audience") or ()),
            needs=tuple(item.get("needs") or ()),
            status=item["status"],
            show=bool(item.get("show")),
            source_url=item["source_url"],
            checked_on=str(item["checked_on"]),
            show_reason=item.get("show_reason", ""),
        )
    return entries


@lru_cache(maxsize=1)
def directory() -> Dict[str, Resource]:
    return load()


def showable(ids: Iterable[str]) -> List[Resource]:
    """The entries for these ids that may be shown, in order, without repeats."""
    seen, out = set(), []
    for rid in ids:
        entry = directory().get(rid)
        if entry and entry.showable and rid not in seen:
            seen.add(rid)
            out.append(entry)
    return out


def render_list(entries: Iterable[Resource], lang: str) -> str:
    return "\n".join(f"• {e.render(lang)}" for e in entries)
