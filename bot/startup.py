"""What each process installs at start-up, in one place. Importing a module of ours installs nothing.

Three things change how a process behaves beyond its own code, so they are installed here, on
purpose, once, by the process's start-up, and nowhere else:

- log redaction (bot/shared/redaction.py): every log record and structlog event is scrubbed of message
  texts, sender ids, secrets, phone numbers and e-mails;
- the Rasa speed-ups (bot/plugins/rasa_speedups.py): three Rasa functions replaced, in the Rasa server;
- the guard of Rasa's HTTP API (bot/plugins/api_guard.py), on the Rasa server's Sanic app.

Who calls what:

| process | started by | calls |
|---|---|---|
| Rasa server | `rasa run ... --credentials credentials.yml` (scripts/run.sh: scripts/servers.py; the tests and benches: tests/support/servers.py) | `install_rasa_server(app)` |
| action server | `python -m bot.action_server` | `install_process()` |
| Telegram bridge | `python -m bot.channels.telegram` (scripts/telegram.sh) | `install_process()` |

The Rasa server is Rasa's own CLI, so its hook is the one place where Rasa hands our code its
app: credentials.yml names our web channel (bot/channels/rest.py: WebInput), and Rasa registers
the channel's blueprint on the app while it builds it, before the server listens and before the
model (and its policies) load. The blueprint's `register` calls `install_rasa_server(app)`, once,
explicitly. Whoever starts Rasa with this project's credentials.yml gets all three; nothing
depends on which module happens to be imported first.

`install_rasa_server` refuses a Rasa version these patches were not written for
(`UnsupportedRasaVersion`, a RasaException: Rasa's CLI prints the message and exits with 1).
Each step is safe to run twice: each checks whether it is already in place.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.shared import redaction

logger = logging.getLogger(__name__)

# The Rasa release bot/plugins/rasa_speedups.py, bot/channels/rest.py and the tracker and lock stores were
# written and tested against (requirements.lock pins it; the Makefile checks it after installing).
SUPPORTED_RASA_VERSION = "3.6.21"


def unsupported_rasa_version(found: str) -> Exception:
    """The error for a Rasa release these patches were not written for (a RasaException)."""
    from rasa.shared.exceptions import RasaException

    class UnsupportedRasaVersion(RasaException):
        pass

    return UnsupportedRasaVersion(
        f"This assistant was written for Rasa {SUPPORTED_RASA_VERSION} and found Rasa {found}. "
        f"Its start-up (bot/startup.py) replaces Rasa internals that differ between releases, so it "
        f"refuses to start. Install the pinned version: "
        f"pip install -r requirements.txt -c requirements.lock (or `make setup`)."
    )


def check_rasa_version() -> None:
    import rasa

    if rasa.__version__ != SUPPORTED_RASA_VERSION:
        raise unsupported_rasa_version(rasa.__version__)


def install_process() -> None:
    """Every process that handles conversations: log redaction. Safe to call again."""
    redaction.install()


def install_rasa_server(app: Any) -> dict[str, list[str]]:
    """The Rasa server: version check, log redaction, speed-ups, API guard on `app`. Safe to call again.

    Returns what is in place, for the start-up log line and the tests.
    """
    check_rasa_version()
    install_process()
    from bot.plugins import api_guard, rasa_speedups

    speedups = rasa_speedups.install()
    api_guard.install(app)
    installed = {"redaction": ["log records", "structlog"], "speedups": speedups, "api_guard": ["installed"]}
    logger.debug("Start-up: %s", ", ".join(f"{k}: {'; '.join(v) or 'none'}" for k, v in installed.items()))
    return installed
