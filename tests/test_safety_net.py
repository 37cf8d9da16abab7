"""The rule-based safety net: danger in either language, typos included, forces `emergency`."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.plugins.nlu.safety_net import SafetyNet
from bot.shared.safety.danger import assess, says_safe
from bot.shared.safety.quick_exit import is_exit_request

DANGER = [
    "he's outside my door",
    "hes outsde my dor",
    "he is outside my door right now",
    "there's a guy outside my door",
    "he just broke down the door, what do i do",
    "someone is trying to break in",
    "he has a gun",
    "he got a knife",
    "my pimp is strapped",
    "they locked me in",
    "they lockd me in the room",
    "i'm locked in",
    "they won't let me leave",
    "they wont let me go home",
    "i can't get out",
    "im trapped",
    "they're keeping me here",
    "he's going to kill me",
    "hes gonna kill me",
    "he is hitting me",
    "he just hit me",
    "im bleeding",
    "i'm not safe right now",
    "i dont feel safe",
    "im in danger",
    "help me now",
    "send help",
    "call 911",
    "he found me",
    "my pimp is coming to get me",
    "someone is following me right now",
    "il est devant ma porte",
    "il a une arme",
    "ya un gars avec un couteau",
    "il vient de défoncer la porte",
    "je suis enfermée",
    "jsuis enfermee dans la chambre",
    "ils ne me laissent pas sortir",
    "je peux pas sortir",
    "il va me tuer",
    "il me frappe",
    "je ne suis pas en sécurité",
    "chu pas en securite",
    "au secours",
    "il m'a trouvée",
    "on me suit",
    "ya quelqu'un devant ma porte",
    "je suis en danger",
    "aidez moi vite",
]
SELF_HARM = [
    "i want to kill myself",
    "i wanna die",
    "thinking about suicide",
    "kms",
    "je veux me tuer",
    "j'ai envie de mourir",
    "je veux en finir",
    "i want to end my life",
]
SAFE = [
    "I'm safe now",
    "im safe now",
    "i am safe",
    "I'm not in danger",
    "i'm not in danger but i need advice",
    "je suis en sécurité maintenant",
    "je ne suis plus en danger",
    "je suis en securite",
    "hello",
    "bonjour",
    "my boss keeps my passport",
    "they say I owe them",
    "my boyfriend makes me see clients",
    "a guy on insta offered me a modelling job",
    "how do I get a restraining order",
    "is this modelling offer sketchy?",
    "someone's threatening to share my pics",
    "he takes all my money",
    "il prend tout mon argent",
    "im 15 and need someone to talk to",
    "mon patron garde mon passeport",
    "what happens when i call",
    "can I leave my job if they paid for my flight",
    "my daughter's boyfriend is much older",
    "i got out last year",
    "what's your favourite movie",
    "ils disent que je leur dois de l'argent",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger_fires(text):
    d = assess(text)
    assert d is not None and not d.self_harm


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm_fires_as_self_harm(text):
    d = assess(text)
    assert d is not None and d.self_harm


@pytest.mark.parametrize("text", SAFE)
def test_does_not_fire_on_safe_or_non_urgent_messages(text):
    assert assess(text) is None


def test_a_threat_from_someone_else_is_violence_not_self_harm():
    assert assess("il va me tuer").category == "violence"
    assert assess("he said he will kill me").category == "violence"


def _ranked(text, *ranking):
    """A message as the classifier left it: (intent, confidence) pairs, best first."""
    m = Message(data={"text": text})
    ranking = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    m.set("intent", ranking[0], add_to_output=True)
    m.set("intent_ranking", ranking, add_to_output=True)
    return m


def _decided(text, *ranking):
    """The intent the safety net settles on for a message the classifier ranked so."""
    m = _ranked(text, *ranking)
    SafetyNet().process([m])
    return m.get("intent")["name"]


def _message(text, intent, confidence=0.9):
    return _ranked(text, (intent, confidence))


def test_component_overrides_a_wrong_or_unsure_classifier():
    net = SafetyNet()
    wrong = _message("hes outsde my dor", "greet", 0.95)
    unsure = _message("il a une arme", "nlu_fallback", 0.45)
    net.process([wrong, unsure])
    for m in (wrong, unsure):
        assert m.get("intent") == {"name": "emergency", "confidence": 1.0}
        assert m.get("intent_ranking")[0]["name"] == "emergency"
    found = wrong.get("safety_net")
    assert found["category"] == "intruder" and found["classifier_intent"] == "greet"
    assert found["rule"].startswith("intruder.")  # the id of the rule in data/safety/danger.yml
    assert "safety_net" in wrong.as_dict(only_output_properties=True)


def test_classifier_danger_score_counts_even_when_not_ranked_first():
    m = _ranked("they said i'd regret it if i don't come back tonight", ("trafficking", 0.55), ("emergency", 0.35))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "emergency"
    assert m.get("safety_net")["classifier_intent"] == "trafficking"


def test_saying_safe_is_never_an_emergency_even_if_the_classifier_thinks_so():
    m = _message("chu en sécurité là", "emergency", 0.95)
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "user_safe"


def test_component_leaves_safe_messages_and_button_payloads_alone():
    net = SafetyNet()
    safe = _message("I'm safe now", "user_safe")
    payload = _message("/emergency", "emergency")
    net.process([safe, payload])
    assert safe.get("intent")["name"] == "user_safe" and safe.get("safety_net") is None


@pytest.mark.parametrize("text", ["exit", "EXIT", "quitter", "sortir", "Sortie rapide", "quick exit", "stop"])
def test_typed_exit_words_become_safety_exit(text):
    assert is_exit_request(text)
    m = _message(text, "goodbye")
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "safety_exit"


@pytest.mark.parametrize(
    "text", ["je veux sortir de cette situation", "how do i exit the life", "I want to quit my job"]
)
def test_exit_words_inside_a_sentence_are_not_an_exit(text):
    assert not is_exit_request(text)


def test_a_past_event_with_no_danger_now_gets_the_need_not_911():
    m = _ranked(
        "someone attacked me a few weeks ago, where do i get support", ("emergency", 0.55), ("victim_services", 0.4)
    )
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "victim_services"


def test_a_past_event_does_not_hide_danger_now():
    assert assess("he beat me two years ago and now hes outside my door") is not None


def test_a_long_message_that_opens_with_hello_is_about_what_follows():
    from bot.plugins.nlu.small_talk_filter import SmallTalkFilter

    m = _ranked(
        "Bonjour. Ma nièce a un chum beaucoup plus vieux qui lui paie tout", ("greet", 0.6), ("parent_worry", 0.3)
    )
    short = _message("bonjour toi", "greet")
    SmallTalkFilter().process([m, short])
    assert m.get("intent")["name"] == "parent_worry"
    assert short.get("intent")["name"] == "greet"


# Danger told by someone else: a parent, a sibling, a friend, a teacher, with no danger word.
SOMEONE_ELSE_DANGER = [
    "my 13 year old went to meet a guy from fortnite after school and now her phone is off",
    "our son is 14 and never came home last night, nobody knows where he is",
    "my little sister just texted me help and now she's not answering",
    "one of my students left school at lunch with an older man and isn't answering her phone",
    "my best friend is at a motel with some older guys and says they won't let her leave",
    "my daughter got into a car with a man she met online two hours ago",
    "ma fille de 12 ans est partie avec un homme qu'elle a connu sur snap pis elle répond plus",
    "mon fils a disparu depuis ce matin",
    "ma petite soeur vient de m'écrire aide moi pis là elle répond pu",
    "mon amie est dans un hôtel avec des gars plus vieux et ils la laissent pas partir",
    "notre ado est pas rentrée cette nuit et son cell est fermé",
]
# The same words, told as over, or as a worry with no one gone: not 911.
SOMEONE_ELSE_CALM = [
    "my daughter's new boyfriend is 24 and buys her everything",
    "my son ran away two years ago, he is home now, can we get a restraining order against the man",
    "my daughter went missing last night but she came home this morning, what do i do now",
    "my friend's boyfriend takes all her money, how can i help her",
    "my son doesn't answer my questions about his new friends",
    "le chum de ma fille a 25 ans et vient la chercher à l'école",
    "ma fille a fugué l'an passé, elle est revenue, comment la protéger maintenant",
    "mon amie voit des gars plus vieux qui lui donnent de l'argent, comment je peux l'aider",
]


@pytest.mark.parametrize("text", SOMEONE_ELSE_DANGER)
def test_danger_to_someone_else_is_an_emergency(text):
    danger = assess(text)
    assert danger is not None and not danger.self_harm


@pytest.mark.parametrize("text", SOMEONE_ELSE_CALM)
def test_a_worry_about_someone_else_or_a_past_event_is_not_an_emergency(text):
    assert assess(text) is None


def test_danger_to_someone_else_is_told_to_the_emergency_answer():
    m = _ranked("ma fille de 14 ans est partie avec un homme plus vieux et elle répond pas", ("parent_worry", 0.8))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "emergency"
    found = m.get("safety_net")
    assert found["category"] == "someone_else" and found["classifier_intent"] == "parent_worry"
    assert found["rule"].startswith("someone_else.")


@pytest.mark.parametrize(
    "text, ranking, expected",
    [
        # "I'm safe now, but...": the specific need wins over reassurance
        (
            "i'm safe now and i want to know about restraining orders",
            [("user_safe", 0.6), ("legal_help", 0.3)],
            "legal_help",
        ),
        (
            "je suis en sécurité maintenant, mais comment avoir une ordonnance",
            [("emergency", 0.5), ("legal_help", 0.4)],
            "legal_help",
        ),
        ("not an emergency, i just want to report a guy", [("emergency", 0.4), ("report_crime", 0.35)], "report_crime"),
        (
            "it happened last year, where can i get counselling",
            [("emergency", 0.5), ("victim_services", 0.3)],
            "victim_services",
        ),
        # reassurance alone stays reassurance
        ("i'm safe now", [("emergency", 0.6), ("greet", 0.2)], "user_safe"),
    ],
)
def test_a_specific_need_wins_over_reassurance(text, ranking, expected):
    assert _decided(text, *ranking) == expected


def test_a_sure_request_to_leave_the_chat_is_a_quick_exit_but_a_danger_rule_still_wins():
    leave = _ranked("my mom is walking in gotta close this", ("safety_exit", 0.8), ("emergency", 0.15))
    danger = _ranked("he's hitting me, close this", ("safety_exit", 0.8), ("emergency", 0.15))
    # someone coming, and the person asks to close: clearing the screen is what they asked for
    coming = _ranked("he's outside my door, close this", ("safety_exit", 0.8), ("emergency", 0.15))
    SafetyNet().process([leave, danger, coming])
    assert leave.get("intent")["name"] == "safety_exit"
    assert danger.get("intent")["name"] == "emergency"
    assert coming.get("intent")["name"] == "safety_exit"


@pytest.mark.parametrize("text", ["my friend says she's going to kill herself tonight", "mon frère parle de se tuer"])
def test_someone_else_s_self_harm_gets_988_too(text):
    danger = assess(text)
    assert danger is not None and danger.self_harm


@pytest.mark.parametrize(
    "text",
    [
        "a grown man is parked outside the school waiting for my student right now",
        "un homme attend ma fille devant l'école en ce moment pis elle a peur de sortir",
    ],
)
def test_someone_waiting_for_a_child_now_is_an_emergency(text):
    assert assess(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "a man was waiting outside the school for my daughter last week",
        "my daughter's boyfriend waits for her after school every day",
    ],
)
def test_someone_who_waited_before_is_a_worry_not_an_emergency(text):
    assert assess(text) is None


def test_an_unsure_classifier_on_a_past_or_safe_message_answers_its_best_need():
    past = _ranked(
        "it happened years ago and i'm doing ok, i'd like to talk to a counsellor",
        ("nlu_fallback", 0.45),
        ("victim_services", 0.4),
        ("emergency", 0.1),
    )
    vague = _ranked("it happened years ago", ("nlu_fallback", 0.45), ("victim_services", 0.15))
    SafetyNet().process([past, vague])
    assert past.get("intent")["name"] == "victim_services"
    assert vague.get("intent")["name"] == "nlu_fallback"  # too unsure: the clarifying question


@pytest.mark.parametrize(
    "text",
    [
        "rien d'urgent ce soir, elle est à la maison, mais un homme plus vieux vient la chercher des fois",
        "nothing urgent, she's home, but an older guy keeps giving her gifts",
    ],
)
def test_at_home_and_nothing_urgent_is_not_an_emergency(text):
    assert assess(text) is None


def test_someone_at_my_door_is_still_danger_in_french():
    assert assess("il est devant ma porte pis il cogne") is not None
    assert assess("il est à ma porte") is not None


@pytest.mark.parametrize(
    "text",
    [
        "theres blood everywhere he stabbed my roommate",
        "il a poignardé mon coloc",
        "my friend is not breathing",
        "mon amie respire plus",
    ],
)
def test_someone_else_hurt_badly_now_is_an_emergency(text):
    assert assess(text) is not None


def test_someone_else_hurt_long_ago_is_not():
    assert assess("he stabbed my sister two years ago, can she get a restraining order") is None


@pytest.mark.parametrize(
    "text",
    [
        "boss took the phones and locked the gate, he says nobody leaves until the debt is paid",
        "le patron a barré la barrière pis personne peut sortir tant que la dette est pas payée",
        "our 12 year old isn't in her room and an adult messaged her to meet at the corner at 11",
        "notre fille de 12 ans n'est pas dans sa chambre",
        "mon pimp me cherche, il est dans le corridor",
    ],
)
def test_confinement_and_a_child_gone_from_her_room_are_emergencies(text):
    assert assess(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "how do i report a house, nobody's in danger this second",
        "my daughter is safe now but a man offered her money, what do we do",
        "ma fille de 16 ans est à la maison, en sécurité, mais un gars lui a offert de l'argent",
    ],
)
def test_someone_safe_now_is_said_safe(text):
    from bot.shared.safety.danger import says_safe

    assert says_safe(text) and assess(text) is None


def test_an_unsure_classifier_on_someone_leaving_in_a_hurry_erases():
    m = _ranked("i have to go NOW", ("nlu_fallback", 0.45), ("goodbye", 0.35), ("safety_exit", 0.3))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "safety_exit"


def test_a_long_message_that_mentions_french_is_about_its_need_not_a_switch():
    from bot.plugins.nlu.small_talk_filter import SmallTalkFilter

    long = _ranked(
        "j'ai été victime il y a des années, aujourd'hui je voudrais parler à une conseillère en français",
        ("switch_language", 0.5),
        ("victim_services", 0.3),
    )
    short = _ranked("en français svp", ("switch_language", 0.9), ("greet", 0.05))
    SmallTalkFilter().process([long, short])
    assert long.get("intent")["name"] == "victim_services"
    assert short.get("intent")["name"] == "switch_language"


def test_the_guy_from_snap_in_front_of_our_house_is_danger():
    assert assess("le gars de snap est devant chez nous là pis y dit qu'y va publier mes photos") is not None


def test_a_student_leaving_with_a_man_now_is_an_emergency():
    assert assess("une élève de 13 ans vient de partir à pied avec un homme dans la trentaine, elle avait l'air forcée")


def test_a_short_goodbye_in_a_hurry_stays_a_goodbye():
    from bot.plugins.nlu.small_talk_filter import SmallTalkFilter

    m = _ranked("i have to go quick bye", ("goodbye", 0.9), ("safety_exit", 0.04))
    SmallTalkFilter().process([m])
    assert m.get("intent")["name"] == "goodbye"


def test_a_long_message_the_classifier_reads_as_exit_but_that_asks_for_help_is_not_erased():
    m = _ranked(
        "Je suis sortie de ça y a un an, chu en sécurité maintenant. Mais il m'écrit encore que je lui dois de l'argent.",
        ("safety_exit", 1.0),
        ("trafficking", 0.05),
        ("user_safe", 0.04),
    )
    leave = _ranked("my mom is walking in, close this chat", ("safety_exit", 0.9), ("goodbye", 0.05))
    SafetyNet().process([m, leave])
    assert m.get("intent")["name"] == "trafficking"
    assert leave.get("intent")["name"] == "safety_exit"


@pytest.mark.parametrize(
    "text, danger",
    [
        ("the man who used to sell me is at my door right now, i can see him through the peephole", True),
        ("l'homme qui me vendait est devant ma porte en ce moment, j'ai peur", True),
        ("my friend is at my door to pick me up for school", False),
    ],
)
def test_anyone_at_my_door_now_with_fear_is_danger(text, danger):
    assert (assess(text) is not None) == danger


@pytest.mark.parametrize(
    "text, danger",
    [
        ("jsuis dans la salle de bain dun party pis le gars dit que je sors pas dici tant que jai pas remboursé", True),
        ("he says i'm not leaving until i pay him back", True),
        ("she can't leave him, not an emergency rn, she's at our place, what should we do", False),
        ("my daughter left with a man an hour ago and isn't answering, not an emergency?", True),
    ],
)
def test_held_until_a_debt_is_paid_and_someone_safe_at_our_place(text, danger):
    assert (assess(text) is not None) == danger


def test_l_an_dernier_is_past():
    from bot.shared.safety.danger import long_ago

    assert long_ago("ça s'est passé l'an dernier, je veux faire un rapport sur lui")


@pytest.mark.parametrize(
    "text, need",
    [
        ("je suis en sécurité maintenant, je veux une ordonnance contre lui", "legal_help"),
        ("i'm safe now, i just want to report him", "report_crime"),
    ],
)
def test_a_need_named_in_words_wins_over_strong_reassurance(text, need):
    m = _ranked(text, ("user_safe", 0.95), ("legal_help", 0.02), ("safety_exit", 0.01))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == need


def test_reassurance_alone_stays_reassurance():
    m = _ranked("i'm safe now, thank you", ("user_safe", 0.95), ("legal_help", 0.02))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "user_safe"


def test_an_unsure_exit_on_a_long_message_is_not_an_erase():
    m = _ranked(
        "un poste de gardienne au Qatar avec le billet payé, ça cache-tu quelque chose",
        ("safety_exit", 0.48),
        ("online_exploitation", 0.33),
        ("job_offer_check", 0.1),
    )
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "online_exploitation"


@pytest.mark.parametrize(
    "text",
    [
        "theres a girl in the unit next door, i can hear her screaming",
        "j'entends une fille crier dans l'appart d'à côté",
    ],
)
def test_someone_heard_being_hurt_now_is_an_emergency(text):
    assert assess(text) is not None


@pytest.mark.parametrize(
    "text,ranking",
    [
        ("gtg someone just walked in", [("nlu_fallback", 0.4), ("unclear", 0.3)]),
        ("je dois partir vite", [("unclear", 0.5), ("emergency", 0.25)]),
        ("quelqu'un arrive je dois partir", [("nlu_fallback", 0.4), ("emergency", 0.3)]),
        ("faut que je ferme ça vite il arrive", [("emergency", 0.6)]),  # someone coming + "close this": the exit
    ],
)
def test_having_to_leave_now_is_a_quick_exit_even_when_the_classifier_is_unsure(text, ranking):
    assert _decided(text, *ranking) == "safety_exit"


@pytest.mark.parametrize(
    "text",
    [
        "he has a knife, i have to go",  # a weapon is not only someone arriving: 911 first
        "il m'a enfermée, je dois partir",
    ],
)
def test_having_to_leave_does_not_hide_other_danger(text):
    m = _ranked(text, ("safety_exit", 0.5))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "i have to go to court next week, what happens there",  # not leaving the chat
        "my friend has to leave her job but her boss keeps her passport",
        "je dois partir de chez mon chum mais j'ai nulle part où aller, pouvez-vous m'aider à trouver un endroit",
    ],
)
def test_a_longer_message_about_leaving_a_place_is_not_a_quick_exit(text):
    from bot.shared.safety.quick_exit import leaving_now

    assert not leaving_now(text)


@pytest.mark.parametrize(
    "text",
    [
        "le patron a frappé mon collègue et il dit qu'il va faire pareil à nous si on parle",
        "the boss beat my coworker and says he'll do the same to us",
    ],
)
def test_a_threat_to_do_the_same_to_us_is_violence(text):
    danger = assess(text)
    assert danger is not None and danger.category == "violence"


@pytest.mark.parametrize(
    "text,expected",
    [
        # a year ago, and "she's fine now": the "now" is about being well, not about danger
        (
            "Mon amie est sortie de ça il y a un an, elle va bien maintenant, mais je sais pas quoi lui dire",
            [("emergency", 0.4), ("friend_worry", 0.3)],
        ),
        (
            "I'm fine physically, police drove me to a friend's place last week, but I can't stay here after tonight",
            [("self_harm", 0.3), ("nlu_fallback", 0.3), ("shelter", 0.05)],
        ),
    ],
)
def test_being_well_now_after_a_past_event_answers_the_need(text, expected):
    from bot.shared.safety.danger import says_safe

    assert says_safe(text)
    m = _ranked(text, *expected)
    SafetyNet().process([m])
    assert m.get("intent")["name"] in ("friend_worry", "shelter")


def test_being_fine_never_cancels_a_danger_rule():
    assert assess("im ok but he locked the door") is not None
    assert assess("je vais bien mais il est devant ma porte") is not None


def test_a_year_ago_is_long_ago():
    from bot.shared.safety.danger import long_ago

    assert long_ago("it happened a year ago") and long_ago("c'est arrivé il y a un an")
    assert not long_ago("it happened a year ago and he is back tonight")


@pytest.mark.parametrize(
    "text,category",
    [
        # danger the classifier alone used to carry (a retrain could lose it): now the rules hold it too
        ("theres someone trying to open my bedroom door rn", "intruder"),
        ("y a quelqu'un qui essaie de rentrer chez nous là", "intruder"),
        ("the 2 guys are parked outside my building rn, one texted 'come down or we come up'", "intruder"),
        ("im in his car and he wont stop to let me out", "confined"),
        ("chu dans un char avec 2 gars, ils veulent pas arrêter", "confined"),
        ("my friend is being pulled into a van right now", "confined"),
        ("he said if i leave hell kill me", "violence"),
        ("il m'a dit que si je pars ce soir il me tue", "violence"),
        ("il verse de l'essence partout dans la maison", "violence"),
        ("i have the pills in my hand", "self_harm"),
        ("i took like 30 of my moms pills", "self_harm"),
        ("jveux pu vivre", "self_harm"),
        ("j'ai avalé toute ma bouteille de pilules", "self_harm"),
    ],
)
def test_danger_the_classifier_alone_used_to_carry(text, category):
    danger = assess(text)
    assert danger is not None and danger.category == category


@pytest.mark.parametrize(
    "text",
    [
        "A grade 10 student just told me her boyfriend is in the school parking lot right now waiting to drive her to Toronto",
        "One of my players just called crying, her boyfriend drove her to Toronto and won't bring her back",
        "my brother is 12, a guy from fortnite told him to meet tonight, his bed is empty",
        "ma fille a 15 ans, son chum de 25 ans veut pas la ramener",
        "mon amie est dans une chambre d'hôtel avec un gars qui veut pas la laisser partir",
    ],
)
def test_a_teacher_coach_or_sibling_telling_of_a_child_in_danger_now(text):
    danger = assess(text)
    assert danger is not None and danger.category == "someone_else"


@pytest.mark.parametrize(
    "text",
    [
        "my player was waiting to take the bus",
        "a student of mine left school early last week with her boyfriend",
        "I have pills for my headache, which ones are safe with alcohol",
    ],
)
def test_ordinary_things_those_rules_must_not_catch(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        (
            "How do I get a restraining order against the man who trafficked me? I got out last year",
            [("trafficking", 0.99), ("legal_help", 0.01)],
            "legal_help",
        ),
        (
            "comment avoir une ordonnance interdictive contre lui",
            [("legal_for_me", 0.9)],
            "legal_for_me",
        ),  # narrower: kept
        (
            "Je dois témoigner au tribunal contre mon ancien proxénète, quelqu'un peut m'accompagner?",
            [("legal_help", 0.65), ("victim_services", 0.35)],
            "victim_services",
        ),
        ("he has a restraining order and he's outside my door", [("legal_help", 0.9)], "emergency"),  # danger first
    ],
)
def test_words_that_plainly_name_a_need_win_over_other_guesses_but_not_over_danger(text, ranking, expected):
    assert _decided(text, *ranking) == expected


def test_two_needs_almost_tied_answer_the_first_rather_than_ask():
    tied = _ranked(
        "who finds out if i call? im 13", ("nlu_fallback", 0.45), ("confidentiality", 0.47), ("youth_support", 0.46)
    )
    unsure = _ranked("hmm", ("nlu_fallback", 0.45), ("youth_support", 0.3))
    risky = _ranked("who finds out", ("nlu_fallback", 0.45), ("confidentiality", 0.47), ("emergency", 0.25))
    SafetyNet().process([tied, unsure, risky])
    assert tied.get("intent")["name"] == "confidentiality"
    assert unsure.get("intent")["name"] == "nlu_fallback"
    assert risky.get("intent")["name"] == "emergency"


def test_a_past_event_and_a_word_for_the_need_win_over_a_general_answer():
    m = _ranked(
        "It happened 5 years ago, he was convicted. I'm fine day to day but I need to talk to a counsellor now.",
        ("youth_support", 0.82),
        ("contact_person", 0.13),
    )
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "victim_services"


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        (
            "My 11-year-old was asked for pictures by someone in a game chat, I want to report it",
            [("report_crime", 0.6), ("online_exploitation", 0.3)],
            "online_exploitation",
        ),
        (
            "Mon fils de 10 ans s'est fait demander des photos de lui par quelqu'un dans un jeu en ligne",
            [("job_offer_check", 0.76), ("parent_worry", 0.14)],
            "online_exploitation",
        ),
        (
            "quick q, im 12, if i tell the helpline about it do they have to report it to someone?",
            [("report_crime", 0.99)],
            "confidentiality",
        ),
        (
            "im not in danger, if i talk to someone will the cops find out? im 16",
            [("user_safe", 0.8)],
            "confidentiality",
        ),
        ("est-ce qu'ils vont le dire à mes parents si j'appelle?", [("what_happens_call", 0.7)], "confidentiality"),
    ],
)
def test_a_child_asked_for_pictures_online_or_a_teen_asking_who_is_told(text, ranking, expected):
    assert _decided(text, *ranking) == expected


def test_a_worker_pushed_into_a_van_is_violence_now():
    assert assess("Mon collègue s'est fait pousser dans un van par le boss tantôt, il saignait") is not None


def test_not_in_danger_and_who_is_told_is_the_confidentiality_answer_even_if_the_classifier_saw_danger():
    m = _ranked(
        "im not in danger i just wanna know, if i talk to someone will the cops find out? im 16",
        ("emergency", 0.95),
        ("youth_support", 0.03),
    )
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "confidentiality"


def test_the_game_may_be_named_before_the_pictures():
    from bot.plugins.nlu.safety_net import plain_need

    assert plain_need("Sur le compte Fortnite de mon fils, quelqu'un lui demandait des photos") == "online_exploitation"


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        (
            "Je suis en 10e année à Sudbury, j'ai 15 ans. Est-ce qu'il y a quelqu'un à qui je peux parler?",
            [("nlu_fallback", 0.45), ("youth_support", 0.3)],
            "youth_support",
        ),
        (
            "im 16, something happened last summer. im ok now but i kinda want to talk to someone about it",
            [("user_safe", 0.6)],
            "youth_support",
        ),
        (
            "im 15 and my friend's bf is scaring me, who can i talk to",
            [("friend_worry", 0.7)],
            "friend_worry",
        ),  # a need: kept
        (
            "I'm Métis and safe now, I want to talk to an Indigenous counsellor",
            [("indigenous_support", 0.8)],
            "indigenous_support",
        ),
    ],
)
def test_a_young_person_who_wants_to_talk_gets_kids_help_phone_when_nothing_more_specific_was_understood(
    text, ranking, expected
):
    assert _decided(text, *ranking) == expected


def test_someone_who_says_they_are_safe_is_not_asked_whether_they_are_safe():
    need = _ranked(
        "I'm safe at my cousin's now but for 2 years a man sold me online, I don't know what to call it",
        ("nlu_fallback", 0.45),
        ("trafficking", 0.2),
        ("user_safe", 0.15),
    )
    nothing = _ranked("chu en sécurité chez ma tante là, merci", ("nlu_fallback", 0.45), ("thanks", 0.3))
    SafetyNet().process([need, nothing])
    assert need.get("intent")["name"] == "trafficking"
    assert nothing.get("intent")["name"] == "user_safe"


@pytest.mark.parametrize(
    "text,safe",
    [
        ("C'est fini depuis l'an passé, je suis chez ma tante maintenant et en sécurité", True),
        ("i'm at my cousin's place now and safe", True),
        ("je suis pas vraiment en sécurité chez lui", False),
        ("i am not at home and safe", False),
    ],
)
def test_safe_said_with_where_i_am(text, safe):
    from bot.shared.safety.danger import says_safe

    assert says_safe(text) is safe


@pytest.mark.parametrize(
    "text",
    [
        "ngl im fine now, he's locked up, but i lost the card for victim services. who do i call",
        "My sister went missing years ago and was found, police dealt with it back then. I just need someone to talk to.",
        "le gars est en prison maintenant, je voudrais de l'aide pour les frais de thérapie",
    ],
)
def test_the_abuser_in_jail_or_a_person_found_long_ago_is_not_danger_now(text):
    assert assess(text) is None


def test_someone_in_jail_does_not_hide_danger_told_in_the_same_message():
    assert assess("he's in jail but his friend is outside my door right now").category == "intruder"
    assert assess("he locked me in the room").category == "confined"


@pytest.mark.parametrize(
    "text",
    [
        "i still get nightmares about what happened when i was 16, im 31 now",
        "quand j'avais 14 ans un gars m'a exploitée, j'ai 30 ans maintenant",
        "back in 2019 my ex sold me online",
    ],
)
def test_an_age_or_a_year_told_as_the_past_is_the_past(text):
    from bot.shared.safety.danger import long_ago

    assert long_ago(text)


def test_i_just_need_is_not_just_now():
    from bot.shared.safety.danger import long_ago

    assert long_ago("it happened years ago. I just need someone to talk to")
    assert not long_ago("it started years ago and he just left with my daughter")


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        # insomnia after a crime is not a bed for tonight
        (
            "i got robbed and beaten up a few weeks ago, im ok now but i cant sleep. where can i get support",
            [("shelter", 0.6), ("victim_services", 0.2)],
            "victim_services",
        ),
        ("je fais des cauchemars depuis l'agression, j'ai besoin d'aide", [("shelter", 0.5)], "victim_services"),
        ("i cant sleep at my place anymore, i need somewhere else to stay", [("shelter", 0.7)], "shelter"),
        ("I can't sleep and I have nowhere to go", [("shelter", 0.7)], "shelter"),
        # the report is made: what comes next
        (
            "he threatened me last month and the police took a report. im ok now, is there help for that?",
            [("report_crime", 0.8), ("shelter", 0.1)],
            "victim_services",
        ),
        ("j'ai déjà porté plainte, c'est quoi la suite pour moi?", [("report_crime", 0.7)], "victim_services"),
        # ... unless they want to report again or elsewhere
        (
            "i already reported him but nothing happened, where else can i report?",
            [("report_crime", 0.8)],
            "report_crime",
        ),
        ("i want to report a guy who sells girls", [("report_crime", 0.9)], "report_crime"),
    ],
)
def test_words_that_rule_out_a_need(text, ranking, expected):
    assert _decided(text, *ranking) == expected


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        (
            "c'est-tu de la traite ça? y'a encore mes papiers",
            [("nlu_fallback", 0.45), ("online_exploitation", 0.4)],
            "trafficking",
        ),
        ("is this trafficking? he keeps all the money", [("parent_worry", 0.5)], "trafficking"),
        ("he keeps my passport, is this trafficking?", [("labour_exploitation", 0.7)], "labour_exploitation"),
        (
            "est-ce qu'il existe une ordonnance spéciale pour la traite en ontario?",
            [("nlu_fallback", 0.45), ("legal_help", 0.3)],
            "legal_help",
        ),
        ("j'ai peur de témoigner mais je veux une ordonnance du tribunal", [("victim_services", 0.6)], "legal_help"),
        (
            "Mon fils de 12 ans jouait à un jeu en ligne et un adulte lui a demandé de se filmer tout nu",
            [("out_of_scope", 0.5)],
            "online_exploitation",
        ),
        (
            "j'ai 13 ans pis j'ai peur que mes parents ou la protection de l'enfance soient avertis",
            [("parent_worry", 0.6)],
            "confidentiality",
        ),
        ("my cousin can't keep me after tonight. where can i find a bed?", [("nlu_fallback", 0.45)], "shelter"),
        (
            "la police a arrêté le gars l'an passé, j'aimerais avoir un suivi psychologique",
            [("online_exploitation", 0.5)],
            "victim_services",
        ),
        # a teen's counsellor is Kids Help Phone, an Indigenous person's is Indigenous-led
        ("can i talk to like a counsellor? im 13", [("youth_support", 0.8)], "youth_support"),
        ("looking for Indigenous counselling, I'm Haudenosaunee", [("indigenous_support", 0.8)], "indigenous_support"),
    ],
)
def test_plainly_named_needs(text, ranking, expected):
    assert _decided(text, *ranking) == expected


@pytest.mark.parametrize(
    "text,ranking",
    [
        (
            "jai 16 ans, l'an passé un gars me vendait. là chu en famille d'accueil pis chu safe mais j'ai besoin de jaser à quelqu'un",
            [("parent_worry", 0.6)],
        ),
        (
            "allo jai 14 ans est-ce quil y a quelquun a qui je peux parler en francais? c pas urgent",
            [("victim_services", 0.5)],
        ),
    ],
)
def test_a_teen_who_wants_to_talk_is_not_a_parent_nor_an_adult_victim(text, ranking):
    assert _decided(text, *ranking) == "youth_support"


def test_the_past_and_a_need_first_keep_a_weak_danger_guess_from_putting_911_first():
    past = _ranked(
        "ma soeur était dans une affaire d'escorte forcée l'an dernier, c'est fini, mais elle va pas bien. comment l'aider?",
        ("victim_services", 0.5),
        ("emergency", 0.3),
    )
    now = _ranked("elle va pas bien, elle est avec lui", ("victim_services", 0.5), ("emergency", 0.3))
    SafetyNet().process([past, now])
    assert past.get("intent")["name"] in ("victim_services", "friend_worry")  # not 911
    assert now.get("intent")["name"] == "emergency"


@pytest.mark.parametrize("text", ["how do i leave this page fast", "comment quitter cette page vite"])
def test_asking_to_leave_the_page_fast_is_the_quick_exit(text):
    m = _ranked(text, ("nlu_fallback", 0.45))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "safety_exit"


def test_the_online_answer_needs_something_online_in_the_message():
    vague = _ranked("stuff went down last night and im kinda freaking out", ("online_exploitation", 0.78))
    online = _ranked("he recorded our facetime and wants money", ("online_exploitation", 0.7))
    SafetyNet().process([vague, online])
    assert vague.get("intent")["name"] == "nlu_fallback"
    assert online.get("intent")["name"] == "online_exploitation"


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        # safe, the classifier unsure between general answers: the word for the need wins
        (
            "chu safe là, la police m'a aidée à partir la semaine passée, mais l'argent pour le motel finit à soir. je vais où?",
            [("nlu_fallback", 0.45), ("safety_plan", 0.3)],
            "shelter",
        ),
        (
            "Je suis en sécurité maintenant, mais pendant un an un gars m'a forcée à faire des clients pis il a encore mon passeport",
            [("safety_plan", 0.7)],
            "trafficking",
        ),
        ("i'm safe now, help me make a safety plan, my pimp might look for me", [("safety_plan", 0.7)], "safety_plan"),
        (
            "pas de danger là, mais je sais où mon ancien pimp fait travailler des filles. je peux le dire à la police sans qu'il sache?",
            [("emergency", 0.9)],
            "report_crime",
        ),
        # named plainly
        ("left in march. can a judge make him stay away from both of us", [("parent_worry", 0.6)], "legal_help"),
        ("guy on discord keeps asking me to go on cam", [("nlu_fallback", 0.45)], "online_exploitation"),
        (
            "A student told me her ex is sharing an intimate video of her in a group chat. How do we get it removed?",
            [("friend_worry", 0.7)],
            "online_exploitation",
        ),
        (
            "J'ai 15 ans, c'est fini. Mais si je parle à quelqu'un, ils vont-tu appeler l'aide à l'enfance ou mes parents?",
            [("parent_worry", 0.7)],
            "confidentiality",
        ),
        (
            "j'ai 13 ans, si j'en parle, ça va tu aller à ma mère ou à la société d'aide à l'enfance?",
            [("parent_worry", 0.7)],
            "confidentiality",
        ),
        # a teen who writes is not a parent
        ("im 15 and my bf is way older, is that bad", [("parent_worry", 0.7)], "youth_support"),
        ("my 15 year old daughter has a much older bf", [("parent_worry", 0.7)], "parent_worry"),
    ],
)
def test_more_needs_named_in_words(text, ranking, expected):
    assert _decided(text, *ranking) == expected


@pytest.mark.parametrize("text", ["jdois y aller là bye", "je dois y aller"])
def test_must_go_in_french_texting_is_the_quick_exit(text):
    from bot.shared.safety.quick_exit import leaving_now

    assert leaving_now(text)


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        (
            "He doesn't know where I am, so that part is fine. But I've been sleeping in my car and it's cold. Somewhere that takes women tonight?",
            [("emergency", 0.9), ("shelter", 0.4)],
            "shelter",
        ),
        (
            "a few months ago a guy scared me but my dad called the police. im 14. is there someone i can talk to like a counsellor",
            [("youth_support", 0.9), ("victim_services", 0.5)],
            "youth_support",
        ),
        (
            "ngl the night the police came was the worst. its been a year. im 16. who else is there",
            [("report_crime", 0.7)],
            "youth_support",
        ),
        (
            "chu innue, depuis que j'ai déménagé ça va mieux. mais j'aimerais parler à quelqu'un qui comprend ma culture",
            [("victim_services", 0.7)],
            "indigenous_support",
        ),
        (
            "La police est venue, il a été arrêté pis c'est fini. Y a-tu un refuge pour moi pis mes 2 enfants à soir?",
            [("ask_call_police", 0.7), ("parent_worry", 0.25)],
            "shelter",
        ),
        (
            "my coworker, the manager holds her papers. shes at work rn, fine. how can i help her",
            [("nlu_fallback", 0.45), ("report_crime", 0.39)],
            "friend_worry",
        ),
        (
            "My cousin was trafficked years ago, she's out and safe now. The same guy is recruiting girls. can I pass the info along",
            [("emergency", 0.8), ("report_crime", 0.16)],
            "report_crime",
        ),
        (
            "Our daughter ran away in the spring, police found her. Now an older guy picks her up. She's asleep upstairs. Where can I get guidance",
            [("emergency", 0.93), ("parent_worry", 0.07)],
            "parent_worry",
        ),
    ],
)
def test_calm_messages_told_many_ways(text, ranking, expected):
    assert _decided(text, *ranking) == expected


def test_missing_class_is_not_missing_and_he_does_not_know_where_i_am_is_not_an_intruder():
    assert assess("a student of mine has been missing class again and shows up with new stuff") is None
    assert assess("he doesn't know where i am and he's not looking") is None
    assert assess("my student has been missing since this morning").category == "someone_else"
    assert assess("he knows where i am and he's outside").category == "intruder"


def test_a_long_message_read_as_reassurance_without_any_word_of_safety_gets_the_question():
    long = _ranked(
        "my cousin is 13 and he went off with some older guys, mom is freaking out and we have no idea",
        ("user_safe", 0.7),
        ("emergency", 0.19),
    )
    short = _ranked("je suis chez une amie, ça va", ("user_safe", 0.9))
    SafetyNet().process([long, short])
    assert long.get("intent")["name"] == "nlu_fallback"
    assert short.get("intent")["name"] == "user_safe"


@pytest.mark.parametrize(
    "text",
    [
        "my little brother is 13 and hes been gone since last night, nobody can reach him",
        "ma fille est partie depuis hier soir pis personne peut la joindre",
    ],
)
def test_gone_since_last_night_and_nobody_can_reach_him(text):
    assert assess(text).category == "someone_else"


def test_nobody_is_hurting_me_today_is_not_violence():
    assert assess("i'm not locked in or anything and nobody is hurting me today, i'm at work on my break") is None
    assert assess("he is hurting me").category == "violence"


def test_confidentiality_with_the_services_a_l_enfance():
    m = _ranked(
        "j'ai 16 ans, c'est fini. Mais si j'appelle, est-ce qu'ils vont avertir les services à l'enfance?",
        ("ask_call_police", 0.93),
    )
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "confidentiality"


@pytest.mark.parametrize(
    "text",
    [
        "im 15. last year i had thoughts about hurting myself but im doing better now. who can i talk to",
        "jai 14 ans. lannée passée j'avais des idées noires mais la ça va mieux. jai besoin de parler a quelqu un",
        "y a eu une bataille à mon école avec un couteau la semaine passée, personne a été blessé mais ça me stresse",
        "un homme m'a battu au travail le mois passé, la police a pris ma plainte. maintenant je suis correct",
    ],
)
def test_danger_told_as_the_past_with_well_now_is_not_danger_now(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i had thoughts about hurting myself last year and they're back again tonight",
        "last week he pulled a knife on me and now he's outside",
    ],
)
def test_the_past_does_not_hide_what_is_back_now(text):
    assert assess(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "ma chum de fille m'a raconté que son ancien chum la battait. elle est safe chez sa mère asteure",
        "Astheure elle est correcte, elle est avec moi, mais il essaie encore de la contacter",
        "My client was in danger last week but is in a safe house now",
    ],
)
def test_more_ways_of_saying_someone_is_safe_now(text):
    from bot.shared.safety.danger import says_safe

    assert says_safe(text)


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        ("is this an ai? not in danger or anything just curious", [("nlu_fallback", 0.45)], "bot_challenge"),
        ("t'es-tu un robot?", [("greet", 0.5)], "bot_challenge"),
        (
            "Il y a 3 ans la police a arrêté le gars. Je suis pas en danger là, mais est-ce que c'est encore de l'exploitation?",
            [("online_exploitation", 0.6)],
            "trafficking",
        ),
        (
            "salut chu mineur (14). si jdis a quelquun, est-ce que la police pis mes parents vont le savoir? je suis safe la",
            [("parent_worry", 0.6)],
            "confidentiality",
        ),
    ],
)
def test_is_this_an_ai_is_this_still_exploitation_and_will_they_know(text, ranking, expected):
    assert _decided(text, *ranking) == expected


def test_a_parent_whose_child_is_safe_now_gets_the_parents_answer_not_a_call_to_police():
    m = _ranked(
        "Ma fille a 13 ans. Le mois passé la police est intervenue. Astheure elle est correcte, mais il essaie encore de la contacter. Comment la protéger?",
        ("nlu_fallback", 0.45),
        ("ask_call_police", 0.4),
        ("victim_services", 0.35),
    )
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "parent_worry"


@pytest.mark.parametrize(
    "text",
    [
        "salut jai 13 ans, lannée passée jai pris des pilules pis jsuis allée à l'hopital. la jvais mieux, je veux pas me faire du mal",
        "jai 13 ans pis jme suis fait mal aux poignets l'hiver passé, ça va mieux astheure",
        "Il y a un an, un gars m'a menacée avec un couteau; la police s'en est occupée. Ça va maintenant, mais je fais encore des cauchemars",
        "mon ancien employeur m'a menacée avec une arme à feu en 2021, c'est fini depuis longtemps",
        "in 2022 my employer cut my arm with knife, police report is done. now i lost the job and cannot pay rent",
    ],
)
def test_past_self_harm_or_weapon_with_well_now_is_not_danger_now(text):
    assert assess(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "je veux me faire du mal",
        "last year i tried to kill myself and tonight i want to kill myself again",
        "he had a knife in 2022 and now he has a gun",
    ],
)
def test_self_harm_or_a_weapon_now_still_fires(text):
    assert assess(text) is not None


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        (
            "y a tu un papier du tribunal qui peut l'empêcher de m'écrire sur insta?",
            [("victim_services", 0.6)],
            "legal_help",
        ),
        ("Elle veut une ordonnance pour qu'il ne puisse plus la contacter.", [("parent_worry", 0.6)], "legal_help"),
        (
            "Métis mom here. My daughter is safe now. I'm looking for Indigenous-led support for her and for me.",
            [("parent_worry", 0.7)],
            "indigenous_support",
        ),
        (
            "J'ai trouvé des messages sur la Xbox de mon fils de 10 ans. Un adulte lui demande des photos. Comment je signale ça?",
            [("report_crime", 0.7)],
            "online_exploitation",
        ),
        (
            "I'm safe, I called the police last week. I just want to speak to a real person about what happens next.",
            [("legal_for_child", 0.5)],
            "contact_person",
        ),
        ("am i talking to a real person?", [("contact_person", 0.5)], "bot_challenge"),
        (
            "je suis en sécurité maintenant. Pendant un an un homme m'a fait travailler dans des salons de massage et gardait tout l'argent. Je veux comprendre mes droits",
            [("safety_plan", 0.7)],
            "trafficking",
        ),
    ],
)
def test_a_court_paper_indigenous_led_help_a_real_person_and_a_childs_xbox(text, ranking, expected):
    assert _decided(text, *ranking) == expected


def test_the_service_after_911_is_what_the_words_name():
    m = _ranked(
        "qqun dans un jeu en ligne demande a ma fille de 9 ans de se filmer dans sa chambre",
        ("emergency", 0.6),
        ("parent_worry", 0.3),
    )
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "emergency"
    assert m.get("safety_net")["classifier_intent"] == "online_exploitation"


def test_a_supervisor_outside_my_trailer_threatening_to_break_my_legs_is_danger():
    t = "my supervisor from the farm is outside my trailer shouting he go break my legs if i not open the door"
    assert assess(t) is not None
    assert assess("il va me casser les jambes si je sors").category == "violence"
    assert assess("il est revenu pis il a un couteau").category == "weapon"


@pytest.mark.parametrize(
    "text,ranking,expected",
    [
        (
            "ma fille de 15 ans a fugué la semaine passée, la police l'a ramenée le lendemain. Elle est à la maison. Je fais quoi?",
            [("emergency", 1.0)],
            "parent_worry",
        ),
        (
            "mon frère de 19 ans a été retrouvé par la police la semaine dernière. Il est à la maison, mais il doit de l'argent à un patron. Comment l'aider?",
            [("emergency", 0.96)],
            "friend_worry",
        ),
        (
            "a guy on discord keeps telling my friend to send vids. shes 13",
            [("friend_worry", 0.8)],
            "online_exploitation",
        ),
        (
            "im 14. if i tell you guys whats going on at home will anyone call my mom or some agency?",
            [("friend_worry", 0.6)],
            "confidentiality",
        ),
        (
            "I reported him last year and nothing came of it. Can I go to court on my own to keep him away from me?",
            [("victim_services", 0.6)],
            "legal_help",
        ),
        (
            "je m'en suis sortie il y a deux ans pis ça va bien, je veux juste savoir comment aider d'autres personnes",
            [("user_safe", 0.5)],
            "user_safe",
        ),
    ],
)
def test_a_child_home_again_vids_asked_on_discord_and_who_calls_my_mom(text, ranking, expected):
    assert _decided(text, *ranking) == expected


def test_a_weapon_seen_with_nobody_hurt_and_no_sign_of_now_is_not_danger_now():
    t = "la police est venue à l'école parce qu'un élève avait un couteau. personne a été blessé pis je suis correct"
    assert assess(t) is None


@pytest.mark.parametrize(
    "text,category",
    [
        (
            "I can hear a man through the wall yelling that he'll 'sell her to them', it's happening right now",
            "violence",
        ),
        ("le boss a frappé mon ami, il dit personne sort de la maison ce soir, on a peur", "confined"),
        ("my coworker just got shoved into the boss truck and they drove off fast", "confined"),
        ("cutting rn. cant stop", "self_harm"),
        ("guy in the car next to me is trying to pull my door open omg", "not_safe"),
        ("theres a man walking behind me for like 4 blocks", "not_safe"),
        ("il menace de monter chez nous à soir, il dit qu'il est dans la rue en bas", "not_safe"),
        ("jsuis dans le sous sol du motel ya un gars qui garde la porte svp", "not_safe"),
    ],
)
def test_danger_found_after_the_last_sealed_set(text, category):
    assert assess(text).category == category


def test_he_no_longer_looks_for_me_is_not_an_intruder():
    assert assess("je me suis sauvée il y a trois jours, il me cherche plus. où aller dormir?") is None
    assert assess("il me cherche partout").category == "intruder"


# ------------------------------------------------------------------ topics over the answer to the story
# A need only its words name (data/safety/needs.yml, category topic) replaces a general answer, and also
# the needs its rule lists in `over`: told with a story of work or exploitation, "I'm in Houston" or "my
# visa expired" is what the answer must be about. Never danger.

TOPIC_OVER_STORY = [
    ("im in houston right now, the agency took my passport and says i owe them", "trafficking", "outside_canada"),
    ("je suis au Maroc en ce moment, l'homme garde mon passeport", "labour_exploitation", "outside_canada"),
    (
        "my student visa expired and he makes me work to pay rent, will they deport me if i call",
        "trafficking",
        "immigration_status",
    ),
    (
        "chu enceinte pis il me fait faire des clients. si je demande de l aide ils vont-tu me prendre mon bébé",
        "trafficking",
        "children_aid_fear",
    ),
    (
        "got raped tuesday, im safe at home, can i still get the morning after pill and get tested",
        "victim_services",
        "sexual_assault_care",
    ),
    (
        "he made me drive girls to hotels. im out now, will they charge me too if i talk to police",
        "trafficking",
        "charged_fear",
    ),
    ("do these services help guys too? the boss keeps our passports", "labour_exploitation", "who_it_helps"),
    ("i'm leaving my abusive husband, is there a shelter that takes kids", "shelter", "women_shelter"),
]


@pytest.mark.parametrize("text, classifier, expected", TOPIC_OVER_STORY)
def test_a_topic_replaces_the_answer_to_the_story_its_rule_lists(text, classifier, expected):
    assert _decided(text, (classifier, 0.9)) == expected


@pytest.mark.parametrize(
    "text, classifier",
    [
        ("im deaf and he is outside my door right now", "trafficking"),  # danger first, whatever the topic
        ("i came from mexico two years ago and my boss keeps my pay", "labour_exploitation"),  # not there now
        ("my boss is from texas and keeps my passport", "labour_exploitation"),
        ("he threatened to take my kids if i leave", "trafficking"),  # the trafficker's threat, not CAS
    ],
)
def test_a_topic_does_not_replace_danger_or_fire_on_near_words(text, classifier):
    assert _decided(text, (classifier, 0.9)) in (classifier, "emergency")


def test_a_topic_the_rule_does_not_list_keeps_the_classifier_answer():
    # the deaf rule does not replace victim services: someone who asks for them by name gets them
    text = "je suis sourde, c'est fini et je suis en sécurité, y a-t-il un service pour les victimes d'actes criminels"
    assert _decided(text, ("victim_services", 0.9)) == "victim_services"


@pytest.mark.parametrize(
    "text",
    [
        "someone controls my whole life and i cant even explain it",
        "quelqu’un contrôle ma vie",
        "je pense que je suis dans une mauvaise situation",
    ],
)
def test_a_short_vague_message_gets_the_question_not_a_guess(text):
    assert _decided(text, ("trafficking", 0.9)) == "unclear"


def test_a_message_with_the_facts_keeps_its_need():
    text = "my boyfriend controls my whole life, he takes all the money from the men he sends me to"
    assert _decided(text, ("trafficking", 0.9)) == "trafficking"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm 14 and stuff with an older guy got kinda weird. can i talk to like a counselor", "youth_support"),
        ("hi im 16, im safe at my grandmas, i just want someone to talk to about it", "youth_support"),
        ("im Cree and i want to talk to someone who gets it", "indigenous_support"),
        ("is there a native helpline", "indigenous_support"),
    ],
)
def test_indigenous_lines_for_who_says_so_not_for_a_guess(text, expected):
    assert _decided(text, ("indigenous_support", 0.7)) == expected


def test_an_unsure_classifier_takes_a_need_its_words_name_among_its_guesses():
    landlord = _ranked(
        "My tenant left ID cards of several young women. I don't think it's a police emergency but I want to "
        "report it somewhere.",
        ("nlu_fallback", 0.45),
        ("safety_plan", 0.27),
        ("report_crime", 0.25),
        ("emergency", 0.05),
    )
    not_guessed = _ranked("I want to report it somewhere", ("nlu_fallback", 0.45), ("safety_plan", 0.3))
    danger_guessed = _ranked(
        "I want to report it somewhere", ("nlu_fallback", 0.45), ("report_crime", 0.3), ("emergency", 0.25)
    )
    SafetyNet().process([landlord, not_guessed, danger_guessed])
    assert landlord.get("intent")["name"] == "report_crime"
    assert not_guessed.get("intent")["name"] == "nlu_fallback"  # words alone, no guess: the question
    assert danger_guessed.get("intent")["name"] != "report_crime"  # a danger guess is not set aside here


def test_a_teen_who_cannot_sleep_gets_someone_to_talk_to_not_victim_services():
    teen = _ranked("j'ai 16 ans, il est parti mais j'arrive pas à dormir, je peux parler à qui?", ("shelter", 0.6))
    adult = _ranked("I'm 34, it's over but I can't sleep since it happened", ("shelter", 0.6))
    SafetyNet().process([teen, adult])
    assert teen.get("intent")["name"] == "youth_support"
    assert adult.get("intent")["name"] == "victim_services"


@pytest.mark.parametrize(
    "text",
    [
        "he's asleep now, i have maybe 10 minutes before he wakes up",
        "j'écris pendant qu'il dort, j'ai genre 5 minutes",
    ],
)
def test_he_is_asleep_in_a_window_before_he_wakes_is_not_safety(text):
    assert not says_safe(text)
    assert says_safe("she's asleep in her room now, but I found messages from an older man")


def test_someone_to_talk_to_is_not_a_bed():
    talk = _ranked("i'm safe now, police took a report. is there someone i can talk to today?", ("shelter", 0.54))
    bed = _ranked("is there someone who can find me a bed tonight", ("shelter", 0.54))
    SafetyNet().process([talk, bed])
    assert talk.get("intent")["name"] == "victim_services"
    assert bed.get("intent")["name"] == "shelter"
