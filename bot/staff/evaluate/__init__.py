"""`bot evaluate`: the model on the held-out sets, compared case by case with the accepted model.

The held-out sets (tests/heldout/*.jsonl) are conversations written independently of the training
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
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import html
import json
import logging
import os
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.staff import registry
from bot.staff.findings import STDOUT, Out
from bot.staff.project import Project

LANGUAGES = ("en", "fr")
EMERGENCY = ("emergency", "self_harm")
FIGURES = {  # key: (English name, French name)
    "intent_f1": ("intent F1", "F1 des intentions"),
    "emergency_recall": ("emergency recall", "rappel des urgences"),
    "language_accuracy": ("language accuracy", "exactitude de la langue"),
}
# What the gate can fail on (intent accuracy: the paired test; the others: see `gate`).
GATED = {**FIGURES, "intent_accuracy": ("intent accuracy", "exactitude des intentions")}
DEFAULT_ALLOWED_DROP = {"intent_f1": 0.02, "emergency_recall": 0.0, "language_accuracy": 0.01}
SIGNIFICANCE = 0.05  # a drop of intent accuracy fails when the paired test's p is below this
SHOWN = 25  # misread and fixed cases printed per list (the report has them all)
EMERGENCY_ACTION = "action_emergency"
# Group of the behavioural contract -> the intents whose answer gives what the group needs (first:
# the gold intent). Groups without an intent (sticky, switch: "merci" after a question) count for
# language accuracy only.
GROUP_INTENTS = {
    "emergency": EMERGENCY,
    "sticky_emergency": EMERGENCY,
    "trafficking": ("trafficking", "labour_exploitation", "who_it_helps"),
    "legal": ("legal_help",),
    "youth": ("youth_support", "contact_person", "confidentiality", "who_it_helps"),
    "parent": ("parent_worry",),
    "victim_services": ("victim_services",),
    "indigenous": ("indigenous_support",),
    "online": ("online_exploitation",),
    "shelter": ("shelter",),
    "friend": ("friend_worry", "parent_worry"),
    "confidential": ("confidentiality",),
    "other_language": ("other_language",),
    "bot_identity": ("bot_challenge",),
    "unclear": ("unclear", "nlu_fallback"),
    "person": ("contact_person", "what_happens_call", "who_it_helps"),
    "report": ("report_crime",),
    "greet": ("greet",),
    "out_of_scope": ("out_of_scope", "nlu_fallback"),
    "exit": ("safety_exit",),
}

# Sets labelled with intents before an intent was split in two (issue #10): the new intent's
# answer holds what the old one gave ("will my parents find out" was `what_happens_call`).
SPLIT_INTENTS = {
    "trafficking": ("labour_exploitation",),
    "what_happens_call": ("confidentiality", "contact_person"),
    "out_of_scope": ("nlu_fallback",),
}


def cases(project: Project) -> list[dict[str, Any]]:
    out = []
    for path in sorted(project.heldout.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                case["set"] = path.name
                if "intent" not in case:
                    accepted = GROUP_INTENTS.get(case.get("group"), (None,))
                    case["intent"], case["accepted"] = accepted[0], list(accepted)
                else:
                    case["accepted"] = [case["intent"], *SPLIT_INTENTS.get(case["intent"], ())]
                out.append(case)
    return out


def correct(result: dict[str, Any]) -> str:
    """The predicted intent, or the gold intent when the prediction is one its group accepts."""
    return result["intent"] if result["predicted"] in result.get("accepted", ()) else result["predicted"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def predict(model: Path, all_cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parse every turn of every case with the model, in this process (no server needed)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with warnings.catch_warnings():  # library deprecation notices are not for staff
        warnings.simplefilter("ignore")
        from rasa.core.agent import load_agent
        from rasa.utils.log_utils import configure_structlog

    from bot.shared.language import Detection, conversation_language

    warnings.filterwarnings("ignore")
    configure_structlog(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)

    async def run() -> list[dict[str, Any]]:
        from rasa.core.channels.channel import UserMessage

        agent = await load_agent(model_path=str(model))
        processor = agent.processor
        results = []
        for number, case in enumerate(all_cases):
            # the whole conversation, through the NLU and the policies (they read the turns before),
            # in the agent's in-memory tracker store; no action runs
            sender = f"evaluate-{number}"
            language, parsed, tracker = None, {}, None
            for turn in case["turns"]:
                tracker = await processor.log_message(UserMessage(turn, sender_id=sender), should_save_tracker=True)
                parsed = tracker.latest_message.parse_data
                found = parsed.get("language_detection")
                language = conversation_language(language, Detection(**found)) if found else (language or "en")
            prediction = processor._predict_next_with_tracker(tracker)
            action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
            intent = parsed.get("intent") or {}
            predicted = intent.get("name")
            if action == EMERGENCY_ACTION and predicted not in EMERGENCY:
                predicted = "emergency"  # the conversation read together holds danger: 911 first
            # the danger score's middle band: the answer names 911 first and asks "are you safe?"
            checked = any(getattr(e, "key", None) == "danger_check" and e.value for e in prediction.events)
            results.append(
                {
                    **case,
                    "predicted": predicted,
                    "confidence": intent.get("confidence") or 0.0,
                    "language": language,
                    "scored": not case["turns"][-1].startswith("/"),
                    "danger_band": (parsed.get("danger_score") or {}).get("band"),
                    "safety_check": checked,
                }
            )
        return results

    with warnings.catch_warnings():  # TensorFlow is imported while the model loads
        warnings.simplefilter("ignore")
        return asyncio.run(run())


def macro_f1(gold: list[str], pred: list[str]) -> float:
    """Macro F1 over the intents the set expects (a guess outside them counts as a miss)."""
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))
    return float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)) if labels else 0.0


def metrics(results: list[dict[str, Any]], unseen: tuple[str, ...] = ("sealed.jsonl",)) -> dict[str, dict[str, Any]]:
    out = {}
    for lang in LANGUAGES:
        mine = [r for r in results if r["lang"] == lang]
        scored = [r for r in mine if r["scored"] and r["intent"]]
        gold, pred = [r["intent"] for r in scored], [correct(r) for r in scored]
        emergencies = [r for r in scored if r["intent"] in EMERGENCY]
        out[lang] = {
            "cases": len(mine),
            "intent_f1": round(macro_f1(gold, pred), 4),
            "intent_accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=False)) / max(len(gold), 1), 4),
            "emergency_recall": round(sum(gets_911_first(r) for r in emergencies) / max(len(emergencies), 1), 4),
            "emergency_cases": len(emergencies),
            "language_accuracy": round(sum(r["language"] == lang for r in mine) / max(len(mine), 1), 4),
            **danger_score_figures(scored, unseen),
        }
    return out


def unseen_by_danger_score(project: Project) -> tuple[str, ...]:
    """The held-out files the danger score does not learn from (its `exclude` in config.yml)."""
    import yaml

    config = yaml.safe_load((project.root / "config.yml").read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if str(component.get("name", "")).endswith("DangerScore"):
            paths = [Path(p) for pattern in component.get("exclude") or [] for p in project.root.glob(pattern)]
            return tuple(sorted(p.name for p in paths))
    return ()


def danger_score_figures(scored: list[dict[str, Any]], unseen: tuple[str, ...]) -> dict[str, Any]:
    """Recall and precision of the learned danger score's high band, and of high or middle, on the last
    message of the cases it did not learn from (its `exclude` sets: the sealed set)."""
    cases = [r for r in scored if r["set"] in unseen and r.get("danger_band")]
    figures: dict[str, Any] = {"danger_score_cases": len(cases)}
    for name, bands in (("high", ("high",)), ("high_or_middle", ("high", "middle"))):
        flagged = [r for r in cases if r["danger_band"] in bands]
        hits = sum(r["intent"] in EMERGENCY for r in flagged)
        danger = sum(r["intent"] in EMERGENCY for r in cases)
        figures[f"danger_score_{name}_recall"] = round(hits / danger, 4) if danger else None
        figures[f"danger_score_{name}_precision"] = round(hits / len(flagged), 4) if flagged else None
    return figures


def compare(current: dict[str, dict[str, float]], baseline: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(lang, figure, message) for every figure that dropped more than allowed."""
    if not baseline:
        return []
    allowed = {**DEFAULT_ALLOWED_DROP, **(baseline.get("allowed_drop") or {})}
    drops = []
    for lang in LANGUAGES:
        for key in FIGURES:
            before = (baseline.get("metrics") or {}).get(lang, {}).get(key)
            now = current[lang][key]
            if before is not None and before - now > allowed[key] + 1e-9:
                drops.append((lang, key, f"{before:.1%} -> {now:.1%} (allowed drop {allowed[key]:.1%})"))
    return drops


