"""The conversation policy reads the last turns together (bot/plugins/policies/conversation_policy.py).

Cases are whole conversations; each is a real DialogueStateTracker, as the Rasa server hands it to the
policy. The danger score is not loaded here (no trained model): these cases are decided by the rules
read over several turns, and by the need that carries on.
"""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.plugins.policies.conversation_policy import ConversationPolicy, best_need, carried_need, recent_user_turns

Turn = tuple[str, str]  # (text, intent the NLU gave it)


def tracker(turns: list[Turn], ranking: list | None = None) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    for i, (text, intent) in enumerate(turns):
        parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}}
        if ranking and i == len(turns) - 1:
            parse["intent_ranking"] = ranking
        events.append(UserUttered(text, intent={"name": intent, "confidence": 0.9}, parse_data=parse))
        if i < len(turns) - 1:
            events += [ActionExecuted("action_respond"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("test", events)


def decide(turns: list[Turn], ranking: list | None = None):
    t = tracker(turns, ranking)
    return ConversationPolicy.decide(t, t.latest_message)


DANGER_OVER_TURNS = [
    # the parent of the issue: the age first, then the child is gone
    [
        ("my son is 13", "parent_worry"),
        ("he's been talking to a man on a game", "online_exploitation"),
        ("he's gone and we can't reach him", "nlu_fallback"),
    ],
    [("my daughter is 14", "parent_worry"), ("she didn’t come home last night and her phone is off", "nlu_fallback")],
    [
        ("ma fille a 14 ans", "parent_worry"),
        ("elle est pas rentrée depuis hier soir pis son cell est fermé", "unclear"),
    ],
]


@pytest.mark.parametrize("turns", DANGER_OVER_TURNS, ids=lambda t: t[-1][0][:40])
def test_danger_told_over_several_turns_gets_911(turns):
    danger, need, _ = decide(turns)
    assert danger == "someone_else"


CALM = [
    # an earlier worry that is not danger now: no 911
    [("my son is 13", "parent_worry"), ("he's been talking to some guy on a game", "online_exploitation")],
    # safe now, then the question
    [("my daughter is 14", "parent_worry"), ("she ran away last year but she's home and safe now", "user_safe")],
    # the danger was in an earlier turn that was already answered: the follow-up is not a new alarm
    [("he is outside my door right now", "emergency"), ("ok he left, i'm safe now", "user_safe")],
]


@pytest.mark.parametrize("turns", CALM, ids=lambda t: t[-1][0][:40])
def test_no_alarm_from_the_conversation(turns):
    danger, _, _ = decide(turns)
    assert danger is None


def test_a_follow_up_with_no_need_of_its_own_keeps_the_need_before():
    turns = [
        ("I think he's tracking my phone", "safety_plan_phone"),
        ("ok but what should i do about it", "nlu_fallback"),
    ]
    _, need, _ = decide(turns)
    assert need == "safety_plan_phone"


def test_a_short_answer_does_not_repeat_the_need():
    _, need, _ = decide([("my boss keeps my passport", "trafficking"), ("ok", "nlu_fallback")])
    assert need is None


def test_after_danger_a_follow_up_is_answered_for_itself():
    assert (
        carried_need(recent_user_turns(tracker([("he has a knife", "emergency"), ("what now", "nlu_fallback")])))
        is None
    )


def test_told_safe_in_the_conversation_the_classifier_best_need_answers():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "friend_worry", "confidence": 0.3}]
    turns = [
        ("allo", "greet"),
        ("ma meilleure amie a été exploitée, elle est en sécurité maintenant", "user_safe"),
        ("mais a l’est encore vraiment affectée, comment je peux la soutenir?", "nlu_fallback"),
    ]
    _, need, _ = decide(turns, ranking)
    assert need == "friend_worry"


def test_the_need_told_before_comes_before_a_weak_guess():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "safety_plan", "confidence": 0.3}]
    turns = [
        ("mon amie s’est fait blesser l’an passé par un gars pour qui elle travaillait", "friend_worry"),
        ("est en sécurité maintenant mais a y parle encore, comment je l'aide", "nlu_fallback"),
    ]
    assert decide(turns, ranking)[1] == "friend_worry"


