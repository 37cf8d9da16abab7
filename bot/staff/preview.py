"""`bot try`: what the assistant would answer, and why, with no running assistant.

`bot try "MESSAGE" ["NEXT MESSAGE" ...]` loads the trained model in this process (as `bot evaluate`
does), sends the messages as one conversation through the NLU, the policies and the project's own
actions (actions/respond.py, actions/emergency.py, actions/safety_exit.py, run here instead of in the
action server), and renders the answers from domain.yml with Rasa's own response templating, for the
web chat's channel: the language and tu/vous variations and the services of data/resources.yml, as a
person would see them. Then "Why / Pourquoi": the language, the intent and its best three scores, the
safety net's decision, the danger score and its band, and the conversation policy's slots.

`bot try --service ID` shows one entry of the service directory as users see it, in English and French
(bot/shared/directory.py's rendering); no model needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import inspect
import io
import logging
import os
import uuid
import warnings
from pathlib import Path
from typing import Any

from bot.staff.findings import STDOUT, Out
from bot.staff.project import Project

CHANNEL = "collector"  # the web chat's output channel: its `channel: collector` variations apply
POLICY_SLOTS = ("context_danger", "context_need", "danger_check")
SLOT_WORDS = {
    "context_danger": (
        "danger told over several turns: 911 first",
        "danger racontée en plusieurs messages : le 911 d'abord",
    ),
    "context_need": ("the need of the turns before carries on", "le besoin des messages d'avant continue"),
    "danger_check": ("middle band: 911 and a safety question first", "bande moyenne : 911 et une question d'abord"),
}


# --------------------------------------------------------------------------------------------------
# bot try --service


def preview_service(project: Project, service: str, out: Out = STDOUT) -> int:
    from bot.shared import directory

    entries = directory.load(project.resources)
    entry = entries.get(service)
    if entry is None:
        close = [i for i in entries if service.lower() in i.lower() or i.lower() in service.lower()]
        close += [i for i in difflib.get_close_matches(service, list(entries), n=3) if i not in close]
        hint = f" Did you mean / Vouliez-vous dire: {', '.join(close)}?" if close else ""
        print(
            f"No service with the id '{service}' in {project.rel(project.resources)}.{hint}\n"
            f"Aucun service avec l'identifiant « {service} ». `bot resources search WORDS` finds ids / trouve les identifiants.",
            file=out,
        )
        return 1
    print(f"{entry.id} ({project.rel(project.resources)})", file=out)
    for lang, label in (("en", "English"), ("fr", "Français")):
        print(f"\n{label}:\n  • {entry.render(lang)}", file=out)
        if entry.hours.get(lang) and "{hours}" not in entry.text.get(lang, ""):
            print(
                f"  (hours '{entry.hours[lang]}' are set but this text does not show them: add {{hours}} to show them\n"
                f"   les heures « {entry.hours[lang]} » sont définies mais ce texte ne les montre pas : ajoutez {{hours}})",
                file=out,
            )
    if not entry.showable:
        print(
            f"\nHidden: users never see this entry (show: {str(entry.show).lower()}, status: {entry.status}).\n"
            "Caché : les personnes ne voient jamais cette entrée.",
            file=out,
        )
    return 0


# --------------------------------------------------------------------------------------------------
# bot try "MESSAGE"


def in_process_actions() -> dict[str, Any]:
    """The project's own actions, by name: the ones the action server would run."""
    from actions import ActionEmergency, ActionRespond, ActionSafetyExit

    return {a.name(): a for a in (ActionRespond(), ActionEmergency(), ActionSafetyExit())}


def _wrap(sdk_action):
    """A Rasa action that runs a rasa_sdk action here, as the action server would, and utters its messages."""
    from rasa.core.actions.action import Action, RemoteAction
    from rasa.shared.core.events import deserialise_events
    from rasa.shared.core.trackers import EventVerbosity
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    class InProcess(Action):
        def name(self) -> str:
            return sdk_action.name()

        async def run(self, output_channel, nlg, tracker, domain):
            state = tracker.current_state(EventVerbosity.AFTER_RESTART)
            dispatcher = CollectingDispatcher()
            events = sdk_action.run(dispatcher, Tracker.from_dict(state), domain.as_dict())
            if inspect.isawaitable(events):
                events = await events
            messages = await RemoteAction._utter_responses(
                [dict(m) for m in dispatcher.messages], output_channel, nlg, tracker
            )
            return list(messages) + deserialise_events([dict(e) for e in events or []])

    return InProcess()


