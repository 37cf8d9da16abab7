"""Channel texts (data/channel_texts.yml) in EN and FR, with numbers filled from the directory."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

from actions.directory import LANGUAGES, directory

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "channel_texts.yml"


@lru_cache(maxsize=1)
def all_texts() -> Dict[str, Dict[str, str]]:
    path = Path(os.environ.get("CHANNEL_TEXTS_FILE") or DEFAULT_PATH)
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def text(key: str, lang: str = "en", **values: str) -> str:
    """The text `key` in `lang` (English if `lang` is not EN or FR), e.g. text("assistant_unreachable", "fr")."""
    lang = lang if lang in LANGUAGES else "en"
    contacts = {rid: entry.contact for rid, entry in directory().items() if entry.showable}
    return all_texts()[key][lang].format(**contacts, **values)
