"""The service directory (data/resources.yml) and the channel texts (data/channel_texts.yml).

An entry: the structure of data/resources.schema.json (bot/staff/check/schema.py), then what a schema
can't say: phone numbers and web addresses well formed, ids used once, texts that show exactly the
numbers of `contact` and say neither "tu" nor "vous", a source page, a check date no more than 12
months old (older: a warning). Warnings: a text that never shows the entry's hours, and a number, a
web address or {hours} in one language's text and not in the other's.

Channel texts: English and French for every key, numbers only from the directory.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bot.shared.directory import fill
from bot.staff.check.core import (
    LANGUAGES,
    MAX_AGE_DAYS,
    Checker,
    EnFr,
    key_line,
    lang_name,
    lang_noun,
    place,
    placeholders,
    plain,
    quiet_load,
    say,
)
from bot.staff.check.responses import address_words
from bot.staff.check.schema import SCHEMA, Problem, group, schema_problems
from bot.staff.findings import ERROR, WARNING
from bot.staff.project import Project

# Phone numbers as dialled: 911, 988, 211; 1-800-555-0123; 416-555-0123; 6-digit text numbers.
PHONE = re.compile(r"^(?:911|988|211|1-8\d\d-\d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{6})$")
HOST = r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}"
WEB = re.compile(rf"^{HOST}(?:/[^\s]*)?$", re.I)  # contact.web: no https://
URL = re.compile(rf"^https://{HOST}(?:/[^\s]*)?$", re.I)  # source_url
NUMBER_IN_TEXT = re.compile(r"\b\d[\d-]{2,}\d\b")
PHONE_IN_TEXT = re.compile(r"(?<![\d-])(?:911|988|211|1-8\d\d-\d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{6})(?![\d-])")
WEB_IN_TEXT = re.compile(rf"(?<![\w@/.-])(?:https?://)?{HOST}(?:/[^\s,;:)»\"]*[^\s,;:)»\".])?", re.I)

Where = Callable[[str], tuple[Path, int | None]]


def yaml_where(path: Path, entry: Any) -> Where:
    def where(field: str) -> tuple[Path, int | None]:
        return path, key_line(entry, field) or key_line(entry, "id")

    return where


def check_resource(c: Checker, entry: dict[str, Any], where: Where, seen_ids: dict[str, EnFr]) -> None:
    """One directory entry. `where(field)` gives the file and line to point at."""
    rid = str(entry.get("id") or "").strip()
    label = say("entry", id=rid) if rid else say("entry.no_id")
    schema = c.project.root / SCHEMA
    if not schema.is_file():
        c.error(schema, None, *say("file.missing"))
        return
    problems = schema_problems(entry, schema)
    wrong = {p.field for p in problems}  # a field the schema refuses is not checked further
    problems += list(_id(c, rid, where, seen_ids, wrong))
    problems += list(_contact(entry))
    problems += list(_address(entry))
    problems += list(_texts(entry, wrong))
    problems += list(_dates_and_source(c, entry, wrong))
    for p in group(problems, entry):
        path, line = where(p.field)
        level = WARNING if p.warning and all(e.warning for e in p.effects) else ERROR
        c.add(level, path, line, *say("entry.finding", entry=label, text=p.text))


def _id(c: Checker, rid: str, where: Where, seen_ids: dict[str, EnFr], wrong: set) -> Iterator[Problem]:
    if "id" in wrong:
        return
    if rid in seen_ids:
        yield Problem(("id",), say("resource.id_twice", where=seen_ids[rid]))
    else:
        path, line = where("id")
        seen_ids[rid] = place(c.project, path, line)


def _contact(entry: dict[str, Any]) -> Iterator[Problem]:
    contact = entry.get("contact")
    if not isinstance(contact, dict):
        return  # the schema says what `contact` must be
    for key, value in contact.items():
        value = str(value).strip()
        if key.startswith("phone") or key == "text_number":
            if not PHONE.match(value):
                yield Problem(("contact", key), say("resource.phone_format", value=value, key=key))
        elif key == "web" and not WEB.match(value):
            yield Problem(("contact", key), say("resource.web_format", value=value))


def _address(entry: dict[str, Any]) -> Iterator[Problem]:
    """Directory texts are shown in "tu" and "vous" answers alike: they say neither."""
    for field in ("text", "hours"):
        value = entry.get(field)
        said = address_words(str(value.get("fr") or "")) if isinstance(value, dict) else {}
        form = next((f for f in ("tu", "vous") if said.get(f)), None)
        if form:
            yield Problem((field, "fr"), say("resource.says_address", field=field, form=form, word=said[form][0]))


def _mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping (the schema reports it if not), else an empty one."""
    return value if isinstance(value, dict) else {}


