"""`bot staff-page`: a small page to edit the service directory and the answers, English | French side by side.

- Behind a password (STAFF_PASSWORD in .env), on this computer only (127.0.0.1), on its own port:
  never on the public widget's address.
- Saving runs the same checks as `bot check` (bot/staff/check/) on a copy first; with any problem
  nothing is written and the page shows what is wrong. Files are replaced in one step.
- Directory changes are live at once (the action server reads the file when it changes); answer
  changes need `bot train`, `bot evaluate` and `bot reload`, as the page says.
- "Try it" (the staff guide's `bot try`, here): what the assistant would answer to a message, and why,
  with the installed model and no running assistant; or a service's text as users see it.
"""

from __future__ import annotations

import hmac
import html
import io
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Sequence
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.staff.check import LANGUAGES, load_yaml, plain, run_checks, variation_kind, yaml_rt
from bot.staff.findings import STDOUT, Finding, Out, errors
from bot.staff.project import Project

SESSION_SECONDS = 8 * 3600
MAX_FAILURES, LOCKOUT_SECONDS = 5, 60
TEXT_FIELDS = ("name", "text", "hours")
OTHER_FIELDS = ("source_url", "checked_on")
STYLE = """body{font:15px system-ui,sans-serif;margin:0;background:#f6f6f6}header{background:#234;color:#fff;padding:.6em 1em}
main{max-width:1200px;margin:auto;padding:1em}fieldset{background:#fff;border:1px solid #ccc;margin:1em 0;padding:.6em 1em}
legend{font-weight:bold}table{width:100%;border-collapse:collapse}td{vertical-align:top;padding:3px}th{text-align:left;width:8em}
textarea{width:100%;font:inherit;min-height:2.4em}input[type=text]{width:100%}.problems{background:#fdd;border:1px solid #c00;padding:.5em 1em}
.saved{background:#dfd;border:1px solid #080;padding:.5em 1em}button{font-size:1.1em;padding:.4em 1.2em}.bar{position:sticky;top:0;background:#f6f6f6;padding:.5em 0}"""


