"""The quality gate (bot/staff/evaluate/) with made-up per-case results: no model, no training.

Retraining moves a few held-out cases both ways by chance; the gate fails only on a real drop (exact
McNemar test on the cases that changed), and always when an emergency case loses 911.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.staff import evaluate as ev
from bot.staff import registry

EN_INTENTS = ["legal_help", "shelter", "youth_support", "parent_worry"]


def fake_cases(per_lang: int = 400, emergencies: int = 80) -> list[dict]:
    out = []
    for lang in ("en", "fr"):
        for i in range(per_lang):
            intent = "emergency" if i < emergencies else EN_INTENTS[i % len(EN_INTENTS)]
            out.append(
                {
                    "id": f"{lang}-{i:03}",
                    "lang": lang,
                    "set": "dev.jsonl",
                    "intent": intent,
                    "accepted": [intent],
                    "turns": [f"message {lang} {i}"],
                }
            )
    return out


def run(cases: list[dict], wrong: dict[str, str] = None) -> list[dict]:
    """Results as predict() gives them: right, except the cases in `wrong` (id -> what was understood)."""
    wrong = wrong or {}
    return [
        {
            **c,
            "predicted": wrong.get(c["id"], c["intent"]),
            "confidence": 0.9,
            "language": c["lang"],
            "scored": True,
            "danger_band": None,
        }
        for c in cases
    ]


def verdict(accepted_wrong: dict[str, str], new_wrong: dict[str, str]) -> ev.Gate:
    cases = fake_cases()
    before, after = run(cases, accepted_wrong), run(cases, new_wrong)
    baseline = {"metrics": ev.metrics(before, ()), "allowed_drop": ev.DEFAULT_ALLOWED_DROP}
    return ev.gate(after, ev.metrics(after, ()), baseline, ev.per_case(before))


# Both models misread the same 30 English and 30 French cases (not emergencies).
COMMON = {f"{lang}-{i:03}": "greet" for lang in ("en", "fr") for i in range(100, 130)}


def test_a_handful_of_good_examples_passes_when_a_few_cases_change_both_ways():
    # The new examples fix 6 English cases; retraining noise moves 4 others the wrong way.
    fixed = {f"en-{i:03}" for i in range(100, 106)}
    noise = {f"en-{i:03}": "greet" for i in range(200, 204)} | {f"fr-{i:03}": "greet" for i in (201, 202)}
    new = {k: v for k, v in COMMON.items() if k not in fixed} | noise
    result = verdict(COMMON, new)
    assert result.paired and result.passed, result.failures
    assert {r["id"] for r in result.newly_misread} == set(noise)
    assert {r["id"] for r in result.newly_fixed} == fixed
    assert result.tests["en"]["misread"] == 4 and result.tests["en"]["fixed"] == 6
    assert not result.emergency_lost


def test_a_drop_within_noise_passes_but_a_real_drop_fails():
    small = COMMON | {f"fr-{i:03}": "greet" for i in range(200, 205)}  # 5 newly misread, 0 fixed: p = 0.06
    assert verdict(COMMON, small).passed
    real = COMMON | {f"fr-{i:03}": "greet" for i in range(200, 218)}  # 18 newly misread, 1 fixed
    real.pop("fr-100")
    result = verdict(COMMON, real)
    assert not result.passed
    assert [(lang, key) for lang, key, _ in result.failures] == [("fr", "intent_accuracy")]
    assert result.tests["fr"]["p"] < 0.05 and result.tests["en"]["misread"] == 0


def test_any_emergency_case_that_loses_911_fails_whatever_the_test_says():
    # Ten cases fixed, one emergency case lost: accuracy went up, the gate still fails.
    new = {k: v for k, v in COMMON.items() if not k.startswith("en-10")} | {"en-005": "shelter"}
    result = verdict(COMMON, new)
    assert result.tests["en"]["fixed"] == 10 and result.tests["en"]["misread"] == 1
    assert not result.passed and result.emergency_dropped
    assert [r["id"] for r in result.emergency_lost] == ["en-005"]
    assert [(lang, key) for lang, key, _ in result.failures] == [("en", "emergency_recall")]


def test_an_emergency_answered_as_self_harm_still_gets_911_and_is_not_lost():
    result = verdict(COMMON, COMMON | {"en-007": "self_harm"})
    assert not result.emergency_lost and result.passed


def test_a_changed_case_is_not_compared():
    cases = fake_cases()
    before = run(cases, COMMON)
    cases[150]["turns"] = ["a different message"]  # en-150, now misread: not the same case any more
    after = run(cases, COMMON | {"en-150": "greet"})
    result = ev.gate(after, ev.metrics(after, ()), {"metrics": ev.metrics(before, ())}, ev.per_case(before))
    assert result.not_compared == 1 and not result.newly_misread and result.passed


def test_without_per_case_results_the_figures_are_compared_as_before():
    cases = fake_cases()
    before, after = run(cases), run(cases, {"en-001": "shelter"})
    result = ev.gate(after, ev.metrics(after, ()), {"metrics": ev.metrics(before, ())}, None)
    assert not result.paired and result.emergency_dropped


# -- bot evaluate, --accept, with fake predictions ----------------------------------------------------


@pytest.fixture
def fake_predict(monkeypatch):
    """bot evaluate's predict() replaced: `state["wrong"]` says what the next model misreads."""
    state = {"wrong": {}}

    def predict(model, all_cases):
        return run(all_cases, state["wrong"])

    monkeypatch.setattr(ev, "predict", predict)
    return state


