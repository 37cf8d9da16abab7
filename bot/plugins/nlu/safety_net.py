"""Rasa graph component: the safety net, placed after the classifiers and the FallbackClassifier.

Danger first. In this order:
1. bot.shared.safety.danger finds a sign of immediate danger -> the intent becomes `emergency` (or
   `self_harm`) with confidence 1.0, whatever the classifier or the FallbackClassifier said;
2. a message that is only an exit word (exit, quitter, sortir) -> `safety_exit`;
3. the user says they are safe, or tells of something weeks or months ago, and the rules see no
   danger now -> not `emergency` ("I'm safe now" must not get the emergency answer): the need the
   classifier found in the rest of the message ("I'm safe now, but how do I get a restraining
   order?") if it found one, `user_safe` otherwise;
4. the classifier gives `emergency` or `self_harm` at least `ml_danger_threshold`, even when
   another intent is ranked first or the FallbackClassifier is unsure -> that intent. A needless
   911 line costs little; a missed one can cost a life.

A request to leave the chat that the classifier is sure of ("my mom is walking in, bye") is a quick
exit, even if the classifier also gives danger some weight; a danger rule still wins over it.

Staff phrases (data/safety/phrases.yml): always_911 is danger when no rule fired; never_911 keeps the
danger rules (but self-harm) and the classifier's emergency guess from deciding.

What the classifier understood of the rest of the message (its best other intent) is kept in
`safety_net.classifier_intent`, so the emergency answer can add the one service that fits;
`safety_net.rule` names the rule that decided (its id in data/safety/, or phrase.always_911 /
phrase.never_911) and `safety_net.category` its category (intruder, someone_else, ...).

Every word and pattern is data (data/safety/*.yml, bot/shared/safety/rulebook.py). The component is
trained: the model keeps a copy of the rules it was trained with, so a model and its rules roll back
together.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.plugins.nlu.danger_score import DANGER_SCORE, HIGH, LOW, MIDDLE
from bot.plugins.nlu.language_detector import LanguageDetector
from bot.shared.audience import audience_from_text
from bot.shared.language import detect
from bot.shared.safety.danger import NEVER_911_RULE, assess, long_ago, says_safe, staff_phrase
from bot.shared.safety.quick_exit import is_exit_request, leaving_now
from bot.shared.safety.rulebook import DEFAULT_DIR, Rulebook, RulebookError, current

logger = logging.getLogger(__name__)
RULES_FILE = "rules.json"

SAFETY_NET = "safety_net"
AUDIENCE = "audience"  # in the parse data: the audience the words of the message name, or None
EMERGENCY_INTENT = "emergency"
SELF_HARM_INTENT = "self_harm"
EXIT_INTENT = "safety_exit"
SAFE_INTENT = "user_safe"
DANGER_INTENTS = (EMERGENCY_INTENT, SELF_HARM_INTENT)
FALLBACK_INTENT = "nlu_fallback"
CALL_POLICE_INTENT = "ask_call_police"  # "can you call the police for me": answered with 911 first
NOT_A_NEED = DANGER_INTENTS + (FALLBACK_INTENT,)
# Reassurance and small talk: when a message also holds a specific need, the need wins.
NOT_SPECIFIC = NOT_A_NEED + (SAFE_INTENT, EXIT_INTENT, "greet", "goodbye", "thanks", "affirm", "unclear")
# Answers that are general: on a safe or past message, a word that names the need wins over them.
GENERAL = (
    SAFE_INTENT,
    "unclear",
    "out_of_scope",
    "youth_support",
    "contact_person",
    "safety_plan",
    "trafficking",
    "more_options",
    "ask_call_police",  # "la police est venue, c'est fini": not a request to call them
)


# The words are data (data/safety/needs.yml, exit.yml, audience.yml): these functions only combine them.
# Each takes the rulebook to use (a loaded model's own copy); without one, the rules of data/safety/.

# A need that only narrows these (legal_for_me is legal help) is kept.
NARROWER = {
    "legal_help": ("legal_help", "legal_for_me", "legal_for_child", "legal_next_steps"),
    "trafficking": ("trafficking", "labour_exploitation"),
}
UNSURE_OR_GENERAL_FOR_TEENS = (
    "parent_worry",
    "victim_services",
    "report_crime",
    "safety_plan",
)  # a teen is not a parent; KHP first
SAFE_WITHOUT_WORDS_MAX = 10  # "je suis chez une amie, ça va" is reassurance without the usual words
UNSURE_OR_GENERAL = (FALLBACK_INTENT, SAFE_INTENT, "unclear", "out_of_scope", "contact_person")
# The classifier's answers a topic's words replace (data/safety/needs.yml, category topic).
TOPIC_REPLACES = UNSURE_OR_GENERAL + ("who_it_helps", "confidentiality", "report_crime")
LEAVING_MAX_WORDS = 8
# A vague message (data/safety/needs.yml, category vague_trouble) gets the question instead of these guesses.
VAGUE_REPLACES = ("trafficking", "labour_exploitation", "signs_check")
VAGUE_MAX_WORDS = 14


def _book(book: Optional[Rulebook]) -> Rulebook:
    return book if book is not None else current()


def _has(book: Rulebook, category: str, text: str) -> bool:
    """A rule of `category` matches the normalised text."""
    return bool(book.matcher(category).search(book.normalise(text)))


def need_hint(text: str, book: Optional[Rulebook] = None) -> Optional[str]:
    """When reassurance ("I'm safe now") outweighs everything in the classifier, the words that still
    name the need of the rest of the message (data/safety/needs.yml, category need_hint)."""
    book = _book(book)
    norm = book.normalise(text)
    return next(
        (
            r.intent
            for r in book.category("need_hint")
            if r.regex.search(norm) and fits_writer(r.intent or "", text, book)
        ),
        None,
    )


def fits_writer(intent: str, text: str, book: Optional[Rulebook] = None) -> bool:
    """Therapy for an adult is victim services; a teen's counsellor is Kids Help Phone, an Indigenous
    person's is Indigenous-led."""
    return intent != "victim_services" or audience_from_text(text, book) not in ("teen", "indigenous")


