"""Thread-safe counters and the token-bucket rate limiter of the demo server."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoStats:
    """Counters updated by the handler threads; read them with :meth:`snapshot`."""

    requests: Counter[str] = field(default_factory=Counter)  # per endpoint name
    throttled: int = 0  # 429s sent (limit exceeded or fault bursts)
    throttled_by: Counter[str] = field(default_factory=Counter)  # per "reason METHOD template"
    errors_5xx: int = 0
    cut_downloads: int = 0
    slow_answers: int = 0
    redirects: int = 0  # 303s to the media origin
    media_requests: int = 0
    media_bytes: int = 0  # body bytes sent by the media origin
    jira_bytes: int = 0  # attachment bytes sent by the Jira origin (redirect=false)
    media_auth_header_requests: int = 0  # media requests that carried Authorization
    bad_json: int = 0  # answers sent as broken JSON (fault_bad_json / bad_json_paths)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def throttle(self, reason: str, endpoint: str) -> None:
        with self._lock:
            self.throttled += 1
            self.throttled_by[f"{reason} {endpoint}"] += 1

    def hit(self, endpoint: str) -> None:
        with self._lock:
            self.requests[endpoint] += 1

    @property
    def total_requests(self) -> int:
        with self._lock:
            return sum(self.requests.values())

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self.requests),
                "throttled": self.throttled,
                "throttled_by": dict(self.throttled_by),
                "errors_5xx": self.errors_5xx,
                "cut_downloads": self.cut_downloads,
                "slow_answers": self.slow_answers,
                "redirects": self.redirects,
                "media_requests": self.media_requests,
                "media_bytes": self.media_bytes,
                "jira_bytes": self.jira_bytes,
                "media_auth_header_requests": self.media_auth_header_requests,
                "bad_json": self.bad_json,
            }


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved; one token per request."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = float(self.burst)
        self.stamp = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, int, float]:
        """``(allowed, remaining, seconds until one token)``."""
        with self._lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return True, int(self.tokens), 0.0
            return False, 0, (1.0 - self.tokens) / self.rate


class EndpointBuckets:
    """One token bucket per key (Jira's ``jira-burst-based`` scope: endpoint + HTTP method).

    ``overrides`` maps a key (``"GET /rest/api/3/attachment/content/{id}"``) to its own
    ``(rate, burst)``; every other key gets ``(rate, burst)``."""

    def __init__(
        self, rate: float, burst: int, overrides: dict[str, tuple[float, int]] | None = None
    ) -> None:
        self.rate, self.burst = rate, burst
        self.overrides = overrides or {}
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, key: str) -> TokenBucket:
        with self._lock:
            found = self._buckets.get(key)
            if found is None:
                rate, burst = self.overrides.get(key, (self.rate, self.burst))
                found = self._buckets[key] = TokenBucket(rate, burst)
            return found


class WriteLimiter:
    """Writes per issue in a sliding window (``jira-per-issue-on-write``): at most ``limit``
    writes to one issue in any ``window_s`` seconds; other issues are not affected."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = max(1, limit)
        self.window_s = window_s
        self._writes: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, issue: int) -> tuple[bool, int, float]:
        """``(allowed, remaining, seconds until the oldest write leaves the window)``."""
        now = time.monotonic()
        with self._lock:
            seen = self._writes.setdefault(issue, deque())
            while seen and seen[0] <= now - self.window_s:
                seen.popleft()
            if len(seen) >= self.limit:
                return False, 0, seen[0] + self.window_s - now
            seen.append(now)
            return True, self.limit - len(seen), 0.0
