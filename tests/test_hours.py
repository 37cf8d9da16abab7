"""The legal answer says whether the free lawyers can be reached now, from the directory's hours
(data/resources.yml, legal_support.open_hours), in Toronto time, on fixed clocks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.hours import availability, utter_opening
from bot.shared import directory

TORONTO = ZoneInfo("America/Toronto")
SPEC = {
    "timezone": "America/Toronto",
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "from": "08:30",
    "to": "17:30",
    "public_holidays": "CA-ON",
    "closed_on": ["2026-12-24"],  # the service's own closure
}


def at(*args):
    return dt.datetime(*args, tzinfo=TORONTO)


def test_weekday_morning_is_open():
    assert availability(SPEC, at(2026, 12, 2, 9, 0)).open_now  # a Wednesday


def test_friday_night_opens_monday_morning():
    found = availability(SPEC, at(2026, 12, 4, 21, 0))  # a Friday
    assert not found.open_now and found.next_open == at(2026, 12, 7, 8, 30)


def test_a_public_holiday_and_the_service_s_own_closure_are_closed():
    found = availability(SPEC, at(2026, 12, 24, 10, 0))  # the service's own closure, a Thursday
    assert not found.open_now and found.next_open == at(2026, 12, 29, 8, 30)  # Christmas, then Boxing Day observed
    assert availability({**SPEC, "public_holidays": None, "closed_on": []}, at(2026, 12, 25, 10, 0)).open_now


def test_before_opening_opens_the_same_day_and_utc_clocks_are_read_in_toronto_time():
    utc_7am_toronto = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)  # 07:00 in Toronto
    found = availability(SPEC, utc_7am_toronto)
    assert not found.open_now and found.next_open == at(2026, 12, 2, 8, 30)


def test_the_directory_s_legal_support_has_hours():
    assert directory.directory()["legal_support"].open_hours["from"] == "08:30"


@pytest.mark.parametrize(
    "lang, now, expected",
    [
        ("en", at(2026, 12, 2, 9, 0), "is open, so the hotline can refer you to a lawyer today"),
        (
            "fr",
            at(2026, 12, 2, 9, 0),
            "est ouvert, donc la Ligne contre la traite peut vous diriger vers une ou un avocat",
        ),
        (
            "en",
            at(2026, 12, 4, 21, 0),
            "the lawyer referrals open on Monday at 08:30. The hotline itself is open now, 24/7, at 1-833-900-1010",
        ),
        (
            "fr",
            at(2026, 12, 4, 21, 0),
            "l'aiguillage vers les avocats ouvre lundi à 08 h 30. La Ligne contre la traite, elle, est ouverte maintenant",
        ),
        ("en", at(2026, 12, 2, 7, 0), "open today at 08:30"),
        ("en", at(2026, 12, 2, 18, 0), "open tomorrow at 08:30"),
    ],
)
def test_the_answer_says_now_or_when(lang, now, expected, render):
    dispatcher = CollectingDispatcher()
    utter_opening(dispatcher, "legal_support", lang, now=now)
    assert expected in render(dispatcher.messages, lang)[0]["text"]
