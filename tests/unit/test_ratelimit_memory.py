"""The rate limiter's in-memory storage (storyhub/ratelimit_memory.py): limits hold as with the
`limits` package's own, no thread is started per hit, and expired counters are swept."""

from __future__ import annotations

import threading

import pytest
from limits import parse, strategies
from limits.storage import storage_from_string

from storyhub import ratelimit_memory

STRATEGIES = [
    strategies.FixedWindowRateLimiter,
    strategies.MovingWindowRateLimiter,
    strategies.SlidingWindowCounterRateLimiter,
]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_limits_hold_and_no_thread_is_started_per_hit(strategy: type) -> None:
    storage = storage_from_string(f"{ratelimit_memory.SCHEME}://")
    assert isinstance(storage, ratelimit_memory.WorkerMemoryStorage)
    limiter = strategy(storage)
    five = parse("5 per hour")
    threads = threading.active_count()
    answers = [limiter.hit(five, "client") for _ in range(200)]
    assert answers[:5] == [True] * 5
    assert not any(answers[5:])
    assert limiter.hit(five, "another client")
    assert threading.active_count() <= threads


def test_expired_counters_are_swept_within_a_request_at_most_once_a_second() -> None:
    storage = ratelimit_memory.WorkerMemoryStorage()
    storage.incr("old", expiry=3600)
    storage.expirations["old"] = 0  # its window has passed
    storage.incr("new", expiry=3600)
    assert "old" in storage.storage  # not yet: the last sweep was less than a second ago
    storage.next_sweep = 0
    storage.incr("new", expiry=3600)
    assert "old" not in storage.storage
    assert storage.get("new") == 2
