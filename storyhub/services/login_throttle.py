"""Login throttling with growing delays, kept per client address, per (address, account) pair,
per account from unknown devices, and per known device (OWASP "device cookies").

Every attempt is counted before the password is checked (so parallel tries cannot slip past a
limit) and given back when it succeeds. Past a rule's free failures, each further one locks
that key for base·2^k seconds, up to the rule's maximum; a locked key answers at once, without
looking at the password. Counters are forgotten a day after their last attempt.

A browser that has logged in to an account holds a signed device cookie for it: its attempts on
that account count only against that device, so nobody elsewhere can lock a moderator out of
the browsers they already use. Counters live in Redis when the limiter uses it (shared by all
workers), otherwise in the process's memory.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from storyhub.services.errors import ServiceError

# Replaced by tests to move time forward without sleeping.
clock: Callable[[], float] = time.time

FORGET_AFTER_SECONDS = 24 * 3600
DEVICE_COOKIE = "storyhub_device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
_DEVICE_ACCOUNTS_KEPT = 5  # a shared computer may be used by a few moderators


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed before any delay
    base_seconds: float  # the first delay; each further failure doubles it
    max_seconds: float


# Overridable per deployment: LOGIN_THROTTLE = {"account": {"free": 30}, …} in the config.
DEFAULT_RULES = {
    "address": Rule(free=10, base_seconds=2, max_seconds=3600),
    "pair": Rule(free=3, base_seconds=2, max_seconds=900),
    "account": Rule(free=20, base_seconds=2, max_seconds=3600),
    "device": Rule(free=5, base_seconds=2, max_seconds=900),
}


class LoginThrottled(ServiceError):
    """Too many failed attempts: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class Store(Protocol):
    def locked_for(self, key: str, now: float) -> float: ...
    def hit(self, key: str, rule: Rule, now: float) -> float: ...
    def release(self, key: str, rule: Rule) -> None: ...
    def clear(self, key: str) -> None: ...


def _delay(rule: Rule, failures: int) -> float:
    return min(rule.max_seconds, rule.base_seconds * 2 ** (failures - rule.free - 1))


class MemoryStore:
    """One process's counters: {key: [failures, locked_until, forget_at]}."""

    def __init__(self) -> None:
        self._counters: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _get(self, key: str, now: float) -> list[float] | None:
        entry = self._counters.get(key)
        if entry is not None and entry[2] <= now:
            del self._counters[key]
            return None
        return entry

    def locked_for(self, key: str, now: float) -> float:
        with self._lock:
            entry = self._get(key, now)
            return max(0.0, entry[1] - now) if entry else 0.0

    def hit(self, key: str, rule: Rule, now: float) -> float:
        with self._lock:
            entry = self._get(key, now) or [0, 0.0, 0.0]
            if entry[1] > now:
                return entry[1] - now
            entry[0] += 1
            if entry[0] > rule.free:
                entry[1] = now + _delay(rule, int(entry[0]))
            entry[2] = now + FORGET_AFTER_SECONDS
            self._counters[key] = entry
            if len(self._counters) > 100_000:  # a flood of addresses: drop the expired
                for stale in [k for k, v in self._counters.items() if v[2] <= now]:
                    del self._counters[stale]
            return 0.0

    def release(self, key: str, rule: Rule) -> None:
        with self._lock:
            entry = self._counters.get(key)
            if entry is None:
                return
            entry[0] -= 1
            if entry[0] <= rule.free:
                entry[1] = 0.0
            if entry[0] <= 0:
                del self._counters[key]

    def clear(self, key: str) -> None:
        with self._lock:
            self._counters.pop(key, None)


_HIT = """
local locked = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local now = tonumber(ARGV[1])
if locked > now then return tostring(locked - now) end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local free = tonumber(ARGV[2])
if n > free then
  local delay = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ (n - free - 1))
  redis.call('HSET', KEYS[1], 'until', tostring(now + delay))
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
return '0'
"""

