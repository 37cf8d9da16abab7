"""The held-out cases, replayed through the model in this process (no server), and how a result reads."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

from bot.staff.project import Project

LANGUAGES = ("en", "fr")

EMERGENCY = ("emergency", "self_harm")

EMERGENCY_ACTION = "action_emergency"

# The needs only their words name (data/safety/needs.yml, category topic) whose answer shows the hotline.
SHOWS_THE_HOTLINE = (
    "outside_canada",
    "immigration_status",
    "children_aid_fear",
    "deaf_access",
    "professional_duty",
    "sexual_assault_care",
    "charged_fear",
)

# Group of the behavioural contract -> the intents whose answer gives what the group needs (first:
# the gold intent). A topic answers a group when its answer shows what the group needs: the hotline
# (trafficking, friend, report), victim services (sexual_assault_care, children_aid_fear), 211 or the
# hotline (women_shelter); Cybertip and the police (report_online). Groups without an intent (sticky, switch: "merci" after a question) count
# for language accuracy only.
GROUP_INTENTS = {
    "emergency": EMERGENCY,
    "sticky_emergency": EMERGENCY,
    "trafficking": ("trafficking", "labour_exploitation", "who_it_helps", *SHOWS_THE_HOTLINE),
    "legal": ("legal_help",),
    "youth": ("youth_support", "contact_person", "confidentiality", "who_it_helps"),
    "parent": ("parent_worry",),
    "victim_services": ("victim_services", "sexual_assault_care", "children_aid_fear"),
    "indigenous": ("indigenous_support",),
    "online": ("online_exploitation", "report_online"),
    "shelter": ("shelter", "women_shelter"),
    "friend": ("friend_worry", "parent_worry", *SHOWS_THE_HOTLINE),
    "confidential": ("confidentiality",),
    "other_language": ("other_language",),
    "bot_identity": ("bot_challenge",),
    "unclear": ("unclear", "nlu_fallback"),
    "person": ("contact_person", "what_happens_call", "who_it_helps", "bot_challenge"),
    "report": ("report_crime", "professional_duty", "report_online"),
    "greet": ("greet",),
    "out_of_scope": ("out_of_scope", "nlu_fallback"),
    "exit": ("safety_exit",),
}

# Sets labelled with intents before an intent was split in two (issue #10): the new intent's
# answer holds what the old one gave ("will my parents find out" was `what_happens_call`).
SPLIT_INTENTS = {
    "trafficking": ("labour_exploitation",),
    "what_happens_call": ("confidentiality", "contact_person"),
    "out_of_scope": ("nlu_fallback",),
}


def cases(project: Project) -> list[dict[str, Any]]:
    out = []
    for path in sorted(project.heldout.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                case["set"] = path.name
                if "intent" not in case:
                    accepted = GROUP_INTENTS.get(case.get("group"), (None,))
                    case["intent"], case["accepted"] = accepted[0], list(accepted)
                else:
                    case["accepted"] = [case["intent"], *SPLIT_INTENTS.get(case["intent"], ())]
                out.append(case)
    return out


def correct(result: dict[str, Any]) -> str:
    """The predicted intent, or the gold intent when the prediction is one its group accepts."""
    return result["intent"] if result["predicted"] in result.get("accepted", ()) else result["predicted"]


def gets_911_first(result: dict[str, Any]) -> bool:
    """The emergency answer, or the danger score's safety check: both name 911 first."""
    return result["predicted"] in EMERGENCY or bool(result.get("safety_check"))


def predict(model: Path, all_cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parse every turn of every case with the model, in this process (no server needed)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with warnings.catch_warnings():  # library deprecation notices are not for staff
        warnings.simplefilter("ignore")
        from rasa.core.agent import load_agent
        from rasa.utils.log_utils import configure_structlog

    from bot.shared.language import Detection, conversation_language

    warnings.filterwarnings("ignore")
    configure_structlog(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)

    async def run() -> list[dict[str, Any]]:
        from rasa.core.channels.channel import UserMessage
        from rasa.shared.core.constants import ACTION_LISTEN_NAME
        from rasa.shared.core.events import ActionExecuted

        agent = await load_agent(model_path=str(model))
        processor = agent.processor
        results = []
        for number, case in enumerate(all_cases):
            # the whole conversation, through the NLU and the policies (they read the turns before),
            # in the agent's in-memory tracker store; no action runs, but each earlier turn records the
            # action the policies chose for it, as a running assistant would ("hello??" right after the
            # emergency answer is read as someone still waiting in danger)
            sender = f"evaluate-{number}"
            language, parsed, tracker = None, {}, None
            for n, turn in enumerate(case["turns"]):
                tracker = await processor.log_message(UserMessage(turn, sender_id=sender), should_save_tracker=True)
                parsed = tracker.latest_message.parse_data
                found = parsed.get("language_detection")
                language = conversation_language(language, Detection(**found)) if found else (language or "en")
                if n < len(case["turns"]) - 1:
                    chosen = processor._predict_next_with_tracker(tracker)
                    tracker.update_with_events(list(chosen.events), processor.domain)
                    name = processor.domain.action_names_or_texts[chosen.max_confidence_index]
                    tracker.update(ActionExecuted(name, policy=chosen.policy_name))
                    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                    await processor.tracker_store.save(tracker)
            prediction = processor._predict_next_with_tracker(tracker)
            action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
            intent = parsed.get("intent") or {}
            predicted = intent.get("name")
            if action == EMERGENCY_ACTION and predicted not in EMERGENCY:
                predicted = "emergency"  # the conversation read together holds danger: 911 first
            # the danger score's middle band: the answer names 911 first and asks "are you safe?"
            checked = any(getattr(e, "key", None) == "danger_check" and e.value for e in prediction.events)
            results.append(
                {
                    **case,
                    "predicted": predicted,
                    "confidence": intent.get("confidence") or 0.0,
                    "language": language,
                    "scored": not case["turns"][-1].startswith("/"),
                    "danger_band": (parsed.get("danger_score") or {}).get("band"),
                    "safety_check": checked,
                }
            )
        return results

    with warnings.catch_warnings():  # TensorFlow is imported while the model loads
        warnings.simplefilter("ignore")
        return asyncio.run(run())
