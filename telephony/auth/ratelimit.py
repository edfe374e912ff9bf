"""Login rate limiting: at most N failed logins per key (user name and client address) in a window."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Hashable
from datetime import datetime


class LoginRateLimiter:
    def __init__(self, max_failures: int, window: float, clock: Callable[[], datetime], max_keys: int = 10_000):
        self._max = max_failures
        self._window = window
        self._clock = clock
        self._max_keys = max_keys
        self._failures: dict[Hashable, deque[float]] = {}

    def retry_after(self, key: Hashable) -> int | None:
        """Seconds to wait before this key may try again, or None when it may try now."""
        now = self._clock().timestamp()
        failures = self._recent(key, now)
        if failures is None or len(failures) < self._max:
            return None
        return max(1, math.ceil(failures[0] + self._window - now))

    def failed(self, key: Hashable) -> None:
        now = self._clock().timestamp()
        if key not in self._failures and len(self._failures) >= self._max_keys:
            self._prune(now)
        self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, key: Hashable) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: Hashable, now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def _prune(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        if len(self._failures) >= self._max_keys:
            # Under a flood of distinct keys, forget the oldest rather than grow without bound.
            oldest = min(self._failures, key=lambda k: self._failures[k][-1])
            del self._failures[oldest]