def plain_needs_all(text: str, book: Optional[Rulebook] = None) -> List[str]:
    """The intent of every plain-need rule whose words are in the text, in rule order."""
    book = _book(book)
    norm = book.normalise(text)
    return [r.intent or "" for r in book.category("plain_need") if r.regex.search(norm)]


def plain_need(text: str, book: Optional[Rulebook] = None) -> Optional[str]:
    """Words that name one need so plainly that they win over the classifier's other guesses (not over
    danger): "how do I get a restraining order against the man who trafficked me" asks about the order."""
    book = _book(book)
    norm = book.normalise(text)
    for r in book.category("plain_need"):
        if r.regex.search(norm) and fits_writer(r.intent or "", text, book):
            return r.intent
    return None


def topic(text: str, book: Optional[Rulebook] = None, instead_of: Optional[str] = None) -> Optional[str]:
    """A need that only its words name (data/safety/needs.yml, category topic: the classifier has no
    examples of it), when they are in the text and the classifier's answer `instead_of` is one a topic
    may replace: a general one (TOPIC_REPLACES), or one the rule itself names in `over` ("a women's
    shelter" over a bed for tonight). Without `instead_of`, any."""
    book = _book(book)
    norm = book.normalise(text)
    return next(
        (
            r.intent
            for r in book.category("topic")
            if (instead_of is None or instead_of in TOPIC_REPLACES or instead_of in r.over) and r.regex.search(norm)
        ),
        None,
    )


def indigenous_person_wants_to_talk(text: str, book: Optional[Rulebook] = None) -> bool:
    book = _book(book)
    return audience_from_text(text, book) == "indigenous" and (
        _has(book, "talk_to_someone", text) or _has(book, "culture", text)
    )


def wants_to_talk(text: str, book: Optional[Rulebook] = None) -> bool:
    """The person asks for someone to talk to (data/safety/needs.yml, category talk_to_someone)."""
    return _has(_book(book), "talk_to_someone", text)


def may_be_watched(text: str, book: Optional[Rulebook] = None) -> bool:
    """The person may be watched or short of time now (data/safety/needs.yml, category watched)."""
    return _has(_book(book), "watched", text)


def asks_for_culture(text: str, book: Optional[Rulebook] = None) -> bool:
    """The person asks for someone who knows their culture (data/safety/needs.yml, category culture)."""
    return _has(_book(book), "culture", text)


