"""The staff tools without a server: live directory reload, CSV export/import, reload's refusals, --help."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from bot.shared import directory, texts
from bot.staff import resources
from bot.staff.check import run_checks
from bot.staff.findings import errors
from bot.staff.reload import is_loopback, reload
from tests.conftest import ROOT


def bump(path: Path) -> None:
    """Editors save within the same second: make sure the change is visible to a stat()."""
    st = path.stat()
    import os

    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


# -- the running action server picks up directory changes ---------------------------------------------


def test_directory_is_read_again_when_the_file_changes_and_a_broken_file_keeps_the_last_good_one(project, monkeypatch):
    monkeypatch.setenv("RESOURCES_FILE", str(project.resources))
    directory.directory.cache_clear()
    try:
        assert "24/7" in directory.directory()["chth"].render("en")
        text = project.resources.read_text(encoding="utf-8")
        project.resources.write_text(
            text.replace('"1-877-336-2433"', '"1-877-336-2400"').replace(
                "Fem'aide: 1-877-336-2433", "Fem'aide: 1-877-336-2400"
            ),
            encoding="utf-8",
        )
        bump(project.resources)
        assert directory.directory()["femaide"].contact["phone"] == "1-877-336-2400"
        assert "1-877-336-2400" in directory.directory()["femaide"].render("en")
        project.resources.write_text("resources: [unclosed\n", encoding="utf-8")  # saved half-way
        bump(project.resources)
        assert directory.directory()["femaide"].contact["phone"] == "1-877-336-2400"
    finally:
        monkeypatch.delenv("RESOURCES_FILE")
        directory.directory.cache_clear()


def test_channel_texts_are_read_again_when_the_file_changes(project, monkeypatch):
    monkeypatch.setenv("CHANNEL_TEXTS_FILE", str(project.channel_texts))
    texts.all_texts.cache_clear()
    try:
        before = texts.text("assistant_unreachable", "fr")
        content = project.channel_texts.read_text(encoding="utf-8")
        project.channel_texts.write_text(
            content.replace("Désolé, je n'arrive pas", "Oups, je n'arrive pas"), encoding="utf-8"
        )
        bump(project.channel_texts)
        after = texts.text("assistant_unreachable", "fr")
        assert before.startswith("Désolé") and after.startswith("Oups") and "911" in after
    finally:
        monkeypatch.delenv("CHANNEL_TEXTS_FILE")
        texts.all_texts.cache_clear()


# -- bot resources export / import ---------------------------------------------------------------------


def rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)


def test_export_then_import_unchanged_leaves_the_file_byte_for_byte(project, tmp_path, capsys):
    before = project.resources.read_bytes()
    sheet = tmp_path / "review.csv"
    assert resources.export_csv(project, sheet) == 0
    data = rows(sheet)
    assert {"name_en", "name_fr", "text_en", "text_fr", "hours_en", "hours_fr", "source_url", "checked_on"} <= set(
        data[0]
    )
    assert resources.import_csv(project, sheet) == 0
    assert "No change" in capsys.readouterr().out
    assert project.resources.read_bytes() == before


def test_import_refuses_a_malformed_number_and_a_missing_source_and_changes_nothing(project, tmp_path, capsys):
    before = project.resources.read_bytes()
    sheet = tmp_path / "review.csv"
    resources.export_csv(project, sheet)
    data = rows(sheet)
    data[2]["phone"] = "1-833-900-101"
    data[5]["source_url"] = ""
    write(sheet, data)
    assert resources.import_csv(project, sheet) == 1
    out = capsys.readouterr().out
    assert (
        "review.csv, line 4\n    Entry 'chth': the phone number '1-833-900-101' (phone) is not in a known format" in out
    )
    assert f"review.csv, line 7\n    Entry '{data[5]['id']}': has no source." in out
    assert "nothing was changed" in out and "rien n'a été modifié" in out
    assert project.resources.read_bytes() == before


def test_import_writes_reviewed_changes_and_a_new_service_keeping_comments(project, tmp_path, capsys):
    sheet = tmp_path / "review.csv"
    resources.export_csv(project, sheet)
    data = rows(sheet)
    chth = next(r for r in data if r["id"] == "chth")
    chth["hours_en"], chth["hours_fr"] = "weekdays 9 to 5", "en semaine, de 9 h à 17 h"
    new = dict(
        chth,
        id="youth_line",
        name_en="Youth line",
        name_fr="Ligne jeunesse",
        phone="1-800-555-0100",
        web="",
        text_en="Youth line: 1-800-555-0100, {hours}.",
        text_fr="Ligne jeunesse : 1-800-555-0100, {hours}.",
        audience="teen",
        show_reason="",
        source_url="https://www.ontario.ca/page/youth",
    )
    data.append(new)
    write(sheet, data)
    assert resources.import_csv(project, sheet) == 0
    out = capsys.readouterr().out
    assert "hours_en: '24/7' -> 'weekdays 9 to 5'" in out and "+ new entry / nouvelle entrée: youth_line" in out
    content = project.resources.read_text(encoding="utf-8")
    assert content.startswith("# The service directory")  # comments kept
    assert 'hours: {en: "weekdays 9 to 5", fr: "en semaine, de 9 h à 17 h"}' in content
    assert not errors(run_checks(project, ["resources", "channel_texts"]))
    entries = directory.load(project.resources)
    assert entries["youth_line"].render("fr") == "Ligne jeunesse : 1-800-555-0100, en semaine, de 9 h à 17 h."


def test_search_finds_a_service_by_a_word_without_accents(project, capsys):
    assert resources.search(project, "jeunesse ecoute") == 0
    assert "kids_help_phone" in capsys.readouterr().out


# -- bot reload refuses what it must refuse -------------------------------------------------------------


@pytest.mark.parametrize(
    "url,ok",
    [
        ("http://localhost:5005", True),
        ("http://127.0.0.1:5005", True),
        ("http://[::1]:5005", True),
        ("http://10.0.0.5:5005", False),
        ("https://bot.example.org", False),
        ("http://localhost.example.org", False),
    ],
)
def test_reload_talks_only_to_this_computer(url, ok):
    assert is_loopback(url) is ok


def test_reload_refuses_a_remote_server_and_explains_a_missing_token(project, monkeypatch, capsys):
    monkeypatch.setenv("RASA_API_TOKEN", "x" * 32)
    assert reload(project, url="http://203.0.113.9:5005") == 2
    assert "is not on this computer" in capsys.readouterr().out
    monkeypatch.delenv("RASA_API_TOKEN")
    assert reload(project, url="http://localhost:5005") == 2
    out = capsys.readouterr().out
    assert "RASA_API_TOKEN is not set" in out and "n'est pas défini" in out


def test_reload_reads_the_token_from_the_projects_env_file(project, monkeypatch):
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    (project.root / ".env").write_text("# settings\nexport RASA_API_TOKEN='abc123'\n", encoding="utf-8")
    assert project.setting("RASA_API_TOKEN") == "abc123"


def test_help_is_in_plain_english_and_french():
    run = subprocess.run([sys.executable, "-m", "bot.cli", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0
    assert "find what is wrong, with file and line" in run.stdout and "trouver ce qui ne va pas" in run.stdout
    for command in ("check", "try", "train", "evaluate", "reload", "rollback", "restore-data", "resources"):
        sub = subprocess.run(
            [sys.executable, "-m", "bot.cli", command, "--help"], capture_output=True, text=True, cwd=ROOT
        )
        assert sub.returncode == 0 and "/" in sub.stdout, command


def test_macro_f1_is_over_the_expected_intents_and_counts_a_stray_guess_as_a_miss():
    from bot.staff.evaluate import macro_f1

    # shelter: 1 right of 2 (F1 2/3); legal: right, but a shelter case was read as legal (F1 2/3);
    # "greet" was never expected, so it is not averaged in
    assert macro_f1(["shelter", "shelter", "legal"], ["shelter", "legal", "legal"]) == pytest.approx(2 / 3)
    assert macro_f1(["shelter", "legal"], ["greet", "legal"]) == pytest.approx(0.5)
    assert macro_f1([], []) == 0.0
