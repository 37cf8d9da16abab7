"""`bot reload` and `bot rollback`: put a model into the running assistant, or bring an older one back.

Reload uses Rasa's HTTP API (`PUT /model`), which scripts/run.sh turns on only when RASA_API_TOKEN is
set: the call carries that token and a local file path, and goes to this computer only (loopback).
Rasa loads the new model while the old one keeps answering, then swaps them.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bot.staff.findings import STDOUT, Out
from bot.staff.project import Project

DEFAULT_URL = "http://localhost:5005"


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _call(method: str, url: str, token: str, body: dict | None = None, timeout: float = 600) -> tuple[int, bytes]:
    query = urllib.parse.urlencode({"token": token})
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"{url}?{query}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def model_id(model: Path) -> str | None:
    """The id Rasa gave the model when training it (in the archive's metadata.json)."""
    try:
        with tarfile.open(model) as archive:
            metadata = archive.extractfile("metadata.json")  # None when it is not a file
            return json.load(metadata).get("model_id") if metadata else None
    except Exception:
        return None


def reload(project: Project, url: str | None = None, model: Path | None = None, out: Out = STDOUT) -> int:
    url = (url or project.setting("RASA_URL") or DEFAULT_URL).rstrip("/")
    model = Path(model or project.model).resolve()
    if not is_loopback(url):
        print(
            f"Refused: {url} is not on this computer. `bot reload` only talks to an assistant on this computer\n"
            "(localhost / 127.0.0.1), and sends it a file from this computer.\n"
            f"Refusé : {url} n'est pas sur cet ordinateur. `bot reload` ne parle qu'à un assistant sur cet ordinateur.",
            file=out,
        )
        return 2
    token = project.setting("RASA_API_TOKEN")
    if not token:
        print(
            "RASA_API_TOKEN is not set. Put a long random value in the .env file (see .env.example), then restart\n"
            "the assistant with `make run` so that it accepts reloads.\n"
            "RASA_API_TOKEN n'est pas défini. Mettez une longue valeur aléatoire dans le fichier .env (voir .env.example),\n"
            "puis redémarrez l'assistant avec `make run` pour qu'il accepte les rechargements.",
            file=out,
        )
        return 2
    expected = model_id(model) if model.is_file() else None
    if not expected:
        print(
            f"No trained model at {model}. Run `bot train` first.\nAucun modèle entraîné à {model}. Lancez d'abord `bot train`.",
            file=out,
        )
        return 1
    from bot.staff import registry

    kept = registry.status_of(project, model)
    if kept and kept["status"] == registry.FAILED:
        print(
            f"WARNING: this model FAILED the quality gate ({kept.get('detail') or 'see bot evaluate'}).\n"
            "`bot rollback` brings back the last accepted one.\n"
            "AVERTISSEMENT : ce modèle a ÉCHOUÉ au contrôle de qualité. `bot rollback` ramène le dernier accepté.\n",
            file=out,
        )
    print(
        f"Loading {model} into the assistant at {url} (it keeps answering meanwhile)...\n"
        f"Chargement de {model} dans l'assistant à {url} (il continue de répondre pendant ce temps)...",
        file=out,
        flush=True,
    )
    try:
        status, body = _call("PUT", f"{url}/model", token, {"model_file": str(model)})
    except (urllib.error.URLError, OSError) as e:
        print(
            f"No assistant answers at {url} ({getattr(e, 'reason', e)}). Is it running (`make run`)?\n"
            f"Aucun assistant ne répond à {url}. Est-il lancé (`make run`) ?",
            file=out,
        )
        return 1
    if status in (401, 403):
        print(
            "The assistant refused the token. Use the same RASA_API_TOKEN as the running assistant (.env), or\n"
            "restart it with `make run` after setting it.\n"
            "L'assistant a refusé le jeton. Utilisez le même RASA_API_TOKEN que l'assistant en marche (.env).",
            file=out,
        )
        return 1
    if status == 404 and b"model" not in body.lower():
        print(
            "The assistant's API is off: start it with RASA_API_TOKEN set (in .env), with `make run`.\n"
            "L'API de l'assistant est désactivée : lancez-le avec RASA_API_TOKEN défini (dans .env), avec `make run`.",
            file=out,
        )
        return 1
    if status >= 300:
        detail = body.decode("utf-8", "replace")[:400]
        print(
            f"The assistant could not load the model (HTTP {status}): {detail}\nThe previous model is still in use.\n"
            f"L'assistant n'a pas pu charger le modèle (HTTP {status}). L'ancien modèle est toujours en service.",
            file=out,
        )
        return 1
    status, body = _call("GET", f"{url}/status", token, timeout=60)
    loaded = json.loads(body or b"{}").get("model_id") if status == 200 else None
    if loaded != expected:
        print(
            f"The assistant answered, but reports another model ({loaded}, expected {expected}).\n"
            f"L'assistant a répondu, mais indique un autre modèle ({loaded}, attendu {expected}).",
            file=out,
        )
        return 1
    print(f"Done: the assistant now uses {model}\nTerminé : l'assistant utilise maintenant {model}", file=out)
    return 0


# --------------------------------------------------------------------------------------------------


def list_saved(project: Project, out: Out = STDOUT) -> int:
    from bot.staff import registry

    if project.model.is_file():
        registry.register(project, project.model, source="models/assistant.tar.gz")
    entries = registry.load(project)
    if not entries:
        print("No saved model on this computer yet. / Aucun modèle gardé sur cet ordinateur.", file=out)
        return 0
    current = registry.sha256(project.model) if project.model.is_file() else None
    last = registry.last_accepted(project)
    print(f"{'name / nom':28} {'trained / entraîné':20} status / statut", file=out)
    for e in sorted(entries, key=lambda e: e["trained"] or "", reverse=True):
        marks = []
        if last and e["sha256"] == last["sha256"]:
            marks.append("last accepted: `bot rollback` goes here / dernier accepté : `bot rollback` y revient")
        if e["sha256"] == current:
            marks.append("in models/assistant.tar.gz now / actuel")
        print(
            f"{e['name']:28} {(e['trained'] or '')[:16].replace('T', ' '):20} {registry.LABELS[e['status']]}"
            + "".join(f"  <- {m}" for m in marks),
            file=out,
        )
        if e["status"] == registry.FAILED and e.get("detail"):
            print(f"{'':50}{e['detail'][:150]}", file=out)
    return 0


def rollback(project: Project, name: str | None = None, force: bool = False, out: Out = STDOUT) -> int:
    """Put the last accepted model back (or the one named). A failed or unevaluated model only with `force`."""
    from bot.staff import registry

    if project.model.is_file():  # the model in place now is kept too, so that a rollback can be undone
        registry.register(project, project.model, source="models/assistant.tar.gz")
    entries = registry.load(project)
    current = registry.sha256(project.model) if project.model.is_file() else None
    if name:
        chosen = registry.find(entries, name)
        if not chosen:
            print(
                f"No saved model named {name}. See `bot rollback --list`.\n"
                f"Aucun modèle gardé nommé {name}. Voir `bot rollback --list`.",
                file=out,
            )
            return 1
    else:
        chosen = registry.last_accepted(project)
        if not chosen:
            print(
                "No model has been accepted on this computer yet, so there is nothing safe to go back to.\n"
                "`bot evaluate` records the first model that passes; `bot rollback --list` shows the saved models.\n"
                "To take one of them anyway: `bot rollback NAME --force`.\n"
                "Aucun modèle n'a encore été accepté sur cet ordinateur : rien de sûr vers quoi revenir.\n"
                "`bot evaluate` enregistre le premier modèle qui réussit ; `bot rollback --list` montre les modèles\n"
                "gardés. Pour en prendre un quand même : `bot rollback NOM --force`.",
                file=out,
            )
            return 1
        if chosen["sha256"] == current:
            print(
                f"models/assistant.tar.gz is already the last accepted model ({chosen['name']}): nothing to undo.\n"
                "To go further back, name an older one from `bot rollback --list`.\n"
                f"models/assistant.tar.gz est déjà le dernier modèle accepté ({chosen['name']}) : rien à défaire.\n"
                "Pour revenir plus loin, nommez-en un plus ancien de `bot rollback --list`.",
                file=out,
            )
            return 0
    status = chosen["status"]
    if status in (registry.FAILED, registry.NOT_EVALUATED):
        why = f" ({chosen['detail']})" if chosen.get("detail") else ""
        what_en = "FAILED the quality gate" + why if status == registry.FAILED else "was never evaluated"
        what_fr = "a ÉCHOUÉ au contrôle de qualité" if status == registry.FAILED else "n'a jamais été évalué"
        if not force:
            print(
                f"Refused: {chosen['name']} {what_en}. It may miss danger or misread people.\n"
                f"`bot rollback` alone brings back the last accepted model. If you really mean this one:\n"
                f"  bot rollback {chosen['name']} --force\n"
                f"Refusé : {chosen['name']} {what_fr}. Il peut manquer un danger ou mal comprendre.\n"
                f"`bot rollback` seul ramène le dernier modèle accepté. Si c'est vraiment celui-ci :\n"
                f"  bot rollback {chosen['name']} --force",
                file=out,
            )
            return 1
        print(
            f"WARNING: {chosen['name']} {what_en}; putting it back because --force was given.\n"
            f"AVERTISSEMENT : {chosen['name']} {what_fr} ; remis en place car --force a été donné.",
            file=out,
        )
    registry.install(project, chosen)
    restored = []
    folder = project.root / chosen["folder"]
    if status == registry.ACCEPTED:  # its accepted figures and per-case results come back with it
        for kept, target in (("baseline.json", project.baseline), ("accepted_results.json", project.accepted_results)):
            if (folder / kept).is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(folder / kept, target)
                restored.append(project.rel(target))
    print(
        f"models/assistant.tar.gz is now the model {chosen['name']} ({registry.LABELS[status]})"
        f"{' and ' + ', '.join(restored) + ' its accepted figures' if restored else ''}.\n"
        f"models/assistant.tar.gz est maintenant le modèle {chosen['name']}.\n"
        "Next: `bot reload` puts it in the running assistant. / Ensuite : `bot reload` le met en service.",
        file=out,
    )
    return 0