def asks_for_safety_plan(text: str, book: Optional[Rulebook] = None) -> bool:
    """The words ask for a safety plan (data/safety/needs.yml, category safety_plan)."""
    return _has(_book(book), "safety_plan", text)


def young_person_wants_to_talk(text: str, book: Optional[Rulebook] = None) -> bool:
    """A young person (an age under 18, a school grade) who wants someone to talk to: Kids Help Phone,
    when the classifier was unsure or only heard reassurance."""
    book = _book(book)
    return _has(book, "teen", text) and _has(book, "talk_to_someone", text)


def looks_like_leaving(text: str, sure: bool, book: Optional[Rulebook] = None) -> bool:
    """Short, or the classifier is sure and the message says what to close, erase or hide."""
    return len(text.split()) <= LEAVING_MAX_WORDS or (sure and _has(_book(book), "leaving_cues", text))


def force_intent(message: Message, intent: str) -> None:
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)


def _understood(ranking: List[Dict[str, Any]], floor: float, skip=NOT_A_NEED) -> Optional[str]:
    """The classifier's best guess that is a need (not one of `skip`), if it is at least `floor`."""
    for r in ranking:
        if r.get(INTENT_NAME_KEY) not in skip:
            return r.get(INTENT_NAME_KEY) if (r.get(PREDICTED_CONFIDENCE_KEY) or 0) >= floor else None
    return None


