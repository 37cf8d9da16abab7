"""`bot resources`: list, search, export (CSV for review) and import the service directory.

An import goes through the same checks as `bot check` (bot/staff/check/) before anything is
written; with any problem, nothing changes. The YAML file keeps its comments, order and layout;
it is replaced in one step, so the running assistant never reads half a file.
"""

from __future__ import annotations

import csv
import datetime
import os
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.staff.check import (
    LANGUAGES,
    MAX_AGE_DAYS,
    Checker,
    EnFr,
    check_channel_texts,
    check_resource,
    check_resource_use,
    item_line,
    load_yaml,
    plain,
    yaml_rt,
)
from bot.staff.findings import STDOUT, Out, errors, report
from bot.staff.project import Project

TEXT_FIELDS = ("name", "text", "hours")
CONTACT_FIELDS = ("phone", "phone_local", "text_number", "web")
LIST_FIELDS = ("audience",)
COLUMNS = (
    ["id"]
    + [f"{f}_{lang}" for f in TEXT_FIELDS for lang in LANGUAGES]
    + list(CONTACT_FIELDS)
    + list(LIST_FIELDS)
    + ["status", "show", "show_reason", "source_url", "checked_on"]
)
TRUE, FALSE = {"true", "yes", "oui", "vrai", "1"}, {"false", "no", "non", "faux", "0"}


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _load(project: Project):
    doc = load_yaml(project.resources)
    return doc, doc["resources"]


def _row(entry: dict[str, Any]) -> dict[str, str]:
    row = {"id": entry.get("id", "")}
    for field in TEXT_FIELDS:
        for lang in LANGUAGES:
            row[f"{field}_{lang}"] = (entry.get(field) or {}).get(lang, "")
    for key in CONTACT_FIELDS:
        row[key] = str((entry.get("contact") or {}).get(key, ""))
    for field in LIST_FIELDS:
        row[field] = ", ".join(entry.get(field) or [])
    row["status"] = entry.get("status", "")
    row["show"] = "true" if entry.get("show") is True else "false"
    for field in ("show_reason", "source_url", "checked_on"):
        row[field] = str(entry.get(field) or "")
    return row


# --------------------------------------------------------------------------------------------------


def list_entries(project: Project, hidden: bool = False, out: Out = STDOUT) -> int:
    _, items = _load(project)
    today = datetime.date.today()
    print(f"{'id':22} {'shown':6} {'checked':11} {'phone':15} name / nom", file=out)
    for item in items:
        e = plain(item)
        shown = e.get("show") is True and e.get("status") != "do_not_show"
        if not shown and not hidden:
            continue
        checked = str(e.get("checked_on") or "")
        try:
            old = (today - datetime.date.fromisoformat(checked)).days > MAX_AGE_DAYS
        except ValueError:
            old = True
        print(
            f"{e.get('id', ''):22} {'yes' if shown else 'no':6} {checked + (' !' if old else ''):11} "
            f"{str((e.get('contact') or {}).get('phone', '')):15} {e['name']['en']} / {e['name']['fr']}",
            file=out,
        )
    print(
        f"\n! = checked more than 12 months ago / vérifié il y a plus de 12 mois. File / fichier: {project.rel(project.resources)}"
        + ("" if hidden else "\nHidden entries: `bot resources list --hidden` / entrées cachées : `--hidden`."),
        file=out,
    )
    return 0


def search(project: Project, words: str, out: Out = STDOUT) -> int:
    _, items = _load(project)
    wanted = _fold(words).split()
    found = 0
    for index, item in enumerate(items):
        e = plain(item)
        haystack = _fold(" ".join(str(v) for v in _row(e).values()))
        if all(w in haystack for w in wanted):
            found += 1
            line = item_line(items, index)
            print(f"{e.get('id')}  ({project.rel(project.resources)}, line {line})", file=out)
            for lang in LANGUAGES:
                print(f"  {lang}: {e['text'][lang]}", file=out)
                print(f"      hours / heures: {e['hours'][lang]}", file=out)
            print(
                f"  shown / affiché: {'yes' if e.get('show') is True and e.get('status') != 'do_not_show' else 'no'}"
                f" · source: {e.get('source_url')} · checked / vérifié: {e.get('checked_on')}\n",
                file=out,
            )
    print(f"{found} entr{'y' if found == 1 else 'ies'} found / entrée(s) trouvée(s).", file=out)
    return 0 if found else 1


