"""Every trained model, kept with what the quality gate said of it: models/index.json.

`bot train` keeps each new model in models/kept/NAME/ as "not evaluated"; `bot evaluate` records
"passed" or "failed" (and why); `bot evaluate --accept` records "accepted" and keeps the accepted
figures and per-case results beside the model, so that `bot rollback` brings back the three together.

Statuses (English / French):
- accepted: the reference; `bot rollback` goes back to the last one;
- passed: passed the quality gate, not recorded as the reference;
- failed: the quality gate failed (the reason is kept);
- not evaluated: never measured (a model made by `make train`, or trained and not evaluated yet).

Pruning keeps a few of each, and never removes the last accepted model, the last model that passed,
or the model in models/assistant.tar.gz now. Models are copied, never linked: rolling back writes a
new models/assistant.tar.gz and can't change a kept copy.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path
from typing import Any

from bot.staff.project import Project

ACCEPTED, PASSED, FAILED, NOT_EVALUATED = "accepted", "passed", "failed", "not evaluated"
LABELS = {
    ACCEPTED: "accepted / accepté",
    PASSED: "passed, not accepted / réussi, non accepté",
    FAILED: "FAILED / ÉCHEC",
    NOT_EVALUATED: "not evaluated / non évalué",
}
KEEP_ACCEPTED = 5  # the newest accepted models kept
KEEP_OTHERS = 3  # the newest passed, failed or unevaluated models kept
MODEL_FILE = "assistant.tar.gz"


def index_path(project: Project) -> Path:
    return project.models / "index.json"


def kept_dir(project: Project) -> Path:
    return project.models / "kept"


def _now() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


def sha256(path: Path) -> str:
    from bot.staff.evaluate import sha256 as digest

    return digest(path)


def load(project: Project) -> list[dict[str, Any]]:
    """The kept models, oldest first (each: name, sha256, status, trained, evaluated, detail, folder)."""
    path = index_path(project)
    entries: list[dict[str, Any]] = []
    if path.is_file():
        try:
            entries = json.loads(path.read_text(encoding="utf-8")).get("models") or []
        except ValueError:
            entries = []
    entries = [e for e in entries if (project.root / e.get("folder", "") / MODEL_FILE).is_file()]
    return _import_older_layout(project, entries)


def save(project: Project, entries: list[dict[str, Any]]) -> None:
    path = index_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"models": entries}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _import_older_layout(project: Project, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Models kept before this index existed: models/accepted/*/ (accepted) and models/previous.tar.gz."""
    known = {e["sha256"] for e in entries}
    added = False
    older = project.models / "accepted"
    if older.is_dir():
        for folder in sorted(p for p in older.iterdir() if (p / MODEL_FILE).is_file()):
            digest = sha256(folder / MODEL_FILE)
            if digest not in known:
                entries.append(_entry(project, folder.name, digest, ACCEPTED, folder, "models/accepted"))
                known.add(digest)
                added = True
    previous = project.models / "previous.tar.gz"
    if previous.is_file():
        digest = sha256(previous)
        if digest not in known:
            entries.append(_keep(project, previous, digest, NOT_EVALUATED, "models/previous.tar.gz"))
            added = True
        previous.unlink()  # kept in models/kept/ now
    if added:
        save(project, entries)
    return entries


def _entry(project: Project, name: str, digest: str, status: str, folder: Path, source: str) -> dict[str, Any]:
    stamp = datetime.datetime.fromtimestamp((folder / MODEL_FILE).stat().st_mtime).isoformat(timespec="seconds")
    return {
        "name": name,
        "sha256": digest,
        "status": status,
        "trained": stamp,
        "evaluated": None,
        "detail": "",
        "source": source,
        "folder": project.rel(folder),
    }