def _quiet() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl", "bot", "actions"):
        logging.getLogger(name).setLevel(logging.ERROR)


async def converse(
    model: Path, messages: list[str], language: str | None = None, agent: Any = None
) -> list[dict[str, Any]]:
    """Each message through the model and the actions; per turn: the user's text, what was sent back (as
    the web chat receives it), the parse data, the actions run and the slots after the turn."""
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.events import ActionExecuted, UserUttered

    agent = agent or await load_agent(model_path=str(model))
    processor = agent.processor
    actions = {name: _wrap(a) for name, a in in_process_actions().items()}
    # the actions the action server would run, run here instead (the rest are Rasa's own)
    get_action, predict_next = processor._get_action, processor.predict_next_with_tracker_if_should

    def predict_here(tracker):
        action, prediction = predict_next(tracker)
        return actions.get(action.name(), action), prediction

    if not getattr(processor, "_bot_try", False):  # once per loaded model
        processor._get_action = lambda name: actions.get(name) or get_action(name)
        processor.predict_next_with_tracker_if_should = predict_here
        processor._bot_try = True
    sender = f"bot-try-{uuid.uuid4().hex[:8]}"
    turns = []
    for text in messages:
        channel = CollectingOutputChannel()
        metadata = {"language": language} if language else None
        await processor.handle_message(UserMessage(text, channel, sender, input_channel="rest", metadata=metadata))
        tracker = await processor.get_tracker(sender)
        events = list(tracker.events)
        start = max(i for i, e in enumerate(events) if isinstance(e, UserUttered))
        ran = [
            (e.action_name, e.policy)
            for e in events[start:]
            if isinstance(e, ActionExecuted) and e.action_name != "action_listen"
        ]
        turns.append(
            {
                "text": text,
                "sent": list(channel.messages),
                "parse": events[start].parse_data,
                "actions": ran,
                "slots": {k: tracker.get_slot(k) for k in ("language", "address", "audience", *POLICY_SLOTS)},
            }
        )
    return turns


def show_answer(sent: list[dict[str, Any]], out: Out) -> None:
    for n, message in enumerate(sent, 1):
        text = (message.get("text") or "").rstrip()
        lines = text.splitlines() or [""]
        print(f"  [{n}] {lines[0]}", file=out)
        for line in lines[1:]:
            print(f"      {line}", file=out)
        buttons = message.get("buttons") or []
        if buttons:
            print("      buttons / boutons: " + " | ".join(b.get("title", "") for b in buttons), file=out)
        if message.get("custom"):
            print(f"      (custom / personnalisé: {message['custom']})", file=out)


def why(turn: dict[str, Any], out: Out) -> None:
    parse, slots = turn["parse"] or {}, turn["slots"]
    detection = parse.get("language_detection") or {}
    address = f", address / adresse: {slots.get('address')}" if slots.get("language") == "fr" else ""
    detected = f" (this message read as / ce message lu comme: {detection.get('language')})" if detection else ""
    print(f"  language / langue: {slots.get('language')}{address}{detected}", file=out)
    intent = parse.get("intent") or {}
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name")]
    net = parse.get("safety_net") or {}
    forced = bool(net.get("rule")) or (ranking[:1] and ranking[0].get("confidence") == 1.0 and net)
    print(f"  intent / intention: {intent.get('name')} ({(intent.get('confidence') or 0):.2f})", file=out)
    # the classifier's own scores (a forced intent is put first with 1.0: shown apart)
    scores = [r for r in ranking if not (forced and r is ranking[0])][:3]
    shown = ", ".join(f"{r['name']} {r.get('confidence') or 0:.2f}" for r in scores)
    print(f"  best scores / meilleurs scores: {shown}", file=out)
    if not net:
        decision = "no decision: the classifier's intent stands / aucune décision : l'intention du classificateur reste"
    elif net.get("overruled"):
        decision = (
            f"overruled: the classifier's weak danger guess, not shared by the danger score ({net['overruled']}) "
            "/ écartée : la faible supposition de danger du classificateur"
        )
    elif net.get("rule"):
        decision = f"danger rule / règle de danger: {net['rule']} -> 911 first / le 911 d'abord"
    else:
        band = (parse.get("danger_score") or {}).get("band")
        decision = (
            f"no danger rule; the classifier's danger guess is kept (danger score band: {band}) -> 911 first / "
            f"aucune règle de danger ; la supposition de danger du classificateur est gardée -> le 911 d'abord"
        )
    if net.get("classifier_intent"):
        decision += f" (rest of the message / reste du message: {net['classifier_intent']})"
    print(f"  safety net / filet de sécurité: {decision}", file=out)
    score = parse.get("danger_score") or {}
    if score:
        print(f"  danger score / score de danger: {score.get('score')} (band / bande: {score.get('band')})", file=out)
    policy = [f"{k} = {slots[k]} ({SLOT_WORDS[k][0]} / {SLOT_WORDS[k][1]})" for k in POLICY_SLOTS if slots.get(k)]
    print(
        "  conversation policy / politique de conversation: "
        + ("; ".join(policy) if policy else "nothing set / rien de défini"),
        file=out,
    )
    ran = ", ".join(f"{name} ({(policy or '').split('.')[-1] or '-'})" for name, policy in turn["actions"])
    print(f"  action (chosen by / choisie par): {ran or '-'}", file=out)


