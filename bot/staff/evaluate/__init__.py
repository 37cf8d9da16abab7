"""`bot evaluate`: the model on the held-out sets, compared case by case with the accepted model.

The held-out sets (eval/heldout/*.jsonl) are conversations written independently of the training
data, each with the intent its last message should get, or with the group of the behavioural
contract (../shared/eval/README.md) it belongs to. A group names the intents whose answer holds what
the group needs (GROUP_INTENTS: "trafficking" is answered by `trafficking` or `labour_exploitation`,
both of which give the hotline); the first is the gold intent. They are never copied into training
data (`bot check` refuses a copy).

Figures, per language:
- intent F1 (macro, over the intents in the set) and accuracy, on each case's last message;
- emergency recall: emergency and self-harm cases that get 911 first: the emergency answer (the
  message, or the conversation read together) or the danger score's safety check;
- language accuracy: the conversation's language after all its messages, as the server decides it.

The quality gate (`gate`) compares the new model with the accepted one on the same cases, one by one
(the accepted model's result for each case is committed in eval/accepted_results.json):
- intent accuracy, per language: the cases the accepted model got and the new one misses ("newly
  misread") against the cases it newly gets ("newly fixed"). Retraining moves a few cases both ways
  by chance; an exact McNemar test (two-sided binomial test on those discordant cases) says whether
  the drop is more than that: it fails at p < 0.05;
- emergency: any emergency case the accepted model answered with 911 and the new one does not fails,
  whatever the test says (and `--accept` refuses such a model);
- language accuracy: the figure may drop by its allowance in eval/baseline.json (1 point).
Without per-case results of the accepted model (an older checkout), the figures are compared with the
allowances of eval/baseline.json, as before.

The accepted figures are committed in eval/baseline.json. `bot evaluate --accept` records the new
figures and per-case results, and marks the model accepted in models/index.json (bot/staff/registry.py)
for `bot rollback`. With no accepted model on this computer yet (a fresh install), a model that passes
against the committed figures is recorded as the first accepted one; the committed files are left as they are.

One module per part:

- replay.py        the held-out cases (eval/heldout/*.jsonl), each replayed through the model, and
                   how a result reads (the intent it counts as, 911 first or not);
- figures.py       the figures per language (intent F1 and accuracy, emergency recall, language
                   accuracy, the danger score's recall and precision), their table, the allowed drops;
- quality_gate.py  the new model against the accepted one, case by case (the McNemar test);
- report.py        the HTML report: a confusion matrix per language, the misread messages;
- __init__.py      `bot evaluate` itself: measure, compare, print, accept (eval/baseline.json,
                   eval/accepted_results.json, models/index.json).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

from bot.staff import registry
from bot.staff.evaluate.figures import (
    DEFAULT_ALLOWED_DROP,
    FIGURES,
    compare,
    danger_score_figures,
    macro_f1,
    metrics,
    print_table,
    unseen_by_danger_score,
)
from bot.staff.evaluate.quality_gate import (
    GATED,
    SHOWN,
    SIGNIFICANCE,
    Gate,
    fingerprint,
    gate,
    mcnemar,
    per_case,
    print_gate,
    turns_text,
)
from bot.staff.evaluate.replay import (
    EMERGENCY,
    EMERGENCY_ACTION,
    GROUP_INTENTS,
    LANGUAGES,
    SPLIT_INTENTS,
    cases,
    correct,
    gets_911_first,
    predict,
)
from bot.staff.evaluate.report import confusion_png, gate_html, write_report
from bot.staff.findings import STDOUT, Out
from bot.staff.project import Project


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_baseline(project: Project) -> dict[str, Any] | None:
    if project.baseline.is_file():
        return json.loads(project.baseline.read_text(encoding="utf-8"))
    return None


def load_accepted_results(project: Project) -> dict[str, dict[str, Any]] | None:
    """Case id -> the accepted model's result (eval/accepted_results.json), or None."""
    if project.accepted_results.is_file():
        return json.loads(project.accepted_results.read_text(encoding="utf-8")).get("cases") or None
    return None


def write_accepted_results(project: Project, digest: str, results: list[dict[str, Any]]) -> None:
    """One case per line, so that a commit shows which cases changed."""
    cases_now = per_case(results)
    lines = [
        f"    {json.dumps(k)}: {json.dumps({f: x for f, x in v.items() if x is not None}, ensure_ascii=False)}"
        for k, v in sorted(cases_now.items())
    ]
    head = {"model_sha256": digest, "accepted_on": datetime.date.today().isoformat()}
    text = "{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items())
    text += '  "cases": {\n' + ",\n".join(lines) + "\n  }\n}\n"
    project.accepted_results.parent.mkdir(parents=True, exist_ok=True)
    project.accepted_results.write_text(text, encoding="utf-8")


