"""`bot restore-data`: put data/ and domain.yml back as they are in the last commit.

It lists what would change first (changed, deleted and new files), asks for a yes, then keeps a copy
of every file it changes or removes in backups/data-DATE/ (so the undo can itself be undone), and
runs `git checkout HEAD -- data domain.yml`. New files under data/ that git does not know are moved
to the backup too: they would otherwise still be read by the next `bot train`.
It refuses when git is not installed or the project is not a git checkout.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

from bot.staff.findings import STDOUT, Out
from bot.staff.project import Project

PATHS = ("data", "domain.yml")
KINDS = {  # git status letter -> (English, French)
    "M": ("changed", "modifié"),
    "D": ("deleted, will come back", "supprimé, sera remis"),
    "A": ("added since the commit, will be removed", "ajouté depuis, sera retiré"),
    "?": ("new, not in git, will be moved to the backup", "nouveau, hors de git, sera mis de côté"),
    "R": ("renamed", "renommé"),
}


def _git(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(project.root), *args], capture_output=True, text=True)


def changes(project: Project) -> list[tuple[str, str]]:
    """(kind letter, path relative to the project) for every difference with the last commit."""
    top = _git(project, "rev-parse", "--show-toplevel")
    run = _git(project, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *PATHS)
    if top.returncode != 0 or run.returncode != 0:
        raise RuntimeError((top.stderr + run.stderr).strip())
    root = Path(top.stdout.strip()).resolve()
    out: list[tuple[str, str]] = []
    for item in filter(None, run.stdout.split("\0")):
        code, path = item[:2], item[3:]
        kind = "?" if code == "??" else next((c for c in code if c in "MDAR"), "M")
        out.append((kind, project.rel(root / path)))
    return out


def restore_data(project: Project, yes: bool = False, out: Out = STDOUT, answer: str | None = None) -> int:
    if shutil.which("git") is None:
        print(
            "Refused: git is not installed on this computer, so there is no last commit to go back to.\n"
            "Ask a maintainer, or install git. / Refusé : git n'est pas installé sur cet ordinateur, il n'y a donc\n"
            "pas de dernier commit vers lequel revenir. Demandez à un responsable, ou installez git.",
            file=out,
        )
        return 2
    inside = _git(project, "rev-parse", "--verify", "HEAD")
    if inside.returncode != 0:
        print(
            f"Refused: {project.root} is not a git checkout with a commit, so there is no last commit to go back to.\n"
            f"Refusé : {project.root} n'est pas une copie git avec un commit : pas de dernier commit où revenir.",
            file=out,
        )
        return 2
    found = changes(project)
    if not found:
        print(
            "Nothing to restore: data/ and domain.yml are as in the last commit.\n"
            "Rien à remettre : data/ et domain.yml sont comme dans le dernier commit.",
            file=out,
        )
        return 0
    print(
        "These files differ from the last commit and will be put back / Ces fichiers diffèrent du dernier commit\n"
        "et seront remis:",
        file=out,
    )
    for kind, path in found:
        en, fr = KINDS.get(kind, KINDS["M"])
        print(f"  {path}  ({en} / {fr})", file=out)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = project.root / "backups" / f"data-{stamp}"
    print(
        f"A copy of your versions is kept in {project.rel(backup)}. / Une copie de vos versions est gardée dans "
        f"{project.rel(backup)}.",
        file=out,
    )
    if not yes:
        if answer is None:
            if not sys.stdin.isatty():
                print(
                    "Nothing done: add --yes to confirm. / Rien n'a été fait : ajoutez --yes pour confirmer.", file=out
                )
                return 1
            answer = input("Put them back? Type yes / Les remettre ? Tapez oui: ")
        if answer.strip().lower() not in ("yes", "y", "oui", "o"):
            print("Nothing done. / Rien n'a été fait.", file=out)
            return 1
    for _kind, path in found:
        source = project.root / path
        if source.is_file():
            target = backup / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    tracked = [path for kind, path in found if kind != "?"]
    if tracked:
        run = _git(project, "checkout", "HEAD", "--", *PATHS)
        if run.returncode != 0:
            print(f"git could not restore the files / git n'a pas pu remettre les fichiers:\n{run.stderr}", file=out)
            return 1
        for kind, path in found:
            if kind == "A":  # added to git's index since the commit: checkout keeps it
                _git(project, "rm", "-q", "--cached", "--", path)
                (project.root / path).unlink(missing_ok=True)
    for kind, path in found:
        if kind == "?":
            (project.root / path).unlink(missing_ok=True)
    left = changes(project)
    if left:
        print("Not everything could be put back / Tout n'a pas pu être remis:", file=out)
        for _kind, path in left:
            print(f"  {path}", file=out)
        return 1
    print(
        "Done: data/ and domain.yml are as in the last commit. Next: `bot check`, then `bot rollback` if the model\n"
        "came from the changed files (or `bot train`).\n"
        "Terminé : data/ et domain.yml sont comme dans le dernier commit. Ensuite : `bot check`, puis `bot rollback`\n"
        "si le modèle venait des fichiers modifiés (ou `bot train`).",
        file=out,
    )
    return 0