_RELEASE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = redis.call('HINCRBY', KEYS[1], 'n', -1)
if n <= tonumber(ARGV[1]) then redis.call('HDEL', KEYS[1], 'until') end
if n <= 0 then redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisStore:
    """Counters shared by every worker; each change is one atomic script."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._hit = self._redis.register_script(_HIT)
        self._release = self._redis.register_script(_RELEASE)

    def locked_for(self, key: str, now: float) -> float:
        locked = self._redis.hget(key, "until")
        return max(0.0, float(locked) - now) if locked else 0.0

    def hit(self, key: str, rule: Rule, now: float) -> float:
        args = [repr(now), rule.free, rule.base_seconds, rule.max_seconds, FORGET_AFTER_SECONDS]
        return float(self._hit(keys=[key], args=args))

    def release(self, key: str, rule: Rule) -> None:
        self._release(keys=[key], args=[rule.free])

    def clear(self, key: str) -> None:
        self._redis.delete(key)


def init_app(app: Flask) -> None:
    storage = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    store: Store = RedisStore(storage) if storage.startswith("redis") else MemoryStore()
    app.extensions["login_throttle"] = store


def _rules() -> dict[str, Rule]:
    configured: dict[str, dict[str, Any]] = current_app.config.get("LOGIN_THROTTLE") or {}
    return {
        scope: Rule(**{**rule.__dict__, **configured.get(scope, {})})
        for scope, rule in DEFAULT_RULES.items()
    }


def _digest(value: str) -> str:
    """Keys name accounts by a keyed digest: no e-mail address is written to Redis."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"login-throttle:" + value.encode(), hashlib.sha256).hexdigest()[:32]


def client_network(address: str | None) -> str:
    """An IPv4 address, or the /64 of an IPv6 one (one machine can hold a whole /64)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# ---- device cookies ------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="storyhub-login-device")


def _read_device(cookie: str | None) -> tuple[str, list[str]] | None:
    """(device id, accounts it has logged in to) from a signed cookie, or None."""
    if not cookie or len(cookie) > 1000:
        return None
    try:
        data = _serializer().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    device, accounts = data.get("d"), data.get("a")
    if not isinstance(device, str) or not isinstance(accounts, list):
        return None
    return device, [a for a in accounts if isinstance(a, str)]


def _device_cookie_for(cookie: str | None, account: str) -> str:
    device, accounts = _read_device(cookie) or (secrets.token_urlsafe(16), [])
    others = [a for a in accounts if a != account][-(_DEVICE_ACCOUNTS_KEPT - 1) :]
    accounts = [*others, account]
    return _serializer().dumps({"d": device, "a": accounts})


# ---- the throttle --------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """The counters one login attempt is held to, worked out before the password is checked."""

    keys: tuple[tuple[str, str], ...]  # (scope, storage key)
    account: str
    device_cookie: str | None

    def device_cookie_after_success(self) -> str:
        return _device_cookie_for(self.device_cookie, self.account)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED"))


def begin(email: str, address: str | None, device_cookie: str | None) -> Attempt:
    """Count an attempt against its keys, or raise LoginThrottled if any of them is locked."""
    account = _digest(email)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "") + "storyhub-login:"
    device = _read_device(device_cookie)
    if device is not None and account in device[1]:
        keys: tuple[tuple[str, str], ...] = (("device", f"{prefix}device:{device[0]}:{account}"),)
    else:
        network = _digest(client_network(address))
        keys = (
            ("address", f"{prefix}address:{network}"),
            ("pair", f"{prefix}pair:{network}:{account}"),
            ("account", f"{prefix}account:{account}"),
        )
    attempt = Attempt(keys, account, device_cookie)
    if not _enabled():
        return attempt
    store: Store = current_app.extensions["login_throttle"]
    rules = _rules()
    now = clock()
    # Look first, so a refused attempt does not lengthen a lock it did not get past.
    wait = max(store.locked_for(key, now) for _scope, key in keys)
    if wait <= 0:
        wait = max(store.hit(key, rules[scope], now) for scope, key in keys)
    if wait > 0:
        raise LoginThrottled(max(1, math.ceil(wait)))
    return attempt


def succeeded(attempt: Attempt) -> None:
    """The password was right: this pair's and device's failures are forgiven; the address
    and account counters only give back this attempt (a login to one's own account between
    guesses at another must not reset them)."""
    if not _enabled():
        return
    store: Store = current_app.extensions["login_throttle"]
    rules = _rules()
    for scope, key in attempt.keys:
        if scope in ("pair", "device"):
            store.clear(key)
        else:
            store.release(key, rules[scope])
