"""`bot try`: a service's text as users see it (no model), and a message's answer and why (with the trained
model, skipped when models/assistant.tar.gz is not there)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.staff.preview import preview_service
from tests.conftest import ROOT

MODEL = ROOT / "models" / "assistant.tar.gz"


def test_try_service_shows_the_text_in_both_languages_with_hours_filled(project, capsys):
    text = project.resources.read_text(encoding="utf-8")
    at = text.index("- id: chth")
    old = 'hours: {en: "24/7", fr: "24 h/24, 7 j/7"}'
    new = 'hours: {en: "weekdays 9 to 5", fr: "en semaine, de 9 h à 17 h"}'
    assert old in text[at:]
    project.resources.write_text(text[:at] + text[at:].replace(old, new, 1), encoding="utf-8")
    assert preview_service(project, "chth") == 0
    out = capsys.readouterr().out
    english, french = out.split("Français:")
    assert "1-833-900-1010" in english and "Free, confidential, weekdays 9 to 5" in english
    assert "Gratuite, confidentielle, en semaine, de 9 h à 17 h" in french
    assert "{" not in out


def test_try_service_says_when_hours_are_set_but_not_shown_and_suggests_a_close_id(project, capsys):
    text = project.resources.read_text(encoding="utf-8")
    project.resources.write_text(
        text.replace("Fem'aide: 1-877-336-2433, {hours}, for", "Fem'aide: 1-877-336-2433, for"), "utf-8"
    )
    assert preview_service(project, "femaide") == 0
    out = capsys.readouterr().out
    assert "Fem'aide" in out and "are set but this text does not show them" in out
    assert preview_service(project, "femaid") == 1
    assert "Did you mean / Vouliez-vous dire: femaide" in capsys.readouterr().out


def test_bot_try_service_on_the_command_line():
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "try", "--service", "chth"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    assert "English:" in run.stdout and "Français:" in run.stdout and "1-833-900-1010" in run.stdout


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model in models/assistant.tar.gz")
def test_bot_try_answers_a_conversation_and_says_why():
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "try",
            "how do i get a restraining order?",
            "ma fille de 14 ans est partie avec un gars plus vieux pis elle répond pu",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    first, second = out.split("You / Vous 2/2:")
    # the first answer, rendered from domain.yml, with the services filled in
    answer = first.split("Answer / Réponse")[1].split("Why / Pourquoi:")[0]
    assert "[1] " in answer and "[2] " in answer and "{" not in answer
    assert (
        "language / langue: en" in first
        and "intent / intention:" in first
        and "best scores / meilleurs scores:" in first
    )
    assert "safety net / filet de sécurité:" in first and "danger score / score de danger:" in first
    # the second: French, "vous" (a parent), 911 first, and the reason
    answer = second.split("Answer / Réponse")[1].split("Why / Pourquoi:")[0]
    assert "911" in answer.split("[1] ")[1].splitlines()[0]
    assert "language / langue: fr, address / adresse: vous" in second
    assert "action_emergency" in second
