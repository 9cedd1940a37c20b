"""One rate governor shared by every request: pacing, adaptive concurrency, retry policy."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class RetryPolicy:
    """Atlassian's advice: honour Retry-After, else capped exponential backoff with jitter."""

    max_tries: int = 6
    base_delay_s: float = 2.0
    max_delay_s: float = 30.0
    jitter: tuple[float, float] = (0.7, 1.3)
    max_retry_after_s: float = 120.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Delay before retry number ``attempt`` (1-based) when no Retry-After was given."""
        rng = rng or random
        delay = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return delay * rng.uniform(*self.jitter)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now_dt = datetime.fromtimestamp(now if now is not None else time.time(), tz=timezone.utc)
    return max(0.0, (when - now_dt).total_seconds())


@dataclass
class GovernorStats:
    requests: int = 0
    throttled: int = 0
    retries: int = 0
    errors: int = 0
    in_flight: int = 0
    limit: float = 0.0
    paused_until: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)


class RateGovernor:
    """Gate every request through here.

    * A global pause after a 429/503 with ``Retry-After``: nobody sends until it passes.
    * Adaptive concurrency (AIMD): halve the number in flight after a throttle, add about one
      per round of successes, never below 1 or above ``max_concurrency``.
    * ``X-RateLimit-NearLimit: true`` trims concurrency before Jira starts refusing.
    * Optional pacing (``min_interval_s``) learned from throttles: after a 429 the governor
      spaces request starts so that the same burst does not repeat.
    """

    def __init__(
        self,
        max_concurrency: int = 8,
        initial_concurrency: int | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.max_concurrency = max(1, max_concurrency)
        self._limit = float(initial_concurrency or self.max_concurrency)
        self._in_flight = 0
        self._paused_until = 0.0
        self._next_start = 0.0
        self._min_interval = 0.0
        self._cond = threading.Condition()
        self.stats = GovernorStats(limit=self._limit)
        self._rng = random.Random()

    # -- gate ---------------------------------------------------------------------------------
    def acquire(self, cancel: threading.Event | None = None) -> None:
        """Block until a request may start (respecting pauses, concurrency and pacing)."""
        with self._cond:
            while True:
                if cancel is not None and cancel.is_set():
                    from aa_tui.jira.errors import Cancelled

                    raise Cancelled()
                now = time.monotonic()
                wait = max(self._paused_until - now, self._next_start - now)
                if wait <= 0 and self._in_flight < max(1, int(self._limit)):
                    self._in_flight += 1
                    self._next_start = max(now, self._next_start) + self._min_interval
                    self.stats.requests += 1
                    self.stats.in_flight = self._in_flight
                    return
                self._cond.wait(timeout=min(0.25, wait) if wait > 0 else 0.25)

    def release(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self.stats.in_flight = self._in_flight
            self._cond.notify_all()

    # -- feedback -----------------------------------------------------------------------------
    def on_response(self, status: int, headers: dict[str, str] | None = None) -> None:
        headers = headers or {}
        with self._cond:
            self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
            if status == 429:
                self.stats.throttled += 1
                self._limit = max(1.0, self._limit / 2)
                # Space request starts a little more each time Jira refuses one.
                self._min_interval = min(1.0, max(0.01, self._min_interval * 1.5 or 0.02))
            elif status < 400:
                if headers.get("x-ratelimit-nearlimit", "").lower() == "true":
                    self._limit = max(1.0, self._limit * 0.8)
                    self._min_interval = min(1.0, max(self._min_interval, 0.01) * 1.1)
                else:
                    self._limit = min(float(self.max_concurrency), self._limit + 1 / self._limit)
                    self._min_interval *= 0.98
                    if self._min_interval < 0.002:
                        self._min_interval = 0.0
            self.stats.limit = self._limit
            self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """Stop every request from starting for ``seconds`` (a Retry-After)."""
        with self._cond:
            until = time.monotonic() + seconds
            if until > self._paused_until:
                self._paused_until = until
                self.stats.paused_until = until
            self._cond.notify_all()

    def note_retry(self) -> None:
        with self._cond:
            self.stats.retries += 1

    def note_error(self) -> None:
        with self._cond:
            self.stats.errors += 1

    def backoff_remaining(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    def retry_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.policy.max_retry_after_s)
        return self.policy.backoff(attempt, self._rng)