def try_messages(
    project: Project,
    messages: list[str],
    model: Path | None = None,
    language: str | None = None,
    out: Out = STDOUT,
) -> int:
    model = Path(model or project.model).resolve()
    if not model.is_file():
        print(
            f"No model at {model}. Run `bot train` first (or `make train`).\n"
            f"Aucun modèle à {model}. Lancez d'abord `bot train`.",
            file=out,
        )
        return 1
    os.environ.setdefault("RESOURCES_FILE", str(project.resources))  # the directory of this project
    os.environ.setdefault("CHANNEL_TEXTS_FILE", str(project.channel_texts))
    print(
        f"Loading {project.rel(model)} (about 20 s)... / Chargement du modèle (environ 20 s)...", file=out, flush=True
    )
    _quiet()
    noise = io.StringIO()  # libraries' notices while loading; shown only if something went wrong
    with warnings.catch_warnings(), contextlib.redirect_stderr(noise):
        warnings.simplefilter("ignore")
        turns = asyncio.run(converse(model, messages, language))
    problems = [line for line in noise.getvalue().splitlines() if "Error" in line or "Exception" in line]
    if problems:
        print("\nProblems while running / problèmes pendant l'exécution:", file=out)
        for line in problems[-10:]:
            print(f"  {line}", file=out)
    report(turns, out)
    return 0


def report(turns: list[dict[str, Any]], out: Out) -> None:
    """Each turn: what was said, the answer as the web chat shows it, and why."""
    for n, turn in enumerate(turns, 1):
        number = f" {n}/{len(turns)}" if len(turns) > 1 else ""
        print(f"\nYou / Vous{number}: {turn['text']}", file=out)
        print("Answer / Réponse (first bubble first / première bulle d'abord):", file=out)
        show_answer(turn["sent"], out)
        print("Why / Pourquoi:", file=out)
        why(turn, out)


class Tryer:
    """`bot try` for the staff page: the model is loaded once (again when the model file changes), in
    one event loop of its own, and each try is a new conversation."""

    def __init__(self, project: Project):
        import threading

        self.project = project
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True, name="bot-try").start()
        self._agent: Any = None
        self._loaded: tuple | None = None

    async def _agent_for(self, model: Path) -> Any:
        from rasa.core.agent import load_agent

        stamp = (str(model), model.stat().st_mtime_ns)
        if self._loaded != stamp:
            self._agent, self._loaded = await load_agent(model_path=str(model)), stamp
        return self._agent

    async def _converse(self, model: Path, messages: list[str], language: str | None):
        return await converse(model, messages, language, agent=await self._agent_for(model))

    def run(self, messages: list[str], language: str | None = None, timeout: float = 300) -> str:
        """The same text as `bot try`, for these messages (one conversation)."""
        out = io.StringIO()
        model = Path(self.project.model).resolve()
        if not model.is_file():
            return f"No model at {model}. Run `bot train` first. / Aucun modèle : lancez d'abord `bot train`."
        os.environ.setdefault("RESOURCES_FILE", str(self.project.resources))
        os.environ.setdefault("CHANNEL_TEXTS_FILE", str(self.project.channel_texts))
        _quiet()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            future = asyncio.run_coroutine_threadsafe(self._converse(model, messages, language), self.loop)
            turns = future.result(timeout)
        report(turns, out)
        return out.getvalue()
