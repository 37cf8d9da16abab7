"""`bot check`: everything that must be true before a change can ship, with file and line.

This is the one implementation of these rules: `bot check`, `bot resources import` and the tests
(tests/test_domain.py, tests/test_resources.py, tests/test_channel_texts.py) all call it.

- Rasa's own validator (`rasa data validate`).
- Responses (domain.yml): one English and one French variation each, the same buttons, the same
  placeholders, no phone number or address typed in, the quick-exit button wherever a resource shows.
- Channel texts (data/channel_texts.yml): English and French for every key, numbers only from the directory.
- Training examples (data/nlu/en, data/nlu/fr): at least N per intent per language, no example
  twice, none under two intents, none copied from the held-out test sets.
- The safety rules (data/safety/*.yml): the schema, every rule on its examples and near misses, the
  staff phrases, and no danger rule firing on a training example of another intent ("rule conflict").
- The service directory (data/resources.yml): complete in both languages, phone numbers and web
  addresses well formed, a source, a check date no more than 12 months old (older: a warning).
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import string
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from ruamel.yaml import YAML

from bot.staff.findings import ERROR, WARNING, Finding
from bot.staff.project import Project, rasa_bin

LANGUAGES = ("en", "fr")
FR_CONDITION = [{"type": "slot", "name": "language", "value": "fr"}]
MIN_EXAMPLES = 10
# Intents that an NLU component sets, never learned from examples (bot/plugins/nlu/other_language.py).
SET_BY_PIPELINE = {"other_language"}
MAX_AGE_DAYS = 365

# Phone numbers as dialled: 911, 988, 211; 1-800-555-0123; 416-555-0123; 6-digit text numbers.
PHONE = re.compile(r"^(?:911|988|211|1-8\d\d-\d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{6})$")
HOST = r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}"
WEB = re.compile(rf"^{HOST}(?:/[^\s]*)?$", re.I)  # contact.web: no https://
URL = re.compile(rf"^https://{HOST}(?:/[^\s]*)?$", re.I)  # source_url
STATUSES = ("verified", "unverified", "do_not_show")
AUDIENCES = ("everyone", "teen", "parent", "survivor", "indigenous", "francophone", "women")
TYPED_CONTACT = re.compile(r"\d{3}|\b\w+\.(ca|com|org|net)\b")
NUMBER_IN_TEXT = re.compile(r"\b\d[\d-]{2,}\d\b")
EXIT_TITLE = re.compile(r"(?i)exit|sortie")
LANG_NAME = {"en": ("English", "anglaise"), "fr": ("French", "française")}


def yaml_rt() -> YAML:
    """ruamel's round-trip loader: keeps line numbers (and comments, for writing back)."""
    y = YAML()
    y.preserve_quotes = True
    y.width = 100000
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml_rt().load(f)


def quiet_load(path: Path) -> Any:
    """The YAML file, or None if missing or broken (another section reports that, once)."""
    try:
        return load_yaml(path) if path.is_file() else None
    except Exception:
        return None


def key_line(mapping: Any, key: Any) -> Optional[int]:
    try:
        return mapping.lc.key(key)[0] + 1
    except Exception:
        return None


def item_line(seq: Any, index: int) -> Optional[int]:
    try:
        return seq.lc.item(index)[0] + 1
    except Exception:
        return None


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text or "") if name}


