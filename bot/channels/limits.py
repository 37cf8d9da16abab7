"""Limits of the web channel: message size, rate per conversation and per IP, trusted proxies and bridges.

All settings come from the environment (documented in .env.example), read when the channel starts:

  MESSAGE_CHAR_LIMIT                 a message of this many characters or more is refused (2000)
  RATE_LIMIT_CONVERSATION_PER_MINUTE messages per conversation per minute (30; 0 = no limit)
  RATE_LIMIT_IP_PER_MINUTE           requests per client IP per minute (300; 0 = no limit)
  RATE_LIMIT_EXEMPT_IPS              clients never limited per IP (loopback: this machine's own tools)
  TRUSTED_PROXIES                    proxies whose X-Forwarded-For is believed (loopback by default)
  BRIDGE_TOKEN                       a bridge sending X-Bridge-Token with this value skips the per-IP limit

Limits are kept in memory, per Rasa process; with N Rasa nodes behind a load balancer a client can get
up to N times the per-IP limit (a conversation usually stays on the node the balancer picks).
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Optional, Sequence, Tuple, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
LOOPBACK = "127.0.0.0/8,::1/128"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return max(0, int(raw))
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}")


def parse_networks(raw: str) -> Tuple[Network, ...]:
    out = []
    for part in raw.replace(" ", ",").split(","):
        if part.strip():
            out.append(ipaddress.ip_network(part.strip(), strict=False))
    return tuple(out)


def _ip(value: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
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


@dataclass
class Settings:
    message_char_limit: int = 2000
    conversation_per_minute: int = 30
    ip_per_minute: int = 300
    exempt: Tuple[Network, ...] = field(default_factory=lambda: parse_networks(LOOPBACK))
    trusted_proxies: Tuple[Network, ...] = field(default_factory=lambda: parse_networks(LOOPBACK))
    bridge_token: str = ""
    max_body_bytes: int = 64 * 1024

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            message_char_limit=_int_env("MESSAGE_CHAR_LIMIT", 2000) or 2000,
            conversation_per_minute=_int_env("RATE_LIMIT_CONVERSATION_PER_MINUTE", 30),
            ip_per_minute=_int_env("RATE_LIMIT_IP_PER_MINUTE", 300),
            exempt=parse_networks(os.environ.get("RATE_LIMIT_EXEMPT_IPS", LOOPBACK)),
            trusted_proxies=parse_networks(os.environ.get("TRUSTED_PROXIES", LOOPBACK)),
            bridge_token=os.environ.get("BRIDGE_TOKEN", ""),
        )


def client_ip(peer: str, forwarded_for: Optional[str], trusted: Sequence[Network]) -> str:
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


def is_trusted_bridge(header_value: Optional[str], bridge_token: str) -> bool:
    return bool(bridge_token) and bool(header_value) and hmac.compare_digest(
        header_value.encode("utf-8", "replace"), bridge_token.encode("utf-8", "replace"))


class RateLimiter:
    """Token buckets by key: `per_minute` requests, refilled evenly, at most `per_minute` at once.

    Memory is bounded: at most `max_keys` keys are kept (least recently seen dropped first).
    """

    def __init__(self, per_minute: int, max_keys: int = 100_000, clock=time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def allow(self, key: str) -> Tuple[bool, float]:
        """(allowed, seconds to wait before the next request is allowed)."""
        if not self.enabled:
            return True, 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return allowed, 0.0 if allowed else (1.0 - tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)


class Limits:
    """Everything the channel checks before a message reaches the assistant."""

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self.settings = settings or Settings.from_env()
        self.per_conversation = RateLimiter(self.settings.conversation_per_minute)
        self.per_ip = RateLimiter(self.settings.ip_per_minute)

    def client_ip(self, peer: str, forwarded_for: Optional[str]) -> str:
        return client_ip(peer, forwarded_for, self.settings.trusted_proxies)

    def check_ip(self, ip: str, bridge_header: Optional[str]) -> Tuple[bool, float]:
        if is_trusted_bridge(bridge_header, self.settings.bridge_token) or in_networks(ip, self.settings.exempt):
            return True, 0.0
        return self.per_ip.allow(ip)

    def check_conversation(self, sender: str) -> Tuple[bool, float]:
        return self.per_conversation.allow(sender)

    def too_long(self, text: str) -> bool:
        return len(text) >= self.settings.message_char_limit

