"""The needs added on 2026-12-07 (seven, then a shelter for women leaving violence): each answer says its key facts, in English and in French ("tu"
and "vous"), shows only verified numbers, and keeps its first bubble short enough for a phone.

Like tests/test_words_review.py, the tests read the meaning (a few words per fact), not a sentence word
for word: staff can reword an answer as long as it still says the right thing. The facts and their
sources are in data/resources.yml (comments and `source_url`) and in the comments above each answer
in domain.yml.
"""

from __future__ import annotations

import asyncio
import re

import pytest
import yaml

from actions import ActionRespond
from bot.shared import directory
from bot.shared.needs import table
from tests.conftest import ROOT, make_tracker

NEW_NEEDS = (
    "outside_canada",
    "immigration_status",
    "children_aid_fear",
    "deaf_access",
    "professional_duty",
    "sexual_assault_care",
    "charged_fear",
    "women_shelter",
)
NEW_SERVICES = (
    "us_nhth",
    "ircc_trp",
    "t911",
    "sadv_centres",
    "legal_aid_criminal",
    "law_society_referral",
    "sheltersafe",
)

# (language, French address, audience): English, a teen in French ("tu"), an adult in French ("vous").
READERS = {"en": ("en", None, None), "tu": ("fr", "tu", "teen"), "vous": ("fr", "vous", None)}

# Numbers that must never be shown: not found on a primary page, or replaced.
NEVER_SHOWN = {
    "18668630511": "Assaulted Women's Helpline: not found on a primary page",
    "18339999211": "old Ontario helpline, replaced",
    "18559475255": "Law Society crisis line: the toll-free number is cut off on the stored primary page",
    "4169475255": "Law Society crisis line: kept out with the toll-free one",
}
# As dialled (bot check's formats), and the short numbers; "200+ languages" is not a number to call.
PHONE_LIKE = re.compile(r"(?<![\d-])(?:1-8\d\d-\d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{6}|911|988|211|711)(?![\d-])")

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def answer(intent: str, reader: str, dispatcher_type, domain, render) -> list[str]:
    """The bubbles a reader gets for this need, rendered as the Rasa server would."""
    lang, address, audience = READERS[reader]
    dispatcher = dispatcher_type()
    tracker = make_tracker(intent, "message", language=lang, audience=audience, earlier_bot_messages=1)
    asyncio.run(ActionRespond().run(dispatcher, tracker, domain))
    return [m.get("text") or "" for m in render(dispatcher.messages, lang, address=address)]


@pytest.fixture
def said(dispatcher, domain, render):
    def _said(intent: str, reader: str) -> str:
        return answer(intent, reader, type(dispatcher), domain, render)[0]

    return _said


def intro(bubble: str) -> str:
    """What the reader sees before the list of services."""
    return bubble.split("\n\n")[0]


def has(body: str, *patterns: str) -> None:
    for pattern in patterns:
        assert re.search(pattern, body, re.I), f"{pattern!r} not in:\n{body}"


# ------------------------------------------------------------------ wiring


@pytest.mark.parametrize("intent", NEW_NEEDS)
def test_each_new_need_has_an_answer_in_english_and_french_tu_and_vous(intent):
    need = table().needs[intent]
    kinds = set()
    for v in DOMAIN["responses"][need.response]:
        conditions = {c["name"]: c["value"] for c in v.get("condition") or []}
        kinds.add(conditions.get("address") or conditions.get("language") or "en")
        assert "/safety_exit" in [b["payload"] for b in v["buttons"]], "the quick exit"
    assert kinds == {"en", "tu", "vous"}
    assert intent in DOMAIN["intents"]


@pytest.mark.parametrize("service", NEW_SERVICES)
def test_each_new_service_is_verified_sourced_and_checked(service):
    entry = directory.directory()[service]
    assert entry.status == "verified" and entry.showable
    assert entry.source_url.startswith("https://") and entry.checked_on == "2026-12-07"