def model_file(project, content: bytes) -> Path:
    project.models.mkdir(parents=True, exist_ok=True)
    project.model.write_bytes(content)
    return project.model


def emergency_ids(project, n: int) -> list[str]:
    return [c["id"] for c in ev.cases(project) if c["intent"] == "emergency"][:n]


def test_accept_refuses_a_model_whose_emergency_recall_dropped(project, fake_predict, capsys):
    first = model_file(project, b"model A")
    first_sha = registry.sha256(first)
    assert ev.evaluate(project, first, do_accept=True, report=False) == 0
    accepted_sha = json.loads(project.baseline.read_text())["model_sha256"]
    results_before = project.accepted_results.read_text()
    assert registry.last_accepted(project)["sha256"] == first_sha

    lost = emergency_ids(project, 1)[0]
    fake_predict["wrong"] = {lost: "shelter"}
    second = model_file(project, b"model B")
    capsys.readouterr()
    assert ev.evaluate(project, second, do_accept=True, report=True) == 1
    out = capsys.readouterr().out
    assert "REFUSED" in out and "REFUSÉ" in out and "no way to force it" in out
    assert lost in out and "EMERGENCY CASES THAT LOST 911" in out
    # nothing recorded: the accepted figures, results and model are still the first ones
    assert json.loads(project.baseline.read_text())["model_sha256"] == accepted_sha
    assert project.accepted_results.read_text() == results_before
    assert registry.last_accepted(project)["sha256"] == first_sha
    assert registry.status_of(project, second)["status"] == registry.FAILED
    page = (project.reports / "index.html").read_text(encoding="utf-8")
    assert lost in page and "lost 911" in page


def test_evaluate_passes_noise_lists_the_changed_cases_and_records_the_first_accepted_model(
    project, fake_predict, capsys
):
    # A committed baseline and per-case results, from a model trained elsewhere (a fresh clone).
    all_cases = ev.cases(project)
    scored = [c for c in all_cases if c["intent"] and c["intent"] not in ev.EMERGENCY and c["lang"] == "en"]
    before = {c["id"]: "greet" for c in scored[:20]}
    results = run(all_cases, before)
    project.baseline.parent.mkdir(parents=True, exist_ok=True)
    project.baseline.write_text(json.dumps({"metrics": ev.metrics(results, ())}), encoding="utf-8")
    ev.write_accepted_results(project, "elsewhere", results)

    fake_predict["wrong"] = {k: v for k, v in before.items() if k != scored[0]["id"]} | {scored[30]["id"]: "greet"}
    model = model_file(project, b"installed model")
    assert ev.evaluate(project, model, report=False) == 0
    out = capsys.readouterr().out
    assert "OK: no real drop" in out and "within retraining noise" not in out  # 1 misread, 1 fixed: no drop
    assert f"[EN] {scored[30]['id']}" in out and f"[EN] {scored[0]['id']}" in out
    assert "expected / attendu: " in out and "(was / avant: greet)" in out
    # the first model that passes on this computer is the first accepted one; the committed files stay
    entry = registry.last_accepted(project)
    assert entry and entry["sha256"] == registry.sha256(model)
    assert "first accepted model" in out
    assert json.loads(project.accepted_results.read_text())["model_sha256"] == "elsewhere"