def test_best_need_skips_danger_and_small_talk():
    message = UserUttered(
        "x",
        parse_data={
            "intent_ranking": [
                {"name": "emergency", "confidence": 0.4},
                {"name": "greet", "confidence": 0.3},
                {"name": "legal_help", "confidence": 0.2},
            ]
        },
    )
    assert best_need(message) == "legal_help"


def test_decided_intents_are_left_alone():
    assert decide([("my son is 13", "parent_worry"), ("quit", "safety_exit")]) == (None, None, False)


def test_after_its_own_emergency_answer_it_listens():
    """The action it chose ran (its bubbles came after it): it listens, instead of letting the rule for
    the message's intent answer again."""
    from rasa.shared.core.events import BotUttered

    t = tracker([("my son is 13", "parent_worry"), ("he's gone and we can't reach him", "user_safe")])
    t.update(ActionExecuted("action_emergency", policy="ConversationPolicy"))
    t.update(BotUttered("Call 911 now"))
    assert ConversationPolicy._answered(t)
    t.update(ActionExecuted("action_listen"))
    t.update(UserUttered("ok", intent={"name": "affirm"}))
    assert not ConversationPolicy._answered(t)


def test_after_another_policy_answer_it_does_not_listen_for_it():
    t = tracker([("hi", "greet")])
    t.update(ActionExecuted("action_respond", policy="RulePolicy"))
    assert not ConversationPolicy._answered(t)


def tracker_after(first: Turn, answer: str, then: Turn, category: str | None = "confined") -> DialogueStateTracker:
    """One message answered by `answer`, then the next message."""
    text, intent = first
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "safety_net": {"category": category}}
    events = [
        ActionExecuted("action_listen"),
        UserUttered(text, intent=parse["intent"], parse_data=parse),
        ActionExecuted(answer),
        ActionExecuted("action_listen"),
        UserUttered(then[0], intent={"name": then[1], "confidence": 0.9}, parse_data={"text": then[0]}),
    ]
    return DialogueStateTracker.from_events("test", events)


PINGS_AFTER_DANGER = [("hello?? are you there", "greet"), ("allo???", "greet"), ("hii", "greet"), ("?", "nlu_fallback")]


@pytest.mark.parametrize("ping", PINGS_AFTER_DANGER, ids=lambda p: p[0])
def test_a_ping_right_after_the_emergency_answer_gets_it_again(ping):
    # someone told of danger, got 911 first, and writes again: still waiting in danger, not a new hello
    t = tracker_after(("they locked us in the barn and took our phones", "emergency"), "action_emergency", ping)
    danger, _, _ = ConversationPolicy.decide(t, t.latest_message)
    assert danger == "confined"
    t = tracker_after(("my friend is being choked next door", "emergency"), "action_emergency", ping, "someone_else")
    assert ConversationPolicy.decide(t, t.latest_message)[0] == "someone_else"  # the answer for someone else


@pytest.mark.parametrize(
    "then",
    [
        ("thanks", "thanks"),  # not a ping
        ("hi im safe now", "greet"),  # says safe
        ("hello, my friend said this chat can help me find a lawyer", "greet"),  # not short: a message of its own
    ],
    ids=lambda p: p[0],
)
def test_after_the_emergency_answer_other_messages_are_answered_for_themselves(then):
    t = tracker_after(("they locked us in the barn", "emergency"), "action_emergency", then)
    assert ConversationPolicy.decide(t, t.latest_message)[0] is None


def test_a_greeting_after_another_answer_is_a_greeting():
    t = tracker_after(("what is a restraining order", "legal_help"), "action_respond", ("hello??", "greet"), None)
    assert ConversationPolicy.decide(t, t.latest_message)[0] is None


@pytest.mark.parametrize(
    "text,check", [("he keeps asking where i live", True), ("does the hotline help boys too", False)]
)
def test_the_middle_band_asks_first_unless_staff_said_never_911(text, check):
    parse = {"text": text, "intent": {"name": "trafficking", "confidence": 0.9}, "danger_score": {"band": "middle"}}
    events = [ActionExecuted("action_listen"), UserUttered(text, intent=parse["intent"], parse_data=parse)]
    t = DialogueStateTracker.from_events("test", events)
    assert ConversationPolicy.decide(t, t.latest_message)[2] is check


