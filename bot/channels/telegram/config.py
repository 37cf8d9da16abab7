"""The bridge's settings, from environment variables only (documented in .env.example).

Tokens and secrets are never in the repo and never printed: a bad setting stops the bridge with a
message that names the variable, not its value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.shared import settings

MODES = ("polling", "webhook")
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret_token.
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MIN_SECRET_LENGTH = 16


class ConfigError(SystemExit):
    """A missing or invalid setting: the bridge does not start."""


@dataclass(frozen=True)
class Config:
    bot_token: str
    sender_secret: str
    mode: str = "polling"
    rasa_url: str = "http://localhost:5005"
    bridge_token: str | None = None
    api_base_url: str | None = None  # None: Telegram's own Bot API server (python-telegram-bot's default)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = ""
    erase_note_seconds: float = 5.0
    rasa_timeout: float = 30.0
    poll_timeout: int = 10
    log_level: str = "INFO"
    state_url: str = ""  # "": <repo>/var/telegram.db (bot/channels/telegram/memory.py)

    @property
    def secrets(self) -> tuple:
        """Every value that must never appear in a log line."""
        return tuple(s for s in (self.bot_token, self.sender_secret, self.bridge_token, self.webhook_secret) if s)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env

        def get(name: str, default: str | None = None) -> str | None:
            value = (env.get(name) or "").strip()
            return value or default

        def number(name: str, default: float, kind=float):
            try:
                return settings.number(name, default, kind=kind, env=env)  # >= 0, else SettingError naming it
            except settings.SettingError as exc:
                raise ConfigError(str(exc)) from None

        token = get("TELEGRAM_BOT_TOKEN")
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather (see README, Telegram).")
        sender_secret = get("TELEGRAM_SENDER_SECRET")
        if not sender_secret or len(sender_secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"TELEGRAM_SENDER_SECRET must be set to a random string of at least {MIN_SECRET_LENGTH} characters "
                "(e.g. `openssl rand -hex 32`)."
            )
        mode = (get("TELEGRAM_MODE", "polling") or "polling").lower()
        if mode not in MODES:
            raise ConfigError("TELEGRAM_MODE must be polling or webhook")

        webhook_url = get("TELEGRAM_WEBHOOK_URL")
        webhook_secret = get("TELEGRAM_WEBHOOK_SECRET")
        webhook_path = get("TELEGRAM_WEBHOOK_PATH")
        if mode == "webhook":
            if not webhook_url:
                raise ConfigError("TELEGRAM_WEBHOOK_URL is needed in webhook mode (the public https:// address).")
            if not webhook_secret or not _SECRET_TOKEN.match(webhook_secret) or len(webhook_secret) < MIN_SECRET_LENGTH:
                raise ConfigError(
                    f"TELEGRAM_WEBHOOK_SECRET is needed in webhook mode: {MIN_SECRET_LENGTH}-256 characters, "
                    "letters, digits, _ and - only (e.g. `openssl rand -hex 32`)."
                )
            if webhook_path is None:
                webhook_path = urlparse(webhook_url).path
        state_url = get("TELEGRAM_STATE_URL", "") or ""
        scheme = state_url.split("://", 1)[0] if "://" in state_url else ""
        if state_url and scheme not in ("sqlite", "redis", "rediss", "memory"):
            raise ConfigError("TELEGRAM_STATE_URL must be sqlite:///path, redis://host:port/db or memory://")
        if (get("ASSISTANT_PROFILE", "") or "").lower() == "scaled" and scheme not in ("redis", "rediss"):
            raise ConfigError(
                "ASSISTANT_PROFILE=scaled keeps the bridge's chat state in Redis, shared by every bridge "
                "process: set TELEGRAM_STATE_URL=redis://[:password@]host:port/db"
            )
        return cls(
            bot_token=token,
            sender_secret=sender_secret,
            mode=mode,
            rasa_url=(get("RASA_URL", "http://localhost:5005") or "").rstrip("/"),
            bridge_token=get("BRIDGE_TOKEN"),
            api_base_url=(get("TELEGRAM_API_BASE_URL") or "").rstrip("/") or None,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
            webhook_port=number("TELEGRAM_WEBHOOK_PORT", 8443, int),
            webhook_path=(webhook_path or "").strip("/"),
            erase_note_seconds=number("TELEGRAM_ERASE_NOTE_SECONDS", 5.0),
            rasa_timeout=number("TELEGRAM_RASA_TIMEOUT", 30.0),
            poll_timeout=number("TELEGRAM_POLL_TIMEOUT", 10, int),
            log_level=(get("TELEGRAM_LOG_LEVEL", "INFO") or "INFO").upper(),
            state_url=state_url,
        )


def sender_id(secret: str, chat_id: int) -> str:
    """The conversation id the assistant sees: HMAC-SHA256(secret, chat id), never the chat id itself."""
    return hmac.new(secret.encode("utf-8"), str(chat_id).encode("ascii"), hashlib.sha256).hexdigest()
