"""Responses (domain.yml): one English and one French variation each (or a French tu/vous pair), the
same buttons, the same placeholders, no phone number or address typed in, the quick-exit button
wherever a resource shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.staff.check.core import Checker, item_line, key_line, lang_name, lang_noun, placeholders, plain, say

FR_CONDITION = [{"type": "slot", "name": "language", "value": "fr"}]
TYPED_CONTACT = re.compile(r"\d{3}|\b\w+\.(ca|com|org|net)\b")
EXIT_TITLE = re.compile(r"(?i)exit|sortie")
WRONG_LANGUAGE_CONFIDENCE = 0.75

# French speaks to the reader as "tu" (a teen) or "vous" (a parent, an adult, and by default):
# bot/shared/audience.py sets the `address` slot. A French answer that speaks to the reader has two
# variations, one per address; an answer that doesn't has one French variation.
TU_CONDITION = FR_CONDITION + [{"type": "slot", "name": "address", "value": "tu"}]
VOUS_CONDITION = FR_CONDITION + [{"type": "slot", "name": "address", "value": "vous"}]
EN_CONDITION = [{"type": "slot", "name": "language", "value": "en"}]  # only for a channel variation
KINDS = {"fr": FR_CONDITION, "fr-tu": TU_CONDITION, "fr-vous": VOUS_CONDITION, "en": EN_CONDITION}
TU_WORDS = re.compile(r"(?i)\b(?:tu|te|toi|ton|ta|tes)\b|\bt['’]")
VOUS_WORDS = re.compile(r"(?i)\b(?:vous|votre|vos)\b")
ADDRESS_WORDS = {"fr-tu": ("vous", VOUS_WORDS), "fr-vous": ("tu", TU_WORDS)}


def _condition_key(condition: Any) -> Any:
    return sorted((str(c.get("name")), str(c.get("value"))) for c in (condition or []))


def variation_kind(v: Any) -> str | None:
    """en, fr, fr-tu or fr-vous (the staff page's columns too); None for a condition this project doesn't use."""
    condition = plain(v.get("condition"))
    if not condition:
        return "en"
    for kind, wanted in KINDS.items():
        if _condition_key(condition) == _condition_key(wanted):
            return kind
    return None


def address_words(text: str) -> dict[str, list[str]]:
    """The words of a French text that speak to the reader as tu, and as vous ({placeholders} and
    « quoted words » left out)."""
    text = re.sub(r"\{\w+\}", " ", text or "")
    text = re.sub(r"«[^»]*»", " ", text)  # quoted words (« Ce n'est pas de ta faute. ») speak to someone else
    return {"tu": TU_WORDS.findall(text), "vous": VOUS_WORDS.findall(text)}


def _variation_words(v: Any) -> str:
    return " ".join([str(v.get("text") or "")] + [str(b.get("title") or "") for b in (v.get("buttons") or [])])


def check_responses(c: Checker) -> None:
    path = c.project.domain
    domain = c.readable(path)
    if domain is None:
        return
    responses = domain.get("responses") or {}
    for name, variations in responses.items():
        line = key_line(responses, name)
        found: dict[str, list[tuple[Any, int | None]]] = {"en": [], "fr": [], "fr-tu": [], "fr-vous": []}
        channel_variations = []
        for i, v in enumerate(variations or []):
            vline = item_line(variations, i) or line
            kind = variation_kind(v)
            if v.get("channel"):
                channel_variations.append((v, vline, kind))
            elif kind is None or kind == "en" and v.get("condition"):
                c.error(path, vline, *say("response.bad_condition", name=name))
            else:
                found[kind].append((v, vline))
        en, fr, tu, vous = found["en"], found["fr"], found["fr-tu"], found["fr-vous"]
        if not fr and not tu and not vous:
            c.error(path, line, *say("response.no_french", name=name))
        elif fr and (tu or vous):
            c.error(path, line, *say("response.plain_and_paired", name=name))
        elif bool(tu) != bool(vous):
            have, miss = ("tu", "vous") if tu else ("vous", "tu")
            c.error(
                path,
                (tu or vous)[0][1],
                *say("response.missing_address", name=name, have=have, miss=miss, who=say(f"who.{miss}")),
            )
        if not en:
            c.error(path, line, *say("response.no_english", name=name))
        for kind, items in found.items():
            if len(items) > 1:
                c.error(path, line, *say("response.twice", name=name, variation=say(f"variation.{kind}")))
        for kind, items in found.items():
            for v, vline in items:
                check_response_text(c, path, name, "en" if kind == "en" else "fr", v, vline)
                check_address_words(c, path, name, kind, v, vline)
        if len(en) == 1:
            for kind in ("fr", "fr-tu", "fr-vous"):
                if len(found[kind]) == 1:
                    check_response_pair(c, path, name, en[0], found[kind][0])
        for v, vline, kind in channel_variations:
            check_channel_variation(c, path, name, v, vline, kind, paired=bool(tu or vous))


def check_address_words(c: Checker, path: Path, name: str, kind: str, v: Any, line: int | None) -> None:
    """A tu variation never says vous, a vous variation never says tu, a single French one says neither."""
    if kind == "en":
        return
    words = address_words(_variation_words(v))
    if kind in ADDRESS_WORDS:
        other, _ = ADDRESS_WORDS[kind]
        if words[other]:
            mixed = sorted(set(w.lower() for w in words[other]))
            c.error(path, line, *say("response.mixed_address", name=name, mine=kind[3:], words=mixed))
    elif words["tu"] or words["vous"]:
        said = "tu" if words["tu"] else "vous"
        missing = "vous" if said == "tu" else "tu"
        c.error(path, line, *say("response.needs_pair", name=name, said=said, missing=missing))


def check_channel_variation(
    c: Checker, path: Path, name: str, v: Any, line: int | None, kind: str | None, paired: bool
) -> None:
    """A variation for one channel (e.g. `channel: collector`, the REST channel) beats every variation
    without one, so it must repeat all the conditions of the variation it replaces."""
    if kind is None or not v.get("condition") or (paired and kind == "fr"):
        c.error(path, line, *say("response.channel_conditions", name=name, channel=v.get("channel")))
        return
    check_response_text(c, path, name, "en" if kind == "en" else "fr", v, line)
    check_address_words(c, path, name, kind, v, line)


def check_response_text(c: Checker, path: Path, name: str, lang: str, v: Any, line: int | None) -> None:
    from bot.shared.language import detect

    text = str(v.get("text") or "")
    if not text.strip():
        c.error(path, line, *say("response.empty", name=name, lang=lang_name(lang)))
        return
    if TYPED_CONTACT.search(text):
        c.error(path, line, *say("response.typed_contact", name=name, lang=lang_name(lang)))
    found = detect(re.sub(r"\{\w+\}", " ", text))
    if found.language != lang and found.confidence >= WRONG_LANGUAGE_CONFIDENCE:
        c.error(
            path,
            line,
            *say("response.wrong_language", name=name, lang=lang_name(lang), other=lang_noun(found.language)),
        )
    if "{resources}" in text:
        exits = [b for b in (v.get("buttons") or []) if b.get("payload") == "/safety_exit"]
        if not exits or not EXIT_TITLE.search(str(exits[0].get("title") or "")):
            c.error(path, line, *say("response.no_exit", name=name))


def check_response_pair(
    c: Checker, path: Path, name: str, en: tuple[Any, int | None], fr: tuple[Any, int | None]
) -> None:
    (v_en, _), (v_fr, line_fr) = en, fr
    used_en, used_fr = placeholders(str(v_en.get("text"))), placeholders(str(v_fr.get("text")))
    if used_en != used_fr:
        c.error(path, line_fr, *say("response.placeholders", name=name, en=sorted(used_en), fr=sorted(used_fr)))
    b_en, b_fr = list(v_en.get("buttons") or []), list(v_fr.get("buttons") or [])
    payloads_en, payloads_fr = [b.get("payload") for b in b_en], [b.get("payload") for b in b_fr]
    if payloads_en != payloads_fr:
        c.error(path, line_fr, *say("response.buttons", name=name, en=payloads_en, fr=payloads_fr))
        return
    for i, (a, b) in enumerate(zip(b_en, b_fr, strict=False)):
        bline = item_line(v_fr.get("buttons"), i) or line_fr
        if not str(a.get("title") or "").strip() or not str(b.get("title") or "").strip():
            c.error(path, bline, *say("response.button_no_title", name=name, payload=a.get("payload")))
        elif str(a.get("title")).strip() == str(b.get("title")).strip():
            c.error(
                path,
                bline,
                *say("response.button_same_title", name=name, payload=a.get("payload"), title=a.get("title")),
            )