def test_a_topic_told_over_the_turns_is_the_need_of_a_follow_up():
    turns = [
        ("hi", "greet"),
        ("something happened 3 days ago with a client my ex set me up with, he forced me", "victim_services"),
        ("i’m away from both of them now. i’m scared about STIs and being pregnant, can i get help", "nlu_fallback"),
    ]
    assert decide(turns)[1] == "sexual_assault_care"


def test_a_teen_who_said_so_earlier_and_asks_to_talk_gets_kids_help_phone():
    turns = [
        ("hi im 14", "greet"),
        ("theres this older girl at school who keeps inviting me to parties", "job_offer_check"),
        ("idk if i should go, can i talk to someone about it", "nlu_fallback"),
    ]
    assert decide(turns)[1] in ("youth_support", "job_offer_check")
    turns[1] = ("ok", "affirm")
    assert decide(turns)[1] == "youth_support"


def test_someone_else_leaving_for_good_is_not_self_harm():
    turns = [
        ("ma sœur vit avec un gars qui la fait travailler pour lui", "friend_worry"),
        ("elle est chez nous, pas en danger, pis elle veut partir pour de bon. comment je l'aide", "nlu_fallback"),
    ]
    assert decide(turns)[0] is None


def test_a_child_nobody_can_find_told_over_turns_is_an_emergency():
    turns = [
        ("ma nièce a 13 ans", "parent_worry"),
        ("elle parlait à un gars sur Snap qui lui donnait de l'argent", "online_exploitation"),
        ("elle est pas rentrée de l'école pis son père la trouve nulle part, son cell est fermé", "nlu_fallback"),
    ]
    assert decide(turns)[0] is not None


# Issue #17, dev J's classes (the texts here are new phrasings, not the set's).
def with_slot(turns: list[Turn], slot: str, value: str) -> DialogueStateTracker:
    """The tracker of `turns`, with `slot` set after the turn before the last (as the policy sets it)."""
    t = tracker(turns[:-1])
    t.update(SlotSet(slot, value))
    text, intent = turns[-1]
    t.update(ActionExecuted("action_respond"))
    t.update(ActionExecuted("action_listen"))
    t.update(UserUttered(text, intent={"name": intent, "confidence": 0.9}, parse_data={"text": text}))
    return t


@pytest.mark.parametrize(
    "who,intent",
    [("i'm 15", "nlu_fallback"), ("jai 14 ans", "youth_support"), ("i am 16 btw", "unclear")],
)
def test_a_message_that_only_says_who_is_writing_gets_the_question_before_again(who, intent):
    turns = [("will they tell my school if i call about the guy who has my pics", "confidentiality"), (who, intent)]
    danger, need, _ = decide(turns)
    assert danger is None and need == "confidentiality"


def test_saying_who_with_a_need_of_its_own_is_not_only_who():
    turns = [("does the hotline cost money", "what_happens_call"), ("i'm 15 and my boss keeps my pay", "trafficking")]
    assert decide(turns)[1] != "what_happens_call"


def test_a_need_carried_to_the_turn_before_carries_on_again():
    turns = [
        ("a guy on discord has a video of me and wants money", "online_exploitation"),
        ("i dont even know how he got my number", "nlu_fallback"),
        ("so what am i supposed to do now", "nlu_fallback"),
    ]
    t = with_slot(turns, "context_need", "online_exploitation")
    assert ConversationPolicy.decide(t, t.latest_message)[1] == "online_exploitation"


def test_a_general_need_gives_way_to_the_specific_need_told_just_before():
    turns = [
        ("someone on tiktok says he'll post my nudes if i dont send more", "online_exploitation"),
        ("and i can't talk to my mom about it", "youth_support"),
        ("what should i do first", "nlu_fallback"),
    ]
    assert decide(turns)[1] == "online_exploitation"


def test_once_safe_the_need_told_with_earlier_danger_is_answered():
    parse = {
        "text": "my cousin is with a man who makes her work at motels",
        "intent": {"name": "emergency", "confidence": 1.0},
        "safety_net": {"rule": "x", "category": "someone_else", "classifier_intent": "friend_worry"},
    }
    events = [ActionExecuted("action_listen"), UserUttered(parse["text"], intent=parse["intent"], parse_data=parse)]
    t = DialogueStateTracker.from_events("test", events)
    for text, intent in [
        ("she's not in danger right now, she's staying at my place this week", "user_safe"),
        ("how am i supposed to help her with this", "nlu_fallback"),
    ]:
        t.update(ActionExecuted("action_respond"))
        t.update(ActionExecuted("action_listen"))
        t.update(UserUttered(text, intent={"name": intent, "confidence": 0.9}, parse_data={"text": text}))
    assert ConversationPolicy.decide(t, t.latest_message)[1] == "friend_worry"
    # without the word that they are safe, a follow-up after danger is answered for itself
    assert carried_need(recent_user_turns(t)[::2]) is None


