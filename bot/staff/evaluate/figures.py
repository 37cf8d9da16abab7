"""The figures per language, the allowed drops, and the table `bot evaluate` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.staff.evaluate.replay import EMERGENCY, LANGUAGES, correct, gets_911_first
from bot.staff.findings import Out
from bot.staff.project import Project

FIGURES = {  # key: (English name, French name)
    "intent_f1": ("intent F1", "F1 des intentions"),
    "emergency_recall": ("emergency recall", "rappel des urgences"),
    "language_accuracy": ("language accuracy", "exactitude de la langue"),
}

DEFAULT_ALLOWED_DROP = {"intent_f1": 0.02, "emergency_recall": 0.0, "language_accuracy": 0.01}


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
