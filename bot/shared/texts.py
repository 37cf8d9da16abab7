"""Channel texts (data/channel_texts.yml) in EN and FR, with numbers filled from the directory.

Both files are read again when they change on disk (see bot/shared/directory.py), so staff edits show
without restarting the assistant.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from bot.shared.directory import LANGUAGES, FileCache, directory

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "channel_texts.yml"


def texts_path() -> Path:
    return Path(os.environ.get("CHANNEL_TEXTS_FILE") or DEFAULT_PATH)


def _parse(file: Path) -> dict[str, dict[str, str]]:
    with open(file, encoding="utf-8") as f:
        texts = yaml.safe_load(f)
    if not isinstance(texts, dict):
        raise ValueError("not a mapping of keys to en/fr texts")
    return texts


# all_texts(): every channel text as the file is now (read again only when it changed).
all_texts: FileCache[dict[str, dict[str, str]]] = FileCache(texts_path, _parse, "data/channel_texts.yml")


def text(key: str, lang: str = "en", **values: str) -> str:
    """The text `key` in `lang` (English if `lang` is not EN or FR), e.g. text("assistant_unreachable", "fr")."""
    lang = lang if lang in LANGUAGES else "en"
    contacts = {rid: entry.contact for rid, entry in directory().items() if entry.showable}
    return all_texts()[key][lang].format(**contacts, **values)
