"""Where the project's files are, and the environment Rasa's commands need."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]


class Project:
    """One copy of the assistant: its domain, data, models and evaluation files."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project that contains `start` (the current folder by default), else this package's."""
        here = Path(start or os.getcwd()).resolve()
        for folder in [here, *here.parents]:
            if (folder / "domain.yml").is_file() and (folder / "config.yml").is_file():
                return cls(folder)
        return cls(PACKAGE_ROOT)

    # files
    domain = property(lambda self: self.root / "domain.yml")
    config = property(lambda self: self.root / "config.yml")
    resources = property(lambda self: self.root / "data" / "resources.yml")
    channel_texts = property(lambda self: self.root / "data" / "channel_texts.yml")
    needs = property(lambda self: self.root / "data" / "needs.yml")
    heldout = property(lambda self: self.root / "eval" / "heldout")
    models = property(lambda self: self.root / "models")
    model = property(lambda self: self.root / "models" / "assistant.tar.gz")
    accepted_models = property(lambda self: self.root / "models" / "accepted")
    baseline = property(lambda self: self.root / "eval" / "baseline.json")
    accepted_results = property(lambda self: self.root / "eval" / "accepted_results.json")
    reports = property(lambda self: self.root / "results" / "eval")

    def nlu_dir(self, lang: str) -> Path:
        return self.root / "data" / "nlu" / lang

    def rel(self, path: Path) -> str:
        """A path as staff see it: relative to the project when inside it."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def env(self) -> dict[str, str]:
        """Environment for Rasa's commands: this project's code first, quiet TensorFlow, no telemetry."""
        path = [str(self.root)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        return {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(path),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "RASA_TELEMETRY_ENABLED": "false",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONWARNINGS": "ignore",
        }

    def setting(self, name: str) -> str | None:
        """An environment variable, or its value in the project's .env file (bot/shared/settings.py reads it,
        as it does for scripts/run.sh)."""
        from bot.shared import settings

        return settings.value(name, self.root / ".env")


def rasa_bin() -> str:
    """The `rasa` command of the Python running this tool (the project's .venv)."""
    candidate = Path(sys.executable).parent / "rasa"
    return str(candidate) if candidate.exists() else "rasa"