def _texts(entry: dict[str, Any], wrong: set) -> Iterator[Problem]:
    """What people read: placeholders this entry can fill, exactly the numbers of `contact`, the same
    things in both languages, and the hours shown where the entry has some."""
    text, contact = entry.get("text"), entry.get("contact")
    if not isinstance(text, dict) or not isinstance(contact, dict) or "contact" in wrong:
        return
    hours, name = _mapping(entry.get("hours")), _mapping(entry.get("name"))
    numbers = [str(v).strip() for k, v in contact.items() if k.startswith("phone") or k == "text_number"]
    digits = {n.replace("-", "") for n in numbers}
    known = set(contact) | {"hours", "name"}
    shown: dict[str, str] = {}
    for lang in LANGUAGES:
        raw = str(text.get(lang) or "")
        if not raw.strip():
            continue  # the schema says it is missing
        try:
            unknown = placeholders(raw) - known
            shown[lang] = fill(raw, contact, {k: str(v) for k, v in hours.items() if v}, name, lang)
        except (ValueError, IndexError, KeyError, AttributeError, TypeError):
            yield Problem(("text", lang), say("resource.bad_braces", lang=lang_name(lang)))
            continue
        if unknown:
            yield Problem(
                ("text", lang), say("resource.unknown_placeholder", lang=lang_name(lang), names=sorted(unknown))
            )
        for found in NUMBER_IN_TEXT.findall(shown[lang]):
            if found.replace("-", "") not in digits:
                yield Problem(("text", lang), say("resource.number_not_in_contact", lang=lang_name(lang), number=found))
        for d in sorted(digits):
            if d not in shown[lang].replace("-", ""):
                yield Problem(("text", lang), say("resource.number_not_shown", lang=lang_name(lang), number=d))
    if len(shown) < 2 or not all(shown.values()):
        return
    yield from _hours_shown(entry, text, hours)
    yield from _same_in_both(text, shown, digits, hours_warned=_showable(entry))


def _showable(entry: dict[str, Any]) -> bool:
    return entry.get("show") is True and entry.get("status") != "do_not_show"


def _hours_shown(entry: dict[str, Any], text: dict[str, Any], hours: dict[str, Any]) -> Iterator[Problem]:
    """A shown entry with hours whose text has no {hours}: the hours never reach anyone. Only hours that
    name a time ("24/7", "9 h à 17 h"): "See their website" or "Business hours" say where to look, and a
    text may say that in its own words."""
    if not _showable(entry) or "hours" not in entry:
        return
    silent = [
        lang
        for lang in LANGUAGES
        if any(ch.isdigit() for ch in str(hours.get(lang) or "")) and "{hours}" not in str(text[lang])
    ]
    value = EnFr(str(hours.get("en") or ""), str(hours.get("fr") or ""))
    if len(silent) == 2:
        yield Problem(("text",), say("resource.hours_not_shown_both", value=value), warning=True)
    elif silent:
        lang = silent[0]
        yield Problem(
            ("text", lang), say("resource.hours_not_shown", value=str(hours[lang]), lang=lang_name(lang)), warning=True
        )


def _web_addresses(text: str) -> set:
    found = set()
    for address in WEB_IN_TEXT.findall(text):
        address = re.sub(r"^(?:https?://)?(?:www\.)?", "", address.lower()).rstrip("/")
        found.add(address)
    return found


def _same_in_both(text: dict[str, Any], shown: dict[str, str], digits: set, hours_warned: bool) -> Iterator[Problem]:
    """{hours}, a phone number or a web address that one language's text shows and the other's doesn't.

    A number of `contact` missing from a text, or a number that is not in `contact`, is already an error
    above. Web addresses may differ by language (a service may have a French name for its site): an
    address counts as missing when the other text has fewer addresses of its own."""

    def warn(has: str, lacks: str, what: EnFr) -> Problem:
        values = dict(has=lang_name(has), lacks=lang_name(lacks), lacks_noun=lang_noun(lacks), what=what)
        return Problem(("text", lacks), say("resource.only_in_one_language", **values), warning=True)

    en, fr = LANGUAGES
    has_hours = {lang for lang in LANGUAGES if "{hours}" in str(text[lang])}
    if len(has_hours) == 1 and not hours_warned:
        (has,) = has_hours
        yield warn(has, fr if has == en else en, say("what.hours"))
    phones = {lang: {n for n in PHONE_IN_TEXT.findall(shown[lang])} for lang in LANGUAGES}
    for has, lacks in ((en, fr), (fr, en)):
        for number in sorted(phones[has] - phones[lacks]):
            if number.replace("-", "") not in digits and not NUMBER_IN_TEXT.fullmatch(number):
                yield warn(has, lacks, say("what.number", value=number))
    web = {lang: _web_addresses(shown[lang]) for lang in LANGUAGES}
    only = {lang: web[lang] - web[other] for lang, other in ((en, fr), (fr, en))}
    for has, lacks in ((en, fr), (fr, en)):
        if len(only[has]) > len(only[lacks]):
            yield warn(has, lacks, say("what.web", value=", ".join(sorted(only[has]))))


