"""Every custom action, run with real rasa-sdk Trackers and rendered by Rasa's own NLG."""

import asyncio
import re

import pytest

from actions import ActionEmergency, ActionRespond, ActionSafetyExit
from bot.shared.needs import table
from tests.conftest import make_tracker

DIGITS = lambda s: re.sub(r"\D", "", s)


def run(action, tracker, dispatcher, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def texts(rendered):
    return "\n".join(m.get("text") or "" for m in rendered)


def buttons(rendered):
    return [b for m in rendered for b in (m.get("buttons") or [])]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_emergency_puts_911_first(lang, dispatcher, domain, render):
    tracker = make_tracker("emergency", "he's outside my door", language=lang, earlier_bot_messages=1)
    run(ActionEmergency(), tracker, dispatcher, domain)
    rendered = render(dispatcher.messages, lang)
    first_line = rendered[0]["text"].splitlines()[0]
    assert "911" in first_line
    assert "8339001010" in DIGITS(texts(rendered))  # then the hotline
    assert "/safety_exit" in [b["payload"] for b in buttons(rendered)]


def test_self_harm_gets_988_after_911(dispatcher, domain, render):
    tracker = make_tracker("self_harm", "i want to kill myself", earlier_bot_messages=1)
    run(ActionEmergency(), tracker, dispatcher, domain)
    text = texts(render(dispatcher.messages, "en"))
    assert text.index("911") < text.index("988")
    assert len(re.findall(r"^•", text, re.M)) <= 4  # focused: at most 4 services


def test_emergency_follow_up_fits_what_the_classifier_understood(dispatcher, domain, render):
    # The safety net forced `emergency`; the classifier had seen a teen asking for help.
    tracker = make_tracker(
        "emergency",
        "im 14 and hes outside my door",
        earlier_bot_messages=1,
        parse_extra={"safety_net": {"category": "intruder", "classifier_intent": "youth_support"}},
    )
    run(ActionEmergency(), tracker, dispatcher, domain)
    text = texts(render(dispatcher.messages, "en"))
    assert text.index("911") < text.index("686868") < text.index("1-833-900-1010")


EXPECTED_NUMBERS = {
    "trafficking": "8339001010",
    "legal_help": "8339001010",
    "youth_support": "686868",
    "parent_worry": "8339001010",
    "victim_services": "8885792888",
    "indigenous_support": "8555544325",
    "job_offer_check": "8339001010",
    "report_crime": "8883101122",
    "nlu_fallback": "8339001010",
    "out_of_scope": "8339001010",
    "shelter": "211",
    "friend_worry": "8339001010",
    "confidentiality": "8339001010",
    "contact_person": "8339001010",
    "labour_exploitation": "8339001010",
    "safety_plan": "8339001010",
    "unclear": "911",
    "other_language": "8339001010",
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("intent,number", sorted(EXPECTED_NUMBERS.items()))
def test_each_need_shows_its_service_in_the_right_language(intent, number, lang, dispatcher, domain, render):
    tracker = make_tracker(intent, "message", language=lang, earlier_bot_messages=1)
    run(ActionRespond(), tracker, dispatcher, domain)
    rendered = render(dispatcher.messages, lang)
    assert number in DIGITS(texts(rendered))
    assert "/safety_exit" in [b["payload"] for b in buttons(rendered)]
    # French in, French out: the French variation was chosen.
    french = any(w in texts(rendered).lower().split() for w in ("tu", "te", "ta", "ton", "une", "pour", "est"))
    assert french == (lang == "fr")


def test_online_exploitation_names_cybertip_in_english_and_cyberaide_in_french(dispatcher, domain, render):
    run(ActionRespond(), make_tracker("online_exploitation", "x", language="en"), dispatcher, domain)
    assert "cybertip.ca" in texts(render(dispatcher.messages, "en")).lower()
    d2 = type(dispatcher)()
    run(ActionRespond(), make_tracker("online_exploitation", "x", language="fr"), d2, domain)
    assert "cyberaide.ca" in texts(render(d2.messages, "fr")).lower()


def test_legal_answer_explains_the_order_and_the_first_step(dispatcher, domain, render):
    run(ActionRespond(), make_tracker("legal_help", "restraining order?", earlier_bot_messages=1), dispatcher, domain)
    text = texts(render(dispatcher.messages, "en")).lower()
    for fact in ("restraining order", "no criminal case", "free", "1-833-900-1010"):
        assert fact in text


def test_audience_changes_the_resources_and_is_remembered(dispatcher, domain, render):
    tracker = make_tracker("job_offer_check", "im 15 and a guy on insta offered me a modelling job")
    events = run(ActionRespond(), tracker, dispatcher, domain)
    assert {"event": "slot", "name": "audience", "value": "teen"}.items() <= events[0].items()
    assert "686868" in DIGITS(texts(render(dispatcher.messages, "en")))


def test_more_options_in_french_adds_a_french_language_service(dispatcher, domain, render):
    tracker = make_tracker("more_options", "autres options", language="fr", earlier_bot_messages=1)
    run(ActionRespond(), tracker, dispatcher, domain)
    assert "8773362433" in DIGITS(texts(render(dispatcher.messages, "fr")))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_other_options_as_the_first_message_asks_first(lang, dispatcher, domain, render):
    run(ActionRespond(), make_tracker("more_options", "dont know who else to ask", language=lang), dispatcher, domain)
    assert dispatcher.messages[0]["response"] == table().needs["nlu_fallback"].response
    assert "911" in texts(render(dispatcher.messages, lang))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_first_answer_says_how_to_leave_fast_and_later_answers_do_not_repeat_it(lang, domain, render):
    from rasa_sdk.executor import CollectingDispatcher

    first, later = CollectingDispatcher(), CollectingDispatcher()
    run(ActionRespond(), make_tracker("greet", "hi", language=lang), first, domain)
    run(ActionRespond(), make_tracker("greet", "hi", language=lang, earlier_bot_messages=2), later, domain)
    assert first.messages[-1]["response"] == "utter_exit_hint"
    assert "utter_exit_hint" not in [m.get("response") for m in later.messages]
    hint = render(first.messages, lang)[-1]["text"].lower()
    assert ("exit" in hint) if lang == "en" else ("quitter" in hint)


def test_every_need_in_the_table_renders_in_both_languages(domain, render):
    from rasa_sdk.executor import CollectingDispatcher

    for intent in table().needs:
        for lang in ("en", "fr"):
            d = CollectingDispatcher()
            run(ActionRespond(), make_tracker(intent, "x", language=lang), d, domain)
            rendered = render(d.messages, lang)
            assert all(m and m.get("text") for m in rendered), intent
            assert not re.search(r"\{\w+\}", texts(rendered)), intent  # every placeholder filled


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_safety_exit_asks_for_deletion_and_replies_briefly_without_resources(lang, dispatcher, domain, render):
    events = run(ActionSafetyExit(), make_tracker("safety_exit", "/safety_exit", language=lang), dispatcher, domain)
    assert events == [{"event": "slot", "timestamp": None, "name": "erase_conversation", "value": True}]
    text = texts(render(dispatcher.messages, lang))
    assert len(text) <= 300 and not re.search(r"\d{3}", text)


def test_a_parent_writing_about_their_child_gets_the_parents_answer(dispatcher, domain, render):
    tracker = make_tracker("youth_support", "my kid has a second phone and talks to some older guy all night")
    run(ActionRespond(), tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_parent_worry"
    assert "8339001010" in DIGITS(texts(render(dispatcher.messages, "en")))


@pytest.mark.parametrize("intent", ["nlu_fallback", "unclear"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_when_unsure_it_asks_if_they_are_safe_names_911_and_offers_topics(intent, lang, dispatcher, domain, render):
    run(ActionRespond(), make_tracker(intent, "idk", language=lang, earlier_bot_messages=1), dispatcher, domain)
    rendered = render(dispatcher.messages, lang)
    text = texts(rendered)
    assert re.search(r"\b911\b", text)
    assert re.search(r"Are you safe right now\?" if lang == "en" else r"Êtes-vous en sécurité en ce moment \?", text)
    payloads = [b["payload"] for b in buttons(rendered)]
    assert payloads[:2] == ["/user_safe", "/emergency"]  # Yes / No
    assert {"/trafficking", "/friend_worry", "/contact_person", "/safety_exit"} <= set(payloads)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_yes_i_am_safe_leads_to_the_topics(lang, dispatcher, domain, render):
    run(
        ActionRespond(),
        make_tracker("user_safe", "/user_safe", language=lang, earlier_bot_messages=1),
        dispatcher,
        domain,
    )
    payloads = [b["payload"] for b in buttons(render(dispatcher.messages, lang))]
    assert {"/trafficking", "/parent_worry", "/friend_worry", "/legal_help", "/safety_exit"} <= set(payloads)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_first_answer_says_it_is_automated(lang, dispatcher, domain, render):
    run(ActionRespond(), make_tracker("trafficking", "x", language=lang), dispatcher, domain)
    text = texts(render(dispatcher.messages, lang))
    assert ("automated assistant, not a person" if lang == "en" else "assistant automatisé, pas une personne") in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_danger_to_someone_else_speaks_to_the_parent_911_first_then_the_hotline(lang, dispatcher, domain, render):
    tracker = make_tracker(
        "emergency",
        "my daughter left with a man and is not answering",
        language=lang,
        earlier_bot_messages=1,
        parse_extra={"safety_net": {"rule": "someone_else", "classifier_intent": "parent_worry"}},
    )
    run(ActionEmergency(), tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_emergency_other"
    text = texts(render(dispatcher.messages, lang))
    assert text.index("911") < text.index("1-833-900-1010")
    assert ("missing" in text) if lang == "en" else ("disparue" in text)


@pytest.mark.parametrize("lang,words", [("en", "children's aid"), ("fr", "aide à l'enfance")])
def test_confidentiality_is_honest_about_children_s_aid(lang, words, dispatcher, domain, render):
    run(
        ActionRespond(),
        make_tracker("confidentiality", "will they tell my parents", language=lang, earlier_bot_messages=1),
        dispatcher,
        domain,
    )
    text = texts(render(dispatcher.messages, lang))
    assert words in text
    assert "686868" in DIGITS(text) and "8339001010" in DIGITS(text)


@pytest.mark.parametrize("lang,words", [("en", "whatever your immigration status"), ("fr", "peu importe votre statut")])
def test_labour_exploitation_says_the_hotline_helps_whatever_the_status(lang, words, dispatcher, domain, render):
    run(
        ActionRespond(),
        make_tracker("labour_exploitation", "boss has my work permit", language=lang, earlier_bot_messages=1),
        dispatcher,
        domain,
    )
    assert words in texts(render(dispatcher.messages, lang))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_another_language_gets_the_interpreters_in_both_languages(lang, dispatcher, domain, render):
    run(
        ActionRespond(),
        make_tracker("other_language", "necesito ayuda", language=lang, earlier_bot_messages=1),
        dispatcher,
        domain,
    )
    text = texts(render(dispatcher.messages, lang))
    assert "911" in text and "1-833-900-1010" in text
    assert "En français" in text if lang == "en" else "In English" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_suicidal_teen_gets_911_988_and_kids_help_phone_and_an_acknowledgement(lang, dispatcher, domain, render):
    text = "im 15 and i want to kill myself" if lang == "en" else "j'ai 15 ans et je veux mourir"
    run(ActionEmergency(), make_tracker("self_harm", text, language=lang, earlier_bot_messages=1), dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_emergency_self_harm"
    rendered = texts(render(dispatcher.messages, lang, address="tu"))  # "j'ai 15 ans": AddressPolicy says tu
    digits = DIGITS(rendered)
    assert rendered.index("911") < rendered.index("988") and "686868" in digits and "8339001010" not in digits
    assert ("What you're feeling is real" if lang == "en" else "Ce que tu ressens est réel") in rendered


@pytest.mark.parametrize(
    "lang, words",
    [("en", "I can't call anyone or see where you are"), ("fr", "Je ne peux appeler personne ni voir où vous êtes")],
)
def test_the_emergency_answer_says_honestly_that_it_cannot_call(lang, words, dispatcher, domain, render):
    run(
        ActionEmergency(),
        make_tracker("ask_call_police", "call the police for me", language=lang, earlier_bot_messages=1),
        dispatcher,
        domain,
    )
    rendered = texts(render(dispatcher.messages, lang))
    assert words in rendered and rendered.index("911") < rendered.index(words)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_legal_answer_adds_whether_the_lawyers_are_open(lang, dispatcher, domain, render):
    run(
        ActionRespond(),
        make_tracker("legal_help", "restraining order", language=lang, earlier_bot_messages=1),
        dispatcher,
        domain,
    )
    assert [m["response"] for m in dispatcher.messages][1] in ("utter_open_now", "utter_opens_at")
    assert ("restraining order" if lang == "en" else "ordonnance interdictive") in texts(
        render(dispatcher.messages, lang)
    )


def test_no_answer_tells_a_young_person_they_decide_what_happens_next(domain):
    for name, variations in domain["responses"].items():
        for v in variations:
            assert "you decide what happens next" not in v["text"] and "décides de la suite" not in v["text"], name


@pytest.mark.parametrize("intent", ["what_happens_call", "contact_person"])
@pytest.mark.parametrize("lang, words", [("en", "children's aid"), ("fr", "aide à l'enfance")])
def test_a_person_now_says_honestly_when_children_s_aid_may_be_told(intent, lang, words, dispatcher, domain, render):
    run(ActionRespond(), make_tracker(intent, "x", language=lang, earlier_bot_messages=1), dispatcher, domain)
    assert words in texts(render(dispatcher.messages, lang))


@pytest.mark.parametrize("lang, words", [("en", "children's aid"), ("fr", "aide à l'enfance")])
def test_the_youth_answer_does_not_promise_confidentiality_without_its_exception(
    lang, words, dispatcher, domain, render
):
    run(
        ActionRespond(),
        make_tracker("youth_support", "im 13 and need to talk", language=lang, earlier_bot_messages=1),
        dispatcher,
        domain,
    )
    assert words in texts(render(dispatcher.messages, lang))


def test_a_parent_asking_about_a_child_online_gets_the_parents_answer_with_cybertip(dispatcher, domain, render):
    tracker = make_tracker(
        "online_exploitation",
        "mon gars de 13 ans reçoit des cartes cadeaux d'un inconnu d'un jeu",
        language="fr",
        earlier_bot_messages=1,
    )
    run(ActionRespond(), tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_parent_worry"
    assert "cyberaide.ca" in texts(render(dispatcher.messages, "fr")).lower()


def test_je_suis_la_mere_is_a_parent():
    from actions.base import audience_from_text

    assert audience_from_text("bonjour je suis la mère d'un gars de 14 ans") == "parent"


def _after_question(text, question="me_2"):
    """A tracker whose last bot message is the signs check's question `question`, then the user typed `text`."""
    tracker = make_tracker(
        "affirm" if text.startswith(("y", "o")) else "nlu_fallback", text, language="fr", earlier_bot_messages=1
    )
    nxt = {"me_2": "me_3", "me_3": "me_clear"}[question]
    tracker.events.insert(
        -1,
        {
            "event": "bot",
            "text": "Question",
            "data": {
                "buttons": [
                    {"title": "Oui", "payload": '/signs_check{"step":"me_sign"}'},
                    {"title": "Non", "payload": f'/signs_check{{"step":"{nxt}"}}'},
                    {"title": "Sortie rapide", "payload": "/safety_exit"},
                ]
            },
        },
    )
    return tracker


@pytest.mark.parametrize(
    "typed, response",
    [
        ("oui", "utter_signs_me_sign"),
        ("yes", "utter_signs_me_sign"),
        ("non", "utter_signs_me_3"),
        ("nope", "utter_signs_me_3"),
        ("ok", "utter_affirm"),
    ],
)
def test_a_signs_question_answered_by_typing_yes_or_no_goes_on(typed, response, dispatcher, domain):
    tracker = _after_question(typed)
    if typed == "ok":
        tracker.latest_message["intent"]["name"] = "affirm"
    run(ActionRespond(), tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == response


def test_a_signs_step_button_gets_its_step_and_the_path_s_services(dispatcher, domain, render):
    tracker = make_tracker(
        "signs_check",
        '/signs_check{"step":"child_sign"}',
        language="fr",
        earlier_bot_messages=1,
        parse_extra={"entities": [{"entity": "step", "value": "child_sign"}]},
    )
    run(ActionRespond(), tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_signs_child_sign"
    text = texts(render(dispatcher.messages, "fr"))
    assert "n'affrontez pas" in text and "8339001010" in DIGITS(text) and "Cyberaide" in text
    assert "/safety_exit" in [b["payload"] for b in buttons(render(dispatcher.messages, "fr"))]


def test_who_said_who_they_are_earlier_stays_so_over_the_need_s_guess(dispatcher, domain, render):
    # "hi im 14" earlier (audience teen), then a story the trafficking answer guesses is a survivor's
    tracker = make_tracker("trafficking", "she says i can make money at parties", audience="teen")
    events = run(ActionRespond(), tracker, dispatcher, domain)
    assert "686868" in DIGITS(texts(render(dispatcher.messages, "en")))  # Kids Help Phone, for a teen
    assert not any(e.get("name") == "audience" and e.get("value") == "survivor" for e in events)
