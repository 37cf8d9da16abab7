"""The action server, locked: `python -m bot.action_server --actions actions --port 5055`.

rasa-sdk 3.6 has no authentication and listens on every interface by default. This launcher runs
the same rasa-sdk app (same arguments as `rasa run actions`) with:

- the address from ACTION_SERVER_HOST, loopback (127.0.0.1) by default; set a private address
  when Rasa runs on another host of a private network, never a public one;
- a shared secret: every call must carry `Authorization: Bearer $ACTION_SERVER_TOKEN` (Rasa sends
  it: endpoints.yml `action_endpoint.headers`); calls without it get 401. Only /health is open.
  The server refuses to start without a token of at least 16 characters;
- log redaction (bot/shared/redaction.py, installed by bot/startup.py) for the sender id and the texts in each call;
- errors answered without echoing the request (rasa-sdk's own handler returns the whole tracker).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import sys
import zlib
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import startup
from bot.shared import redaction

logger = logging.getLogger(__name__)

TOKEN_ENV = "ACTION_SERVER_TOKEN"
MIN_TOKEN_LENGTH = 16
OPEN_PATHS = ("/health",)
MAX_BODY_BYTES = 4 * 1024 * 1024


def _payload(request: Request) -> Any:
    body = request.body or b""
    try:
        if request.headers.get("content-encoding") == "deflate":
            body = zlib.decompressobj().decompress(body, MAX_BODY_BYTES)
        return json.loads(body)
    except (ValueError, RecursionError, zlib.error):
        return None


def personal_values(call: Any) -> tuple:
    """(texts, senders) of an action call: what must stay out of the logs while it runs."""
    if not isinstance(call, dict):
        return [], []
    tracker = call.get("tracker")
    if not isinstance(tracker, dict):
        tracker = {}
    senders = [call.get("sender_id"), tracker.get("sender_id")]
    texts: list[Any] = [(tracker.get("latest_message") or {}).get("text")]
    for event in tracker.get("events") or []:
        if isinstance(event, dict) and event.get("event") in ("user", "bot"):
            texts.append(event.get("text"))
    return texts, senders


def protect(app: Sanic, token: str) -> None:
    """Require the shared secret on every route but /health; redact each call's personal data."""
    expected = f"Bearer {token}".encode()

    async def authenticate(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        provided = request.headers.get("authorization", "").encode("utf-8", "replace")
        if not hmac.compare_digest(provided, expected):
            return response.json(
                {"error": "unauthorized", "message": "This action server needs its token."}, status=401
            )
        if request.method == "POST":
            texts, senders = personal_values(_payload(request))
            request.ctx.redaction_held = redaction.hold(texts=texts, senders=senders)
        return None

    async def release(request: Request, _response: Any) -> None:
        redaction.release(getattr(request.ctx, "redaction_held", ()))

    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        logger.error("Action call failed: %s", type(exception).__name__, exc_info=exception)
        status = getattr(exception, "status_code", 500)
        return response.json({"error": "action_failed"}, status=status if 400 <= status < 600 else 500)

    app.register_middleware(authenticate, "request")
    app.register_middleware(release, "response")
    app.error_handler.add(Exception, on_error)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES


def main(argv: list[str] | None = None) -> None:
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
    from rasa_sdk.plugin import plugin_manager

    args = create_argument_parser().parse_args(argv)
    if args.loglevel is None and os.environ.get("LOG_LEVEL"):
        args.loglevel = logging.getLevelName(os.environ["LOG_LEVEL"].upper())
    token = os.environ.get(TOKEN_ENV, "")
    if len(token) < MIN_TOKEN_LENGTH:
        sys.exit(
            f"{TOKEN_ENV} must be set (at least {MIN_TOKEN_LENGTH} characters): Rasa sends it to the action "
            "server with every call. See .env.example."
        )
    host = os.environ.get("ACTION_SERVER_HOST", "127.0.0.1")

    startup.install_process()  # log redaction, before anything logs
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()

    app = create_app(args.actions, cors_origins=args.cors or "", auto_reload=args.auto_reload)
    protect(app, token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    logger.info("Action server on %s://%s:%s (token required)", "https" if ssl_context else "http", host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