def accept(
    project: Project, model: Path, current: dict[str, dict[str, float]], results: list[dict[str, Any]], out: Out
) -> None:
    """Record these figures and per-case results as the accepted ones, and mark the model accepted."""
    old = load_baseline(project) or {}
    digest = sha256(model)
    record = {
        "accepted_on": datetime.date.today().isoformat(),
        "model_sha256": digest,
        "heldout": {
            p.name: sum(1 for l in p.read_text(encoding="utf-8").splitlines() if l.strip())
            for p in sorted(project.heldout.glob("*.jsonl"))
        },
        "allowed_drop": old.get("allowed_drop") or DEFAULT_ALLOWED_DROP,
        "metrics": current,
    }
    project.baseline.parent.mkdir(parents=True, exist_ok=True)
    project.baseline.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    write_accepted_results(project, digest, results)
    entry = registry.record(
        project,
        model,
        registry.ACCEPTED,
        files={"baseline.json": project.baseline, "accepted_results.json": project.accepted_results},
    )
    print(
        f"\nAccepted. The new figures are in {project.rel(project.baseline)} and each case's result in\n"
        f"{project.rel(project.accepted_results)} (commit both). The model is kept as {entry['name']} for `bot rollback`.\n"
        f"Accepté. Les nouveaux chiffres sont dans {project.rel(project.baseline)} et le résultat de chaque cas dans\n"
        f"{project.rel(project.accepted_results)} (à valider avec git). Le modèle est gardé sous le nom {entry['name']}\n"
        "pour `bot rollback`.",
        file=out,
    )


def refuse_emergency_drop(verdict: Gate, out: Out) -> None:
    print(
        "\nREFUSED: this model can't be accepted. It misses danger that the accepted model answered with 911.\n"
        "There is no way to force it: add or fix examples until every emergency case above gets 911 again,\n"
        "then train and evaluate again.\n"
        "REFUSÉ : ce modèle ne peut pas être accepté. Il manque des dangers auxquels le modèle accepté\n"
        "répondait par le 911. Impossible de le forcer : ajoutez ou corrigez des exemples jusqu'à ce que chaque\n"
        "cas d'urgence ci-dessus ait de nouveau le 911, puis entraînez et évaluez de nouveau.",
        file=out,
    )


def summary(verdict: Gate) -> str:
    """One line for models/index.json: why the gate failed."""
    return "; ".join(f"{lang.upper()} {GATED[key][0]}: {detail}" for lang, key, detail in verdict.failures)[:500]


def run_gate(
    project: Project, model: Path, out: Out = STDOUT, report: bool = True
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], dict[str, Any] | None, Gate]:
    """Measure `model` and compare it with the accepted one; print the table and the changed cases."""
    all_cases = cases(project)
    print(
        f"Evaluating {project.rel(model)} on {len(all_cases)} held-out conversations...\n"
        f"Évaluation de {project.rel(model)} sur {len(all_cases)} conversations réservées...",
        file=out,
        flush=True,
    )
    results = predict(model, all_cases)
    current = metrics(results, unseen_by_danger_score(project))
    baseline = load_baseline(project)
    verdict = gate(results, current, baseline, load_accepted_results(project))
    print(file=out)
    print_table(current, baseline, out)
    print_gate(verdict, out)
    if report:
        page = write_report(project, model, results, current, baseline, verdict)
        print(
            f"\nReport (confusion matrices, misread messages) / Rapport (matrices de confusion, messages mal compris):\n  {page}",
            file=out,
        )
    return results, current, baseline, verdict


