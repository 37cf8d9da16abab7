"""The quality gate: the new model against the accepted one, on the same cases, one by one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from bot.staff.evaluate.figures import FIGURES, compare
from bot.staff.evaluate.replay import EMERGENCY, LANGUAGES, correct, gets_911_first
from bot.staff.findings import Out

# What the gate can fail on (intent accuracy: the paired test; the others: see `gate`).
GATED = {**FIGURES, "intent_accuracy": ("intent accuracy", "exactitude des intentions")}

SIGNIFICANCE = 0.05  # a drop of intent accuracy fails when the paired test's p is below this

SHOWN = 25  # misread and fixed cases printed per list (the report has them all)


def fingerprint(case: dict[str, Any]) -> str:
    """What makes a case the same case: its messages and what it expects (an edited case is a new case)."""
    raw = json.dumps([case["turns"], case.get("intent"), sorted(case.get("accepted") or ())], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:10]


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