# ------------------------------------------------------------------ short, and only verified numbers


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("intent", NEW_NEEDS)
def test_the_first_bubble_fits_a_phone_screen_before_the_list(intent, reader, said):
    limit = 320 if reader == "en" else 350  # French runs about 10% longer
    assert len(intro(said(intent, reader))) <= limit


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("intent", NEW_NEEDS)
def test_every_number_shown_belongs_to_a_verified_service_and_none_is_unverified(
    intent, reader, dispatcher, domain, render
):
    bubbles = "\n".join(answer(intent, reader, type(dispatcher), domain, render))
    digits = re.sub(r"\D", "", bubbles)
    for number, why in NEVER_SHOWN.items():
        assert number not in digits, why
    lang, _, audience = READERS[reader]
    shown = directory.showable(table().needs[intent].resource_ids(audience, lang))
    assert all(e.status == "verified" for e in shown if e.id in NEW_SERVICES)
    known = {
        re.sub(r"\D", "", str(n)) for e in directory.directory().values() if e.showable for n in e.contact.values()
    }
    known |= {"711"}  # the U.S. hotline's TTY (relay), named in its own text
    for number in PHONE_LIKE.findall(bubbles):
        assert re.sub(r"\D", "", number) in known, number


def test_no_tty_number_is_invented_for_the_hotline():
    """The hotline offers TTY, but no TTY number was found: none is shown, the answer says to ask for it."""
    chth = directory.directory()["chth"]
    assert set(chth.contact) == {"phone", "web"}
    for key, body in ((k, v) for k, v in variation_texts("utter_deaf_access").items()):
        tty = [s for s in re.split(r"(?<=[.:;])\s+", body) if re.search(r"\bTTY\b|\bATS\b", s)]
        assert tty and not any(re.search(r"\d{3}", s) for s in tty), (key, tty)
        assert re.search(r"ask for TTY|demandez?-le", body), key


def variation_texts(response: str) -> dict[str, str]:
    out = {}
    for v in DOMAIN["responses"][response]:
        conditions = {c["name"]: c["value"] for c in v.get("condition") or []}
        out[conditions.get("address") or conditions.get("language") or "en"] = v["text"]
    return out


# ------------------------------------------------------------------ the facts, need by need


@pytest.mark.parametrize("reader", READERS)
def test_outside_canada_gives_the_us_hotline_and_the_local_emergency_number_not_911(reader, said):
    body = said("outside_canada", reader)
    has(body, r"1-888-373-7888", r"233733", r"humantraffickinghotline\.org")
    has(intro(body), r"local emergency number|numéro d'urgence du pays")
    has(intro(body), r"people in Canada|pour le Canada")
    assert not re.search(r"\b911\b", body), "911 is not the emergency number everywhere"


@pytest.mark.parametrize("reader", READERS)
def test_immigration_status_consent_with_its_legal_exceptions_and_the_ircc_permit(reader, said):
    body = said("immigration_status", reader)
    has(intro(body), r"not immigration or the police|ni l'immigration ni la police")
    has(intro(body), r"consent|accord", r"unless the law requires|sauf si la loi l'exige")
    has(intro(body), r"child|enfant", r"immediate danger|danger immédiat")
    has(body, r"IRCC", r"at least 12 months|au moins 12 mois", r"No fee|Sans frais")
    has(body, r"Interim Federal Health Program|Programme fédéral de santé intérimaire")
    has(body, r"testify|témoigner")
    assert not re.search(r"180", body), "the old permit length"


@pytest.mark.parametrize("reader", READERS)
def test_children_aid_fear_says_what_a_society_does_promises_nothing_and_names_a_lawyer(reader, said):
    body = said("children_aid_fear", reader)
    has(intro(body), r"supports families|soutient aussi les familles")
    has(intro(body), r"stay safely|restent en sécurité")
    has(intro(body), r"can't be safe at home|ne peut pas être en sécurité")
    has(intro(body), r"can't promise|ne peux pas promettre")
    has(intro(body), r"lawyer|avocat")
    has(body, r"1-800-668-8258", r"1-833-900-1010")
    assert not re.search(r"won't take|will not take|ne (?:va|vont) pas (?:prendre|retirer)|never", body, re.I)


@pytest.mark.parametrize("reader", READERS)
def test_deaf_access_register_first_dial_a_text_to_911_does_not_work_chat_and_tty(reader, said):
    body = said("deaf_access", reader)
    has(intro(body), r"register|inscri", r"Text with 9-1-1|Texto au 9-1-1")
    has(intro(body), r"chat|clavardage", r"English and French|français, anglais", r"\bTTY\b|\bATS\b")
    has(body, r"dial 911|composer le 911", r"text sent to 911 does not work|texto envoyé au 911 ne fonctionne pas")
    has(body, r"Not available everywhere|Pas encore offert partout")


