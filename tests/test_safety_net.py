"""The rule-based safety net: danger in either language, typos included, forces `emergency`."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_net import SafetyNet
from bot.safety.danger import assess
from bot.safety.quick_exit import is_exit_request

DANGER = [
    "he's outside my door", "hes outsde my dor", "he is outside my door right now", "there's a guy outside my door",
    "he just broke down the door, what do i do", "someone is trying to break in",
    "he has a gun", "he got a knife", "my pimp is strapped",
    "they locked me in", "they lockd me in the room", "i'm locked in", "they won't let me leave",
    "they wont let me go home", "i can't get out", "im trapped", "they're keeping me here",
    "he's going to kill me", "hes gonna kill me", "he is hitting me", "he just hit me", "im bleeding",
    "i'm not safe right now", "i dont feel safe", "im in danger", "help me now", "send help", "call 911",
    "he found me", "my pimp is coming to get me", "someone is following me right now",
    "il est devant ma porte", "il a une arme", "ya un gars avec un couteau", "il vient de défoncer la porte",
    "je suis enfermée", "jsuis enfermee dans la chambre", "ils ne me laissent pas sortir", "je peux pas sortir",
    "il va me tuer", "il me frappe", "je ne suis pas en sécurité", "chu pas en securite", "au secours",
    "il m'a trouvée", "on me suit", "ya quelqu'un devant ma porte", "je suis en danger", "aidez moi vite",
]
SELF_HARM = ["i want to kill myself", "i wanna die", "thinking about suicide", "kms", "je veux me tuer",
             "j'ai envie de mourir", "je veux en finir", "i want to end my life"]
SAFE = [
    "I'm safe now", "im safe now", "i am safe", "I'm not in danger", "i'm not in danger but i need advice",
    "je suis en sécurité maintenant", "je ne suis plus en danger", "je suis en securite",
    "hello", "bonjour", "my boss keeps my passport", "they say I owe them", "my boyfriend makes me see clients",
    "a guy on insta offered me a modelling job", "how do I get a restraining order", "is this modelling offer sketchy?",
    "someone's threatening to share my pics", "he takes all my money", "il prend tout mon argent",
    "im 15 and need someone to talk to", "mon patron garde mon passeport", "what happens when i call",
    "can I leave my job if they paid for my flight", "my daughter's boyfriend is much older",
    "i got out last year", "what's your favourite movie", "ils disent que je leur dois de l'argent",
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
    assert wrong.get("safety_net") == {"rule": "intruder", "classifier_intent": "greet"}
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


@pytest.mark.parametrize("text", ["je veux sortir de cette situation", "how do i exit the life", "I want to quit my job"])
def test_exit_words_inside_a_sentence_are_not_an_exit(text):
    assert not is_exit_request(text)


def test_a_past_event_with_no_danger_now_gets_the_need_not_911():
    m = _ranked("someone attacked me a few weeks ago, where do i get support", ("emergency", 0.55), ("victim_services", 0.4))
    SafetyNet().process([m])
    assert m.get("intent")["name"] == "victim_services"


def test_a_past_event_does_not_hide_danger_now():
    assert assess("he beat me two years ago and now hes outside my door") is not None


def test_a_long_message_that_opens_with_hello_is_about_what_follows():
    from bot.nlu.small_talk_filter import SmallTalkFilter

    m = _ranked("Bonjour. Ma nièce a un chum beaucoup plus vieux qui lui paie tout", ("greet", 0.6), ("parent_worry", 0.3))
    short = _message("bonjour toi", "greet")
    SmallTalkFilter().process([m, short])
    assert m.get("intent")["name"] == "parent_worry"
    assert short.get("intent")["name"] == "greet"
