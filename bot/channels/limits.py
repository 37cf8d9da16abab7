"""Limits of the web channel: message size, rate per conversation and per IP, trusted proxies and bridges.

All settings come from the environment (documented in .env.example), read when the channel starts:

  MESSAGE_CHAR_LIMIT                 a message of this many characters or more is refused (2000)
  RATE_LIMIT_CONVERSATION_PER_MINUTE messages per conversation per minute (30; 0 = no limit)
  RATE_LIMIT_IP_PER_MINUTE           requests per client IP per minute (300; 0 = no limit)
  RATE_LIMIT_EXIT_CONVERSATION_PER_MINUTE  quick exits per conversation per minute (10; 0 = no limit)
  RATE_LIMIT_EXIT_IP_PER_MINUTE      quick exits per client IP per minute (120; 0 = no limit)
  RATE_LIMIT_EXEMPT_IPS              clients never limited per IP (loopback: this machine's own tools)
  TRUSTED_PROXIES                    proxies whose X-Forwarded-For is believed (loopback by default)
  BRIDGE_TOKEN                       a bridge sending X-Bridge-Token with this value skips the per-IP limits
  RATE_LIMIT_STORAGE_URL             where the counts are kept: memory:// or redis://[:password@]host:port/db
                                     (default: memory:// in the `default` profile, LOCK_STORE_URL in `scaled`)

A quick exit (bot/channels/rest.py `is_quick_exit`) is counted against its own two budgets only,
never against the ordinary ones, and the ordinary limits never refuse it: leaving and erasing
always work, while exits alone cannot be used to flood the assistant.

The counting is the `limits` library's moving window: at most N requests in any 60 seconds per key.
In memory (`default` profile: one Rasa process) a key is forgotten a minute after its last request.
In Redis (`scaled` profile) every Rasa node counts in the same place, so a limit holds across all
the nodes behind the load balancer (tests/test_scale.py); keys are hashed (no IP or sender id in
clear in Redis) and expire after a minute. If Redis cannot be reached, requests are let through
(and a warning is logged); when it is the lock store's Redis, the turns stop then anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from bot.shared import settings

logger = logging.getLogger(__name__)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.0/8,::1/128"


def _int_env(name: str, default: int) -> int:
    return settings.number(name, default, kind=int)  # a whole number >= 0, else SettingError naming it


def parse_networks(raw: str) -> tuple[Network, ...]:
    out = []
    for part in raw.replace(" ", ",").split(","):
        if part.strip():
            out.append(ipaddress.ip_network(part.strip(), strict=False))
    return tuple(out)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:51000
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def in_networks(address: str, networks: Sequence[Network]) -> bool:
    ip = _ip(address)
    return ip is not None and any(ip in n for n in networks)


def storage_url() -> str:
    """RATE_LIMIT_STORAGE_URL, else the lock store's Redis in the scaled profile, else memory://."""
    from bot.plugins.tracker_store import ConfigurationError, profile  # Rasa's stores: imported only when needed

    url = settings.text("RATE_LIMIT_STORAGE_URL")
    scaled = profile() == "scaled"
    if not url and scaled:
        url = settings.text("LOCK_STORE_URL")
    url = url or "memory://"
    scheme = urlsplit(url).scheme
    if scheme not in ("memory", "redis", "rediss"):
        raise ConfigurationError("RATE_LIMIT_STORAGE_URL must be memory:// or redis://[:password@]host:port/db")
    if scaled and scheme == "memory":
        raise ConfigurationError(
            "ASSISTANT_PROFILE=scaled needs the rate limits in Redis (RATE_LIMIT_STORAGE_URL "
            "or LOCK_STORE_URL = redis://host:port/db), shared by all Rasa nodes"
        )
    return url


@dataclass
class Settings:
    message_char_limit: int = 2000
    conversation_per_minute: int = 30
    ip_per_minute: int = 300
    exit_conversation_per_minute: int = 10
    exit_ip_per_minute: int = 120
    exempt: tuple[Network, ...] = field(default_factory=lambda: parse_networks(LOOPBACK))
    trusted_proxies: tuple[Network, ...] = field(default_factory=lambda: parse_networks(LOOPBACK))
    bridge_token: str = ""
    max_body_bytes: int = 64 * 1024
    storage_url: str | None = None  # None: RATE_LIMIT_STORAGE_URL and the profile decide (`storage_url()`)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            message_char_limit=_int_env("MESSAGE_CHAR_LIMIT", 2000) or 2000,
            conversation_per_minute=_int_env("RATE_LIMIT_CONVERSATION_PER_MINUTE", 30),
            ip_per_minute=_int_env("RATE_LIMIT_IP_PER_MINUTE", 300),
            exit_conversation_per_minute=_int_env("RATE_LIMIT_EXIT_CONVERSATION_PER_MINUTE", 10),
            exit_ip_per_minute=_int_env("RATE_LIMIT_EXIT_IP_PER_MINUTE", 120),
            exempt=parse_networks(os.environ.get("RATE_LIMIT_EXEMPT_IPS", LOOPBACK)),  # set but empty: none
            trusted_proxies=parse_networks(os.environ.get("TRUSTED_PROXIES", LOOPBACK)),
            bridge_token=settings.text("BRIDGE_TOKEN"),
        )