def export_csv(project: Project, path: Path, out: Out = STDOUT) -> int:
    _, items = _load(project)
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:  # the BOM lets spreadsheets read accents right
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for item in items:
            writer.writerow(_row(plain(item)))
    print(
        f"Wrote {len(items)} entries to {path}. Open it in a spreadsheet, review it (English and French columns\n"
        f"side by side), save it as CSV, then: bot resources import {path}\n"
        f"{len(items)} entrées écrites dans {path}. Ouvrez-le dans un tableur, révisez-le (colonnes anglaises et\n"
        f"françaises côte à côte), enregistrez-le en CSV, puis : bot resources import {path}",
        file=out,
    )
    return 0


# --------------------------------------------------------------------------------------------------


def _entry_from_row(row: dict[str, str]) -> dict[str, Any]:
    clean = {k: (v or "").strip() for k, v in row.items() if k}
    entry: dict[str, Any] = {"id": clean.get("id", "")}
    for field in TEXT_FIELDS:
        entry[field] = {lang: clean.get(f"{field}_{lang}", "") for lang in LANGUAGES}
    entry["contact"] = {k: clean[k] for k in CONTACT_FIELDS if clean.get(k)}
    for field in LIST_FIELDS:
        entry[field] = [w for w in clean.get(field, "").replace(";", ",").replace(" ", ",").split(",") if w]
    entry["status"] = clean.get("status", "")
    show = clean.get("show", "").lower()
    entry["show"] = True if show in TRUE else False if show in FALSE else show
    if clean.get("show_reason"):
        entry["show_reason"] = clean["show_reason"]
    entry["source_url"] = clean.get("source_url", "")
    entry["checked_on"] = clean.get("checked_on", "")
    return entry


def read_csv(path: Path) -> tuple[list[tuple[dict[str, Any], int]], list[str]]:
    """(entry, line) for each row, and the header problems."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(f, dialect=dialect)
        header = [h.strip() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        problems = []
        missing = [c for c in COLUMNS if c not in header]
        unknown = [c for c in header if c and c not in COLUMNS]
        if missing:
            problems.append(f"missing columns / colonnes manquantes: {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown columns / colonnes inconnues: {', '.join(unknown)}")
        rows = []
        for row in reader:
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                rows.append((_entry_from_row(row), reader.line_num))
    return rows, problems


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    a, b = _row(old), _row(new)
    return [f"{k}: {a[k]!r} -> {b[k]!r}" for k in COLUMNS if a[k] != b[k]]


def _quoted(value: str) -> DoubleQuotedScalarString:
    return DoubleQuotedScalarString(value)


def _flow_map(values: dict[str, Any]) -> CommentedMap:
    m = CommentedMap((k, _quoted(v) if isinstance(v, str) else v) for k, v in values.items())
    m.fa.set_flow_style()
    return m


def _flow_seq(values: list[str]) -> CommentedSeq:
    s = CommentedSeq(values)
    s.fa.set_flow_style()
    return s


def _apply(item: CommentedMap, entry: dict[str, Any]) -> None:
    """Write `entry`'s values into the YAML mapping, keeping its layout where the value didn't change."""
    current = plain(item)
    for field in TEXT_FIELDS:
        if current.get(field) != entry[field]:
            target = item.get(field)
            if isinstance(target, CommentedMap):
                for lang in LANGUAGES:
                    if target.get(lang) != entry[field][lang]:
                        target[lang] = _quoted(entry[field][lang])
            else:
                item[field] = _flow_map(entry[field])
    if {k: str(v) for k, v in (current.get("contact") or {}).items()} != entry["contact"]:
        contact = item.get("contact")
        if not isinstance(contact, CommentedMap):
            item["contact"] = contact = _flow_map({})
        for key in list(contact):
            if key in CONTACT_FIELDS and key not in entry["contact"]:
                del contact[key]
        for key, value in entry["contact"].items():
            if str(contact.get(key)) != value:
                contact[key] = _quoted(value)
    for field in LIST_FIELDS:
        if list(current.get(field) or []) != entry[field]:
            seq = item.get(field)
            if isinstance(seq, CommentedSeq):
                seq[:] = entry[field]
            else:
                item[field] = _flow_seq(entry[field])
    for field in ("status", "show", "source_url", "checked_on"):
        if current.get(field) != entry[field] and str(current.get(field)) != str(entry[field]):
            value = entry[field]
            item[field] = value if isinstance(value, bool) or field == "status" else _quoted(value)
    if entry.get("show_reason"):
        if current.get("show_reason") != entry["show_reason"]:
            if "show_reason" in item:
                item["show_reason"] = _quoted(entry["show_reason"])
            else:
                item.insert(list(item).index("show") + 1, "show_reason", _quoted(entry["show_reason"]))
    elif "show_reason" in item:
        del item["show_reason"]


def _new_item(entry: dict[str, Any]) -> CommentedMap:
    item = CommentedMap()
    item["id"] = entry["id"]
    for field in ("name",):
        item[field] = _flow_map(entry[field])
    item["contact"] = _flow_map(entry["contact"])
    item["text"] = CommentedMap((lang, _quoted(entry["text"][lang])) for lang in LANGUAGES)
    item["hours"] = _flow_map(entry["hours"])
    item["audience"] = _flow_seq(entry["audience"])
    item["status"] = entry["status"]
    item["show"] = entry["show"]
    if entry.get("show_reason"):
        item["show_reason"] = _quoted(entry["show_reason"])
    item["source_url"] = _quoted(entry["source_url"])
    item["checked_on"] = _quoted(entry["checked_on"])
    return item


def _at_row(path: Path, line: int) -> Callable[[str], tuple[Path, int | None]]:
    """Where the problems of a CSV row are shown: the row's line, whatever the field."""
    return lambda field: (path, line)


