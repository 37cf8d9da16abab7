"""When a service answers, from the hours kept in the directory (data/resources.yml, `open_hours`).

    open_hours:
      timezone: America/Toronto
      days: [mon, tue, wed, thu, fri]
      from: "08:30"
      to: "17:30"
      public_holidays: CA-ON         # closed on these public holidays (optional): country-subdivision
      closed_on: ["2027-08-02"]      # the service's own closures, YYYY-MM-DD (optional)

Public holidays come from the `holidays` library (Ontario: holidays.country_holidays("CA", subdiv="ON")),
observed days included (Boxing Day 2026, a Saturday, is observed on Monday the 28th), for every year:
nobody has to add them each year. No hours are written in code: staff change them in the directory.
`clock()` is the only source of "now", so tests can fix it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def clock() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Availability:
    open_now: bool
    next_open: dt.datetime | None  # local time of the next opening, when closed now


def _hm(value: str) -> dt.time:
    hours, minutes = str(value).split(":")
    return dt.time(int(hours), int(minutes))


@lru_cache(maxsize=8)
def public_holidays(code: str) -> holidays.HolidayBase:
    """The public holidays of "CA-ON" (country-subdivision; "CA" for the country's only). Unknown: ValueError."""
    country, _, subdiv = str(code).partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdiv or None)
    except NotImplementedError as exc:  # an unknown country or subdivision
        raise ValueError(f"unknown public holidays {code!r}") from exc


def availability(spec: dict[str, Any], now: dt.datetime | None = None) -> Availability:
    zone = ZoneInfo(spec.get("timezone") or "America/Toronto")
    local = (now or clock()).astimezone(zone)
    days = {DAYS.index(d) for d in spec.get("days") or ()}
    start, end = _hm(spec["from"]), _hm(spec["to"])
    closed = {dt.date.fromisoformat(str(d)) for d in spec.get("closed_on") or ()}
    holiday = public_holidays(spec["public_holidays"]) if spec.get("public_holidays") else {}

    def open_on(day: dt.date) -> bool:
        return day.weekday() in days and day not in closed and day not in holiday

    if open_on(local.date()) and start <= local.time() < end:
        return Availability(True, None)
    for ahead in range(0, 15):
        day = local.date() + dt.timedelta(days=ahead)
        opening = dt.datetime.combine(day, start, tzinfo=zone)
        if open_on(day) and opening > local:
            return Availability(False, opening)
    return Availability(False, None)


def utter_opening(dispatcher, resource_id: str, lang: str, now: dt.datetime | None = None) -> None:
    """Say whether the service `resource_id` answers now, or when it opens (utter_open_now /
    utter_opens_at in domain.yml), in the service's own time zone."""
    from actions.base import numbers
    from bot.shared import directory
    from bot.shared.texts import text

    entry = directory.directory().get(resource_id)
    if not entry or not entry.showable or not entry.open_hours:
        return
    now = now or clock()  # one "now" for "is it open" and "how many days until it opens"
    found = availability(entry.open_hours, now)
    name = entry.name.get(lang, entry.name["en"])
    if found.open_now:
        dispatcher.utter_message(response="utter_open_now", service=name, **numbers())
    elif found.next_open:
        today = now.astimezone(found.next_open.tzinfo).date()
        ahead = (found.next_open.date() - today).days
        day = (
            text("today", lang)
            if ahead == 0
            else text("tomorrow", lang)
            if ahead == 1
            else text("weekdays", lang).split("|")[found.next_open.weekday()]
        )
        time = found.next_open.strftime("%H:%M" if lang == "en" else "%H h %M")
        dispatcher.utter_message(response="utter_opens_at", service=name, day=day, time=time, **numbers())