def client_ip(peer: str, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The client's address: the socket peer, or, when the peer is a trusted proxy, the nearest
    untrusted address in X-Forwarded-For (read from the right: the left part is what the client wrote)."""
    if not forwarded_for or not in_networks(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:  # garbage: believe nothing further left
            return peer
        if not any(ip in n for n in trusted):
            return str(ip)
    return str(_ip(hops[0])) if hops else peer


def is_trusted_bridge(header_value: str | None, bridge_token: str) -> bool:
    return bool(
        bridge_token
        and header_value
        and hmac.compare_digest(header_value.encode("utf-8", "replace"), bridge_token.encode("utf-8", "replace"))
    )


def create_storage(url: str) -> Storage:
    """The `limits` storage for a URL: in memory, or in Redis (short timeouts: a Redis that hangs
    must not hold a message for long)."""
    if urlsplit(url).scheme == "memory":
        return MemoryStorage()
    from bot.plugins.tracker_store import redacted

    logger.debug("Rate limits kept in %s", redacted(url))
    return RedisStorage(url, socket_timeout=2, socket_connect_timeout=2)


class RateLimiter:
    """At most `per_minute` hits per key in any 60 seconds (the `limits` moving window), counted in
    `storage` under `name` (so that limits sharing a storage never share a count)."""

    def __init__(self, per_minute: int, storage: Storage | None = None, name: str = "rate") -> None:
        self.item = RateLimitItemPerMinute(per_minute) if per_minute > 0 else None
        self.storage = storage if storage is not None else MemoryStorage()
        self.strategy = MovingWindowRateLimiter(self.storage)
        self.name = name
        self._warned = False

    @property
    def enabled(self) -> bool:
        return self.item is not None

    def _key(self, key: str) -> str:
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds to wait before the next request is allowed)."""
        if self.item is None:
            return True, 0.0
        hashed = self._key(key)
        try:
            allowed = self.strategy.hit(self.item, self.name, hashed)
            reset = 0.0 if allowed else self.strategy.get_window_stats(self.item, self.name, hashed).reset_time
        except Exception as e:  # the storage (Redis) is unreachable: let it through, say so once per outage
            if not self._warned:
                logger.warning("Rate limit %s not checked: its storage failed (%s).", self.name, type(e).__name__)
                self._warned = True
            return True, 0.0
        self._warned = False
        return (True, 0.0) if allowed else (False, max(0.0, reset - time.time()))


class Limits:
    """Everything the channel checks before a message reaches the assistant."""

    def __init__(self, settings: Settings | None = None, storage: Storage | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.storage = storage if storage is not None else create_storage(self.settings.storage_url or storage_url())
        self.per_conversation = RateLimiter(self.settings.conversation_per_minute, self.storage, "conversation")
        self.per_ip = RateLimiter(self.settings.ip_per_minute, self.storage, "ip")
        self.exits_per_conversation = RateLimiter(
            self.settings.exit_conversation_per_minute, self.storage, "exit-conversation"
        )
        self.exits_per_ip = RateLimiter(self.settings.exit_ip_per_minute, self.storage, "exit-ip")

    def client_ip(self, peer: str, forwarded_for: str | None) -> str:
        return client_ip(peer, forwarded_for, self.settings.trusted_proxies)

    def _ip_exempt(self, ip: str, bridge_header: str | None) -> bool:
        return is_trusted_bridge(bridge_header, self.settings.bridge_token) or in_networks(ip, self.settings.exempt)

    def check_ip(self, ip: str, bridge_header: str | None, quick_exit: bool = False) -> tuple[bool, float]:
        """The per-IP limit: the ordinary one, or for a quick exit the exits' own."""
        if self._ip_exempt(ip, bridge_header):
            return True, 0.0
        return (self.exits_per_ip if quick_exit else self.per_ip).allow(ip)

    def check_conversation(self, sender: str, quick_exit: bool = False) -> tuple[bool, float]:
        """The per-conversation limit: the ordinary one, or for a quick exit the exits' own."""
        return (self.exits_per_conversation if quick_exit else self.per_conversation).allow(sender)

    def too_long(self, text: str) -> bool:
        return len(text) >= self.settings.message_char_limit
