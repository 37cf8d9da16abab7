"""`bot train`: `rasa train` with a progress display; the new model replaces models/assistant.tar.gz.

The model is trained into models/training/ first: if training fails, the model in use is untouched.
Every model is kept in models/kept/ with its status in models/index.json (bot/staff/registry.py), the
one it replaces too, so `bot rollback` can bring back the last accepted one. With no accepted model on
this computer yet (a fresh install), the installed model is first measured against the committed
figures, so that it becomes the first accepted model.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

from ruamel.yaml import YAML

from bot.staff.findings import STDOUT, Out
from bot.staff.project import Project, rasa_bin

STARTED = re.compile(r"Starting to train component '(\w+)'")
FINISHED = re.compile(r"Finished training component '(\w+)'")
RESTORED = re.compile(r"Restored component '(\w+)' from cache")
EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")
WHAT = {
    "LanguageDetector": "language detector / détecteur de langue",
    "BilingualSpacyTokenizer": "tokenizer / découpage en mots",
    "DIETClassifier": "intent classifier / classificateur d'intentions",
    "RulePolicy": "conversation rules / règles de conversation",
    "LanguagePolicy": "conversation language / langue de la conversation",
}


# Parts of config.yml that learn nothing from the data: Rasa doesn't report them as training steps.
NOT_TRAINED = {
    "LanguageDetector",
    "BilingualSpacyTokenizer",
    "WhitespaceTokenizer",
    "SpacyTokenizer",
    "SpacyNLP",
    "SmallTalkFilter",
    "FallbackClassifier",
    "SafetyNet",
}


def components(project: Project) -> list[str]:
    """The trainable parts named in config.yml, in order (for the progress display)."""
    config = YAML(typ="safe").load(project.config.read_text(encoding="utf-8")) or {}
    names = [
        str(c.get("name", "")).split(".")[-1] for c in (config.get("pipeline") or []) + (config.get("policies") or [])
    ]
    return [n for n in names if n not in NOT_TRAINED]


class Progress:
    """One line per step; on a terminal, a bar that moves in place."""

    def __init__(self, total: int, out: Out):
        self.total, self.out, self.done = max(total, 1), out, 0
        self.tty = hasattr(out, "isatty") and out.isatty()
        self.current, self.started, self.last_epoch = "", time.time(), 0

    def _bar(self, extra: str = "") -> str:
        filled = int(20 * min(self.done, self.total) / self.total)
        return (
            f"  [{'#' * filled}{'.' * (20 - filled)}] step {min(self.done + 1, self.total)}/{self.total}  "
            f"{self.current}{extra}  ({int(time.time() - self.started)} s)"
        )

    def stage(self, name: str, note: str = "") -> None:
        self.current = (f"{name} ({WHAT[name]})" if name in WHAT else name) + note
        self._show()

    def finished(self) -> None:
        self.done += 1

    def epochs(self, k: int, n: int) -> None:
        if self.tty:
            self._show(f"  epoch {k}/{n}")
        elif k and (k == n or k % 20 == 0) and k != self.last_epoch:
            self.last_epoch = k
            print(f"      epoch {k}/{n}", file=self.out, flush=True)

    def _show(self, extra: str = "") -> None:
        if self.tty:
            print("\r" + self._bar(extra).ljust(110)[:150], end="", file=self.out, flush=True)
        else:
            print(self._bar(extra), file=self.out, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=self.out)


def train(project: Project, out: Out = STDOUT) -> Path | None:
    """Train; on success return the model's path (models/assistant.tar.gz)."""
    from bot.staff import registry
    from bot.staff.evaluate import check_installed_model

    if project.model.is_file():
        check_installed_model(project, out)
        registry.register(project, project.model, source="models/assistant.tar.gz")
    staging = project.models / "training"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    log_path = project.models / "training.log"
    print(
        "Training the assistant: this takes a few minutes.\nEntraînement de l'assistant : cela prend quelques minutes.",
        file=out,
        flush=True,
    )
    progress = Progress(len(components(project)), out)
    cmd = [rasa_bin(), "train", "--fixed-model-name", "assistant", "--out", str(staging)]
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=project.root,
            env=project.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        assert proc.stdout is not None  # stdout=PIPE
        buffer = ""
        while True:
            chunk = proc.stdout.read(256)
            if not chunk:
                break
            log.write(chunk)
            buffer += chunk
            *pieces, buffer = re.split(r"[\r\n]", buffer)
            for piece in pieces:
                if started := STARTED.search(piece):
                    progress.stage(started.group(1))
                elif FINISHED.search(piece):
                    progress.finished()
                elif restored := RESTORED.search(piece):
                    progress.stage(restored.group(1), " unchanged, reused / inchangé, réutilisé")
                    progress.finished()
                elif epochs := EPOCHS.search(piece):
                    progress.epochs(*map(int, epochs.groups()))
        code = proc.wait()
    progress.close()
    new = staging / "assistant.tar.gz"
    if code != 0 or not new.is_file():
        tail = "\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        print(
            f"\nTraining failed. The model in use did not change. The last lines of {project.rel(log_path)}:\n"
            f"L'entraînement a échoué. Le modèle en service n'a pas changé. Dernières lignes de {project.rel(log_path)} :\n\n"
            f"{tail}\n\nRun `bot check` first: it explains most problems in plain words.\n"
            "Lancez d'abord `bot check` : il explique la plupart des problèmes simplement.",
            file=out,
        )
        return None
    entry = registry.register(project, new, source="bot train")
    new.replace(project.model)
    shutil.rmtree(staging, ignore_errors=True)
    minutes, seconds = divmod(int(time.time() - progress.started), 60)
    print(
        f"\nDone in {minutes} min {seconds} s. The new model is {project.model}\n"
        f"Terminé en {minutes} min {seconds} s. Le nouveau modèle est {project.model}\n"
        f"(Kept as {entry['name']}, not evaluated yet; the one it replaced is kept too: `bot rollback --list`.)\n"
        f"(Gardé sous le nom {entry['name']}, pas encore évalué ; celui qu'il remplace aussi : `bot rollback --list`.)\n\n"
        "Next: `bot evaluate`, then `bot reload`. / Ensuite : `bot evaluate`, puis `bot reload`.",
        file=out,
    )
    return project.model