def _dates_and_source(c: Checker, entry: dict[str, Any], wrong: set) -> Iterator[Problem]:
    if (
        entry.get("show") is True
        and entry.get("status") == "unverified"
        and not str(entry.get("show_reason") or "").strip()
    ):
        yield Problem(("show_reason",), say("resource.show_reason"))
    if entry.get("open_hours") is not None and "open_hours" not in wrong:
        try:
            from actions.hours import availability

            availability(entry["open_hours"])
        except Exception:
            yield Problem(("open_hours",), say("resource.open_hours"))
    source = str(entry.get("source_url") or "").strip()
    if "source_url" not in wrong and not URL.match(source):  # the schema lets http:// through
        yield Problem(("source_url",), say("resource.source_format", value=source))
    if "checked_on" in wrong:
        return
    checked = str(entry.get("checked_on") or "").strip()
    try:
        date = datetime.date.fromisoformat(checked)
    except ValueError:
        yield Problem(("checked_on",), say("resource.checked_on_format", value=checked))
        return
    if date > c.today:
        yield Problem(("checked_on",), say("resource.checked_on_future", value=checked))
    elif (c.today - date).days > MAX_AGE_DAYS:
        yield Problem(("checked_on",), say("resource.checked_on_old", value=checked), warning=True)


def check_resources(c: Checker, entries: list[tuple[dict[str, Any], Where]] | None = None) -> None:
    """Every directory entry, and the ids the actions use. `entries` replaces the file (CSV import)."""
    path = c.project.resources
    if entries is None:
        data = c.readable(path)
        if data is None:
            return
        items = (data or {}).get("resources") if isinstance(data, dict) else None
        if not isinstance(items, list):
            c.error(path, None, *say("resources.not_a_list"))
            return
        entries = [(plain(item), yaml_where(path, item)) for item in items]
    seen: dict[str, EnFr] = {}
    for entry, where in entries:
        check_resource(c, entry, where, seen)
    check_resource_use(c, {str(e.get("id")): e for e, _ in entries})


def needs_table(project: Project):
    """data/needs.yml of this project (bot/shared/needs.py reads it)."""
    from bot.shared import needs

    return needs.load(project.needs)


def used_resource_ids(project: Project) -> dict[str, list[str]]:
    """Resource id -> the needs (or emergency rules) that show it."""
    needs = needs_table(project)
    used: dict[str, list[str]] = {}
    steps = {f"{path} ({k})": v for path, table in needs.steps.items() for k, v in table.items()}
    for name, need in {**needs.needs, **steps}.items():
        for rid in need.all_resource_ids():
            used.setdefault(rid, []).append(name)
        if need.hours_of:
            used.setdefault(need.hours_of, []).append(f"{name} (hours_of)")
    for name, rid in needs.emergency_follow_up.items():
        used.setdefault(rid, []).append(f"emergency ({name})")
    used.setdefault(needs.emergency_default_follow_up, []).append("emergency")
    for rid in ("emergency", "crisis_988"):  # actions/emergency.py: 911 first, 988 for self-harm
        used.setdefault(rid, []).append("emergency")
    return used


def check_resource_use(c: Checker, by_id: dict[str, dict[str, Any]]) -> None:
    try:
        used = used_resource_ids(c.project)
    except Exception as e:  # a broken needs.yml is a finding, not a crash
        c.error(c.project.needs, None, *say("file.unreadable", error=e))
        return
    for rid, where in sorted(used.items()):
        entry = by_id.get(rid)
        if entry is None:
            c.error(c.project.needs, None, *say("resources.missing_id", where=", ".join(sorted(set(where))), id=rid))
        # (a missing or misspelt `show` or `status` is reported with the entry)
        elif (
            rid in ("emergency", "chth")
            and isinstance(entry.get("show"), bool)
            and "status" in entry
            and not (entry["show"] is True and entry["status"] != "do_not_show")
        ):
            c.error(c.project.resources, None, *say("resources.must_stay_shown", id=rid))


def check_channel_texts(c: Checker, resources: dict[str, dict[str, Any]] | None = None) -> None:
    path = c.project.channel_texts
    data = c.readable(path)
    if data is None:
        return
    if resources is None:
        raw = quiet_load(c.project.resources)
        if not isinstance(raw, dict):
            return
        resources = {str(e.get("id")): plain(e) for e in raw.get("resources") or []}
    contacts = {
        rid: {k: str(v) for k, v in (e.get("contact") or {}).items()}
        for rid, e in resources.items()
        if e.get("show") is True and e.get("status") != "do_not_show"
    }
    for key, value in (data or {}).items():
        line = key_line(data, key)
        if not isinstance(value, dict) or set(value) != set(LANGUAGES):
            c.error(path, line, *say("channel.needs_both", key=key))
            continue
        for lang in LANGUAGES:
            text = str(value.get(lang) or "")
            tline = key_line(value, lang) or line
            if not text.strip():
                c.error(path, tline, *say("channel.empty", key=key, lang=lang_name(lang)))
            if re.search(r"\d{3}", text):
                c.error(path, tline, *say("channel.typed_number", key=key))
            try:
                text.format(**contacts)
            except (KeyError, IndexError, ValueError, AttributeError) as e:
                c.error(path, tline, *say("channel.placeholder", key=key, error=e))
        if placeholders(str(value["en"])) != placeholders(str(value["fr"])):
            c.error(path, line, *say("channel.placeholders", key=key))