def _keep(project: Project, model: Path, digest: str, status: str, source: str) -> dict[str, Any]:
    stamp = datetime.datetime.fromtimestamp(model.stat().st_mtime)
    name = f"{stamp.strftime('%Y%m%d-%H%M%S')}-{digest[:8]}"
    folder = kept_dir(project) / name
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (MODEL_FILE + ".tmp")
    shutil.copy2(model, tmp)
    os.replace(tmp, folder / MODEL_FILE)
    return _entry(project, name, digest, status, folder, source)


def find(entries: list[dict[str, Any]], name_or_sha: str) -> dict[str, Any] | None:
    for e in entries:
        if name_or_sha in (e["name"], e["sha256"]):
            return e
    return None


def register(project: Project, model: Path, source: str = "bot train") -> dict[str, Any]:
    """Keep a copy of `model` in the index (once per content), as "not evaluated" if it is new."""
    entries = load(project)
    digest = sha256(model)
    found = find(entries, digest)
    if found:
        return found
    entry = _keep(project, model, digest, NOT_EVALUATED, source)
    entries.append(entry)
    save(project, entries)
    prune(project)
    return entry


def record(
    project: Project, model: Path, status: str, detail: str = "", files: dict[str, Path] | None = None
) -> dict[str, Any]:
    """Record the gate's verdict for `model` (kept first if it was not); `files` are copied beside it
    (the accepted figures and per-case results, for `bot rollback`)."""
    entry = register(project, model, source="bot evaluate")
    entries = load(project)
    found = find(entries, entry["sha256"])
    assert found is not None  # register() has just written it
    entry = found
    if entry["status"] == ACCEPTED and status != ACCEPTED:
        # once accepted, always a model `bot rollback` may come back to; the latest verdict is noted
        entry.update(evaluated=_now(), last_gate=status, detail=detail)
    else:
        entry.update(status=status, evaluated=_now(), detail=detail, last_gate=status)
    if status == ACCEPTED:
        entry["accepted"] = entry["evaluated"]
    for name, path in (files or {}).items():
        if path.is_file():
            shutil.copy2(path, project.root / entry["folder"] / name)
    save(project, entries)
    prune(project)
    return entry


def status_of(project: Project, model: Path) -> dict[str, Any] | None:
    if not model.is_file():
        return None
    return find(load(project), sha256(model))


def last_with(entries: list[dict[str, Any]], statuses) -> dict[str, Any] | None:
    """The most recently accepted (or evaluated, or trained) model with one of these statuses."""
    chosen = [e for e in entries if e["status"] in statuses]
    chosen.sort(key=lambda e: (e.get("accepted") or e.get("evaluated") or e["trained"] or "", e["trained"] or ""))
    return chosen[-1] if chosen else None


def last_accepted(project: Project) -> dict[str, Any] | None:
    return last_with(load(project), (ACCEPTED,))


def model_file(project: Project, entry: dict[str, Any]) -> Path:
    return project.root / entry["folder"] / MODEL_FILE


def install(project: Project, entry: dict[str, Any]) -> None:
    """Put a kept model in models/assistant.tar.gz (a new file moved into place: the kept copy is untouched)."""
    tmp = project.models / (MODEL_FILE + ".installing")
    shutil.copy2(model_file(project, entry), tmp)
    os.replace(tmp, project.model)


def prune(project: Project) -> None:
    entries = load(project)
    current = sha256(project.model) if project.model.is_file() else None
    protect = {current}
    for statuses in ((ACCEPTED,), (ACCEPTED, PASSED)):
        last = last_with(entries, statuses)
        if last:
            protect.add(last["sha256"])
    newest_first = sorted(entries, key=lambda e: e["trained"] or "", reverse=True)
    accepted = [e for e in newest_first if e["status"] == ACCEPTED]
    others = [e for e in newest_first if e["status"] != ACCEPTED]
    drop = [e for e in accepted[KEEP_ACCEPTED:] + others[KEEP_OTHERS:] if e["sha256"] not in protect]
    if not drop:
        return
    for e in drop:
        shutil.rmtree(project.root / e["folder"], ignore_errors=True)
    gone = {e["sha256"] for e in drop}
    save(project, [e for e in entries if e["sha256"] not in gone])