@pytest.mark.parametrize("reader", READERS)
def test_professional_duty_everyone_under_16_may_at_16_17_none_for_an_adult(reader, said):
    body = said("professional_duty", reader)
    text = intro(body)
    has(text, r"everyone|chacun", r"children's aid society|société d'aide à l'enfance")
    has(text, r"reasonable grounds to suspect|motif raisonnable de soupçonner", r"under 16|moins de 16")
    has(text, r"16 (?:or|ou) 17", r"may report|peux signaler|pouvez signaler", r"don't have to|sans obligation")
    has(text, r"adult", r"no such duty|aucune obligation", r"consent|accord")
    has(body, r"\b911\b", r"1-833-900-1010")
    assert not re.search(r"only professionals|seulement les professionnels", body, re.I)


@pytest.mark.parametrize("reader", READERS)
def test_sexual_assault_care_the_hospital_centres_and_the_police_choice_of_an_adult(reader, said):
    body = said("sexual_assault_care", reader)
    has(intro(body), r"not your fault|pas de (?:ta|votre) faute", r"24/7|24 h/24")
    # 911 for danger or an injury, after the services: a safe person's answer is not buried under it
    has(body, r"\b911\b")
    assert not re.search(r"\b911\b", intro(body)), "911 before the centres buries the answer"
    has(intro(body), r"adult", r"police")
    has(body, r"sadvtreatmentcentres\.ca", r"72")
    centres = directory.directory()["sadv_centres"]
    for lang in ("en", "fr"):
        # not said on purpose: "free" (secondary source only) and how many centres (35, 36 or 37)
        assert not re.search(r"free|gratuit|\b3[5-7]\b", centres.render(lang), re.I)


@pytest.mark.parametrize("reader", READERS)
def test_charged_fear_no_blame_no_promise_a_lawyer_and_the_hotline_is_not_the_police(reader, said):
    body = said("charged_fear", reader)
    has(intro(body), r"part of how trafficking works|partie de leurs méthodes")
    has(intro(body), r"can't tell you if|ne peux pas (?:te|vous) dire si")
    has(intro(body), r"lawyer|avocat", r"not the police|pas la police")
    has(body, r"1-800-668-8258", r"criminal|criminel")
    if reader != "tu":  # a teen gets Kids Help Phone in place of the referral service
        has(body, r"lso\.ca", r"30 minutes")
    for blame in (r"your fault|ta faute|votre faute", r"you (?:won't|will not) be charged|ne ser(?:as|ez) pas accusé"):
        assert not re.search(blame, intro(body), re.I), blame


def test_after_911_the_treatment_centres_or_text_with_911_follow():
    follow = table().emergency_follow_up
    assert follow["sexual_assault_care"] == "sadv_centres" and follow["deaf_access"] == "t911"


def test_a_teen_gets_kids_help_phone_where_it_helps_and_an_adult_never_does():
    for intent in ("immigration_status", "deaf_access", "sexual_assault_care", "charged_fear"):
        need = table().needs[intent]
        assert "kids_help_phone" in need.resource_ids("teen", "en"), intent
        for audience in (None, "parent", "survivor"):
            assert "kids_help_phone" not in need.resource_ids(audience, "en"), (intent, audience)


def _resources_shown(intent: str, audience: str | None) -> list[str]:
    return [e.id for e in directory.showable(table().needs[intent].resource_ids(audience, "en"))]


def test_each_need_shows_its_own_services():
    assert _resources_shown("outside_canada", None) == ["us_nhth", "chth"]
    assert _resources_shown("immigration_status", None) == ["chth", "ircc_trp"]
    assert _resources_shown("children_aid_fear", None) == ["legal_aid", "chth", "victim_support_line"]
    assert _resources_shown("deaf_access", None) == ["chth", "t911"]
    assert _resources_shown("professional_duty", None) == ["chth"]
    assert _resources_shown("sexual_assault_care", None) == ["sadv_centres", "victim_support_line", "chth"]
    assert _resources_shown("charged_fear", None) == ["legal_aid_criminal", "law_society_referral", "chth"]


@pytest.mark.parametrize("reader", READERS)
def test_women_shelter_the_shelters_map_no_bed_promised_and_no_unverified_helpline(reader, said):
    body = said("women_shelter", reader)
    has(intro(body), r"women and children|femmes et enfants", r"24/7|24 h/24")
    has(intro(body), r"without staying|sans y rester")
    has(intro(body), r"isn't guaranteed|pas garantie")
    has(body, r"sheltersafe\.ca", r"\b211\b|2-1-1", r"1-833-900-1010")
    # the Assaulted Women's Helpline: no stored page of the service showed its number
    assert not re.search(r"Assaulted Women|863-0511", body), "an unverified helpline"
    assert not re.search(r"\b911\b", intro(body))