def evaluate(
    project: Project, model: Path | None = None, do_accept: bool = False, report: bool = True, out: Out = STDOUT
) -> int:
    model = Path(model or project.model).resolve()
    if not model.is_file():
        print(
            f"No model at {model}. Run `bot train` first.\nAucun modèle à {model}. Lancez d'abord `bot train`.",
            file=out,
        )
        return 1
    first = registry.last_accepted(project) is None  # a fresh install: no model accepted on this computer yet
    results, current, baseline, verdict = run_gate(project, model, out, report)
    if verdict.failures:
        print(
            "\nFAILED: the new model is worse than the accepted one. / ÉCHEC : le nouveau modèle est moins bon que celui accepté.",
            file=out,
        )
        for lang, key, detail in verdict.failures:
            en, fr = GATED[key]
            print(f"  {lang.upper()} {en} / {fr}: {detail}", file=out)
        print(
            "Look at the newly misread messages above (and in the report), add or fix training examples, then train\n"
            "again. Don't reload this model. / Regardez les messages nouvellement mal compris ci-dessus (et dans le\n"
            "rapport), ajoutez ou corrigez des exemples, puis entraînez de nouveau. Ne rechargez pas ce modèle.",
            file=out,
        )
        if do_accept and verdict.emergency_dropped:
            refuse_emergency_drop(verdict, out)
        elif do_accept:
            print("\n--accept was given: accepting it anyway. / --accept : accepté quand même.", file=out)
            accept(project, model, current, results, out)
            return 0
        registry.record(project, model, registry.FAILED, summary(verdict))
        return 1
    if baseline:
        print("\nOK: no real drop. / OK : aucune vraie baisse.", file=out)
    else:
        print(
            f"\nNo accepted figures yet ({project.rel(project.baseline)}): run `bot evaluate --accept` to record these.\n"
            f"Pas encore de chiffres acceptés : lancez `bot evaluate --accept` pour enregistrer ceux-ci.",
            file=out,
        )
    if do_accept:
        accept(project, model, current, results, out)
    elif first and baseline:
        accept_first(project, model, results, out)
    else:
        registry.record(project, model, registry.PASSED)
    return 0


def accept_first(project: Project, model: Path, results: list[dict[str, Any]], out: Out) -> None:
    """A fresh install: the first model that passes against the committed figures is the first accepted one,
    so that `bot rollback` always has a model to come back to. The committed figures stay as they are."""
    wrote = not project.accepted_results.is_file()
    if wrote:
        write_accepted_results(project, sha256(model), results)
    entry = registry.record(
        project,
        model,
        registry.ACCEPTED,
        "first model on this computer, passed against the committed figures",
        files={"baseline.json": project.baseline, "accepted_results.json": project.accepted_results},
    )
    print(
        f"\nNo model was accepted on this computer yet: this one passed against the committed figures, so it is\n"
        f"recorded as the first accepted model ({entry['name']}); `bot rollback` comes back to it.\n"
        f"Aucun modèle n'était encore accepté sur cet ordinateur : celui-ci a réussi face aux chiffres validés, il est\n"
        f"donc enregistré comme premier modèle accepté ({entry['name']}) ; `bot rollback` y revient.",
        file=out,
    )
    if wrote:
        print(
            f"Each case's result was written to {project.rel(project.accepted_results)}: commit it.\n"
            f"Le résultat de chaque cas a été écrit dans {project.rel(project.accepted_results)} : validez-le avec git.",
            file=out,
        )


def check_installed_model(project: Project, out: Out = STDOUT) -> None:
    """Before `bot train` replaces the model: with no accepted model on this computer yet, measure the installed
    one against the committed figures, so that it becomes the first accepted model (once, a few minutes)."""
    if registry.last_accepted(project) is not None or not project.model.is_file() or not project.baseline.is_file():
        return
    entry = registry.status_of(project, project.model)
    if entry and entry["status"] != registry.NOT_EVALUATED:
        return
    print(
        "No model is accepted on this computer yet. First, measuring the installed model against the committed\n"
        "figures, so that `bot rollback` can always come back to it (once, a few minutes).\n"
        "Aucun modèle n'est encore accepté sur cet ordinateur. D'abord, mesure du modèle installé face aux chiffres\n"
        "validés, pour que `bot rollback` puisse toujours y revenir (une fois, quelques minutes).\n",
        file=out,
        flush=True,
    )
    evaluate(project, project.model, report=False, out=out)
    print(file=out)


__all__ = [
    "DEFAULT_ALLOWED_DROP",
    "EMERGENCY",
    "EMERGENCY_ACTION",
    "FIGURES",
    "GATED",
    "GROUP_INTENTS",
    "LANGUAGES",
    "SHOWN",
    "SIGNIFICANCE",
    "SPLIT_INTENTS",
    "Gate",
    "accept",
    "accept_first",
    "cases",
    "check_installed_model",
    "compare",
    "confusion_png",
    "correct",
    "danger_score_figures",
    "evaluate",
    "fingerprint",
    "gate",
    "gate_html",
    "gets_911_first",
    "load_accepted_results",
    "load_baseline",
    "macro_f1",
    "mcnemar",
    "metrics",
    "per_case",
    "predict",
    "print_gate",
    "print_table",
    "refuse_emergency_drop",
    "run_gate",
    "sha256",
    "summary",
    "turns_text",
    "unseen_by_danger_score",
    "write_accepted_results",
    "write_report",
]