def import_csv(
    project: Project, path: Path, dry_run: bool = False, out: Out = STDOUT, today: datetime.date | None = None
) -> int:
    path = Path(path)
    if not path.is_file():
        print(f"No file at {path}. / Aucun fichier à {path}.", file=out)
        return 1
    rows, header_problems = read_csv(path)
    if header_problems:
        print(
            f"{path}, line 1: the columns don't match an export of `bot resources export`.\n"
            f"{path}, ligne 1 : les colonnes ne correspondent pas à un export de `bot resources export`.",
            file=out,
        )
        for p in header_problems:
            print(f"  {p}", file=out)
        print("Nothing was changed. / Rien n'a été modifié.", file=out)
        return 1
    doc, items = _load(project)
    by_id = {str(item.get("id")): item for item in items}
    checker = Checker(project, today=today)
    seen: dict[str, EnFr] = {}
    for entry, line in rows:
        check_resource(checker, entry, _at_row(path.resolve(), line), seen)
    merged = {rid: plain(item) for rid, item in by_id.items()}
    merged.update({str(e["id"]): e for e, _ in rows})
    check_resource_use(checker, merged)
    check_channel_texts(checker, merged)
    problems = errors(checker.findings)
    report(checker.findings)
    if problems:
        print(
            f"{len(problems)} problem(s): nothing was changed. Fix them in {path} and import again.\n"
            f"{len(problems)} problème(s) : rien n'a été modifié. Corrigez-les dans {path} et réimportez.",
            file=out,
        )
        return 1

    changed, added = [], []
    for entry, _ in rows:
        old = by_id.get(entry["id"])
        if old is None:
            added.append(entry["id"])
            print(f"+ new entry / nouvelle entrée: {entry['id']}", file=out)
            if not dry_run:
                items.append(_new_item(entry))
            continue
        diff = _changes(plain(old), entry)
        if diff:
            changed.append(entry["id"])
            print(f"~ {entry['id']}:", file=out)
            for d in diff:
                print(f"    {d}", file=out)
            if not dry_run:
                _apply(old, entry)
    kept = [rid for rid in by_id if rid not in {e["id"] for e, _ in rows}]
    if kept:
        print(
            f"Not in the CSV, kept as they are / absentes du CSV, gardées telles quelles: {', '.join(kept)}\n"
            "(To hide a service, set show to false. / Pour cacher un service, mettez show à false.)",
            file=out,
        )
    if not changed and not added:
        print("No change. / Aucun changement.", file=out)
        return 0
    if dry_run:
        print("Dry run: nothing written. / Essai : rien n'a été écrit.", file=out)
        return 0
    fd, tmp = tempfile.mkstemp(dir=project.resources.parent, suffix=".yml.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        yaml_rt().dump(doc, f)
    os.replace(tmp, project.resources)
    print(
        f"{project.rel(project.resources)} updated: {len(changed)} changed, {len(added)} added. The running assistant "
        "shows it from its next answer.\n"
        f"{project.rel(project.resources)} mis à jour : {len(changed)} modifiée(s), {len(added)} ajoutée(s). "
        "L'assistant en marche l'affiche dès sa prochaine réponse.",
        file=out,
    )
    return 0