# --------------------------------------------------------------------------------------------------
# The quality gate: the new model against the accepted one, on the same cases


def fingerprint(case: dict[str, Any]) -> str:
    """What makes a case the same case: its messages and what it expects (an edited case is a new case)."""
    raw = json.dumps([case["turns"], case.get("intent"), sorted(case.get("accepted") or ())], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:10]


def gets_911_first(result: dict[str, Any]) -> bool:
    """The emergency answer, or the danger score's safety check: both name 911 first."""
    return result["predicted"] in EMERGENCY or bool(result.get("safety_check"))


def per_case(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Case id -> what the model understood: the predicted intent, whether it is right (None when the case
    is not scored), and for an emergency case whether it got 911."""
    out = {}
    for r in results:
        scored = bool(r["scored"] and r["intent"])
        out[r["id"]] = {
            "case": fingerprint(r),
            "predicted": r["predicted"],
            "correct": (correct(r) == r["intent"]) if scored else None,
            "emergency": gets_911_first(r) if scored and r["intent"] in EMERGENCY else None,
        }
    return out


def mcnemar(misread: int, fixed: int) -> float:
    """Exact McNemar test: two-sided p of `misread` against `fixed` discordant cases (a fair coin on them)."""
    if misread + fixed == 0:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(misread, misread + fixed, 0.5, alternative="two-sided").pvalue)


@dataclass
class Gate:
    """What the gate decided. `failures`: (lang, figure, detail); the lists hold results with `before`."""

    paired: bool
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    newly_misread: list[dict[str, Any]] = field(default_factory=list)
    newly_fixed: list[dict[str, Any]] = field(default_factory=list)
    emergency_lost: list[dict[str, Any]] = field(default_factory=list)
    new_emergency_misses: list[dict[str, Any]] = field(default_factory=list)  # cases the accepted model never saw
    tests: dict[str, dict[str, Any]] = field(default_factory=dict)
    compared: int = 0
    not_compared: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def emergency_dropped(self) -> bool:
        return bool(self.emergency_lost) or any(key == "emergency_recall" for _, key, _ in self.failures)


def gate(
    results: list[dict[str, Any]],
    current: dict[str, dict[str, Any]],
    baseline: dict[str, Any] | None,
    accepted: dict[str, dict[str, Any]] | None,
) -> Gate:
    """Compare with the accepted model: case by case when its per-case results are known, else by figures."""
    if not accepted:
        return Gate(paired=False, failures=compare(current, baseline))
    verdict = Gate(paired=True)
    now = per_case(results)
    by_lang: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {lang: [] for lang in LANGUAGES}
    for r in results:
        before, mine = accepted.get(r["id"]), now[r["id"]]
        if not before or before.get("case") != mine["case"]:
            verdict.not_compared += 1
            if mine["emergency"] is False:
                verdict.new_emergency_misses.append(r)
            continue
        verdict.compared += 1
        shown = {**r, "before": before.get("predicted")}
        if before.get("correct") is True and mine["correct"] is False:
            verdict.newly_misread.append(shown)
        elif before.get("correct") is False and mine["correct"] is True:
            verdict.newly_fixed.append(shown)
        if before.get("emergency") is True and mine["emergency"] is False:
            verdict.emergency_lost.append(shown)
        if mine["correct"] is not None and before.get("correct") is not None and r["lang"] in by_lang:
            by_lang[r["lang"]].append((before, mine))
    for lang in LANGUAGES:
        pairs = by_lang[lang]
        misread = sum(1 for r in verdict.newly_misread if r["lang"] == lang)
        fixed = sum(1 for r in verdict.newly_fixed if r["lang"] == lang)
        p = mcnemar(misread, fixed)
        n = max(len(pairs), 1)
        verdict.tests[lang] = {
            "cases": len(pairs),
            "before": sum(b["correct"] for b, _ in pairs) / n,
            "now": sum(m["correct"] for _, m in pairs) / n,
            "misread": misread,
            "fixed": fixed,
            "p": p,
        }
        if misread > fixed and p < SIGNIFICANCE:
            verdict.failures.append(
                (
                    lang,
                    "intent_accuracy",
                    f"{misread} newly misread, {fixed} newly fixed (p = {p:.3f}): a real drop / une vraie baisse",
                )
            )
        lost = [r for r in verdict.emergency_lost if r["lang"] == lang]
        if lost:
            verdict.failures.append(
                (
                    lang,
                    "emergency_recall",
                    f"{len(lost)} emergency case(s) no longer get 911 / cas d'urgence sans 911: "
                    + ", ".join(r["id"] for r in lost[:10]),
                )
            )
    verdict.failures += [d for d in compare(current, baseline) if d[1] == "language_accuracy"]
    return verdict


def turns_text(r: dict[str, Any]) -> str:
    return " → ".join(r["turns"])


def print_gate(verdict: Gate, out: Out) -> None:
    """The paired comparison, and the cases that changed, in plain words."""
    if not verdict.paired:
        print(
            "\n(No per-case results of the accepted model: the figures are compared with their allowed drops.\n"
            " Pas de résultats par cas du modèle accepté : les chiffres sont comparés avec leurs baisses permises.)",
            file=out,
        )
        return
    print(
        f"\nCompared with the accepted model on the same {verdict.compared} cases / "
        f"comparé au modèle accepté sur les mêmes {verdict.compared} cas:",
        file=out,
    )
    for lang in LANGUAGES:
        t = verdict.tests[lang]
        if t["misread"] > t["fixed"] and t["p"] < SIGNIFICANCE:
            word = "a real drop / une vraie baisse"
        elif t["misread"] > t["fixed"]:
            word = "within retraining noise / dans le bruit normal de l'entraînement"
        else:
            word = "no drop / pas de baisse"
        print(
            f"  {lang.upper()} intent accuracy / exactitude des intentions: {t['before']:.1%} -> {t['now']:.1%}; "
            f"{t['misread']} newly misread / nouvellement mal compris, {t['fixed']} newly fixed / nouvellement "
            f"bien compris (p = {t['p']:.2f}): {word}",
            file=out,
        )
    lost = len(verdict.emergency_lost)
    print(
        f"  emergency / urgences: {lost} case(s) that got 911 no longer get it / cas qui avaient le 911 ne l'ont plus"
        + ("" if lost else " (good / bien)"),
        file=out,
    )
    if verdict.not_compared:
        print(
            f"  {verdict.not_compared} case(s) new or changed since the accepted model, not compared / "
            "cas nouveaux ou modifiés depuis le modèle accepté, non comparés",
            file=out,
        )
    lists = (
        ("EMERGENCY CASES THAT LOST 911 / CAS D'URGENCE QUI ONT PERDU LE 911", verdict.emergency_lost),
        ("Newly misread compared with the accepted model / nouvellement mal compris", verdict.newly_misread),
        ("Newly fixed / nouvellement bien compris", verdict.newly_fixed),
        (
            "Emergency cases not in the accepted results, missed / cas d'urgence nouveaux, manqués",
            verdict.new_emergency_misses,
        ),
    )
    for title, rows in lists:
        if not rows:
            continue
        print(f"\n{title} ({len(rows)}):", file=out)
        for r in sorted(rows, key=lambda r: (r["intent"] not in EMERGENCY, r["lang"], r["id"]))[:SHOWN]:
            was = f" (was / avant: {r['before']})" if "before" in r else ""
            print(f"  [{r['lang'].upper()}] {r['id']}: \"{turns_text(r)}\"", file=out)
            print(f"       expected / attendu: {r['intent']}  understood / compris: {r['predicted']}{was}", file=out)
        if len(rows) > SHOWN:
            print(
                f"  ... and {len(rows) - SHOWN} more in the report / et {len(rows) - SHOWN} autres dans le rapport",
                file=out,
            )


def print_table(current: dict[str, dict[str, float]], baseline: dict[str, Any] | None, out: Out) -> None:
    before = (baseline or {}).get("metrics") or {}
    print(f"{'':48}{'now':>9}{'accepted':>10}", file=out)
    for lang in LANGUAGES:
        m = current[lang]
        print(f"{lang.upper()} ({m['cases']} cases, {m['emergency_cases']} emergencies)", file=out)
        for key, (en, fr) in FIGURES.items():
            was = before.get(lang, {}).get(key)
            was_s = f"{was:.1%}" if was is not None else "-"
            print(f"  {en + ' / ' + fr:46}{m[key]:>9.1%}{was_s:>10}", file=out)
        was = before.get(lang, {}).get("intent_accuracy")
        was_s = f"{was:.1%}" if was is not None else "-"
        print(f"  {'intent accuracy / exactitude des intentions':46}{m['intent_accuracy']:>9.1%}{was_s:>10}", file=out)
        if m.get("danger_score_cases"):
            print(
                f"  danger score, on {m['danger_score_cases']} cases it did not learn from / "
                f"score de danger, sur {m['danger_score_cases']} cas qu'il n'a pas appris:",
                file=out,
            )
            for name, label in (
                ("high", "high band / bande haute"),
                ("high_or_middle", "high or middle / haute ou moyenne"),
            ):
                recall, precision = m[f"danger_score_{name}_recall"], m[f"danger_score_{name}_precision"]
                shown = " ".join(
                    f"{k} {v:.1%}" if v is not None else f"{k} -"
                    for k, v in (("recall", recall), ("precision", precision))
                )
                print(f"    {label:44}{shown}", file=out)


# --------------------------------------------------------------------------------------------------
# Report: an HTML page with a confusion matrix per language and the misread messages


def confusion_png(results: list[dict[str, Any]], lang: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scored = [r for r in results if r["lang"] == lang and r["scored"] and r["intent"]]
    labels = sorted({r["intent"] for r in scored} | {correct(r) or "none" for r in scored})
    from sklearn.metrics import confusion_matrix

    grid = confusion_matrix(
        [r["intent"] for r in scored], [correct(r) or "none" for r in scored], labels=labels
    ).tolist()
    size = max(6, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("understood as / compris comme")
    ax.set_ylabel("expected / attendu")
    ax.set_title(f"{lang.upper()}: held-out messages / messages réservés")
    peak = max(max(row) for row in grid) or 1
    for i, row in enumerate(grid):
        for j, n in enumerate(row):
            if n:
                ax.text(
                    j,
                    i,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if n > peak / 2 else ("#b00" if i != j else "black"),
                )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def gate_html(verdict: Gate) -> list[str]:
    """The report's section on the comparison with the accepted model, case by case."""
    e = html.escape
    if not verdict.paired:
        return [
            "<p>No per-case results of the accepted model: the figures were compared with their allowed drops. / "
            "Pas de résultats par cas du modèle accepté : les chiffres ont été comparés avec leurs baisses permises.</p>"
        ]
    parts = [
        "<h2>Compared with the accepted model / comparé au modèle accepté</h2>",
        f"<p>On the same {verdict.compared} held-out cases. A drop of intent accuracy fails only when the cases newly "
        "misread outnumber the cases newly fixed by more than retraining noise (exact McNemar test, p &lt; 0.05). "
        "An emergency case that loses 911 always fails. / Sur les mêmes cas. Une baisse n'échoue que si elle dépasse "
        "le bruit normal de l'entraînement ; un cas d'urgence qui perd le 911 échoue toujours.</p>",
        "<table><tr><th>lang</th><th>intent accuracy before → now</th><th>newly misread</th><th>newly fixed</th>"
        "<th>p</th></tr>",
    ]
    for lang, t in verdict.tests.items():
        bad = t["misread"] > t["fixed"] and t["p"] < SIGNIFICANCE
        parts.append(
            f"<tr class={'bad' if bad else 'ok'}><td>{lang.upper()}</td><td>{t['before']:.1%} → {t['now']:.1%}</td>"
            f"<td>{t['misread']}</td><td>{t['fixed']}</td><td>{t['p']:.3f}</td></tr>"
        )
    parts.append("</table>")
    for title, rows in (
        ("Emergency cases that lost 911 / cas d'urgence qui ont perdu le 911", verdict.emergency_lost),
        ("Newly misread / nouvellement mal compris", verdict.newly_misread),
        ("Newly fixed / nouvellement bien compris", verdict.newly_fixed),
        (
            "Emergency cases new since the accepted model, missed / cas d'urgence nouveaux, manqués",
            verdict.new_emergency_misses,
        ),
    ):
        parts += [
            f"<h3>{e(title)} ({len(rows)})</h3>",
            "<table><tr><th>lang</th><th>case</th><th>message</th><th>expected / attendu</th>"
            "<th>understood now / compris maintenant</th><th>accepted model / modèle accepté</th></tr>",
        ]
        for r in sorted(rows, key=lambda r: (r["intent"] not in EMERGENCY, r["lang"], r["id"])):
            parts.append(
                f"<tr class={'emergency' if r['intent'] in EMERGENCY else 'x'}><td>{r['lang'].upper()}</td>"
                f"<td>{e(r['id'])}</td><td>{e(turns_text(r))}</td><td>{e(str(r['intent']))}</td>"
                f"<td>{e(str(r['predicted']))}</td><td>{e(str(r.get('before', '-')))}</td></tr>"
            )
        parts.append("</table>")
    return parts


def write_report(
    project: Project,
    model: Path,
    results: list[dict[str, Any]],
    current: dict[str, dict[str, float]],
    baseline: dict[str, Any] | None,
    verdict: Gate,
) -> Path:
    drops = verdict.failures
    folder = project.reports
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    e = html.escape
    before = (baseline or {}).get("metrics") or {}
    rows = []
    for lang in LANGUAGES:
        for key, (en, fr) in GATED.items():
            was = before.get(lang, {}).get(key)
            bad = any(d[0] == lang and d[1] == key for d in drops)
            rows.append(
                f"<tr class={'bad' if bad else 'ok'}><td>{lang.upper()}</td><td>{e(en)} / {e(fr)}</td>"
                f"<td>{current[lang][key]:.1%}</td><td>{'-' if was is None else f'{was:.1%}'}</td>"
                f"<td>{'DROP / BAISSE' if bad else 'ok'}</td></tr>"
            )
    parts = [
        "<!doctype html><html lang=en><meta charset=utf-8><title>Evaluation / Évaluation</title>",
        "<style>body{font:15px system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "tr.bad td{background:#fdd}.emergency td{background:#fee}img{max-width:100%}</style>",
        "<h1>Evaluation of the assistant / Évaluation de l'assistant</h1>",
        f"<p>Model / modèle: <code>{e(project.rel(model))}</code> · {e(datetime.datetime.now().strftime('%Y-%m-%d %H:%M'))} · "
        f"{len(results)} held-out conversations / conversations réservées ({e(', '.join(sorted({r['set'] for r in results})))})</p>",
        f"<p><strong>{'FAILED: the new model is worse than the accepted one. / ÉCHEC : le nouveau modèle est moins bon que celui accepté.' if drops else 'OK: no real drop. / OK : aucune vraie baisse.'}</strong></p>",
        "<table><tr><th>lang</th><th>figure / chiffre</th><th>now / maintenant</th><th>accepted / accepté</th><th></th></tr>",
        *rows,
        "</table>",
        *gate_html(verdict),
    ]
    for lang in LANGUAGES:
        png = folder / f"confusion-{lang}.png"
        confusion_png(results, lang, png)
        wrong = [r for r in results if r["lang"] == lang and r["scored"] and r["intent"] and correct(r) != r["intent"]]
        wrong.sort(key=lambda r: (r["intent"] not in EMERGENCY, r["intent"], r["id"]))
        wrong_lang = [r for r in results if r["lang"] == lang and r["language"] != lang]
        parts += [
            f"<h2>{'English' if lang == 'en' else 'French / français'}</h2>",
            "<p>Each row is what a message should be; each column what the assistant understood. "
            "Numbers off the diagonal are misread messages. / Chaque ligne est ce qu'un message devrait être ; "
            "chaque colonne, ce que l'assistant a compris. Les nombres hors de la diagonale sont des erreurs.</p>",
            f"<img src='{png.name}' alt='confusion matrix {lang}'>",
            f"<h3>Misread messages / messages mal compris ({len(wrong)})</h3>",
            "<table><tr><th>case</th><th>message</th><th>expected / attendu</th><th>understood / compris</th><th>confidence</th></tr>",
        ]
        for r in wrong:
            turns = " → ".join(r["turns"])
            parts.append(
                f"<tr class={'emergency' if r['intent'] in EMERGENCY else 'x'}><td>{e(r['id'])}</td><td>{e(turns)}</td>"
                f"<td>{e(r['intent'])}</td><td>{e(str(r['predicted']))}</td><td>{r['confidence']:.2f}</td></tr>"
            )
        parts.append("</table>")
        if wrong_lang:
            parts.append(f"<h3>Language not kept / langue non respectée ({len(wrong_lang)})</h3><ul>")
            parts += [
                f"<li>{e(r['id'])}: {e(' → '.join(r['turns']))} → {e(str(r['language']))}</li>" for r in wrong_lang
            ]
            parts.append("</ul>")
    (folder / "index.html").write_text("\n".join(parts), encoding="utf-8")
    (folder / "results.json").write_text(
        json.dumps(
            {
                "metrics": current,
                "drops": drops,
                "tests": verdict.tests,
                "newly_misread": [r["id"] for r in verdict.newly_misread],
                "newly_fixed": [r["id"] for r in verdict.newly_fixed],
                "emergency_lost": [r["id"] for r in verdict.emergency_lost],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return folder / "index.html"


# --------------------------------------------------------------------------------------------------


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
