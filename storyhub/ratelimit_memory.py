"""The rate limiter's counters in a worker's memory (no REDIS_URL): the `limits` package's
memory storage, without the thread it starts on almost every request.

`limits.storage.MemoryStorage` drops expired counters from a `threading.Timer` of 10 ms that
it starts again on each hit after the last one fired: under a steady stream of POSTs, a new
thread per request, whose start the request waits for (measured with bench/profile_submit.py,
issue #18). Expiry does not depend on it: every read compares a counter's expiry and a moving
window's timestamps with the clock. Here the same sweep runs in the request itself, at most
once a second, so the storage stays bounded without a thread."""

from __future__ import annotations

import time
from typing import Any

from limits.storage import MemoryStorage

SCHEME = "worker-memory"
SWEEP_SECONDS = 1.0


class WorkerMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.next_sweep = time.monotonic() + SWEEP_SECONDS

    # MemoryStorage calls its private __schedule_expiry() (name-mangled to this) on each hit.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self.next_sweep:
            self.next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