def plain(value: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Checker:
    """Collects findings for one project."""

    def __init__(self, project: Project, today: Optional[datetime.date] = None, min_examples: int = MIN_EXAMPLES):
        self.project = project
        self.today = today or datetime.date.today()
        self.min_examples = min_examples
        self.findings: List[Finding] = []

    def add(self, level: str, path: Path, line: Optional[int], en: str, fr: str) -> None:
        self.findings.append(Finding(level, self.project.rel(path), line, en, fr))

    def error(self, path: Path, line: Optional[int], en: str, fr: str) -> None:
        self.add(ERROR, path, line, en, fr)

    def warning(self, path: Path, line: Optional[int], en: str, fr: str) -> None:
        self.add(WARNING, path, line, en, fr)

    def readable(self, path: Path) -> Any:
        """The YAML file, or None after a finding that says why it can't be read."""
        if not path.is_file():
            self.error(path, None, "This file is missing.", "Ce fichier est introuvable.")
            return None
        try:
            return load_yaml(path)
        except Exception as e:  # a YAML syntax error names its line
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark else None
            self.error(
                path,
                line,
                f"This file is not valid YAML ({getattr(e, 'problem', e)}). Check quotes, colons and indentation.",
                f"Ce fichier n'est pas du YAML valide ({getattr(e, 'problem', e)}). Vérifiez les guillemets, les deux-points et l'indentation.",
            )
            return None


# --------------------------------------------------------------------------------------------------
# Responses (domain.yml)

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


def variation_kind(v: Any) -> Optional[str]:
    """en, fr, fr-tu or fr-vous (the staff page's columns too); None for a condition this project doesn't use."""
    condition = plain(v.get("condition"))
    if not condition:
        return "en"
    for kind, wanted in KINDS.items():
        if _condition_key(condition) == _condition_key(wanted):
            return kind
    return None


def address_words(text: str) -> Dict[str, List[str]]:
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
        found: Dict[str, List[Tuple[Any, Optional[int]]]] = {"en": [], "fr": [], "fr-tu": [], "fr-vous": []}
        channel_variations = []
        for i, v in enumerate(variations or []):
            vline = item_line(variations, i) or line
            kind = variation_kind(v)
            if v.get("channel"):
                channel_variations.append((v, vline, kind))
            elif kind is None or kind == "en" and v.get("condition"):
                c.error(
                    path,
                    vline,
                    f"{name}: this variation's condition is not a French one "
                    "(condition: [{type: slot, name: language, value: fr}], plus "
                    "{type: slot, name: address, value: tu} or vous when it speaks to the reader).",
                    f"{name} : la condition de cette variante n'est pas une condition du français "
                    "(condition: [{type: slot, name: language, value: fr}], plus "
                    "{type: slot, name: address, value: tu} ou vous quand elle s'adresse à la personne).",
                )
            else:
                found[kind].append((v, vline))
        en, fr, tu, vous = found["en"], found["fr"], found["fr-tu"], found["fr-vous"]
        if not fr and not tu and not vous:
            c.error(
                path,
                line,
                f"{name} has no French variation. Add one with "
                "`condition: [{type: slot, name: language, value: fr}]`.",
                f"{name} n'a pas de variante française. Ajoutez-en une avec "
                "`condition: [{type: slot, name: language, value: fr}]`.",
            )
        elif fr and (tu or vous):
            c.error(
                path,
                line,
                f"{name} has a plain French variation and a tu/vous one: keep either one French "
                "variation (it doesn't speak to the reader) or the tu and vous pair.",
                f"{name} a une variante française simple et une variante tu/vous : gardez soit une seule "
                "variante française (elle ne s'adresse pas à la personne), soit la paire tu et vous.",
            )
        elif bool(tu) != bool(vous):
            have, miss, who = ("tu", "vous", "parents and adults") if tu else ("vous", "tu", "teens")
            have_fr, who_fr = ("tu", "les parents et les adultes") if tu else ("vous", "les ados")
            c.error(
                path,
                (tu or vous)[0][1],
                f"{name} has a French '{have}' variation but no '{miss}' one (for {who}). "
                f"Add it with `condition: [{{type: slot, name: language, value: fr}}, "
                f"{{type: slot, name: address, value: {miss}}}]`.",
                f"{name} a une variante française « {have_fr} » mais pas de variante « {miss} » (pour {who_fr}). "
                f"Ajoutez-la avec `condition: [{{type: slot, name: language, value: fr}}, "
                f"{{type: slot, name: address, value: {miss}}}]`.",
            )
        if not en:
            c.error(
                path,
                line,
                f"{name} has no English variation (the one without a condition).",
                f"{name} n'a pas de variante anglaise (celle sans condition).",
            )
        for kind, items in found.items():
            if len(items) > 1:
                label = {
                    "en": ("English", "anglaise"),
                    "fr": ("French", "française"),
                    "fr-tu": ("French 'tu'", "française « tu »"),
                    "fr-vous": ("French 'vous'", "française « vous »"),
                }[kind]
                c.error(
                    path,
                    line,
                    f"{name} has more than one {label[0]} variation: keep one.",
                    f"{name} a plus d'une variante {label[1]} : gardez-en une.",
                )
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


def check_address_words(c: Checker, path: Path, name: str, kind: str, v: Any, line: Optional[int]) -> None:
    """A tu variation never says vous, a vous variation never says tu, a single French one says neither."""
    if kind == "en":
        return
    words = address_words(_variation_words(v))
    if kind in ADDRESS_WORDS:
        other, _ = ADDRESS_WORDS[kind]
        if words[other]:
            mine = kind[3:]
            c.error(
                path,
                line,
                f"{name}: the French '{mine}' variation also says {sorted(set(w.lower() for w in words[other]))}: "
                f"speak to the reader as '{mine}' only.",
                f"{name} : la variante française « {mine} » dit aussi {sorted(set(w.lower() for w in words[other]))} : "
                f"adressez-vous à la personne en « {mine} » seulement.",
            )
    elif words["tu"] or words["vous"]:
        said = "tu" if words["tu"] else "vous"
        missing = "vous" if said == "tu" else "tu"
        c.error(
            path,
            line,
            f"{name}: this French answer speaks to the reader as '{said}'; it needs a '{missing}' variation "
            f"too. Give this one `{{type: slot, name: address, value: {said}}}` in its condition and add the "
            f"'{missing}' one.",
            f"{name} : cette réponse s'adresse à la personne en « {said} » ; il lui faut aussi une variante « {missing} ». "
            f"Ajoutez `{{type: slot, name: address, value: {said}}}` à sa condition et écrivez la variante « {missing} ».",
        )


def check_channel_variation(
    c: Checker, path: Path, name: str, v: Any, line: Optional[int], kind: Optional[str], paired: bool
) -> None:
    """A variation for one channel (e.g. `channel: collector`, the REST channel) beats every variation
    without one, so it must repeat all the conditions of the variation it replaces."""
    if kind is None or not v.get("condition") or (paired and kind == "fr"):
        c.error(
            path,
            line,
            f"{name}: this `channel: {v.get('channel')}` variation must repeat all the conditions of "
            "the variation it replaces (language, and address for a tu/vous answer); without them it "
            "would be shown to everyone on that channel.",
            f"{name} : cette variante `channel: {v.get('channel')}` doit reprendre toutes les conditions de la "
            "variante qu'elle remplace (language, et address pour une réponse tu/vous) ; sans elles, elle serait "
            "montrée à tout le monde sur ce canal.",
        )
        return
    check_response_text(c, path, name, "en" if kind == "en" else "fr", v, line)
    check_address_words(c, path, name, kind, v, line)


def check_response_text(c: Checker, path: Path, name: str, lang: str, v: Any, line: Optional[int]) -> None:
    from bot.shared.language import detect

    text = str(v.get("text") or "")
    lname_en, lname_fr = LANG_NAME[lang]
    if not text.strip():
        c.error(
            path, line, f"{name}: the {lname_en} text is empty.", f"{name} : le texte en version {lname_fr} est vide."
        )
        return
    if TYPED_CONTACT.search(text):
        c.error(
            path,
            line,
            f"{name}: a phone number or web address is typed into the {lname_en} text. "
            "Put it in data/resources.yml; the answer shows it through {resources}.",
            f"{name} : un numéro de téléphone ou une adresse web est écrit dans le texte en version {lname_fr}. "
            "Mettez-le dans data/resources.yml ; la réponse l'affiche avec {resources}.",
        )
    words = re.sub(r"\{\w+\}", " ", text)
    found = detect(words)
    if found.language != lang and found.confidence >= 0.75:
        other_en, other_fr = LANG_NAME[found.language]
        c.error(
            path,
            line,
            f"{name}: the {lname_en} variation looks {other_en}. Was the text pasted into the wrong variation?",
            f"{name} : la variante {lname_fr} semble être en {'anglais' if found.language == 'en' else 'français'}. "
            "Le texte a-t-il été collé dans la mauvaise variante ?",
        )
    if "{resources}" in text:
        exits = [b for b in (v.get("buttons") or []) if b.get("payload") == "/safety_exit"]
        if not exits or not EXIT_TITLE.search(str(exits[0].get("title") or "")):
            c.error(
                path,
                line,
                f"{name}: this answer shows services ({{resources}}) but has no quick-exit button "
                "(payload /safety_exit, titled \"Quick exit\" / \"Sortie rapide\").",
                f"{name} : cette réponse affiche des services ({{resources}}) mais n'a pas de bouton de sortie rapide "
                "(payload /safety_exit, titre « Sortie rapide » / \"Quick exit\").",
            )


def check_response_pair(c: Checker, path: Path, name: str, en: Tuple[Any, int], fr: Tuple[Any, int]) -> None:
    (v_en, _), (v_fr, line_fr) = en, fr
    if placeholders(str(v_en.get("text"))) != placeholders(str(v_fr.get("text"))):
        c.error(
            path,
            line_fr,
            f"{name}: the English and French texts use different placeholders "
            f"({sorted(placeholders(str(v_en.get('text'))))} vs {sorted(placeholders(str(v_fr.get('text'))))}).",
            f"{name} : les textes anglais et français n'utilisent pas les mêmes espaces réservés "
            f"({sorted(placeholders(str(v_en.get('text'))))} et {sorted(placeholders(str(v_fr.get('text'))))}).",
        )
    b_en, b_fr = list(v_en.get("buttons") or []), list(v_fr.get("buttons") or [])
    if [b.get("payload") for b in b_en] != [b.get("payload") for b in b_fr]:
        c.error(
            path,
            line_fr,
            f"{name}: the English and French variations don't offer the same buttons in the same order "
            f"(English: {[b.get('payload') for b in b_en]}, French: {[b.get('payload') for b in b_fr]}).",
            f"{name} : les variantes anglaise et française n'offrent pas les mêmes boutons dans le même ordre "
            f"(anglais : {[b.get('payload') for b in b_en]}, français : {[b.get('payload') for b in b_fr]}).",
        )
        return
    for i, (a, b) in enumerate(zip(b_en, b_fr)):
        bline = item_line(v_fr.get("buttons"), i) or line_fr
        if not str(a.get("title") or "").strip() or not str(b.get("title") or "").strip():
            c.error(
                path,
                bline,
                f"{name}: button {a.get('payload')} has no title in one language.",
                f"{name} : le bouton {a.get('payload')} n'a pas de titre dans une des langues.",
            )
        elif str(a.get("title")).strip() == str(b.get("title")).strip():
            c.error(
                path,
                bline,
                f"{name}: button {a.get('payload')} has the same title in English and French "
                f"(\"{a.get('title')}\"): translate it.",
                f"{name} : le bouton {a.get('payload')} a le même titre en anglais et en français "
                f"(« {a.get('title')} ») : traduisez-le.",
            )


# --------------------------------------------------------------------------------------------------
# The service directory (data/resources.yml)

Where = Callable[[str], Tuple[Path, Optional[int]]]


def yaml_where(path: Path, entry: Any) -> Where:
    def where(field: str) -> Tuple[Path, Optional[int]]:
        return path, key_line(entry, field) or key_line(entry, "id")

    return where


def render_resource_text(entry: Dict[str, Any], lang: str) -> str:
    """The text a user reads: `text` with {phone}, {web}, {hours}, {name}... filled in."""
    values = {k: str(v) for k, v in (entry.get("contact") or {}).items()}
    for field in ("hours", "name"):
        if isinstance(entry.get(field), dict) and entry[field].get(lang):
            values[field] = str(entry[field][lang])
    text = str((entry.get("text") or {}).get(lang) or "")
    return text.format_map(_Keep(values))


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@functools.lru_cache(maxsize=4)
def _schema_validator(schema_path: Path, mtime: float):
    """data/resources.schema.json, read once per version of the file (not once per entry)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))


def entry_schema_errors(entry: Dict[str, Any], schema_path: Path) -> List[Tuple[str, str]]:
    """(field, message) for what data/resources.schema.json finds wrong in one entry's structure."""
    validator = _schema_validator(schema_path, schema_path.stat().st_mtime)
    found = []
    for e in sorted(validator.iter_errors(entry), key=lambda e: list(e.path)):
        field = str(e.path[0]) if e.path else ""
        if e.validator == "required" and not e.path:
            missing = [k for k in e.validator_value if k not in e.instance]
            found.append((missing[0] if missing else "", f"`{missing[0] if missing else '?'}` is missing"))
        elif e.validator == "additionalProperties":
            extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
            field = field or (extra[0] if extra else "")
            found.append(
                (field, f"unknown field(s) {extra}" + (f" under `{'.'.join(map(str, e.path))}`" if e.path else ""))
            )
        else:
            found.append((field, f"`{'.'.join(map(str, e.path)) or 'entry'}`: {e.message}"))
    return found


# Fields whose problems the checks below explain in plain words: the schema's message is not repeated.
EXPLAINED = {
    "id",
    "name",
    "text",
    "hours",
    "contact",
    "status",
    "show",
    "show_reason",
    "source_url",
    "checked_on",
    "audience",
    "open_hours",
}


def check_resource(c: Checker, entry: Dict[str, Any], where: Where, seen_ids: Dict[str, str]) -> None:
    """One directory entry. `where(field)` gives the file and line to point at."""
    rid = str(entry.get("id") or "").strip()
    label = f"Entry '{rid}'" if rid else "An entry without an id"
    label_fr = f"L'entrée « {rid} »" if rid else "Une entrée sans identifiant"

    def err(field: str, en: str, fr: str, level: str = ERROR) -> None:
        path, line = where(field)
        c.add(level, path, line, f"{label}: {en}", f"{label_fr} : {fr}")

    # The structure (data/resources.schema.json): a misspelt field name, a wrong type
    for field, message in entry_schema_errors(entry, c.project.root / "data" / "resources.schema.json"):
        if field in EXPLAINED and not message.startswith("unknown field"):
            continue
        err(
            field if field in entry else "id",
            f"does not match the directory's structure (data/resources.schema.json): {message}.",
            f"ne suit pas la structure du répertoire (data/resources.schema.json) : {message}.",
        )

    if not re.fullmatch(r"[a-z0-9_]+", rid):
        err(
            "id",
            "needs an id of lowercase letters, digits and _ (like kids_help_phone).",
            "a besoin d'un identifiant en minuscules, chiffres et _ (comme kids_help_phone).",
        )
    elif rid in seen_ids:
        err(
            "id",
            f"the id is used twice (also {seen_ids[rid]}).",
            f"cet identifiant est utilisé deux fois (aussi {seen_ids[rid]}).",
        )
    else:
        path, line = where("id")
        seen_ids[rid] = f"{c.project.rel(path)}, line {line}" if line else c.project.rel(path)

    for field, fr_field in (("name", "nom (name)"), ("text", "texte (text)"), ("hours", "heures (hours)")):
        value = entry.get(field)
        if not isinstance(value, dict):
            err(
                field,
                f"`{field}` needs an English (en) and a French (fr) version.",
                f"`{fr_field}` doit avoir une version anglaise (en) et une version française (fr).",
            )
            continue
        for lang in LANGUAGES:
            if not str(value.get(lang) or "").strip():
                n_en, n_fr = LANG_NAME[lang]
                err(
                    field,
                    f"`{field}` has no {n_en} version ({lang}).",
                    f"`{fr_field}` n'a pas de version {n_fr} ({lang}).",
                )
        extra = set(value) - set(LANGUAGES)
        if extra:
            err(
                field,
                f"`{field}` has languages other than en and fr: {sorted(extra)}.",
                f"`{fr_field}` a d'autres langues que en et fr : {sorted(extra)}.",
            )

    contact = entry.get("contact") or {}
    if not isinstance(contact, dict):
        err(
            "contact",
            "`contact` must list phone, text_number and web.",
            "`contact` doit lister phone, text_number et web.",
        )
        contact = {}
    numbers = []
    for key, value in contact.items():
        value = str(value).strip()
        if key.startswith("phone") or key == "text_number":
            numbers.append(value)
            if not PHONE.match(value):
                err(
                    "contact",
                    f"the phone number '{value}' ({key}) is not in a known format. "
                    "Write it as dialled: 1-800-555-0123, 416-555-0123, or 911 / 988 / 211 (6 digits for a text number).",
                    f"le numéro « {value} » ({key}) n'est pas dans un format connu. "
                    "Écrivez-le comme on le compose : 1-800-555-0123, 416-555-0123, ou 911 / 988 / 211 (6 chiffres pour un numéro texto).",
                )
        elif key == "web":
            if not WEB.match(value):
                err(
                    "contact",
                    f"the web address '{value}' doesn't look like one. Write it without https:// and without spaces, as in the browser's address bar.",
                    f"l'adresse web « {value} » ne ressemble pas à une adresse. Écrivez-la sans https:// et sans espace, comme dans la barre d'adresse du navigateur.",
                )
        else:
            err(
                "contact",
                f"unknown contact field '{key}': use phone, phone_local, text_number or web.",
                f"champ de contact inconnu « {key} » : utilisez phone, phone_local, text_number ou web.",
            )

    for field in ("text", "hours"):  # shown in "tu" and "vous" answers alike
        said = (
            address_words(str((entry.get(field) or {}).get("fr") or "")) if isinstance(entry.get(field), dict) else {}
        )
        for form in ("tu", "vous"):
            if said.get(form):
                err(
                    field,
                    f"the French `{field}` speaks to the reader as '{form}' ({said[form][0]}). Directory texts are "
                    "shown to teens ('tu') and adults ('vous') alike: write it without tu or vous "
                    "(\"Appeler le 911\", \"de la région\").",
                    f"le champ `{field}` en français s'adresse à la personne en « {form} » ({said[form][0]}). Les textes du "
                    "répertoire sont montrés aux ados (« tu ») et aux adultes (« vous ») : écrivez-le sans tu ni vous "
                    "(« Appeler le 911 », « de la région »).",
                )
                break

    if isinstance(entry.get("text"), dict):
        digits = {n.replace("-", "") for n in numbers}
        known = set(contact) | {"hours", "name"}
        for lang in LANGUAGES:
            raw = str(entry["text"].get(lang) or "")
            unknown = placeholders(raw) - known
            if unknown:
                err(
                    "text",
                    f"the {LANG_NAME[lang][0]} text uses {sorted(unknown)}, which this entry doesn't have.",
                    f"le texte en version {LANG_NAME[lang][1]} utilise {sorted(unknown)}, que cette entrée n'a pas.",
                )
            shown = render_resource_text(entry, lang)
            for found in NUMBER_IN_TEXT.findall(shown):
                if found.replace("-", "") not in digits:
                    err(
                        "text",
                        f"the {LANG_NAME[lang][0]} text shows the number {found}, which is not in `contact`. "
                        "Every number must be in `contact` too.",
                        f"le texte en version {LANG_NAME[lang][1]} affiche le numéro {found}, qui n'est pas dans `contact`. "
                        "Chaque numéro doit aussi être dans `contact`.",
                    )
            for d in sorted(digits):
                if d not in shown.replace("-", ""):
                    err(
                        "text",
                        f"the {LANG_NAME[lang][0]} text doesn't show the number {d} from `contact`.",
                        f"le texte en version {LANG_NAME[lang][1]} n'affiche pas le numéro {d} de `contact`.",
                    )

    status = entry.get("status")
    if status not in STATUSES:
        err(
            "status",
            f"`status` must be one of {', '.join(STATUSES)} (found '{status}').",
            f"`status` doit être {', '.join(STATUSES)} (trouvé « {status} »).",
        )
    show = entry.get("show")
    if not isinstance(show, bool):
        err("show", "`show` must be true or false.", "`show` doit valoir true ou false.")
    if show is True and status == "unverified" and not str(entry.get("show_reason") or "").strip():
        err(
            "show_reason",
            "is unverified but shown: say why in `show_reason`, or set `show: false`.",
            "n'est pas vérifiée mais affichée : expliquez pourquoi dans `show_reason`, ou mettez `show: false`.",
        )
    audience = entry.get("audience")
    if not audience or not isinstance(audience, list) or set(audience) - set(AUDIENCES):
        err(
            "audience",
            f"`audience` must list who it is for, among: {', '.join(AUDIENCES)}.",
            f"`audience` doit indiquer à qui elle s'adresse, parmi : {', '.join(AUDIENCES)}.",
        )
    hours = entry.get("open_hours")
    if hours is not None:
        try:
            from actions.hours import DAYS, availability

            assert set(hours.get("days") or ()) <= set(DAYS)
            availability(hours)
        except Exception:
            err(
                "open_hours",
                "`open_hours` needs timezone, days (mon..sun), from and to as HH:MM, closed_on as YYYY-MM-DD dates,"
                " and public_holidays as a region such as CA-ON.",
                "`open_hours` doit avoir timezone, days (mon..sun), from et to en HH:MM, closed_on en dates AAAA-MM-JJ,"
                " et public_holidays comme une région, par exemple CA-ON.",
            )

    source = str(entry.get("source_url") or "").strip()
    if not source:
        err(
            "source_url",
            "has no source. Add `source_url`: the https:// page where you checked these facts.",
            "n'a pas de source. Ajoutez `source_url` : la page https:// où vous avez vérifié ces informations.",
        )
    elif not URL.match(source):
        err(
            "source_url",
            f"the source '{source}' doesn't look like a web page address (https://...).",
            f"la source « {source} » ne ressemble pas à l'adresse d'une page web (https://...).",
        )

    checked = str(entry.get("checked_on") or "").strip()
    try:
        date = datetime.date.fromisoformat(checked)
    except ValueError:
        err(
            "checked_on",
            f"`checked_on` must be the date you checked the source, as YYYY-MM-DD (found '{checked}').",
            f"`checked_on` doit être la date de vérification de la source, au format AAAA-MM-JJ (trouvé « {checked} »).",
        )
    else:
        if date > c.today:
            err(
                "checked_on",
                f"`checked_on` ({checked}) is in the future.",
                f"`checked_on` ({checked}) est dans le futur.",
            )
        elif (c.today - date).days > MAX_AGE_DAYS:
            err(
                "checked_on",
                f"was last checked on {checked}, more than 12 months ago. Check the source again and update `checked_on`.",
                f"a été vérifiée le {checked}, il y a plus de 12 mois. Revérifiez la source et mettez à jour `checked_on`.",
                level=WARNING,
            )


def check_resources(c: Checker, entries: Optional[List[Tuple[Dict[str, Any], Where]]] = None) -> None:
    """Every directory entry, and the ids the actions use. `entries` replaces the file (CSV import)."""
    path = c.project.resources
    if entries is None:
        data = c.readable(path)
        if data is None:
            return
        items = (data or {}).get("resources") if isinstance(data, dict) else None
        if not isinstance(items, list):
            c.error(
                path,
                None,
                "The file must start with `resources:` followed by a list of entries.",
                "Le fichier doit commencer par `resources:` suivi d'une liste d'entrées.",
            )
            return
        entries = [(plain(item), yaml_where(path, item)) for item in items]
    seen: Dict[str, str] = {}
    for entry, where in entries:
        check_resource(c, entry, where, seen)
    check_resource_use(c, {str(e.get("id")): e for e, _ in entries})


def needs_table(project: Project):
    """data/needs.yml of this project (bot/shared/needs.py reads it)."""
    from bot.shared import needs

    return needs.load(project.needs)


def used_resource_ids(project: Project) -> Dict[str, List[str]]:
    """Resource id -> the needs (or emergency rules) that show it."""
    needs = needs_table(project)
    used: Dict[str, List[str]] = {}
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


def check_resource_use(c: Checker, by_id: Dict[str, Dict[str, Any]]) -> None:
    try:
        used = used_resource_ids(c.project)
    except Exception as e:  # a broken needs.yml is a finding, not a crash
        c.error(c.project.needs, None, f"Could not read this file: {e}", f"Impossible de lire ce fichier : {e}")
        return
    for rid, where in sorted(used.items()):
        entry = by_id.get(rid)
        if entry is None:
            c.error(
                c.project.needs,
                None,
                f"The answers for {', '.join(sorted(set(where)))} show the service '{rid}', "
                "which is not in data/resources.yml.",
                f"Les réponses pour {', '.join(sorted(set(where)))} affichent le service « {rid} », "
                "qui n'est pas dans data/resources.yml.",
            )
        elif rid in ("emergency", "chth") and not (entry.get("show") is True and entry.get("status") != "do_not_show"):
            c.error(
                c.project.resources,
                None,
                f"Entry '{rid}' must stay shown: emergency answers and channel texts depend on it.",
                f"L'entrée « {rid} » doit rester affichée : les réponses d'urgence et les textes des canaux en dépendent.",
            )


# --------------------------------------------------------------------------------------------------
# Channel texts (data/channel_texts.yml)


def check_channel_texts(c: Checker, resources: Optional[Dict[str, Dict[str, Any]]] = None) -> None:
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
            c.error(
                path,
                line,
                f"'{key}' needs exactly an English (en) and a French (fr) text.",
                f"« {key} » doit avoir exactement un texte anglais (en) et un texte français (fr).",
            )
            continue
        for lang in LANGUAGES:
            text = str(value.get(lang) or "")
            tline = key_line(value, lang) or line
            if not text.strip():
                c.error(
                    path,
                    tline,
                    f"'{key}': the {LANG_NAME[lang][0]} text is empty.",
                    f"« {key} » : le texte en version {LANG_NAME[lang][1]} est vide.",
                )
            if re.search(r"\d{3}", text):
                c.error(
                    path,
                    tline,
                    f"'{key}': a phone number is typed in. Write {{emergency[phone]}} or {{chth[phone]}} instead.",
                    f"« {key} » : un numéro est écrit en toutes lettres. Écrivez plutôt {{emergency[phone]}} ou {{chth[phone]}}.",
                )
            try:
                text.format(**contacts)
            except (KeyError, IndexError, ValueError, AttributeError) as e:
                c.error(
                    path,
                    tline,
                    f"'{key}': the placeholder {e} can't be filled from the shown entries of data/resources.yml.",
                    f"« {key} » : l'espace réservé {e} ne peut pas être rempli à partir des entrées affichées de data/resources.yml.",
                )
        if placeholders(str(value["en"])) != placeholders(str(value["fr"])):
            c.error(
                path,
                line,
                f"'{key}': the English and French texts don't use the same placeholders.",
                f"« {key} » : les textes anglais et français n'utilisent pas les mêmes espaces réservés.",
            )


# --------------------------------------------------------------------------------------------------
# Training examples (data/nlu/en, data/nlu/fr)


def normalise_example(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # entity annotations
    text = re.sub(r"[^\w\s']", " ", text.lower())
    return " ".join(text.split())


def nlu_examples(c: Checker, lang: str) -> List[Tuple[str, str, Path, int]]:
    """(intent, example, file, line) for every example in data/nlu/<lang>/."""
    out = []
    folder = c.project.nlu_dir(lang)
    if not folder.is_dir():
        c.error(
            folder,
            None,
            f"The folder of {LANG_NAME[lang][0]} training examples is missing.",
            f"Le dossier des exemples d'entraînement en {'anglais' if lang == 'en' else 'français'} est introuvable.",
        )
        return out
    for path in sorted(folder.glob("*.yml")):
        data = c.readable(path)
        if data is None:
            continue
        for block in (data or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            start = key_line(block, "examples") or key_line(block, "intent") or 0
            for i, raw in enumerate(str(block.get("examples") or "").splitlines()):
                raw = raw.strip()
                if raw.startswith("- "):
                    out.append((str(block["intent"]), raw[2:].strip(), path, start + 1 + i))
    return out


HELDOUT_MIN_WORDS = 4  # "hi", "ok", "merci" are everyone's words, not a copy


def heldout_messages(project: Project) -> Dict[str, str]:
    """Normalised held-out message -> its case id (these sets test the model: never train on them)."""
    out = {}
    for path in sorted(project.heldout.glob("*.jsonl")) if project.heldout.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                for turn in case.get("turns", []):
                    key = normalise_example(turn)
                    if not turn.startswith("/") and len(key.split()) >= HELDOUT_MIN_WORDS:
                        out.setdefault(key, f"{path.name} {case.get('id')}")
    return out


def check_training_examples(c: Checker) -> None:
    domain = quiet_load(c.project.domain) or {}
    intents = [str(i) if not isinstance(i, dict) else str(next(iter(i))) for i in (domain or {}).get("intents") or []]
    intents_line = key_line(domain, "intents") if domain else None
    heldout = heldout_messages(c.project)
    first_seen: Dict[str, Tuple[str, Path, int, str]] = {}
    for lang in LANGUAGES:
        examples = nlu_examples(c, lang)
        counts: Dict[str, int] = {}
        first_line: Dict[str, Tuple[Path, int]] = {}
        for intent, text, path, line in examples:
            counts[intent] = counts.get(intent, 0) + 1
            first_line.setdefault(intent, (path, line))
            key = normalise_example(text)
            if key in heldout:
                c.error(
                    path,
                    line,
                    f"'{text}' is a message from the held-out test set ({heldout[key]}). "
                    "Those messages measure the assistant; write your own example instead.",
                    f"« {text} » est un message du jeu de test réservé ({heldout[key]}). "
                    "Ces messages servent à mesurer l'assistant ; écrivez plutôt votre propre exemple.",
                )
            if key in first_seen:
                other_intent, other_path, other_line, other_lang = first_seen[key]
                where = f"{c.project.rel(other_path)}, line {other_line}"
                where_fr = f"{c.project.rel(other_path)}, ligne {other_line}"
                if other_intent == intent and other_lang != lang:
                    pass  # "ok" and "merci" belong in both languages' files
                elif other_intent == intent:
                    c.warning(
                        path,
                        line,
                        f"'{text}' is listed twice for {intent} (also {where}). Remove one.",
                        f"« {text} » figure deux fois pour {intent} (aussi {where_fr}). Retirez-en un.",
                    )
                else:
                    c.error(
                        path,
                        line,
                        f"'{text}' is an example of {intent} here and of {other_intent} in {where}. "
                        "An example can teach only one intent: keep it in the right one.",
                        f"« {text} » est un exemple de {intent} ici et de {other_intent} dans {where_fr}. "
                        "Un exemple ne peut enseigner qu'une intention : gardez-le dans la bonne.",
                    )
            else:
                first_seen[key] = (intent, path, line, lang)
        for intent in counts:
            if intent not in intents:
                path, line = first_line[intent]
                c.error(
                    path,
                    line,
                    f"The intent '{intent}' is not listed under `intents:` in domain.yml.",
                    f"L'intention « {intent} » n'est pas listée sous `intents:` dans domain.yml.",
                )
        for intent in intents:
            n = counts.get(intent, 0)
            if n < c.min_examples and intent not in SET_BY_PIPELINE:
                path, line = first_line.get(intent, (c.project.nlu_dir(lang), None))
                lname = "English" if lang == "en" else "French"
                lname_fr = "anglais" if lang == "en" else "français"
                c.error(
                    path,
                    line if n else intents_line,
                    f"The intent '{intent}' has {n} {lname} example{'s' if n != 1 else ''}; it needs at least {c.min_examples}. "
                    f"Add {c.min_examples - n} more in data/nlu/{lang}/.",
                    f"L'intention « {intent} » a {n} exemple{'s' if n != 1 else ''} en {lname_fr} ; il en faut au moins {c.min_examples}. "
                    f"Ajoutez-en {c.min_examples - n} dans data/nlu/{lang}/.",
                )


# --------------------------------------------------------------------------------------------------
# Safety rules (data/safety/*.yml): the schema, every rule on its examples and near misses, the staff
# phrases, and the danger rules over the training examples.

DANGER_INTENTS = ("emergency", "self_harm")
ENTITY = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def check_safety_rules(c: Checker) -> None:
    from bot.shared.safety.danger import SELF_HARM, assess, forces_emergency
    from bot.shared.safety.rulebook import Rulebook, RulebookError

    folder = c.project.root / "data" / "safety"
    try:
        book = Rulebook.from_dir(folder)
    except RulebookError as e:
        c.error(
            folder / e.file if not Path(e.file).is_absolute() else Path(e.file),
            None,
            f"The safety rules cannot be read: {e.message}{f' (rule {e.rule})' if e.rule else ''}.",
            f"Les règles de sécurité ne peuvent pas être lues : {e.message}{f' (règle {e.rule})' if e.rule else ''}.",
        )
        return
    for rule in book.rules.values():
        path, line = folder / rule.file, book.line_of(rule.id)
        for text in rule.examples:
            if not book.fires(rule, text):
                c.error(
                    path,
                    line,
                    f"The rule {rule.id} does not fire on its own example '{text}'. Fix the pattern, or the example.",
                    f"La règle {rule.id} ne se déclenche pas sur son propre exemple « {text} ». "
                    "Corrigez le motif, ou l'exemple.",
                )
        for text in rule.near_misses:
            if book.fires(rule, text):
                c.error(
                    path,
                    line,
                    f"The rule {rule.id} fires on '{text}', listed as a near miss (a text it must not fire on). "
                    "Fix the pattern, or move the text to its examples.",
                    f"La règle {rule.id} se déclenche sur « {text} », listé comme quasi-exemple (un texte où elle ne "
                    "doit pas se déclencher). Corrigez le motif, ou déplacez le texte dans ses exemples.",
                )
    phrases_path = folder / "phrases.yml"
    phrase_lines = book.lines.get("phrases.yml", [])
    for kind, by_lang in book.phrases.items():
        for phrases in by_lang.values():
            for phrase in phrases:
                line = next((i for i, l in enumerate(phrase_lines, 1) if phrase in l), None)
                found = assess(phrase, book)
                if kind == "always_911" and found is None:
                    c.error(
                        phrases_path,
                        line,
                        f"'{phrase}' is under always_911 but does not get the emergency answer. "
                        "Is it also under never_911?",
                        f"« {phrase} » est sous always_911 mais n'obtient pas la réponse d'urgence. "
                        "Est-elle aussi sous never_911 ?",
                    )
                elif kind == "never_911" and found is not None and found.category != SELF_HARM:
                    c.error(
                        phrases_path,
                        line,
                        f"'{phrase}' is under never_911 but still gets the emergency answer ({found.rule}).",
                        f"« {phrase} » est sous never_911 mais obtient encore la réponse d'urgence ({found.rule}).",
                    )
    quiet = Checker(c.project)  # the examples' own problems are reported by the examples section
    for lang in LANGUAGES:
        for intent, text, path, line in nlu_examples(quiet, lang):
            if intent in DANGER_INTENTS:
                continue
            # what the safety net does with this example, whatever the classifier says
            found = forces_emergency(ENTITY.sub(r"\1", text), book)
            if found is not None:
                c.error(
                    path,
                    line,
                    f"Rule conflict: the danger rule {found.rule} fires on '{text}', an example of {intent}, so the "
                    "assistant would answer it with 911. If it is an emergency, move the example to emergency; if not, "
                    f"give the rule an exception (in data/safety/{book.rules[found.rule].file if found.rule in book.rules else 'phrases.yml'}, "
                    "or a never_911 phrase in data/safety/phrases.yml).",
                    f"Conflit de règle : la règle de danger {found.rule} se déclenche sur « {text} », un exemple de "
                    f"{intent} : l'assistant y répondrait par le 911. Si c'est une urgence, déplacez l'exemple vers "
                    "emergency ; sinon, donnez une exception à la règle (dans data/safety/"
                    f"{book.rules[found.rule].file if found.rule in book.rules else 'phrases.yml'}, ou une phrase "
                    "never_911 dans data/safety/phrases.yml).",
                )


# --------------------------------------------------------------------------------------------------
# Wiring: every intent has a rule, every intent answered by action_respond has a row in
# bot/shared/needs.py, and every row names a response that exists.

SPECIAL_ACTIONS = {"action_emergency", "action_safety_exit"}


def check_needs_file(c: Checker) -> bool:
    """data/needs.yml against data/needs.schema.json; True when it can be used."""
    data = c.readable(c.project.needs)
    if data is None:
        return False
    schema = c.project.needs.with_name("needs.schema.json")
    validator = _schema_validator(schema, schema.stat().st_mtime)
    errors = sorted(validator.iter_errors(plain(data)), key=lambda e: [str(p) for p in e.path])
    for e in errors:
        where = ".".join(map(str, e.path)) or "the file"
        line = key_line(data, e.path[0]) if e.path else None
        if e.validator == "maxItems":
            en, fr = (
                "lists more than 4 services: keep an answer focused",
                "affiche plus de 4 services : une réponse doit rester ciblée",
            )
        elif e.validator == "required":
            missing = ", ".join(k for k in e.validator_value if k not in e.instance)
            en, fr = f"needs `{missing}`", f"doit avoir `{missing}`"
        elif e.validator in ("additionalProperties", "propertyNames"):
            en, fr = (
                "has a field this table does not know (check the spelling)",
                "contient un champ inconnu (vérifiez l'orthographe)",
            )
        elif e.validator == "enum":
            allowed = ", ".join(map(str, e.validator_value))
            en, fr = f"must be one of: {allowed}", f"doit être l'une de ces valeurs : {allowed}"
        else:
            en, fr = (
                "is not written the way this table expects (see the examples above it)",
                "n'est pas écrit comme prévu (voir les exemples au-dessus)",
            )
        c.error(c.project.needs, line, f"`{where}` {en}.", f"`{where}` {fr}.")
    return not errors


def check_wiring(c: Checker) -> None:
    domain = quiet_load(c.project.domain)
    if not domain:
        return
    intents = [str(i) if not isinstance(i, dict) else str(next(iter(i))) for i in domain.get("intents") or []]
    responses = domain.get("responses") or {}
    answered: Dict[str, str] = {}
    for path in sorted((c.project.root / "data" / "rules").glob("*.yml")):
        data = c.readable(path)
        for rule in (data or {}).get("rules") or []:
            steps = rule.get("steps") or []
            for first, then in zip(steps, steps[1:]):
                if "intent" in first and "action" in then:
                    answered.setdefault(str(first["intent"]), str(then["action"]))
    if not check_needs_file(c):
        return
    table = needs_table(c.project)
    needs = {**table.needs, **{f"{p} ({k})": v for p, steps in table.steps.items() for k, v in steps.items()}}
    for intent in intents:
        if intent not in answered:
            c.error(
                c.project.domain,
                key_line(domain, "intents"),
                f"The intent '{intent}' has no rule: add one in data/rules/help.yml "
                f"(- rule: answer {intent} / steps: - intent: {intent} - action: action_respond).",
                f"L'intention « {intent} » n'a pas de règle : ajoutez-en une dans data/rules/help.yml "
                f"(- rule: answer {intent} / steps: - intent: {intent} - action: action_respond).",
            )
        elif answered[intent] == "action_respond" and intent not in table.needs:
            c.error(
                c.project.needs,
                None,
                f"The intent '{intent}' is answered by action_respond but has no line under `needs:`: add "
                f"`{intent}: {{response: utter_{intent}, resources: [chth]}}`",
                f"L'intention « {intent} » est traitée par action_respond mais n'a pas de ligne sous `needs:` : ajoutez "
                f"`{intent}: {{response: utter_{intent}, resources: [chth]}}`",
            )
    for intent, need in needs.items():
        if need.response not in responses:
            c.error(
                c.project.needs,
                None,
                f"The need '{intent}' answers with {need.response}, which is not in domain.yml.",
                f"Le besoin « {intent} » répond avec {need.response}, qui n'est pas dans domain.yml.",
            )


# --------------------------------------------------------------------------------------------------
# Rasa's own validator


def check_rasa_validate(c: Checker) -> None:
    proc = subprocess.run(
        [rasa_bin(), "data", "validate", "--quiet"],
        cwd=c.project.root,
        env=c.project.env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        lines = [
            l
            for l in (proc.stdout + proc.stderr).splitlines()
            if l.strip() and "warn" not in l.lower()[:40] and "tensorflow" not in l.lower()
        ]
        detail = "\n      ".join(lines[-12:])
        c.error(
            c.project.root / "data",
            None,
            f"Rasa's own check (rasa data validate) failed:\n      {detail}",
            f"La vérification de Rasa (rasa data validate) a échoué :\n      {detail}",
        )


# --------------------------------------------------------------------------------------------------

SECTIONS = {
    "responses": check_responses,
    "resources": check_resources,
    "channel_texts": check_channel_texts,
    "examples": check_training_examples,
    "safety_rules": check_safety_rules,
    "wiring": check_wiring,
    "rasa": check_rasa_validate,
}


def run_checks(
    project: Project,
    sections: Iterable[str] = tuple(SECTIONS),
    today: Optional[datetime.date] = None,
    min_examples: int = MIN_EXAMPLES,
) -> List[Finding]:
    c = Checker(project, today=today, min_examples=min_examples)
    for name in sections:
        SECTIONS[name](c)
    return c.findings