def _project_copy(project: Project) -> Path:
    """A scratch copy of what the checks read, to validate an edit before writing it."""
    tmp = Path(tempfile.mkdtemp(prefix="staff-page-"))
    for name in ("domain.yml", "config.yml"):
        shutil.copy(project.root / name, tmp / name)
    for folder in ("data", "actions", "eval/heldout"):
        if (project.root / folder).is_dir():
            shutil.copytree(project.root / folder, tmp / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp


def _write(path: Path, doc: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        yaml_rt().dump(doc, f)
    os.replace(tmp, path)


class Editor:
    """Reads the files into form values, and applies submitted values after the checks pass."""

    def __init__(self, project: Project):
        self.project = project
        self.lock = threading.Lock()

    def values(self) -> dict[str, str]:
        out = {}
        for e in plain(load_yaml(self.project.resources)["resources"]):
            for field in TEXT_FIELDS:
                for lang in LANGUAGES:
                    out[f"r.{e['id']}.{field}.{lang}"] = str((e.get(field) or {}).get(lang, ""))
            for key, value in (e.get("contact") or {}).items():
                out[f"r.{e['id']}.contact.{key}"] = str(value)
            for field in OTHER_FIELDS:
                out[f"r.{e['id']}.{field}"] = str(e.get(field) or "")
        for name, variations in load_yaml(self.project.domain)["responses"].items():
            for v in variations:
                if not v.get("channel") and variation_kind(v):  # en, fr, fr-tu, fr-vous
                    out[f"a.{name}.{variation_kind(v)}"] = str(v.get("text") or "")
        return out

    def _apply(self, root: Path, form: dict[str, str]) -> int:
        """Write the submitted values into the YAML files under `root`; the number of values changed."""
        changed = 0
        res_path, dom_path = root / "data" / "resources.yml", root / "domain.yml"
        doc = load_yaml(res_path)
        for item in doc["resources"]:
            rid = str(item["id"])
            for field in TEXT_FIELDS:
                for lang in LANGUAGES:
                    key = f"r.{rid}.{field}.{lang}"
                    if key in form and str(item[field].get(lang, "")) != form[key]:
                        item[field][lang] = DoubleQuotedScalarString(form[key])
                        changed += 1
            for ckey in list((item.get("contact") or {}).keys()):
                key = f"r.{rid}.contact.{ckey}"
                if key in form and str(item["contact"][ckey]) != form[key]:
                    item["contact"][ckey] = DoubleQuotedScalarString(form[key])
                    changed += 1
            for field in OTHER_FIELDS:
                key = f"r.{rid}.{field}"
                if key in form and str(item.get(field) or "") != form[key]:
                    item[field] = DoubleQuotedScalarString(form[key])
                    changed += 1
        _write(res_path, doc)
        doc = load_yaml(dom_path)
        for name, variations in doc["responses"].items():
            for v in variations:
                if v.get("channel") or not variation_kind(v):
                    continue
                key = f"a.{name}.{variation_kind(v)}"
                if key in form and str(v.get("text") or "") != form[key]:
                    v["text"] = DoubleQuotedScalarString(form[key])
                    changed += 1
        _write(dom_path, doc)
        return changed

    def save(self, form: dict[str, str]) -> tuple[list[Finding], int]:
        """Check the edit on a copy; only if it passes, write the real files. (problems, values changed)"""
        form = {k: v.replace("\r\n", "\n") for k, v in form.items() if k.startswith(("r.", "a."))}
        with self.lock:
            scratch = _project_copy(self.project)
            try:
                changed = self._apply(scratch, form)
                found = errors(run_checks(Project(scratch), ["responses", "resources", "channel_texts", "wiring"]))
                if found or not changed:
                    return found, 0
                for rel in ("data/resources.yml", "domain.yml"):
                    fd, tmp = tempfile.mkstemp(dir=(self.project.root / rel).parent, suffix=".tmp")
                    os.close(fd)
                    shutil.copy(scratch / rel, tmp)
                    os.replace(tmp, self.project.root / rel)
                return [], changed
            finally:
                shutil.rmtree(scratch, ignore_errors=True)


def try_forms(values: dict[str, str], csrf: str, tried: str = "") -> list[str]:
    """ "Try it": a message (one per line: a conversation) or a service, shown as users see it, and why."""
    e = html.escape
    services = sorted({k.split(".")[1] for k in values if k.startswith("r.")})
    options = "".join(f"<option>{e(rid)}</option>" for rid in services)
    parts = [
        "<h2>Try it / Essayer</h2>",
        f"<form method=post action=/try><input type=hidden name=csrf value='{e(csrf)}'>"
        "<label for=try-messages>A message, or a conversation (one message per line) / Un message, ou une "
        "conversation (un message par ligne)</label><textarea id=try-messages name=messages rows=3></textarea>"
        "<label>Language / Langue <select name=language><option value=''>as written / selon le texte</option>"
        "<option>en</option><option>fr</option></select></label> "
        "<button type=submit id=try>Try / Essayer</button> (about 20 s the first time / environ 20 s la première fois)"
        "</form>",
        f"<form method=post action=/try-service><input type=hidden name=csrf value='{e(csrf)}'>"
        f"<label>Service <select name=service>{options}</select></label> "
        "<button type=submit id=try-service>Show as users see it / Afficher comme le public le voit</button></form>",
    ]
    if tried:
        parts.append(f"<pre id=tried>{e(tried)}</pre>")
    return parts


def page(
    project: Project,
    values: dict[str, str],
    csrf: str,
    problems: Sequence[Finding] = (),
    saved: int = 0,
    tried: str = "",
) -> str:
    e = html.escape
    parts = [
        f"<!doctype html><html lang=en><meta charset=utf-8><title>Staff / Personnel</title><style>{STYLE}</style>",
        "<header>Staff page / Page du personnel · <a style='color:#fff' href='/logout'>log out / déconnexion</a></header><main>",
        *try_forms(values, csrf, tried),
    ]
    if problems:
        parts.append(
            "<div class=problems id=problems><strong>Nothing was saved. Fix these, then save again. / "
            "Rien n'a été enregistré. Corrigez, puis enregistrez de nouveau.</strong><ul>"
        )
        parts += [f"<li>{e(f.where)}: {e(f.en)}<br><em>{e(f.fr)}</em></li>" for f in problems]
        parts.append("</ul></div>")
    elif saved:
        parts.append(
            f"<div class=saved id=saved>Saved ({saved} change(s)). Directory changes are live now; changed answers "
            "reach the assistant after <code>bot train</code>, <code>bot evaluate</code> and <code>bot reload</code>.<br>"
            f"<em>Enregistré ({saved} modification(s)). Les changements du répertoire sont en service ; les réponses "
            "modifiées y arrivent après bot train, bot evaluate et bot reload.</em></div>"
        )
    parts.append(
        f"<form method=post action=/save><input type=hidden name=csrf value='{e(csrf)}'>"
        "<div class=bar><button type=submit id=save>Check and save / Vérifier et enregistrer</button></div>"
        "<h2>Service directory / Répertoire des services</h2>"
    )
    ids = sorted(
        {k.split(".")[1] for k in values if k.startswith("r.")}, key=lambda rid: list(values).index(f"r.{rid}.name.en")
    )
    for rid in ids:
        parts.append(f"<fieldset><legend>{e(rid)}</legend><table><tr><th></th><th>English</th><th>Français</th></tr>")
        for field in TEXT_FIELDS:
            cells = "".join(
                f"<td><textarea name='r.{e(rid)}.{field}.{lang}' rows={3 if field == 'text' else 1}>"
                f"{e(values.get(f'r.{rid}.{field}.{lang}', ''))}</textarea></td>"
                for lang in LANGUAGES
            )
            parts.append(f"<tr><th>{field}</th>{cells}</tr>")
        others = [k for k in values if k.startswith(f"r.{rid}.contact.")] + [f"r.{rid}.{f}" for f in OTHER_FIELDS]
        for key in others:
            label = key.split(".", 2)[2]
            parts.append(
                f"<tr><th>{e(label)}</th><td colspan=2><input type=text name='{e(key)}' value='{e(values.get(key, ''))}'></td></tr>"
            )
        parts.append("</table></fieldset>")
    parts.append(
        "<h2>Answers / Réponses</h2><p>{resources} shows the services: keep it in both languages. / "
        "{resources} affiche les services : gardez-le dans les deux langues.</p>"
    )
    for name in sorted({k.split(".")[1] for k in values if k.startswith("a.")}):
        # French: one text, or a "tu" (teens) and a "vous" (parents, adults) text.
        kinds = [["en"], [k for k in ("fr", "fr-tu", "fr-vous") if f"a.{name}.{k}" in values] or ["fr"]]
        cells = "".join(
            "<td>"
            + "".join(
                (f"<label>{'tu' if k == 'fr-tu' else 'vous'}</label>" if k in ("fr-tu", "fr-vous") else "")
                + f"<textarea name='a.{e(name)}.{k}' rows=5>{e(values.get(f'a.{name}.{k}', ''))}</textarea>"
                for k in column
            )
            + "</td>"
            for column in kinds
        )
        parts.append(
            f"<fieldset><legend>{e(name)}</legend><table><tr><th>English</th><th>Français</th></tr><tr>{cells}</tr></table></fieldset>"
        )
    parts.append("</form></main>")
    return "\n".join(parts)


LOGIN = """<!doctype html><html lang=en><meta charset=utf-8><title>Staff login / Connexion</title><style>{style}</style>
<main><h1>Staff page / Page du personnel</h1>{message}<form method=post action=/login>
<label>Password / Mot de passe <input type=password name=password id=password autofocus></label>
<button type=submit id=login>Log in / Connexion</button></form></main>"""


def make_handler(project: Project, password: str):
    from bot.staff.preview import Tryer, preview_service

    editor = Editor(project)
    tryer: list[Tryer] = []  # made at the first try: loading the model is slow
    trying = threading.Lock()
    sessions: dict[str, tuple[float, str]] = {}  # session id -> (expiry, csrf token)
    failures: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        server_version = "staff-page"

        def log_message(self, *args: Any) -> None:  # no request log: nothing typed here ends up in a log
            pass

        def _session(self) -> tuple[str, str] | None:
            jar = cookies.SimpleCookie(self.headers.get("Cookie", ""))
            sid = jar["staff_session"].value if "staff_session" in jar else ""
            found = sessions.get(sid)
            if not found or found[0] < time.time():
                sessions.pop(sid, None)
                return None
            return sid, found[1]

        def _send(self, status: int, body: str = "", headers: dict[str, str] | None = None) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header(
                "Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; form-action 'self'"
            )
            self.send_header("Referrer-Policy", "no-referrer")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str]:
            length = min(int(self.headers.get("Content-Length") or 0), 5_000_000)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            return {k: v[-1] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

        def do_GET(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if path == "/login":
                return self._send(200, LOGIN.format(style=STYLE, message=""))
            if path == "/logout":
                found = self._session()
                if found:
                    sessions.pop(found[0], None)
                return self._send(
                    303, headers={"Location": "/login", "Set-Cookie": "staff_session=; Max-Age=0; Path=/"}
                )
            found = self._session()
            if not found:
                return self._send(303, headers={"Location": "/login"})
            if path != "/":
                return self._send(404, "not found")
            return self._send(200, page(project, editor.values(), found[1]))

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            form = self._form()
            if path == "/login":
                now = time.time()
                failures[:] = [t for t in failures if now - t < LOCKOUT_SECONDS]
                if len(failures) >= MAX_FAILURES:
                    msg = "<p class=problems>Too many tries: wait a minute. / Trop d'essais : attendez une minute.</p>"
                    return self._send(429, LOGIN.format(style=STYLE, message=msg))
                if not hmac.compare_digest(form.get("password", "").encode(), password.encode()):
                    failures.append(now)
                    msg = "<p class=problems id=wrong>Wrong password. / Mot de passe incorrect.</p>"
                    return self._send(401, LOGIN.format(style=STYLE, message=msg))
                sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
                sessions[sid] = (now + SESSION_SECONDS, csrf)
                return self._send(
                    303,
                    headers={
                        "Location": "/",
                        "Set-Cookie": f"staff_session={sid}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}",
                    },
                )
            found = self._session()
            if not found or not hmac.compare_digest(form.get("csrf", ""), found[1]):
                return self._send(303, headers={"Location": "/login"})
            if path == "/try":
                messages = [m.strip() for m in form.get("messages", "").splitlines() if m.strip()][:10]
                language = form.get("language") if form.get("language") in LANGUAGES else None
                if not messages:
                    tried = "Write a message first. / Écrivez d'abord un message."
                else:
                    with trying:  # one try at a time: one model in memory
                        if not tryer:
                            tryer.append(Tryer(project))
                        try:
                            tried = tryer[0].run(messages, language)
                        except Exception as err:  # noqa: BLE001 - shown to staff, never logged
                            tried = f"The try failed / L'essai a échoué : {type(err).__name__}"
                return self._send(200, page(project, editor.values(), found[1], tried=tried))
            if path == "/try-service":
                buffer = io.StringIO()
                preview_service(project, form.get("service", ""), out=buffer)
                return self._send(200, page(project, editor.values(), found[1], tried=buffer.getvalue()))
            if path != "/save":
                return self._send(404, "not found")
            problems, changed = editor.save(form)
            values = editor.values()
            if problems:
                values.update({k: v.replace("\r\n", "\n") for k, v in form.items() if k in values})
            return self._send(400 if problems else 200, page(project, values, found[1], problems, changed))

    return Handler


def serve(project: Project, port: int = 8090, out: Out = STDOUT) -> int:
    password = project.setting("STAFF_PASSWORD")
    if not password or len(password) < 12:
        print(
            "Set STAFF_PASSWORD (at least 12 characters) in .env first. / Définissez d'abord STAFF_PASSWORD "
            "(au moins 12 caractères) dans .env.",
            file=out,
        )
        return 2
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(project, password))
    print(
        f"Staff page on http://127.0.0.1:{server.server_port}/ (this computer only; Ctrl-C stops it).\n"
        f"Page du personnel : http://127.0.0.1:{server.server_port}/ (cet ordinateur seulement ; Ctrl-C pour arrêter).",
        file=out,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(serve(Project.find()))
