"""Guard for Rasa's HTTP API, installed on the Rasa app at start-up (bot/startup.py: install_rasa_server).

The API is off unless Rasa is started with `--enable-api` (scripts/run.sh does it only when
RASA_API_TOKEN is set). When it is on:

- every API route needs authentication: a token (RASA_API_TOKEN, or `--auth-token`) or Rasa's JWT;
  an API started without either is refused as a whole, instead of being open to anyone;
- the model routes (`/model`, `/model/train`, `/model/test/...`, `DELETE /model`), which load or
  replace code and data (CVE-2024-49375), are reachable only:
    * from this machine (loopback peer, and no proxy header: a request relayed by a proxy is not local),
    * with the token itself (`?token=`; a JWT is not enough),
    * for PUT /model: with only `model_file`, a path to a local file; `model_server`,
      `remote_storage` and URLs are refused. Optional MODEL_DIRS (colon-separated) restricts where
      that file may be.
Refusals are JSON (403/401/400) and say why, without echoing what was sent.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import sys
from pathlib import Path
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.shared import redaction

PROXY_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host", "via")
PUBLIC_PATHS = ("/", "/version")  # Rasa's "hello" and version: no data, no auth in Rasa either


def api_token(argv=None) -> str | None:
    """The API token: RASA_API_TOKEN, else the value Rasa was started with (`--auth-token`)."""
    token = os.environ.get("RASA_API_TOKEN", "").strip()
    if token:
        return token
    argv = list(sys.argv if argv is None else argv)
    for i, arg in enumerate(argv):
        if arg in ("--auth-token", "-t") and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--auth-token="):
            return arg.split("=", 1)[1]
    return None


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _refuse(status: int, error: str, message: str) -> HTTPResponse:
    return response.json({"error": error, "message": message}, status=status)


def _local_model_file(value: Any) -> str | None:
    """Why `value` is not an acceptable local model file, or None if it is."""
    if not isinstance(value, str) or not value.strip():
        return "model_file must be the path of a model file on this machine"
    if "://" in value or value.startswith(("//", "\\\\")):
        return "model_file must be a local path, not a URL"
    path = Path(value).expanduser()
    if not path.is_file():
        return "model_file does not exist on this machine"
    allowed = [Path(p).resolve() for p in os.environ.get("MODEL_DIRS", "").split(":") if p.strip()]
    if allowed and not any(path.resolve().is_relative_to(d) for d in allowed):
        return "model_file is outside MODEL_DIRS"
    return None


def check(request: Request, token: str | None, jwt_enabled: bool) -> HTTPResponse | None:
    """The refusal for this API request, or None to let Rasa handle it."""
    path = request.path.rstrip("/") or "/"
    if path in PUBLIC_PATHS or path.startswith("/webhooks/") or request.method == "OPTIONS":
        return None
    provided = request.args.get("token") or ""
    token_ok = bool(token and hmac.compare_digest(provided.encode(), token.encode()))
    if not token and not jwt_enabled:
        return _refuse(
            403, "api_without_auth", "The HTTP API is on without authentication: set RASA_API_TOKEN (see .env.example)."
        )
    if path == "/model" or path.startswith("/model/"):
        local = is_loopback(request.ip) and not any(h in request.headers for h in PROXY_HEADERS)
        if not local:
            return _refuse(403, "model_api_local_only", "The model endpoints are reachable only from this machine.")
        if not token_ok:
            return _refuse(401, "model_api_needs_token", "The model endpoints need the API token.")
        if path == "/model" and request.method == "PUT":
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, RecursionError):
                return _refuse(400, "bad_request", "The body must be JSON: {\"model_file\": \"<local path>\"}.")
            if not isinstance(body, dict) or set(body) - {"model_file"}:
                return _refuse(
                    400,
                    "model_file_only",
                    "Only {\"model_file\": \"<local path>\"} is accepted: no model_server, no remote_storage.",
                )
            reason = _local_model_file(body.get("model_file"))
            if reason:
                return _refuse(400, "model_file_not_local", reason)
        if "model" in request.args:  # /model/test/intents?model=...
            reason = _local_model_file(request.args.get("model"))
            if reason:
                return _refuse(400, "model_file_not_local", reason)
    return None


def install(app: Sanic) -> None:
    """Add the guard and the log redaction of API requests to the Rasa app (once)."""
    if getattr(app.ctx, "bot_api_guard", False):
        return
    app.ctx.bot_api_guard = True
    token = api_token()

    async def guard(request: Request) -> HTTPResponse | None:
        refusal = check(request, token, bool(app.config.get("USE_JWT")))
        if refusal is not None:
            return refusal
        if not request.path.startswith("/webhooks/"):
            # Conversation ids and texts sent to the API stay out of the logs too.
            senders = [request.match_info.get("conversation_id")] if request.match_info else []
            texts = []
            if request.method in ("POST", "PUT") and request.body and len(request.body) < 1_000_000:
                try:
                    body = json.loads(request.body)
                except (ValueError, RecursionError):
                    body = None
                if isinstance(body, dict):
                    texts = [body.get("text"), body.get("message")]
                    senders.append(body.get("sender"))
            request.ctx.redaction_held = redaction.hold(texts=texts, senders=senders)
        return None

    async def release(request: Request, _response: Any) -> None:
        redaction.release(getattr(request.ctx, "redaction_held", ()))

    app.register_middleware(guard, "request")
    app.register_middleware(release, "response")
