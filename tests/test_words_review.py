"""Issue 18, the words and the facts: what the answers say must not put anyone at risk, and must be true.

Each test reads the texts themselves (domain.yml, data/channel_texts.yml, data/resources.yml, web/)
and checks their meaning in every variation (English, French "tu", French "vous"), not a sentence
word for word, so staff can reword an answer as long as it still says the right thing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import yaml

from actions import ActionEmergency, ActionRespond
from bot.shared.texts import text
from tests.conftest import ROOT, make_tracker

PHONE_TRACES = "utter_phone_traces"  # actions/base.py

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESOURCES = {
    r["id"]: r for r in yaml.safe_load((ROOT / "data" / "resources.yml").read_text(encoding="utf-8"))["resources"]
}
WEB = ROOT / "web"


def variations(response: str) -> dict[str, str]:
    """{"en": ..., "tu": ..., "vous": ...} (or "fr" for an answer with one French variation)."""
    out = {}
    for v in DOMAIN["responses"][response]:
        conditions = {c["name"]: c["value"] for c in v.get("condition") or []}
        key = conditions.get("address") or conditions.get("language") or "en"
        if "channel" not in v:
            out[key] = v["text"]
    return out


def all_variations(response: str) -> list[str]:
    return list(variations(response).values())


def sentences(body: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:;])\s+|\n+", body) if s.strip()]


def first(pattern: str, body: str) -> int:
    found = re.search(pattern, body, re.I)
    return found.start() if found else -1


def run(action, tracker, dispatcher, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def joined(rendered) -> str:
    return "\n".join(m.get("text") or "" for m in rendered)


DELETE = r"\b(delet\w*|eras\w*|effac\w*|suppr\w*)"


# ------------------------------------------------------------------ 1. could hurt someone


@pytest.mark.parametrize("key", ["en", "tu", "vous"])
def test_phone_step_warns_first_and_never_tells_to_delete_his_messages_or_threats(key):
    body = variations("utter_safety_plan_phone")[key]
    warning = first(r"alert", body)
    assert 0 <= warning < first(DELETE, body), "the warning comes before any advice to delete or change"
    assert warning < first(r"password|mots? de passe", body)
    for sentence in sentences(body):
        if re.search(DELETE, sentence, re.I):
            # only the traces of reaching out: this chat, a call to the hotline
            assert re.search(r"chat|clavardage|conversation|hotline|ligne", sentence, re.I), sentence
            assert not re.search(r"messages?|threats?|menaces?|texto", sentence, re.I), sentence
    keep = [
        s for s in sentences(body) if re.search(r"\b(keep|gardez?)\b", s, re.I) and re.search(r"threat|menace", s, re.I)
    ]
    assert keep, "his messages and threats are evidence: keep them"
    assert re.search(r"safe|sans danger", keep[0], re.I), "only if it is safe"
    assert re.search(r"screenshot|capture", body, re.I) and re.search(r"trust|confiance", body, re.I)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_telegram_start_says_truthfully_what_the_exit_deletes_and_how_to_leave_fewer_traces(lang):
    start = text("telegram_start_exit", lang)
    assert "48" in start, "the Bot API deletes only messages under 48 hours old"
    assert not re.search(r"every message|tous les messages", start, re.I)
    assert re.search(r"chat list|liste des conversations", start, re.I), "the chat stays in the list"
    assert re.search(r"preview|aperçu", start, re.I), "notification previews remain"
    tip = text("telegram_privacy_tip", lang)
    assert re.search(r"auto-delete|suppression automatique", tip, re.I)
    assert re.search(r"preview|aperçu", tip, re.I), "how to hide previews"
    assert re.search(r"press and hold it, then Delete|appui long dessus, puis Supprimer", tip), "how to delete the chat"


class _Sent:
    def __init__(self, message_id: int) -> None:
        self.message_id = message_id


class _Bot:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_message(self, chat_id, body, **kwargs):
        self.sent.append(body)
        return _Sent(len(self.sent))

    async def delete_messages(self, chat_id, ids):
        return True


class _App:
    def __init__(self) -> None:
        self.bot = _Bot()
        self.job_queue = self

    def run_once(self, callback, delay, name=None):
        return object()


def _bridge():
    from bot.channels.telegram.bridge import Bridge
    from bot.channels.telegram.config import Config

    bridge = Bridge(Config.from_env({"TELEGRAM_BOT_TOKEN": "7000000001:AAFake_x", "TELEGRAM_SENDER_SECRET": "s" * 32}))
    bridge.app = _App()
    return bridge


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_after_a_telegram_exit_only_one_neutral_line_and_the_tip_comes_at_start(lang):
    bridge = _bridge()
    sender = bridge.sender(42)
    for _ in range(2):  # the first exit as every later one
        asyncio.run(bridge.erase(42, sender, lang, assistant_done=True))
    assert bridge.app.bot.sent == [text("telegram_erased", lang)] * 2

    async def greeted(*args, **kwargs):
        return lang

    bridge.converse = greeted
    asyncio.run(bridge.command(42, sender, "/start", None, lang))
    assert text("telegram_privacy_tip", lang) in bridge.app.bot.sent[-1]


@pytest.mark.parametrize("page", ["index.html", "index.fr.html"])
def test_web_pages_do_not_say_nothing_is_kept_and_say_what_stays(page):
    html = (WEB / page).read_text(encoding="utf-8")
    assert not re.search(r"nothing is kept|rien n'est gardé", html)
    assert re.search(r"history|historique", html) and re.search(r"call or message log|liste des appels", html)
    assert re.search(r'href="safety(\.fr)?\.html#traces"', html), "links to how to delete them"


@pytest.mark.parametrize("page", ["safety.html", "safety.fr.html"])
def test_safety_pages_say_how_to_delete_the_history_and_the_call_or_text(page):
    html = (WEB / page).read_text(encoding="utf-8")
    traces = html[html.index('id="traces"') :]
    assert re.search(r"This page.{0,80}History|Cette page.{0,120}historique", traces, re.S)
    assert re.search(r"delete that call|effacer ensuite cet appel", traces)


@pytest.mark.parametrize("response", ["utter_friend_worry", "utter_helper_avoid"])
def test_helping_someone_never_confront_the_person_exploiting_them(response):
    for body in all_variations(response):
        confront = [s for s in sentences(body) if re.search(r"confront|affront", s, re.I)]
        assert confront, body
        for sentence in confront:
            assert re.search(r"exploit", sentence, re.I), sentence  # the suspect, not the friend
            assert not re.search(r"worried about|qui (t|vous)'inquiète", sentence), sentence


def test_a_number_to_call_comes_once_per_conversation_with_how_to_delete_the_call(dispatcher, domain, render):
    run(ActionRespond(), make_tracker("trafficking", "he takes my money"), dispatcher, domain)
    names = [m.get("response") for m in dispatcher.messages]
    assert names[0] == "utter_trafficking" and PHONE_TRACES in names, names
    rendered = render(dispatcher.messages, "en")
    assert not re.search(DELETE, rendered[0]["text"], re.I), "the first bubble stays as it was"
    line = rendered[names.index(PHONE_TRACES)]["text"]
    assert re.search(r"checks your phone", line) and re.search(DELETE, line) and re.search(r"call or text", line)

    # the action said it, and remembered it in a slot (the action server may get only the last events)
    events = run(ActionRespond(), make_tracker("trafficking", "he takes my money"), type(dispatcher)(), domain)
    assert {"event": "slot", "name": "phone_traces_told", "value": True} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    told = make_tracker("trafficking", "he takes my money", earlier_bot_messages=1)
    told.slots["phone_traces_told"] = True
    again = type(dispatcher)()
    run(ActionRespond(), told, again, domain)
    assert PHONE_TRACES not in [m.get("response") for m in again.messages], "once per conversation"


@pytest.mark.parametrize("address", ["tu", "vous"])
def test_the_phone_line_is_in_french_with_tu_and_vous(address):
    line = variations(PHONE_TRACES)[address]
    assert re.search(r"effac", line) and ("ton " in line) == (address == "tu")


def test_no_phone_line_without_a_number_nor_in_an_emergency(dispatcher, domain):
    run(ActionRespond(), make_tracker("greet", "hi"), dispatcher, domain)
    assert PHONE_TRACES not in [m.get("response") for m in dispatcher.messages]
    emergency = type(dispatcher)()
    run(ActionEmergency(), make_tracker("emergency", "he is outside", earlier_bot_messages=1), emergency, domain)
    assert PHONE_TRACES not in [m.get("response") for m in emergency.messages], "911 first, nothing more"


# ------------------------------------------------------------------ 2. wrong or overclaimed


def test_the_lawyer_is_not_reached_today_the_hotline_refers_and_the_lawyer_gets_back_later():
    for body in all_variations("utter_open_now"):
        assert not re.search(r"lawyer can be reached|can be reached today|joindre une? (ou une? )?avocat", body), body
        assert re.search(r"refer|dirig", body) and re.search(r"later|plus tard", body), body
        assert re.search(r"safe|sans danger", body), "how and when it is safe to be called back"


TORONTO = ZoneInfo("America/Toronto")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TORONTO)


@pytest.mark.parametrize(
    "now, opens",
    [
        (at(2026, 12, 26, 10, 0), at(2026, 12, 29, 8, 30)),  # Boxing Day, a Saturday: observed Monday the 28th
        (at(2026, 12, 28, 10, 0), at(2026, 12, 29, 8, 30)),
        (at(2027, 1, 1, 10, 0), at(2027, 1, 4, 8, 30)),  # New Year's Day, a Friday
        (at(2027, 3, 26, 10, 0), at(2027, 3, 29, 8, 30)),  # Good Friday
    ],
)
def test_the_lawyers_are_closed_on_ontario_public_holidays_without_a_list_to_update(now, opens):
    from actions.hours import availability
    from bot.shared import directory

    found = availability(directory.directory()["legal_support"].open_hours, now)
    assert not found.open_now and found.next_open == opens


def test_the_directory_keeps_only_the_service_s_own_closures():
    import holidays

    hours = RESOURCES["legal_support"]["open_hours"]
    assert hours["public_holidays"] == "CA-ON"
    ontario = holidays.country_holidays("CA", subdiv="ON")
    assert [d for d in hours.get("closed_on") or () if dt.date.fromisoformat(str(d)) in ontario] == []


def test_on_boxing_day_the_legal_answer_says_closed_and_when_it_opens(render):
    from rasa_sdk.executor import CollectingDispatcher

    from actions.hours import utter_opening

    dispatcher = CollectingDispatcher()
    utter_opening(dispatcher, "legal_support", "en", now=at(2026, 12, 28, 10, 0))
    said = render(dispatcher.messages, "en")[0]["text"]
    assert "is closed" in said and "tomorrow at 08:30" in said  # Tuesday the 29th


@pytest.mark.parametrize("response", ["utter_legal_help", "utter_legal_for_child"])
def test_who_may_apply_for_a_child_is_the_act_s_lawful_custody_or_customary_care(response):
    for body in all_variations(response):
        assert re.search(r"lawful custody|garde légale", body), body
        assert re.search(r"customary care|soins coutumiers", body), body
        assert not re.search(r"\btut(eur|rice)\b|\bguardian\b", body), body
        assert not re.search(r"\b(A|Un) parent, ou|\bA parent, or anyone", body), (
            "a parent without custody cannot apply"
        )


def test_211_and_the_hotline_refer_and_a_bed_is_not_guaranteed():
    for body in all_variations("utter_shelter"):
        assert not re.search(r"can find an emergency shelter|can also arrange|trouver un refuge|organiser", body), body
        assert re.search(r"not guaranteed|pas garantie", body), body


ADULTS = (None, "parent", "survivor")
FOR_A_YOUNG_PERSON = {"work_sign", "work_clear"}  # a professional asks about a young person they work with


def test_adults_are_not_shown_kids_help_phone():
    from bot.shared.needs import table

    needs = dict(table().needs)
    for steps in table().steps.values():
        needs.update(steps)
    for name, need in needs.items():
        for audience in ADULTS:
            effective = need.audience or audience
            if effective == "teen" or name in FOR_A_YOUNG_PERSON:
                continue
            assert "kids_help_phone" not in need.resource_ids(effective, "en"), (name, audience)


def test_a_person_now_for_an_adult_is_the_hotline_or_988_and_never_the_hotline_by_text():
    from bot.shared.needs import table

    assert table().needs["contact_person"].resource_ids(None, "en") == ["chth", "crisis_988"]
    assert "kids_help_phone" in table().needs["contact_person"].resource_ids("teen", "en")
    assert "text_number" not in RESOURCES["chth"]["contact"]  # the hotline: phone or chat
    assert RESOURCES["crisis_988"]["contact"]["text_number"] == "988"  # 988: call or text
    for response in ("utter_contact_person", "utter_helper_call", "utter_youth_support"):
        for body in all_variations(response):
            assert not re.search(r"by text|or text|\btexter\b|par texto", body), (response, body)


@pytest.mark.parametrize("response", ["utter_confidentiality", "utter_what_happens_call", "utter_contact_person"])
def test_confidentiality_names_immediate_danger_to_life_too(response):
    for body in all_variations(response):
        assert re.search(r"life is in immediate danger|vie de quelqu'un est en danger immédiat", body), body


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_police_non_emergency_is_the_local_police_or_the_opp(lang):
    assert re.search(r"local police|police locale", RESOURCES["opp_non_emergency"]["text"][lang])


def test_signs_check_q1_is_not_about_a_parent_s_rules_and_q2_is_about_pressure_or_force():
    for body in all_variations("utter_signs_me_1"):
        assert re.search(r"parent", body) and re.search(r"scare|peur", body), body
    for body in all_variations("utter_signs_me_2"):
        asked = body.split("?")[0]
        assert re.search(r"pressur|forc|pression", asked), "adult sex work is not itself the sign"
        assert re.search(r"under 18|moins de 18", body), "for a minor, being asked at all is a sign"


def test_duty_to_report_is_reasonable_grounds_under_16_optional_16_17_none_for_an_adult():
    for body in all_variations("utter_signs_work_sign"):
        assert re.search(r"reasonable grounds to suspect|motifs raisonnables de soupçonner", body), body
        assert re.search(r"proof|preuve", body) and "16" in body and "17" in body
        assert re.search(r"may report|peux le signaler|pouvez le signaler", body), body
        assert re.search(r"adult there is no duty|adulte, il n'y a pas d'obligation", body), body


def test_the_french_youth_answer_says_you_did_nothing_wrong_without_a_future_promise():
    french = variations("utter_online_exploitation")
    assert "tu n'as rien fait de mal" in french["tu"] and "vous n'avez rien fait de mal" in french["vous"]
    assert not re.search(r"n'auras|n'aurez", french["tu"] + french["vous"])


def test_the_reader_is_never_called_la_victime():
    bodies = [b for r in DOMAIN["responses"] for k, b in variations(r).items() if k != "en"]
    bodies += [r["text"]["fr"] for r in RESOURCES.values() if r.get("show")]
    assert [b for b in bodies if re.search(r"\bla victime\b", b, re.I)] == []


# ------------------------------------------------------------------ 3. clearer, and French


def french_bodies() -> list[str]:
    return [b for r in DOMAIN["responses"] for k, b in variations(r).items() if k != "en"]


def test_the_hotline_is_never_la_ligne_d_urgence_next_to_911():
    """ "la ligne d'urgence" reads as 911: the hotline is "la Ligne contre la traite" (its full name is in the list)."""
    assert [b for b in french_bodies() if re.search(r"\bligne d'urgence\b(?! canadienne)", b)] == []


def test_directory_texts_say_neither_tu_nor_vous_even_as_a_verb():
    """A directory text is shown in tu and vous answers alike: no "appelle", "envoie"."""
    for entry in RESOURCES.values():
        assert not re.search(r"\b(appelle|envoie|écris|texte)\b", entry["text"]["fr"]), entry["id"]


@pytest.mark.parametrize(
    "short, full",
    [("PAVT", "Programme d'aide aux victimes et aux témoins"), ("PIRV+", "Programme d'intervention rapide+")],
)
def test_pavt_and_pirv_are_spelled_out(short, full):
    for entry in RESOURCES.values():
        if short in entry["text"]["fr"]:
            assert full in entry["text"]["fr"], entry["id"]


def test_no_calques():
    texts = french_bodies() + [text(k, "fr") for k in ("telegram_start_exit", "telegram_privacy_tip")]
    calques = r"menacer avec l'immigration|comme c'est le plus facile|minuterie d'autodestruction"
    assert [b for b in texts if re.search(calques, b)] == []
    assert all("suppression automatique" in b for b in texts if "Telegram" in b and "automati" in b)
