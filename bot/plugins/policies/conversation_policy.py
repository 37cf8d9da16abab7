"""Rasa policy that reads the conversation, not only the last message.

The NLU pipeline (and its safety net) sees one message. Danger is often told over several: "my son is
13", then "he's been talking to a man on a game", then "he's gone and we can't reach him". After each
user message this policy reads the last few user turns of the conversation together:

1. **Danger told over several turns.** The danger rules (bot/shared/safety/) read the last turns as
   one text. When they find danger that the earlier turns alone did not hold, so the new message
   completes it, the policy answers with `action_emergency` (911 first) and says why in the
   `context_danger` slot. A message that says
   the person is safe now, or tells of the past, is never turned into an emergency.
2. **The need carries on.** When the new message names no need ("what should I do?", "ok", "il est à
   la maison avec moi"), the need named in the turns just before is the one to answer:
   `context_need` tells `action_respond`. So does a message that only says who is writing ("im 15",
   "je suis sa mère"): the question asked before is answered again, for them. A need carried to the
   turn before carries on again; and once the person says they are safe, the need told with earlier
   danger ("my sister works hotels for a guy") is the one to answer.
3. **Still in danger.** Right after the emergency answer, a short ping ("hello?? are you there",
   "allo???", "hii") is a person waiting in danger, not a new greeting: the emergency answer again.
4. **A safety check in the middle band.** When the learned danger score of the message
   (bot/plugins/nlu/danger_score.py) is in its middle band, or the message says the person may be
   watched now ("cant talk long", "j'ai juste quelques minutes": data/safety/needs.yml, watched),
   `action_respond` first names 911 and asks whether they are safe, then answers the need
   (`danger_check`).

Why a policy: a policy sees the tracker in the Rasa server, before any action runs, and can choose the
action; the slots it sets are applied before the action reads them (see slot_keeper.py). An NLU
component could not: it sees one message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Type

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.plugins.nlu.danger_score import MIDDLE
from bot.plugins.nlu.safety_net import (
    FALLBACK_INTENT,
    asks_for_culture,
    asks_for_safety_plan,
    may_be_watched,
    topic,
    wants_to_talk,
)
from bot.plugins.policies.slot_keeper import just_heard_user
from bot.shared.audience import only_says_who, said_audience
from bot.shared.safety.danger import NEVER_911_RULE, assess, long_ago, says_safe, staff_phrase

EMERGENCY_ACTION = "action_emergency"
CONTEXT_TURNS = 3  # how many of the last user turns are read together
CONTEXT_DANGER_SLOT = "context_danger"
CONTEXT_NEED_SLOT = "context_need"
DANGER_CHECK_SLOT = "danger_check"
# The answer to these is the intent itself: the conversation does not change it.
DECIDED = ("emergency", "self_harm", "safety_exit", "switch_language", "greet", "goodbye", "thanks")
# A message that names no need of its own: the need of the turns before carries on.
NO_NEED_OF_ITS_OWN = ("nlu_fallback", "unclear", "user_safe")
DANGER = ("emergency", "self_harm")
# Needs whose answer is general (someone to talk to): a specific need told just before them carries on instead.
GENERAL_NEEDS = ("youth_support", "contact_person")
CARRY_FLOOR = 0.6  # a need of an earlier turn carries on only if the classifier was at least this sure of it
NEED_FLOOR = 0.1  # the classifier's best need is taken when the conversation is calm and it is at least this
SHORT = 3  # "yes I'm safe", "oui": an answer to the question, not a follow-up that needs the answer again
# Right after the emergency answer, a short message of these is someone still waiting in danger.
PINGS = ("greet", "nlu_fallback", "unclear")
PING_WORDS = 5
# Needs that carry on to a follow-up turn (not small talk, not a guided path's step).
NOT_CARRIED = (
    DECIDED + NO_NEED_OF_ITS_OWN + ("affirm", "out_of_scope", "bot_challenge", "contact_person", "ask_call_police")
)


def join_turns(turns: List[str]) -> str:
    """The last turns of a conversation as one text, the way the rules read them."""
    return " | ".join(t for t in turns[-CONTEXT_TURNS:] if t)


def recent_user_turns(tracker: DialogueStateTracker, limit: int = CONTEXT_TURNS) -> List[UserUttered]:
    """The last `limit` typed user messages of this conversation, oldest first (button payloads skipped)."""
    turns: List[UserUttered] = []
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted)):
            break
        if isinstance(event, UserUttered) and event.text and not event.text.startswith("/"):
            turns.append(event)
            if len(turns) == limit:
                break
    return turns[::-1]


def intent_of(message: UserUttered) -> Optional[str]:
    return (message.intent or {}).get("name")


def conversation_danger(texts: List[str]) -> Optional[str]:
    """The danger rule's category when the turns read together hold danger now that the earlier turns
    alone did not (the new message completes it), else None.

    Only the rules read across turns. The learned score was tried on the turns read together too: it
    learned that a parent's worry told before ("my son is 13", "he talks to a man on a game") comes
    before danger in the labelled conversations, and it gave 911 for the worry itself.
    """
    if len(texts) < 2 or says_safe(texts[-1]) or long_ago(texts[-1]):
        return None
    found = assess(join_turns(texts))
    if found is not None and assess(join_turns(texts[:-1])) is None:
        return found.category
    return None


def danger_just_answered(tracker: DialogueStateTracker) -> Optional[str]:
    """The danger the answer to the previous user message was for (911 first), else None."""
    heard, answered = 0, False
    for event in reversed(tracker.events):
        if isinstance(event, (SessionStarted, Restarted)):
            return None
        if isinstance(event, UserUttered):
            heard += 1
            if heard == 2:
                if not answered:
                    return None
                net = (event.parse_data or {}).get("safety_net") or {}
                return net.get("category") or tracker.get_slot(CONTEXT_DANGER_SLOT) or "danger"
        elif heard == 1 and isinstance(event, ActionExecuted) and event.action_name == EMERGENCY_ACTION:
            answered = True
    return None


def carried_need(turns: List[UserUttered], carried_before: Optional[str] = None) -> Optional[str]:
    """The need named in the turns before the last one, the most recent first. `carried_before`: the need
    carried to the turn just before (the `context_need` slot), which carries on when that turn named none."""
    earlier = turns[:-1]
    general: Optional[str] = None
    unsure: Optional[str] = None  # a need guessed below CARRY_FLOOR: carried if an earlier turn was sure of it
    for back, message in enumerate(reversed(earlier)):
        intent = intent_of(message)
        if back == 0 and carried_before and intent in NO_NEED_OF_ITS_OWN + ("affirm",):
            return carried_before
        if intent in ("emergency", "self_harm"):
            # after danger, a follow-up is answered for itself; unless the person said since that they
            # are safe: then the need told with the danger ("my sister works hotels for a guy")
            later = earlier[len(earlier) - back :]
            net = (message.parse_data or {}).get("safety_net") or {}
            told = net.get("classifier_intent")
            if any(says_safe(t.text or "") for t in later) and told and told not in NOT_CARRIED + DANGER:
                return told
            return general
        if intent and intent not in NOT_CARRIED:
            # only a need the classifier was sure of: a guess carried on would answer twice wrong
            if ((message.intent or {}).get("confidence") or 0) < CARRY_FLOOR:
                if unsure is None and general is None:
                    unsure = intent  # "for a protection order..." after "is there free legal help?"
                    continue
                return general
            if unsure is not None and intent != unsure:
                return general
            # a general answer ("i cant tell my parents": someone to talk to) gives way to the need told
            # just before it ("she'll send my pics to my school"), whose answer carries it too
            if intent in GENERAL_NEEDS and general is None:
                general = intent
                continue
            return intent
    return general


def best_need(message: UserUttered, floor: float = NEED_FLOOR) -> Optional[str]:
    """The classifier's best guess for this message that is a need, if it is at least `floor`."""
    for ranked in (message.parse_data or {}).get("intent_ranking") or []:
        if ranked.get("name") not in NOT_CARRIED + ("emergency", "self_harm"):
            return ranked.get("name") if (ranked.get("confidence") or 0) >= floor else None
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class ConversationPolicy(Policy):
    @staticmethod
    def required_components() -> List[Type]:
        # A policy reads the tracker: the slots and the last message's parse data (what the NLU pipeline
        # set, SafetyNet included), which are not nodes of the policy graph, so there is nothing to ask for.
        return []

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        # above RulePolicy (6): when the conversation holds danger, 911 wins over the rule for the intent
        return {"priority": 7}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the rules and the score are trained in the NLU pipeline

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        nothing = self._default_predictions(domain)
        if self._answered(tracker):
            return self._prediction(self._one(domain, ACTION_LISTEN_NAME))  # our answer is given: listen
        message = just_heard_user(tracker)
        if message is None or not message.text or message.text.startswith("/"):
            return self._prediction(nothing)
        danger, need, check = self.decide(tracker, message)
        events = [
            SlotSet(slot, value)
            for slot, value in ((CONTEXT_DANGER_SLOT, danger), (CONTEXT_NEED_SLOT, need), (DANGER_CHECK_SLOT, check))
            if tracker.get_slot(slot) != value
        ]
        if danger:
            return self._prediction(self._one(domain, EMERGENCY_ACTION), events=events)
        return self._prediction(nothing, events=events)

    @staticmethod
    def decide(tracker: DialogueStateTracker, message: UserUttered) -> Tuple[Optional[str], Optional[str], bool]:
        """(danger category, carried need, safety check) after this message."""
        intent = intent_of(message)
        if intent in PINGS and len(message.text.split()) <= PING_WORDS and not says_safe(message.text):
            earlier = danger_just_answered(tracker)
            if earlier:
                return earlier, None, False
        if intent in DECIDED:
            return None, None, False
        turns = recent_user_turns(tracker)
        texts = [t.text for t in turns if t.text]
        found = conversation_danger(texts)
        if found:
            return found, None, False
        # "she's safe, what should i do?" guessed as a safety plan, without its words: a follow-up too
        guessed_plan = intent == "safety_plan" and not asks_for_safety_plan(message.text)
        own_need = (intent in NO_NEED_OF_ITS_OWN or guessed_plan) and len(message.text.split()) > SHORT
        carried_before = tracker.get_slot(CONTEXT_NEED_SLOT)
        # "im 15" after a question: the question again, for a young person (their words set the audience)
        if only_says_who(message.text) and intent not in DANGER:
            need = carried_need(turns, carried_before)
            if need:
                return None, need, False
        # the need of the turns before; or, when the conversation said the person is safe or told of the
        # past, the classifier's best need for the question asked, rather than "are you safe?" again
        need = carried_need(turns, carried_before) if own_need else None
        if own_need:
            # a need only its words name, told over the turns ("he forced me", then "can I still get
            # tested?"): the topic of the turns together, over a general or carried answer it may replace
            need = topic(join_turns(texts), instead_of=need or FALLBACK_INTENT) or need
            # someone who said earlier who they are and asks for someone to talk to: Indigenous-led lines for
            # an Indigenous person (or one who asks for their culture), Kids Help Phone for a young person
            said = [said_audience(t.parse_data, t.text) for t in turns]
            if not need and "indigenous" in said and (wants_to_talk(message.text) or asks_for_culture(message.text)):
                need = "indigenous_support"
            elif not need and "teen" in said and wants_to_talk(message.text):
                need = "youth_support"
        if own_need and not need and any(says_safe(t) or long_ago(t) for t in texts):
            # a parent whose child is safe now is still a worried parent
            said = [said_audience(t.parse_data, t.text) for t in turns]
            parent = "parent_worry" if "parent" in said else None
            need = best_need(message) or parent
        # a young person who said so earlier ("j'ai 15 ans, je reste en foyer de groupe") is not a parent:
        # a parent's answer guessed for their message gives way to a young person's
        if not need and intent == "parent_worry":
            said = [said_audience(t.parse_data, t.text) for t in turns]
            if "teen" in said[:-1] and said[-1] != "parent":
                need = "youth_support"
        # the score's middle band on this message: 911 and one question first, then the need
        own = ((message.parse_data or {}).get("danger_score") or {}).get("band")
        calm = says_safe(message.text) or long_ago(message.text)
        # staff's never_911 phrases (data/safety/phrases.yml): no 911 first, not even as a question
        # ... and someone who may be watched now ("cant talk long", "j'ai juste quelques minutes") is asked once too
        check = (
            (own == MIDDLE or may_be_watched(message.text))
            and not calm
            and intent not in ("nlu_fallback", "unclear")
            and staff_phrase(message.text) != NEVER_911_RULE
        )
        return None, need, check

    @staticmethod
    def _answered(tracker: DialogueStateTracker) -> bool:
        """This policy chose the action that ran after the latest user message (then it listens)."""
        for event in reversed(tracker.events):
            if isinstance(event, UserUttered):
                return False
            if isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
                return event.action_name == EMERGENCY_ACTION and "ConversationPolicy" in (event.policy or "")
        return False

    def _one(self, domain: Domain, action: str) -> List[float]:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return probabilities
