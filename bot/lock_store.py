"""The lock store, chosen by the environment: Rasa's RedisLockStore when LOCK_STORE_URL is set.

Rasa handles the messages of one conversation one at a time by taking a lock on it. With one
Rasa process (the `default` profile) an in-memory lock is enough. With several Rasa nodes behind
a load balancer (the `scaled` profile) they must share the lock, in Redis, so the messages of a
conversation are handled in order whichever node receives them:

    LOCK_STORE_URL=redis://[:password@]host:6379/1   (rediss:// for TLS)

Registered in endpoints.yml as `bot.lock_store.EnvLockStore`. `TICKET_LOCK_LIFETIME` (Rasa's own
variable, seconds) bounds how long a conversation stays locked by a node that died mid-turn.
"""
from __future__ import annotations

import logging
import os
from typing import Optional
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.tracker_store import ConfigurationError, profile, redacted

logger = logging.getLogger(__name__)


def lock_store_url(endpoint_config: Optional[EndpointConfig] = None) -> str:
    url = (os.environ.get("LOCK_STORE_URL") or (endpoint_config.url if endpoint_config else None) or "").strip()
    if url and urlsplit(url).scheme not in ("redis", "rediss"):
        raise ConfigurationError("LOCK_STORE_URL must be redis://[:password@]host:port/db")
    if profile() == "scaled" and not url:
        raise ConfigurationError("ASSISTANT_PROFILE=scaled needs LOCK_STORE_URL=redis://host:port/db "
                                 "(the lock all Rasa nodes share)")
    return url


def create_lock_store(endpoint_config: Optional[EndpointConfig] = None) -> LockStore:
    url = lock_store_url(endpoint_config)
    if not url:
        return InMemoryLockStore()
    parts = urlsplit(url)
    logger.debug("Lock store: %s", redacted(url))
    return RedisLockStore(
        host=parts.hostname or "localhost", port=parts.port or 6379, db=int(parts.path.strip("/") or 1),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=parts.scheme == "rediss")


class EnvLockStore:
    """What Rasa instantiates from endpoints.yml: returns Rasa's own RedisLockStore or InMemoryLockStore."""

    def __new__(cls, endpoint_config: Optional[EndpointConfig] = None) -> LockStore:  # type: ignore[misc]
        return create_lock_store(endpoint_config)
