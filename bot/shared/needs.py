"""Which answer and which resources each need gets. One table, read by the actions.

A need is named after the intent that expresses it. `resources` are ids in data/resources.yml,
in the order they are shown; `by_audience` replaces them for a teen, a parent, a survivor or an
Indigenous person; `fr_extra` adds French-language services when the conversation is in French.
Keep every answer focused: at most 4 resources (the evaluation contract's limit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

MAX_RESOURCES = 4


@dataclass(frozen=True)
class Need:
    response: str
    resources: Tuple[str, ...] = ()
    audience: Optional[str] = None  # the audience this need reveals, if any
    by_audience: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    fr_extra: Tuple[str, ...] = ()
    hours_of: Optional[str] = None  # a directory entry with `open_hours`: the answer says if it is open now

    def resource_ids(self, audience: Optional[str], lang: str) -> List[str]:
        ids = list(self.by_audience.get(audience or "", self.resources))[:MAX_RESOURCES]
        if lang == "fr":
            ids += [r for r in self.fr_extra if r not in ids]
        return ids


NEEDS: Dict[str, Need] = {
    # conversation
    "greet": Need("utter_greet"),
    "goodbye": Need("utter_goodbye"),
    "thanks": Need("utter_thanks"),
    "affirm": Need("utter_affirm"),
    "switch_language": Need("utter_switch_language"),
    # help
    "trafficking": Need(
        "utter_trafficking",
        ("chth",),
        audience="survivor",
        by_audience={"teen": ("chth", "kids_help_phone"), "indigenous": ("chth", "talk4healing")},
    ),
    "legal_help": Need("utter_legal_help", ("legal_support",), hours_of="legal_support"),
    # The hotline too: young people often describe exploitation as "stuff at home".
    "youth_support": Need(
        "utter_youth_support",
        ("kids_help_phone", "chth"),
        audience="teen",
        by_audience={
            "parent": ("chth",),  # Kids Help Phone is for young people themselves
            "indigenous": ("kids_help_phone", "hope_for_wellness", "talk4healing"),
        },
    ),
    # Cybertip too: online grooming is how many children are first approached.
    "parent_worry": Need("utter_parent_worry", ("chth", "cybertip"), audience="parent"),
    "victim_services": Need("utter_victim_services", ("victim_support_line", "vqrp", "vwap", "chth")),
    "indigenous_support": Need(
        "utter_indigenous_support", ("talk4healing", "hope_for_wellness", "onwa"), audience="indigenous"
    ),
    "online_exploitation": Need(
        "utter_online_exploitation",
        ("cybertip",),
        by_audience={"teen": ("cybertip", "kids_help_phone"), "parent": ("cybertip", "chth")},
    ),
    "job_offer_check": Need("utter_job_offer_check", ("chth",), by_audience={"teen": ("chth", "kids_help_phone")}),
    "report_crime": Need("utter_report_crime", ("opp_non_emergency", "chth", "crime_stoppers")),
    "what_happens_call": Need("utter_what_happens_call", ("chth",)),
    "more_options": Need(
        "utter_more_options",
        ("victim_support_line", "ontario_211", "legal_aid"),
        by_audience={
            "teen": ("kids_help_phone", "cybertip", "ontario_211"),
            "parent": ("chth", "cybertip", "victim_support_line"),
            "survivor": ("victim_support_line", "legal_aid", "ontario_211"),
            "indigenous": ("hope_for_wellness", "onwa", "victim_support_line"),
        },
        fr_extra=("femaide",),
    ),
    "shelter": Need("utter_shelter", ("ontario_211", "chth")),
    "friend_worry": Need("utter_friend_worry", ("chth",), by_audience={"teen": ("chth", "kids_help_phone")}),
    # Kids Help Phone only for a young person. The hotline has no text line: an adult reaches a person
    # by the hotline's phone or chat, or by 988 (call or text) in a crisis.
    "confidentiality": Need("utter_confidentiality", ("chth",), by_audience={"teen": ("chth", "kids_help_phone")}),
    "contact_person": Need(
        "utter_contact_person",
        ("chth", "crisis_988"),
        by_audience={"teen": ("kids_help_phone", "chth"), "indigenous": ("chth", "hope_for_wellness")},
    ),
    "labour_exploitation": Need("utter_labour_exploitation", ("chth",), audience="survivor"),
    # guided paths: each step is a need of its own, reached by the previous step's buttons
    "legal_for_me": Need("utter_legal_for_me", ("legal_support",), hours_of="legal_support"),
    "legal_for_child": Need("utter_legal_for_child", ("legal_support",), audience="parent", hours_of="legal_support"),
    "legal_next_steps": Need("utter_legal_next_steps", ("legal_support",), hours_of="legal_support"),
    "safety_plan": Need("utter_safety_plan", ("chth",)),
    "safety_plan_documents": Need("utter_safety_plan_documents", ("chth",)),
    "safety_plan_phone": Need("utter_safety_plan_phone", ("chth",)),
    # "Is this OK?": who it is about, then SIGNS_STEPS (below), one button at a time
    "signs_check": Need("utter_signs_who"),
    "other_language": Need("utter_other_language", ("chth",)),
    "user_safe": Need("utter_user_safe", ("chth",)),
    "bot_challenge": Need("utter_bot_challenge", ("chth",)),
    "who_it_helps": Need("utter_who_it_helps", ("chth",), by_audience={"teen": ("chth", "kids_help_phone")}),
    "out_of_scope": Need("utter_out_of_scope", ("chth",)),
    # Never a dead end: a vague message, or one the classifier is unsure of, gets a question.
    "unclear": Need("utter_clarify", ("chth",)),
    "nlu_fallback": Need("utter_clarify", ("chth",)),
    # Ask once: still unclear after the question, a person (Kids Help Phone too for a teen) and the topics.
    "still_unsure": Need("utter_still_unsure", ("chth",), by_audience={"teen": ("kids_help_phone", "chth")}),
}
# The needs answered with the question "are you safe right now?"
ASKS_IF_SAFE = ("unclear", "nlu_fallback")

# Guided paths whose steps are one intent: a button sends the step as the `step` entity
# (/signs_check{"step":"me_2"}); the intent alone gets its NEEDS answer (the first step).
#
# The signs check's steps:
# three yes/no questions for "me", "child" (a parent) and "work" (someone who works with young
# people); "Yes" leads to the path's `_sign` answer, "No" to the next question, then to `_clear`.
# Not a diagnosis: every answer leads to a service. The buttons are in domain.yml (x-buttons signs_*).
SIGNS_STEPS: Dict[str, Need] = {
    "me_1": Need("utter_signs_me_1"),
    "me_2": Need("utter_signs_me_2"),
    "me_3": Need("utter_signs_me_3"),
    "me_sign": Need("utter_signs_me_sign", ("chth",), by_audience={"teen": ("kids_help_phone", "chth")}),
    "me_clear": Need("utter_signs_me_clear", ("chth",), by_audience={"teen": ("kids_help_phone", "chth")}),
    "child_1": Need("utter_signs_child_1", audience="parent"),
    "child_2": Need("utter_signs_child_2", audience="parent"),
    "child_3": Need("utter_signs_child_3", audience="parent"),
    "child_sign": Need("utter_signs_child_sign", ("chth", "cybertip"), audience="parent"),
    "child_clear": Need("utter_signs_child_clear", ("chth", "cybertip"), audience="parent"),
    "work_1": Need("utter_signs_work_1"),
    "work_2": Need("utter_signs_work_2"),
    "work_3": Need("utter_signs_work_3"),
    "work_sign": Need("utter_signs_work_sign", ("chth", "kids_help_phone")),
    "work_clear": Need("utter_signs_work_clear", ("chth", "kids_help_phone")),
}

# Helping someone else (a friend, a sibling, a student), after the friend_worry answer.
HELPER_STEPS: Dict[str, Need] = {
    "say": Need("utter_helper_say", ("chth",)),
    "avoid": Need("utter_helper_avoid", ("chth",)),
    "call": Need("utter_helper_call", ("chth",), by_audience={"teen": ("chth", "kids_help_phone")}),
}

STEPS: Dict[str, Dict[str, Need]] = {"signs_check": SIGNS_STEPS, "friend_worry": HELPER_STEPS}

# A parent who writes about their child ("my 13 yo is chatting with an adult") gets the parent's
# answer even when the words sound like a young person's own need.
FOR_PARENTS: Dict[str, str] = {
    "youth_support": "parent_worry",
    "friend_worry": "parent_worry",
    # the parent's answer (signs, don't confront) shows Cybertip too
    "online_exploitation": "parent_worry",
}

# After 911 (and 988 for self-harm), the emergency answer adds the one service that fits what the
# classifier understood of the rest of the message; the hotline otherwise.
EMERGENCY_FOLLOW_UP: Dict[str, str] = {
    "youth_support": "kids_help_phone",
    "online_exploitation": "cybertip",
    "indigenous_support": "talk4healing",
    "victim_services": "victim_support_line",
    "legal_help": "legal_support",
}
EMERGENCY_DEFAULT_FOLLOW_UP = "chth"

# Danger told about someone else (bot/shared/safety/danger.py's "someone_else" rules, or a parent or a
# friend in danger's words): the answer speaks to the person who wrote, not to the one in danger.
EMERGENCY_OTHER_RESPONSE = "utter_emergency_other"
EMERGENCY_RESPONSE = "utter_emergency"
SELF_HARM_RESPONSE = "utter_emergency_self_harm"  # acknowledges the feeling; 9-8-8 (and Kids Help Phone for a teen)
