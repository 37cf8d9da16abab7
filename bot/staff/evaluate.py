"""`bot evaluate`: the model on the held-out sets, compared with the last accepted model.

The held-out sets (tests/heldout/*.jsonl) are conversations written independently of the training
data, each with the intent its last message should get, or with the group of the behavioural
contract (../shared/eval/README.md) it belongs to. A group names the intents whose answer holds what
the group needs (GROUP_INTENTS: "trafficking" is answered by `trafficking` or `labour_exploitation`,
both of which give the hotline); the first is the gold intent. They are never copied into training
data (`bot check` refuses a copy).

Figures, per language:
- intent F1 (macro, over the intents in the set) and accuracy, on each case's last message;
- emergency recall: emergency and self-harm cases that get emergency or self_harm (both get 911);
- language accuracy: the conversation's language after all its messages, as the server decides it.

The accepted figures are committed in eval/baseline.json, with the drop each figure may take.
A bigger drop fails. `bot evaluate --accept` records the new figures (and keeps the model in
models/accepted/ for `bot rollback`).
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
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO, Tuple

from bot.staff.findings import STDOUT
from bot.staff.project import Project

LANGUAGES = ("en", "fr")
EMERGENCY = ("emergency", "self_harm")
FIGURES = {  # key: (English name, French name)
    "intent_f1": ("intent F1", "F1 des intentions"),
    "emergency_recall": ("emergency recall", "rappel des urgences"),
    "language_accuracy": ("language accuracy", "exactitude de la langue"),
}
DEFAULT_ALLOWED_DROP = {"intent_f1": 0.02, "emergency_recall": 0.0, "language_accuracy": 0.01}
KEEP_ACCEPTED = 5
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


def cases(project: Project) -> List[Dict[str, Any]]:
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


def correct(result: Dict[str, Any]) -> str:
    """The predicted intent, or the gold intent when the prediction is one its group accepts."""
    return result["intent"] if result["predicted"] in result.get("accepted", ()) else result["predicted"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def predict(model: Path, all_cases: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
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

    async def run() -> List[Dict[str, Any]]:
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
            results.append(
                {
                    **case,
                    "predicted": predicted,
                    "confidence": intent.get("confidence") or 0.0,
                    "language": language,
                    "scored": not case["turns"][-1].startswith("/"),
                    "danger_band": (parsed.get("danger_score") or {}).get("band"),
                }
            )
        return results

    with warnings.catch_warnings():  # TensorFlow is imported while the model loads
        warnings.simplefilter("ignore")
        return asyncio.run(run())


def macro_f1(gold: List[str], pred: List[str]) -> float:
    """Macro F1 over the intents the set expects (a guess outside them counts as a miss)."""
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))
    return float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)) if labels else 0.0


def metrics(results: List[Dict[str, Any]], unseen: Tuple[str, ...] = ("sealed.jsonl",)) -> Dict[str, Dict[str, Any]]:
    out = {}
    for lang in LANGUAGES:
        mine = [r for r in results if r["lang"] == lang]
        scored = [r for r in mine if r["scored"] and r["intent"]]
        gold, pred = [r["intent"] for r in scored], [correct(r) for r in scored]
        emergencies = [r for r in scored if r["intent"] in EMERGENCY]
        out[lang] = {
            "cases": len(mine),
            "intent_f1": round(macro_f1(gold, pred), 4),
            "intent_accuracy": round(sum(g == p for g, p in zip(gold, pred)) / max(len(gold), 1), 4),
            "emergency_recall": round(
                sum(r["predicted"] in EMERGENCY for r in emergencies) / max(len(emergencies), 1), 4
            ),
            "emergency_cases": len(emergencies),
            "language_accuracy": round(sum(r["language"] == lang for r in mine) / max(len(mine), 1), 4),
            **danger_score_figures(scored, unseen),
        }
    return out


def unseen_by_danger_score(project: Project) -> Tuple[str, ...]:
    """The held-out files the danger score does not learn from (its `exclude` in config.yml)."""
    import yaml

    config = yaml.safe_load((project.root / "config.yml").read_text(encoding="utf-8")) or {}
    for component in config.get("pipeline") or []:
        if str(component.get("name", "")).endswith("DangerScore"):
            paths = [Path(p) for pattern in component.get("exclude") or [] for p in project.root.glob(pattern)]
            return tuple(sorted(p.name for p in paths))
    return ()


def danger_score_figures(scored: List[Dict[str, Any]], unseen: Tuple[str, ...]) -> Dict[str, Any]:
    """Recall and precision of the learned danger score's high band, and of high or middle, on the last
    message of the cases it did not learn from (its `exclude` sets: the sealed set)."""
    cases = [r for r in scored if r["set"] in unseen and r.get("danger_band")]
    figures: Dict[str, Any] = {"danger_score_cases": len(cases)}
    for name, bands in (("high", ("high",)), ("high_or_middle", ("high", "middle"))):
        flagged = [r for r in cases if r["danger_band"] in bands]
        hits = sum(r["intent"] in EMERGENCY for r in flagged)
        danger = sum(r["intent"] in EMERGENCY for r in cases)
        figures[f"danger_score_{name}_recall"] = round(hits / danger, 4) if danger else None
        figures[f"danger_score_{name}_precision"] = round(hits / len(flagged), 4) if flagged else None
    return figures


def compare(current: Dict[str, Dict[str, float]], baseline: Optional[Dict[str, Any]]) -> List[Tuple[str, str, str]]:
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


def print_table(current: Dict[str, Dict[str, float]], baseline: Optional[Dict[str, Any]], out: TextIO) -> None:
    before = (baseline or {}).get("metrics") or {}
    print(f"{'':48}{'now':>9}{'accepted':>10}", file=out)
    for lang in LANGUAGES:
        m = current[lang]
        print(f"{lang.upper()} ({m['cases']} cases, {m['emergency_cases']} emergencies)", file=out)
        for key, (en, fr) in FIGURES.items():
            was = before.get(lang, {}).get(key)
            was_s = f"{was:.1%}" if was is not None else "-"
            print(f"  {en + ' / ' + fr:46}{m[key]:>9.1%}{was_s:>10}", file=out)
        print(f"  {'intent accuracy / exactitude des intentions':46}{m['intent_accuracy']:>9.1%}", file=out)
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


def confusion_png(results: List[Dict[str, Any]], lang: str, path: Path) -> None:
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


def write_report(
    project: Project,
    model: Path,
    results: List[Dict[str, Any]],
    current: Dict[str, Dict[str, float]],
    baseline: Optional[Dict[str, Any]],
    drops: List[Tuple[str, str, str]],
) -> Path:
    folder = project.reports
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    e = html.escape
    before = (baseline or {}).get("metrics") or {}
    rows = []
    for lang in LANGUAGES:
        for key, (en, fr) in FIGURES.items():
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
        f"<p><strong>{'FAILED: a figure dropped more than allowed. / ÉCHEC : un chiffre a trop baissé.' if drops else 'OK: no figure dropped more than allowed. / OK : aucun chiffre n’a trop baissé.'}</strong></p>",
        "<table><tr><th>lang</th><th>figure / chiffre</th><th>now / maintenant</th><th>accepted / accepté</th><th></th></tr>",
        *rows,
        "</table>",
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
    (folder / "results.json").write_text(json.dumps({"metrics": current, "drops": drops}, indent=2), encoding="utf-8")
    return folder / "index.html"


# --------------------------------------------------------------------------------------------------


def load_baseline(project: Project) -> Optional[Dict[str, Any]]:
    if project.baseline.is_file():
        return json.loads(project.baseline.read_text(encoding="utf-8"))
    return None


def accept(project: Project, model: Path, current: Dict[str, Dict[str, float]], out: TextIO) -> None:
    """Record these figures as the baseline and keep a copy of the model for `bot rollback`."""
    old = load_baseline(project) or {}
    digest = sha256(model)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
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
    keep = project.accepted_models / f"{stamp}-{digest[:8]}"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy2(model, keep / "assistant.tar.gz")
    (keep / "baseline.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for folder in sorted(p for p in project.accepted_models.iterdir() if p.is_dir())[:-KEEP_ACCEPTED]:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\nAccepted. The new figures are in {project.rel(project.baseline)} (commit this file), and a copy of the model\n"
        f"is kept in {project.rel(keep)} for `bot rollback`.\n"
        f"Accepté. Les nouveaux chiffres sont dans {project.rel(project.baseline)} (à valider avec git), et une copie du\n"
        f"modèle est gardée dans {project.rel(keep)} pour `bot rollback`.",
        file=out,
    )


def evaluate(
    project: Project, model: Optional[Path] = None, do_accept: bool = False, report: bool = True, out: TextIO = STDOUT
) -> int:
    model = Path(model or project.model).resolve()
    if not model.is_file():
        print(
            f"No model at {model}. Run `bot train` first.\nAucun modèle à {model}. Lancez d'abord `bot train`.",
            file=out,
        )
        return 1
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
    drops = compare(current, baseline)
    print(file=out)
    print_table(current, baseline, out)
    if report:
        page = write_report(project, model, results, current, baseline, drops)
        print(
            f"\nReport (confusion matrices, misread messages) / Rapport (matrices de confusion, messages mal compris):\n  {page}",
            file=out,
        )
    if drops:
        print(
            "\nFAILED: the new model is worse than the accepted one. / ÉCHEC : le nouveau modèle est moins bon que celui accepté.",
            file=out,
        )
        for lang, key, detail in drops:
            en, fr = FIGURES[key]
            print(f"  {lang.upper()} {en} / {fr}: {detail}", file=out)
        print(
            "Look at the report's misread messages, add or fix training examples, then train again.\n"
            "Don't reload this model. / Regardez les messages mal compris dans le rapport, ajoutez ou corrigez\n"
            "des exemples, puis entraînez de nouveau. Ne rechargez pas ce modèle.",
            file=out,
        )
        if not do_accept:
            return 1
        print("\n--accept was given: accepting it anyway. / --accept : accepté quand même.", file=out)
    elif baseline:
        print("\nOK: no figure dropped more than allowed. / OK : aucun chiffre n'a trop baissé.", file=out)
    else:
        print(
            f"\nNo accepted figures yet ({project.rel(project.baseline)}): run `bot evaluate --accept` to record these.\n"
            f"Pas encore de chiffres acceptés : lancez `bot evaluate --accept` pour enregistrer ceux-ci.",
            file=out,
        )
    if do_accept:
        accept(project, model, current, out)
    return 0