def test_an_indigenous_person_who_said_so_earlier_and_asks_to_talk_gets_indigenous_led_lines():
    turns = [
        ("i'm anishinaabe, from up north", "indigenous_support"),
        ("it's been rough since i left the guy who pimped me out", "victim_services"),
        ("i'd like to talk with someone who understands where i come from", "nlu_fallback"),
    ]
    turns[1] = ("it's been rough since i left the guy who pimped me out", "nlu_fallback")
    assert decide(turns)[1] == "indigenous_support"


@pytest.mark.parametrize(
    "text,check",
    [
        ("cant talk for long, is what i say here private?", True),
        ("je peux pas parler longtemps, c'est-tu confidentiel?", True),
        ("is what i say here private?", False),
        ("i'm safe now but he used to check my phone, is this private?", False),
    ],
)
def test_someone_who_may_be_watched_is_asked_first(text, check):
    parse = {"text": text, "intent": {"name": "confidentiality", "confidence": 0.9}}
    events = [ActionExecuted("action_listen"), UserUttered(text, intent=parse["intent"], parse_data=parse)]
    t = DialogueStateTracker.from_events("test", events)
    assert ConversationPolicy.decide(t, t.latest_message)[2] is check


def test_a_young_person_who_said_so_earlier_does_not_get_a_parent_s_answer():
    turns = [
        ("yo im 14 and i live in a group home", "youth_support"),
        ("an older girl wants me to come to parties with men who give us stuff, who can i tell", "parent_worry"),
    ]
    assert decide(turns)[1] == "youth_support"
    turns[0] = ("my daughter is 14 and lives in a group home", "parent_worry")
    assert decide(turns)[1] != "youth_support"


def _with_confidences(turns: list[tuple[str, str, float]]) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    for i, (text, intent, confidence) in enumerate(turns):
        guess = {"name": intent, "confidence": confidence}
        events.append(UserUttered(text, intent=guess, parse_data={"text": text, "intent": guess}))
        if i < len(turns) - 1:
            events += [ActionExecuted("action_respond"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("test", events)


def test_a_need_guessed_unsure_carries_on_when_an_earlier_turn_was_sure_of_it():
    told_twice = _with_confidences(
        [
            ("is there free legal help?", "legal_help", 0.94),
            ("for a protection order. he used to sell me and now he texts me threats", "legal_help", 0.54),
            ("not in danger rn, he's in another province", "user_safe", 1.0),
        ]
    )
    said_once = _with_confidences(
        [
            ("hi", "greet", 0.9),
            ("for a protection order. he used to sell me and now he texts me threats", "legal_help", 0.54),
            ("not in danger rn, he's in another province", "user_safe", 1.0),
        ]
    )
    other_before = _with_confidences(
        [
            ("i need a bed tonight", "shelter", 0.94),
            ("for a protection order. he used to sell me and now he texts me threats", "legal_help", 0.54),
            ("not in danger rn, he's in another province", "user_safe", 1.0),
        ]
    )
    assert ConversationPolicy.decide(told_twice, told_twice.latest_message)[1] == "legal_help"
    assert ConversationPolicy.decide(said_once, said_once.latest_message)[1] is None
    assert ConversationPolicy.decide(other_before, other_before.latest_message)[1] is None


def test_what_should_i_do_guessed_as_a_safety_plan_keeps_the_need_before():
    guessed = [
        ("one of my students (grade 10) told me her 'boyfriend' makes her work at parties", "friend_worry"),
        ("she's in class right now and safe, what should i do?", "safety_plan"),
    ]
    asked = [
        ("one of my students (grade 10) told me her 'boyfriend' makes her work at parties", "friend_worry"),
        ("can we make a safety plan for her", "safety_plan"),
    ]
    assert decide(guessed)[1] == "friend_worry"
    assert decide(asked)[1] is None
