"""Rollback that can't go wrong (bot/staff/registry.py, bot rollback) and `bot restore-data`, without a model:
the "models" here are small files; what matters is which one ends up in models/assistant.tar.gz."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.staff import registry
from bot.staff.reload import list_saved, rollback
from bot.staff.restore import restore_data


def put(project, content: bytes) -> Path:
    project.models.mkdir(parents=True, exist_ok=True)
    project.model.write_bytes(content)
    return project.model


def kept(project, content: bytes, status: str, detail: str = "") -> dict:
    """A model as `bot train` then `bot evaluate` leave it: in models/assistant.tar.gz, kept, with its status."""
    model = put(project, content)
    registry.register(project, model)
    return registry.record(project, model, status, detail)


@pytest.fixture
def history(project):
    """Accepted A, then B failed (emergency recall), then C never evaluated: C is in place now."""
    project.baseline.parent.mkdir(parents=True, exist_ok=True)
    project.baseline.write_text('{"model": "A"}', encoding="utf-8")
    project.accepted_results.write_text('{"cases": {"a": {}}}', encoding="utf-8")
    a = kept(project, b"model A", registry.ACCEPTED)
    shutil.copy2(project.baseline, project.root / a["folder"] / "baseline.json")
    shutil.copy2(project.accepted_results, project.root / a["folder"] / "accepted_results.json")
    b = kept(project, b"model B", registry.FAILED, "EN emergency recall: 1 emergency case(s) no longer get 911")
    project.baseline.write_text('{"model": "B, accepted anyway"}', encoding="utf-8")
    put(project, b"model C")
    return {"A": a, "B": b}


def test_rollback_goes_to_the_last_accepted_model_never_the_newer_failed_one(project, history, capsys):
    assert rollback(project) == 0
    assert project.model.read_bytes() == b"model A"
    assert project.baseline.read_text() == '{"model": "A"}'  # its accepted figures came back with it
    out = capsys.readouterr().out
    assert f"is now the model {history['A']['name']} (accepted / accepté)" in out
    # the model that was in place (never evaluated) is kept: the rollback itself can be undone
    assert any(e["status"] == registry.NOT_EVALUATED for e in registry.load(project))
    assert rollback(project) == 0 and "already the last accepted model" in capsys.readouterr().out


def test_rollback_refuses_a_failed_model_unless_forced_and_then_says_so(project, history, capsys):
    name = history["B"]["name"]
    assert rollback(project, name) == 1
    out = capsys.readouterr().out
    assert "Refused" in out and "FAILED the quality gate" in out and "emergency recall" in out
    assert f"bot rollback {name} --force" in out and "Refusé" in out
    assert project.model.read_bytes() == b"model C"
    assert rollback(project, name, force=True) == 0
    out = capsys.readouterr().out
    assert "WARNING" in out and "AVERTISSEMENT" in out and project.model.read_bytes() == b"model B"
    assert project.baseline.read_text() != '{"model": "A"}'  # a failed model brings no accepted figures


def test_rollback_with_no_accepted_model_refuses_and_names_force(project, capsys):
    kept(project, b"model X", registry.NOT_EVALUATED)
    put(project, b"model Y")
    assert rollback(project) == 1
    out = capsys.readouterr().out
    assert "No model has been accepted" in out and "--force" in out
    assert project.model.read_bytes() == b"model Y"


def test_the_list_shows_each_status_and_where_rollback_goes(project, history, capsys):
    assert list_saved(project) == 0
    out = capsys.readouterr().out
    line_a = next(line for line in out.splitlines() if line.startswith(history["A"]["name"]))
    assert "accepted / accepté" in line_a and "`bot rollback` goes here" in line_a
    assert "FAILED / ÉCHEC" in out and "no longer get 911" in out
    assert "not evaluated / non évalué" in out and "in models/assistant.tar.gz now" in out


def test_pruning_never_removes_the_last_accepted_model(project, monkeypatch):
    monkeypatch.setattr(registry, "KEEP_OTHERS", 2)
    first = kept(project, b"accepted long ago", registry.ACCEPTED)
    for n in range(6):
        kept(project, f"failed {n}".encode(), registry.FAILED)
    names = [e["name"] for e in registry.load(project)]
    assert first["name"] in names and len(names) <= 4
    assert registry.model_file(project, registry.last_accepted(project)).read_bytes() == b"accepted long ago"


def test_a_kept_model_is_a_copy_that_a_rollback_does_not_change(project, history):
    rollback(project)
    rollback(project, history["B"]["name"], force=True)
    assert registry.model_file(project, history["A"]).read_bytes() == b"model A"


# -- bot restore-data ----------------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(project):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(project.root, "init", "-q")
    git(project.root, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", "data", "domain.yml")
    git(project.root, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "data")
    return project


def test_restore_data_lists_the_changes_asks_and_puts_the_files_back(repo, capsys):
    resources = repo.resources
    original = resources.read_text(encoding="utf-8")
    resources.write_text(original.replace("1-877-336-2433", "1-877-000-0000"), encoding="utf-8")
    new = repo.root / "data" / "nlu" / "fr" / "mine.yml"
    new.write_text("version: '3.1'\n", encoding="utf-8")

    assert restore_data(repo, answer="no") == 1
    out = capsys.readouterr().out
    assert "data/resources.yml  (changed / modifié)" in out and "data/nlu/fr/mine.yml" in out
    assert "Nothing done" in out and "1-877-000-0000" in resources.read_text(encoding="utf-8")

    assert restore_data(repo, answer="oui") == 0
    assert resources.read_text(encoding="utf-8") == original and not new.exists()
    assert git(repo.root, "status", "--porcelain", "--", "data", "domain.yml") == ""
    backup = next((repo.root / "backups").iterdir())
    assert "1-877-000-0000" in (backup / "data" / "resources.yml").read_text(encoding="utf-8")
    assert (backup / "data" / "nlu" / "fr" / "mine.yml").is_file()
    assert "Done" in capsys.readouterr().out


def test_restore_data_refuses_without_git(project, monkeypatch, capsys):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert restore_data(project, yes=True) == 2
    assert "git is not installed" in capsys.readouterr().out


def test_restore_data_refuses_outside_a_git_checkout(project, capsys):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    assert restore_data(project, yes=True) == 2
    assert "not a git checkout" in capsys.readouterr().out