def rules_path(config: Dict[str, Any]) -> Path:
    """The folder of rule files a model is trained with: `rules_path` (default data/safety), relative to
    where `rasa train` runs, or to this project."""
    path = Path(config.get("rules_path") or "data/safety")
    if not path.is_absolute() and not path.is_dir():
        path = DEFAULT_DIR.parents[1] / path
    return path


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetyNet(GraphComponent, IntentClassifier):
    """Trained: `train()` reads the rule files (data/safety/*.yml) and the model keeps its own copy, so a
    model and its rules roll back together. Untrained (tests), the rules of data/safety/ are used."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "rules_path": "data/safety",
            "ml_danger_threshold": 0.2,
            "follow_up_floor": 0.1,
            "specific_need_floor": 0.1,
            "unsure_need_floor": 0.25,
            "exit_sure": 0.6,
            "leaving": 0.5,
            "ambiguous_need_floor": 0.4,
        }

    @staticmethod
    def required_components() -> List[Type]:
        # At prediction the net reads the classifier's ranking and the danger score (DangerScore), but Rasa
        # checks requirements in the training graph too, where a trained node is fed by the featurizers
        # only: asking for an IntentClassifier there fails `rasa train`. So it asks for what both graphs
        # have, and tests/test_rules_data.py checks that config.yml puts it after DIET and DangerScore.
        return [LanguageDetector]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Editing a rule file retrains this component (Rasa would otherwise reuse the cached one)."""
        digest = hashlib.sha256()
        folder = rules_path(config)
        for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.json")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def __init__(
        self,
        config: Optional[Dict[str, Any]] = None,
        model_storage: Optional[ModelStorage] = None,
        resource: Optional[Resource] = None,
        book: Optional[Rulebook] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **(config or {})}
        self._model_storage = model_storage
        self._resource = resource
        self._book = book

    @property
    def book(self) -> Rulebook:
        """The rules this component decides with: the model's copy, else those of data/safety/."""
        return self._book if self._book is not None else current()

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyNet":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Reads and checks the rule files; the model keeps the copy."""
        self._book = Rulebook.from_dir(rules_path(self.config))
        self.persist()
        return self._resource

    def persist(self) -> None:
        if self._model_storage is None or self._resource is None or self._book is None:
            return
        with self._model_storage.write_to(self._resource) as model_dir:
            (Path(model_dir) / RULES_FILE).write_text(
                json.dumps(self._book.to_dict(), ensure_ascii=False, sort_keys=True), encoding="utf-8"
            )

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SafetyNet":
        """The rules the model was trained with. A model trained before the rules were data has none:
        then the rules of data/safety/ (with a warning)."""
        try:
            with model_storage.read_from(resource) as model_dir:
                data = json.loads((Path(model_dir) / RULES_FILE).read_text(encoding="utf-8"))
            book: Optional[Rulebook] = Rulebook.from_dict(data)
        except (ValueError, OSError, RulebookError) as e:
            logger.warning(f"SafetyNet: no rules in the model ({e}); using those of data/safety/.")
            book = None
        return cls(config, model_storage, resource, book)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue  # "/intent" payloads from buttons are handled by Rasa itself
            self._check(message, text)
            self._second_look(message, text)
            # who is writing, from the words, worked out once here: the policies and the actions read it
            message.set(AUDIENCE, audience_from_text(text, self.book), add_to_output=True)
        return messages

    def _second_look(self, message: Message, text: str) -> None:
        """Needs the words of the message rule out, whichever way they were chosen."""
        chosen = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        book = self.book

        def has(category: str) -> bool:
            return _has(book, category, text)

        # "I can't sleep since it happened", "is there someone I can talk to today?": support after a
        # crime, not a bed for tonight
        if (
            chosen == "shelter"
            and (has("cant_sleep") or has("talk_to_someone"))
            and not has("needs_a_bed")
            or chosen == "report_crime"
            and has("already_reported")
            and not has("report_again")
        ):
            # for a teen, someone to talk to is Kids Help Phone (fits_writer)
            force_intent(message, "victim_services" if fits_writer("victim_services", text, book) else "youth_support")
        # Indigenous-led lines for someone who says they are Indigenous or asks for their culture: without
        # any of those words, the classifier's guess gives way (a teen's own need, or the question)
        elif (
            chosen == "indigenous_support"
            and not has("culture")
            and not any(
                r.audience == "indigenous" and r.regex.search(book.plain(text)) for r in book.category("audience")
            )
        ):
            force_intent(message, "youth_support" if has("teen_writing") else need_hint(text, book) or FALLBACK_INTENT)
        # "il parle français pis lingala" is not a request to switch: only an explicit one is (the language
        # policy switches on those alone), so the classifier's guess gives way to the need
        elif chosen == "switch_language" and not detect(text).explicit:
            force_intent(message, need_hint(text, book) or FALLBACK_INTENT)
        # "j'ai 13 ans...": a teen who writes is not a parent
        elif chosen == "parent_worry" and has("teen_writing"):
            force_intent(message, "youth_support")
        # "I was exploited on a farm, I need a counsellor": the writer's own story, with no parent's words
        elif chosen == "parent_worry" and has("own_story") and audience_from_text(text, book) != "parent":
            force_intent(message, need_hint(text, book) or "victim_services")
        # "someone controls my whole life", "je pense que je suis dans une mauvaise situation": a short
        # message that says only that something is wrong. The question "are you safe right now?" (with 911
        # and the hotline) serves better than guessing trafficking from it.
        elif chosen in VAGUE_REPLACES and len(text.split()) <= VAGUE_MAX_WORDS and has("vague_trouble"):
            force_intent(message, "unclear")
        # Online exploitation is always told with something of the online world: a picture, an app, a
        # message, money asked. Without any of it, a question serves better than the sextortion answer.
        elif (
            chosen == "online_exploitation"
            and not has("online_cues")
            or chosen == SAFE_INTENT
            and len(text.split()) > SAFE_WITHOUT_WORDS_MAX
            and not says_safe(text, book)
        ):
            force_intent(message, FALLBACK_INTENT)

    def _check(self, message: Message, text: str) -> None:
        book = self.book
        ranking = message.get(INTENT_RANKING_KEY) or []
        previous = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        understood = _understood(ranking, self.config["follow_up_floor"])

        scores = {r.get(INTENT_NAME_KEY): r.get(PREDICTED_CONFIDENCE_KEY) or 0 for r in ranking}
        if previous == EXIT_INTENT and not looks_like_leaving(
            text, scores.get(EXIT_INTENT, 0) >= self.config["exit_sure"], book
        ):
            # "Je suis sortie de ça y a un an..." is a need, not a request to erase the conversation
            previous = _understood(ranking, 0.0, skip=NOT_A_NEED + (EXIT_INTENT,)) or FALLBACK_INTENT
            force_intent(message, previous)
        sure_exit = previous == EXIT_INTENT and scores.get(EXIT_INTENT, 0) >= self.config["exit_sure"]
        danger = assess(text, book)
        phrase = staff_phrase(text, book)
        # "faut que je ferme ça vite il arrive": someone is coming and the person says they must close
        # the chat. Clearing the screen is what they asked for; other danger still gets 911.
        if leaving_now(text, book) and (danger is None or danger.category == "intruder"):
            force_intent(message, EXIT_INTENT)
            return
        if danger is not None:
            forced = SELF_HARM_INTENT if danger.self_harm else EMERGENCY_INTENT
            # the one service added after 911: what the words plainly name, else the classifier's need
            followup = plain_need(text, book) or understood
            message.set(
                SAFETY_NET,
                {"rule": danger.rule, "category": danger.category, "classifier_intent": followup},
                add_to_output=True,
            )
            force_intent(message, forced)
            return
        # Unsure, but leaving ("i have to go NOW"): erasing is the safe way to leave.
        leaving = (
            previous == FALLBACK_INTENT
            and scores.get(EXIT_INTENT, 0) + scores.get("goodbye", 0) >= self.config["leaving"]
        )
        if is_exit_request(text, book) or sure_exit or leaving:
            force_intent(message, EXIT_INTENT)
            return
        plain = plain_need(text, book)
        hint = need_hint(text, book)
        band = (message.get(DANGER_SCORE) or {}).get("band")
        # Staff said this message is never an emergency (data/safety/phrases.yml, never_911): the
        # classifier's danger guess, or its "unsure" (whose question names 911 first), gives way to its best
        # need; to the question only when it has no need at all.
        if phrase == NEVER_911_RULE and previous in (EMERGENCY_INTENT, FALLBACK_INTENT):
            choice = plain or _understood(ranking, 0.0) or FALLBACK_INTENT
            message.set(
                SAFETY_NET, {"rule": NEVER_911_RULE, "category": None, "classifier_intent": choice}, add_to_output=True
            )
            force_intent(message, choice)
            previous = choice
        # The learned danger score's high band is danger now, like a rule, unless the message says the
        # person is safe or tells of the past (then the checks below decide).
        if band == HIGH and phrase != NEVER_911_RULE and not (says_safe(text, book) or long_ago(text, book)):
            forced = max(DANGER_INTENTS, key=lambda i: scores.get(i, 0))
            message.set(
                SAFETY_NET,
                {"rule": None, "category": "danger_score", "classifier_intent": plain or understood},
                add_to_output=True,
            )
            force_intent(message, forced)
            return
        # The classifier's danger guess that no rule and not the learned danger score share
        # (bot/plugins/nlu/danger_score.py, low band): read the message as unsure, so the needs below
        # still get their chance. On the development sets, no emergency was ever in this case, and
        # every false alarm of the classifier alone was ("does the hotline help guys too?").
        overruled = previous in DANGER_INTENTS and band == LOW
        if overruled:
            message.set(
                SAFETY_NET,
                {"rule": None, "category": None, "classifier_intent": understood, "overruled": "danger_score"},
                add_to_output=True,
            )
            force_intent(message, FALLBACK_INTENT)
            previous = FALLBACK_INTENT
        if plain and previous not in DANGER_INTENTS + (EXIT_INTENT,) and previous not in NARROWER.get(plain, (plain,)):
            # a topic's words still win over a plain need they may replace ("if i tell someone, will cas
            # take my kids" names confidentiality plainly, and a parent's fear more precisely)
            force_intent(message, topic(text, book, instead_of=plain) or plain)
            return
        # "im deaf, how do i reach 911", "will cas take my kids": a need only its words name, over a
        # general answer of the classifier (never over danger, trafficking, work or a bed)
        named = topic(text, book, instead_of=previous) if previous not in DANGER_INTENTS + (EXIT_INTENT,) else None
        if named:
            force_intent(message, named)
            return
        # "chu innue... j'aimerais parler à quelqu'un qui comprend ma culture": Indigenous-led help
        if previous in UNSURE_OR_GENERAL + ("victim_services", "youth_support") and indigenous_person_wants_to_talk(
            text, book
        ):
            force_intent(message, "indigenous_support")
            return
        if previous in UNSURE_OR_GENERAL + UNSURE_OR_GENERAL_FOR_TEENS and young_person_wants_to_talk(text, book):
            force_intent(message, "youth_support")
            return
        # Two needs almost tied ("will the cops find out? im 16"): the FallbackClassifier gives up on
        # ambiguity, but either need answers better than a clarifying question.
        if previous == FALLBACK_INTENT:
            tied = _understood(ranking, self.config["ambiguous_need_floor"], skip=NOT_SPECIFIC + ("ask_call_police",))
            weak_danger = (
                overruled or max(scores.get(i, 0) for i in DANGER_INTENTS) < self.config["ml_danger_threshold"]
            )
            if tied and weak_danger:
                force_intent(message, tied)
                return
            # Unsure, no sign of danger, but the words name a need the classifier also guessed ("I don't think
            # it's an emergency but I want to report it somewhere"): that need, not the question.
            guesses = [r.get(INTENT_NAME_KEY) for r in ranking if r.get(INTENT_NAME_KEY) not in NOT_SPECIFIC][:3]
            if hint is not None and hint in guesses and band not in (HIGH, MIDDLE) and weak_danger:
                force_intent(message, hint)
                return
        # "I'm safe now, but..." / "it happened last year": the need in the rest of the message,
        # or, when the classifier was unsure, its best need if it is fair enough.
        specific = plain or _understood(ranking, self.config["specific_need_floor"], skip=NOT_SPECIFIC) or hint
        likely = _understood(ranking, self.config["unsure_need_floor"], skip=NOT_SPECIFIC)
        safe, past = says_safe(text, book), long_ago(text, book)
        if safe or past:
            if previous in DANGER_INTENTS + (SAFE_INTENT,) and specific:
                force_intent(message, specific)
                return
            # "it happened years ago, I need a counsellor now": the word for the need wins over a
            # general answer (someone to talk to, a safety plan, the topics)
            if (
                hint
                and previous in GENERAL
                and previous != hint
                and not (previous == "safety_plan" and _has(book, "safety_plan", text))
            ):
                force_intent(message, hint)
                return
            # a word that names the need beats a general guess ("l'argent pour le motel finit à soir")
            named = hint if hint and (not likely or likely in GENERAL) else likely  # set if likely or hint is
            if previous == FALLBACK_INTENT and named:
                # a parent whose child is safe now, unsure what else: the parent's answer, not 911's
                if named in GENERAL and audience_from_text(text, book) == "parent":
                    named = "parent_worry"
                if named != "ask_call_police":
                    force_intent(message, named)
                    return
        if safe:
            # They just said they are safe: "are you safe right now?" is not the question to ask back,
            # and "call the police for me" (answered with 911 first) is not what they asked.
            if previous in DANGER_INTENTS + (FALLBACK_INTENT, CALL_POLICE_INTENT):
                # a parent whose child is safe now is still a worried parent
                parent = "parent_worry" if audience_from_text(text, book) == "parent" else None
                if specific == CALL_POLICE_INTENT:
                    specific = hint or _understood(
                        ranking, self.config["specific_need_floor"], skip=NOT_SPECIFIC + (CALL_POLICE_INTENT,)
                    )
                force_intent(message, specific or parent or SAFE_INTENT)
            return
        best = max(DANGER_INTENTS, key=lambda i: scores.get(i, 0))
        # Told as the past ("l'an dernier... elle va pas bien"), and the classifier's first guess is a
        # need: a weaker danger guess does not put 911 first. The danger rules still ran above.
        if past and previous not in NOT_SPECIFIC + GENERAL:
            return
        if phrase == NEVER_911_RULE and best == EMERGENCY_INTENT:
            return  # staff's "never 911" phrase (data/safety/phrases.yml)
        # The learned danger score (bot/plugins/nlu/danger_score.py) and the classifier's danger guess:
        # both, or the score alone when it is high, give 911 first; the score's low band overrules a
        # weak danger guess of the classifier ("does the hotline help guys too?").
        guessed = scores.get(best, 0) >= self.config["ml_danger_threshold"]
        if band == HIGH or (guessed and band != LOW):
            message.set(SAFETY_NET, {"rule": None, "classifier_intent": plain or understood}, add_to_output=True)
            if previous != best:
                force_intent(message, best)
        elif guessed and not overruled:
            # a weaker danger guess of the classifier that the score does not share: the need's answer
            message.set(
                SAFETY_NET,
                {"rule": None, "category": None, "classifier_intent": understood, "overruled": "danger_score"},
                add_to_output=True,
            )
