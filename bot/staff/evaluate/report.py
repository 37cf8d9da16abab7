"""The report: an HTML page with a confusion matrix per language and the misread messages."""

from __future__ import annotations

import datetime
import html
import json
import shutil
from pathlib import Path
from typing import Any

from bot.staff.evaluate.quality_gate import GATED, SIGNIFICANCE, Gate, turns_text
from bot.staff.evaluate.replay import EMERGENCY, LANGUAGES, correct
from bot.staff.project import Project


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
