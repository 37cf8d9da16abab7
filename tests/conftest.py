"""Shared fixtures: real rasa-sdk Trackers, a dispatcher, the domain."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ASSISTANT_TOKEN = uuid.uuid4().hex


@pytest.fixture(scope="session")
def assistant():
    """The real Rasa server and action server, started once for every test module that needs them.

    Its HTTP API is on, with a random token (`assistant.tracker(sender)` reads a conversation back).
    """
    from tests.support.servers import Assistant

    if not (ROOT / "models" / "assistant.tar.gz").exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    with Assistant(api_token=ASSISTANT_TOKEN) as running:
        yield running


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    with open(ROOT / "domain.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    intent: str | None = None,
    text: str = "",
    language: str | None = "en",
    audience: str | None = None,
    earlier_bot_messages: int = 0,
    parse_extra: dict[str, Any] | None = None,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    latest.update(parse_extra or {})
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}]
    for _ in range(earlier_bot_messages):
        events += [
            {"event": "user", "text": "earlier", "parse_data": {}},
            {"event": "bot", "text": "earlier answer"},
        ]
    events.append({"event": "user", "text": text, "parse_data": latest})
    return Tracker(
        sender_id="test-user",
        slots={"language": language, "audience": audience, "erase_conversation": None},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture(scope="session")
def rasa_domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(scope="session")
def render(rasa_domain):
    """Render what an action sent, exactly as the Rasa server would (its own NLG)."""
    import asyncio

    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    nlg = TemplatedNaturalLanguageGenerator(rasa_domain.responses)

    def _render(
        messages: list[dict[str, Any]], language: str, channel: str = "collector", address: str | None = None
    ) -> list[dict[str, Any]]:
        events = [SlotSet("language", language)] + ([SlotSet("address", address)] if address else [])
        tracker = DialogueStateTracker.from_events("render", events, rasa_domain.slots)
        out = []
        for message in messages:
            message = dict(message)
            name = message.pop("response", None)
            if name:
                kwargs = {k: v for k, v in message.items() if v}
                out.append(asyncio.run(nlg.generate(name, tracker, channel, **kwargs)))
            else:
                out.append(message)
        return out

    return _render


@pytest.fixture
def project(tmp_path):
    """A copy of the project's data, domain and config in a temp folder, for the staff tools' tests."""
    import shutil

    from bot.staff.project import Project

    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("data", "actions", "eval/heldout"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return Project(tmp_path)
