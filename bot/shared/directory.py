"""The service directory (data/resources.yml), read-only.

Only entries with `show: true` and a status other than `do_not_show` can ever reach a user.

Staff edit the file while the assistant runs: `directory()` looks at the file's modification time
(one stat per call) and reads it again when it changed, so the action server shows a new phone
number or new hours without a restart. A file that can't be read (saved half-way, broken YAML)
keeps the last good directory in use; `bot check` says what is wrong with it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "resources.yml"
T = TypeVar("T")


@dataclass(frozen=True)
class Resource:
    id: str
    name: dict[str, str]
    text: dict[str, str]
    hours: dict[str, str]
    contact: dict[str, str]
    audience: tuple[str, ...]
    status: str
    show: bool
    source_url: str
    checked_on: str
    show_reason: str = ""
    open_hours: dict[str, Any] | None = None  # machine-readable hours (actions/hours.py)

    @property
    def showable(self) -> bool:
        return self.show and self.status != "do_not_show"

    def render(self, lang: str) -> str:
        """The text in `lang`, with {phone}, {web}, {hours}, {name}... filled from this entry."""
        lang = lang if lang in self.text else "en"
        return fill(self.text[lang], self.contact, self.hours, self.name, lang)


def fill(text: str, contact: dict[str, Any], hours: dict[str, str], name: dict[str, str], lang: str) -> str:
    """An entry's `text` in `lang` as people read it: {phone}, {web}, ... from `contact`, {hours} and
    {name} in the same language (`bot check` reads the file's entries through this too)."""
    values = {k: str(v) for k, v in contact.items()}
    values.update(hours=hours.get(lang, ""), name=name.get(lang, ""))
    return text.format_map(_Keep(values))


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:  # an unknown {placeholder} stays as typed (bot check reports it)
        return "{" + key + "}"


def resources_path() -> Path:
    return Path(os.environ.get("RESOURCES_FILE") or DEFAULT_PATH)


def load(path: Path | None = None) -> dict[str, Resource]:
    path = Path(path or resources_path())
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
            status=item["status"],
            show=bool(item.get("show")),
            source_url=item["source_url"],
            checked_on=str(item["checked_on"]),
            show_reason=item.get("show_reason", ""),
            open_hours=item.get("open_hours"),
        )
    return entries


class FileCache(Generic[T]):
    """A file's parsed content, read again when the file's modification time or size changes.

    Called as a function: `directory()` is the content as the file is now, `directory.cache_clear()`
    forgets it (as functools.lru_cache does).
    """

    def __init__(self, locate: Callable[[], Path], parse: Callable[[Path], T], what: str) -> None:
        self.locate, self.parse, self.what = locate, parse, what
        # (the file's path, modification time and size, its parsed content), or None before the first read
        self._cached: tuple[tuple[str, int, int], T] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        return self.get()

    def get(self) -> T:
        file = self.locate()
        cached = self._cached
        try:
            st = file.stat()
            key = (str(file), st.st_mtime_ns, st.st_size)
        except OSError:
            if cached is not None:
                logger.warning("%s is missing; the last version read stays in use", self.what)
                return cached[1]
            raise
        if cached is None or key != cached[0]:
            with self._lock:
                cached = self._cached
                if cached is None or key != cached[0]:
                    try:
                        cached = (key, self.parse(file))
                    except Exception as e:
                        if cached is None:
                            raise
                        logger.warning(
                            "%s could not be read (%s); the last good version stays in use. Run `bot check`.",
                            self.what,
                            type(e).__name__,
                        )
                        cached = (key, cached[1])
                    self._cached = cached
        return cached[1]

    def cache_clear(self) -> None:
        self._cached = None


# directory(): the directory as the file is now (read again only when it changed).
directory: FileCache[dict[str, Resource]] = FileCache(resources_path, load, "data/resources.yml")


def showable(ids: Iterable[str]) -> list[Resource]:
    """The entries for these ids that may be shown, in order, without repeats."""
    seen, out = set(), []
    for rid in ids:
        entry = directory().get(rid)
        if entry and entry.showable and rid not in seen:
            seen.add(rid)
            out.append(entry)
    return out


def phone(rid: str) -> str:
    """The phone number of a showable entry, or "" (an answer never shows a hidden entry's number)."""
    entry = directory().get(rid)
    return entry.contact.get("phone", "") if entry and entry.showable else ""


def render_list(entries: Iterable[Resource], lang: str) -> str:
    return "\n".join(f"• {e.render(lang)}" for e in entries)
