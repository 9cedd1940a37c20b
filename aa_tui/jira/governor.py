"""One rate governor shared by every request: budgets scoped as Jira scopes them, pacing,
adaptive concurrency, retry policy."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from aa_tui.jira.buckets import (
    MEASURE_SPAN_S,
    SPENT_HOLD_S,
    Bucket,
    Sample,
    Start,
    Starts,
    blended,
    refill_between,
    said,
)

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
#: While Jira's bucket has room, up to this many times ``max_concurrency`` in flight ...
BURST_FACTOR = 4
#: ... and at most this many (the connection pool's size), unless ``max_concurrency`` is more.
BURST_MAX = 32


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
        delay = min(self.max_delay_s, self.base_delay_s * (2.0 ** (attempt - 1)))
        return delay * (random.uniform(*self.jitter) if rng is None else rng.uniform(*self.jitter))


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
    peak_in_flight: int = 0  # the most requests in the air at once
    limit: float = 0.0  # requests in flight allowed in the scope that answered last
    paused_until: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    throttled_by: dict[str, int] = field(default_factory=dict)  # 429s per scope


@dataclass
class _Budget:
    """One scope's share: adaptive concurrency, spaced starts, a pause after Retry-After."""

    limit: float
    in_flight: int = 0
    paused_until: float = 0.0
    next_start: float = 0.0
    min_interval: float = 0.0
    # Learned from X-RateLimit-Remaining: the bucket's refill rate (requests/s, 0: unknown),
    # from the remaining count at the last sample and the answers since.
    refill: float = 0.0
    sample_at: float = 0.0
    sample_remaining: int = 0
    answered: int = 0
    ceiling: int = 0  # the last X-RateLimit-Limit it answered with (0: never said)
    bucket: Bucket | None = None  # None: its endpoint never said how much it has left
    starts: Starts = field(default_factory=Starts)  # the requests let out
    sample: Sample | None = None  # the answer a refill rate is measured from


#: ``RateLimit-Reason`` values that Jira scopes to one endpoint + method (or one issue, for
#: writes): the other endpoints keep their own budgets. Any other reason (cost, quota) or none
#: is the whole site's budget.
SCOPED_REASONS = ("jira-burst-based", "jira-per-issue-on-write")


def origin_of(scope: str) -> str:
    """``"https://x GET /rest/..."`` -> ``"https://x"`` (scopes start with their origin)."""
    return scope.split(" ", 1)[0]


class RateGovernor:
    """Gate every request through here, by **scope** (``"<origin> <METHOD> <path template>"``;
    the transport names it), the way Jira scopes its limits.

    * Each scope has its own budget: a 429 on attachment content slows and pauses content
      only; bulkfetch and search keep going. A 429 or 503 with ``Retry-After`` and no scoped
      ``RateLimit-Reason`` (cost-based, quota, or none given) pauses the whole origin.
    * Adaptive concurrency (AIMD) per scope: halve after a throttle, add about one per round
      of successes, never below 1 or above ``max_concurrency`` (also the cap over all scopes).
    * ``X-RateLimit-NearLimit: true`` (or few ``X-RateLimit-Remaining``) trims a scope before
      Jira starts refusing; plenty remaining lifts its pacing at once, so the burst Jira
      allows is spent instead of starting slow.
    * **The burst while it lasts**: while Jira's answers say the scope's bucket has tokens to
      spare (``X-RateLimit-Remaining``, less the requests sent since and a reserve), more
      requests start at once, up to ``burst_concurrency`` (4x ``max_concurrency``, 32 at
      most), without pacing; once it has drained, ``max_concurrency`` and the pacing above
      hold the scope to the rate. The origin's estimate (every answer, every start) must have
      room too, in case Jira keeps one bucket for the site; no answer with those headers (or
      a 429) means no burst.
    """

    def __init__(
        self,
        max_concurrency: int = 8,
        initial_concurrency: int | None = None,
        policy: RetryPolicy | None = None,
        burst_concurrency: int | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.max_concurrency = max(1, max_concurrency)
        burst = burst_concurrency or min(BURST_MAX, BURST_FACTOR * self.max_concurrency)
        self.burst_concurrency = max(self.max_concurrency, burst)
        self._origin_bucket: dict[str, Bucket] = {}  # for a scope never answered yet
        self._origin_refill: dict[str, float] = {}  # as if one bucket for the site
        self._initial = float(initial_concurrency or self.max_concurrency)
        self._budgets: dict[str, _Budget] = {}
        self._origin_paused: dict[str, float] = {}
        self._origin_starts: dict[str, Starts] = {}
        self._waiting: list[tuple[int, str]] = []  # (priority, scope) of the requests held
        self._in_flight = 0
        self._cond = threading.Condition()
        self.stats = GovernorStats(limit=self._initial)
        self._rng = random.Random()

    def _budget(self, scope: str) -> _Budget:
        budget = self._budgets.get(scope)
        if budget is None:
            budget = self._budgets[scope] = _Budget(limit=self._initial)
        return budget

    # -- gate ---------------------------------------------------------------------------------
    def acquire(
        self, cancel: threading.Event | None = None, scope: str = "", priority: int = 0
    ) -> Start:
        """Block until a request of ``scope`` may start (pauses, concurrency, pacing) and no
        request of its origin that waits with a higher ``priority`` may; give its answer's
        :meth:`on_response` the :class:`Start` returned."""
        with self._cond:
            budget = self._budget(scope)
            origin = origin_of(scope)
            waiting = (priority, scope)
            queued = False
            try:
                while True:
                    if cancel is not None and cancel.is_set():
                        from aa_tui.model.errors import Cancelled

                        raise Cancelled()
                    now = time.monotonic()
                    buckets, wait = self._gate(budget, origin, now)
                    if wait <= 0 and not self._first_in_line(waiting, origin, now):
                        wait = 0.25  # woken when the one before it has started
                    elif wait <= 0:
                        return self._start(budget, origin, buckets, now)
                    if not queued:
                        self._waiting.append(waiting)
                        queued = True
                    self._cond.wait(timeout=min(0.25, wait))
            finally:
                if queued:
                    self._waiting.remove(waiting)

    def _gate(self, budget: _Budget, origin: str, now: float) -> tuple[list[Bucket], float]:
        """The buckets a request of ``budget`` takes a token of, and the seconds until it
        may start (0 or less: now)."""
        paused = max(budget.paused_until, self._origin_paused.get(origin, 0.0)) - now
        wait = max(paused, budget.next_start - now)
        # Its endpoint's bucket and the origin's (one bucket, if Jira keeps one for the
        # site): both must have room for a burst.
        buckets = [b for b in (budget.bucket, self._origin_bucket.get(origin)) if b]
        room = bool(buckets) and all(b.room(now) for b in buckets)
        # An answer that just said its endpoint's bucket is spent, before its refill rate is
        # known (a burst at the start), holds its paced requests to one in the air until the
        # next answer says more: pacing alone kept 8 in the air, and Jira refused them. Its
        # own bucket only: another endpoint's word is not this one's on per-endpoint limits.
        own = budget.bucket
        spent = (
            budget.in_flight > 0
            and own is not None
            and own.refill <= 0
            and own.level(now) < 1
            and now - own.told <= SPENT_HOLD_S
        )
        paced = (
            wait <= 0
            and not spent
            and budget.in_flight < max(1, int(budget.limit))
            and self._in_flight < self.max_concurrency
        )
        burst = (
            paused <= 0
            and room
            and budget.in_flight < self.burst_concurrency
            and self._in_flight < self.burst_concurrency
        )
        if paced or burst:
            return buckets, 0.0
        if buckets and not room:  # the buckets refill: wake when they have room
            refilled = max(b.wait(now) for b in buckets)
            wait = min(wait, refilled) if wait > 0 else refilled
        return buckets, wait if wait > 0 else 0.25

    def _first_in_line(self, waiting: tuple[int, str], origin: str, now: float) -> bool:
        """Whether no request of ``origin`` that waits with a higher priority may start now
        (it goes first, and the others are woken when it has)."""
        priority = waiting[0]
        for other, scope in self._waiting:
            ready = other > priority and origin_of(scope) == origin
            if ready and self._gate(self._budget(scope), origin, now)[1] <= 0:
                self._cond.notify_all()
                return False
        return True

    def _start(self, budget: _Budget, origin: str, buckets: list[Bucket], now: float) -> Start:
        budget.in_flight += 1
        self._in_flight += 1
        budget.next_start = max(now, budget.next_start) + budget.min_interval
        for spent in buckets:  # one token fewer, whichever bucket it is
            spent.take(now)
        self.stats.requests += 1
        self.stats.in_flight = self._in_flight
        self.stats.peak_in_flight = max(self.stats.peak_in_flight, self._in_flight)
        if self._waiting:  # one that deferred to this one may start too
            self._cond.notify_all()
        in_origin = self._origin_starts.setdefault(origin, Starts())
        return Start(budget.starts.record(now), in_origin.record(now), now)

    def release(self, scope: str = "") -> None:
        with self._cond:
            self._budget(scope).in_flight -= 1
            self._in_flight -= 1
            self.stats.in_flight = self._in_flight
            self._cond.notify_all()

    # -- feedback -----------------------------------------------------------------------------
    def on_response(
        self,
        status: int,
        headers: Mapping[str, str] | None = None,
        scope: str = "",
        start: Start | None = None,
    ) -> None:
        """Learn from an answer of ``scope``: ``start`` (what :meth:`acquire` gave its
        request) tells which requests Jira's ``X-RateLimit-Remaining`` cannot count yet."""
        headers = headers or {}
        with self._cond:
            budget = self._budget(scope)
            self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
            reason = headers.get("ratelimit-reason", "").strip().lower()
            scoped = reason.startswith(SCOPED_REASONS)
            origin = origin_of(scope)
            if status == 429:
                self.stats.throttled += 1
                self.stats.throttled_by[scope] = self.stats.throttled_by.get(scope, 0) + 1
                budget.limit = max(1.0, budget.limit / 2)
                # Space request starts a little more each time Jira refuses one.
                budget.min_interval = min(1.0, max(0.01, budget.min_interval * 1.5 or 0.02))
                # An empty bucket: no burst until an answer says it has filled again.
                budget.bucket = Bucket(0.0, budget.ceiling)
                if not scoped:
                    self._origin_bucket[origin] = Bucket(0.0, budget.ceiling)
            elif status < 400:
                self._learn(budget, headers, origin, start)
            if status in (429, 503):
                retry_after = parse_retry_after(headers.get("retry-after"))
                if retry_after:
                    until = time.monotonic() + min(retry_after, self.policy.max_retry_after_s)
                    if scoped:
                        budget.paused_until = max(budget.paused_until, until)
                    else:
                        self._origin_paused[origin] = max(
                            self._origin_paused.get(origin, 0.0), until
                        )
                    self.stats.paused_until = max(self.stats.paused_until, until)
            self.stats.limit = budget.limit
            self._cond.notify_all()

    def _learn(
        self, budget: _Budget, headers: Mapping[str, str], origin: str, start: Start | None
    ) -> None:
        remaining = _int(headers.get("x-ratelimit-remaining"))
        ceiling = _int(headers.get("x-ratelimit-limit"))
        near = headers.get("x-ratelimit-nearlimit", "").lower() == "true"
        if remaining is None or not ceiling:
            estimate = _refilled(budget.bucket, budget.refill, time.monotonic())
            if estimate is None:
                self._adapt(budget, near, plenty=False)
                return
            # No count on this answer (a download, on some sites), but earlier ones said the
            # bucket and its refill: pace by the estimate (every start since took a token).
            budget.bucket = estimate
            spare, ceiling = estimate.spare, estimate.ceiling
            self._pace(budget, spare, ceiling, near or spare < 0.2 * ceiling)
            return
        budget.ceiling = ceiling
        stated = _stated_refill(headers)
        if stated:  # Data Center says its fill rate: no need to measure it
            budget.refill = stated
            self._origin_refill[origin] = stated
        elif start is not None:
            self._measure(budget, origin, Sample(remaining, start), ceiling)
        else:
            self._measure_refill(budget, remaining, ceiling)
        now = time.monotonic()
        if start is not None:
            # Jira took this request's token as it came in: the requests let out well before
            # it are counted in ``remaining``, those let out since are not (each takes one).
            later = budget.starts.not_counted(start.scope, start.at)
            origin_starts = self._origin_starts.get(origin) or Starts()
            later_in_origin = origin_starts.not_counted(start.origin, start.at)
            refill = self._origin_refill.get(origin, 0.0)
            budget.bucket = said(remaining, ceiling, start, later, budget.refill, now)
            self._origin_bucket[origin] = said(
                remaining, ceiling, start, later_in_origin, refill, now
            )
            left = remaining - later
        else:  # which are counted is unknown: take off every other one in the air
            others = max(0, budget.in_flight - 1)
            in_origin = sum(b.in_flight for s, b in self._budgets.items() if origin_of(s) == origin)
            budget.bucket = Bucket(remaining - others, ceiling, now)
            self._origin_bucket[origin] = Bucket(remaining - max(0, in_origin - 1), ceiling, now)
            left = remaining - budget.in_flight
        if budget.in_flight > max(1, int(budget.limit)):
            # Answers to a burst still in the air: a low bucket is what spending it meant,
            # not a sign to slow the paced requests that follow (the burst has stopped).
            return
        # what the requests still in the air will leave
        self._pace(budget, left, ceiling, near or remaining < 0.2 * ceiling)

    def _pace(self, budget: _Budget, left: float, ceiling: int, near: bool) -> None:
        """Pacing and concurrency for ``left`` tokens of ``ceiling`` once the answers in the
        air are counted (``near``: the bucket is nearly empty)."""
        if budget.refill and left < 0.5 * ceiling:
            # The bucket is going down: start requests at the rate it refills (a little
            # slower when it is nearly empty), keeping the concurrency latency needs.
            budget.min_interval = (1.25 if left < 0.2 * ceiling else 1.0) / budget.refill
            budget.limit = min(float(self.max_concurrency), budget.limit + 1 / budget.limit)
            return
        self._adapt(budget, near, plenty=left >= 0.5 * ceiling)

    def _adapt(self, budget: _Budget, near: bool, plenty: bool) -> None:
        if near:
            budget.limit = max(1.0, budget.limit * 0.8)
            budget.min_interval = min(1.0, max(budget.min_interval, 0.01) * 1.1)
            return
        budget.limit = min(float(self.max_concurrency), budget.limit + 1 / budget.limit)
        budget.min_interval = 0.0 if plenty else budget.min_interval * 0.98
        if budget.min_interval < 0.002:
            budget.min_interval = 0.0  # half the bucket left: no pacing, spend the burst

    def _measure(self, budget: _Budget, origin: str, sample: Sample, ceiling: int) -> None:
        """The refill rates from this answer and the budget's last sample: of its own bucket
        (the requests of its scope took tokens), and of the site's if Jira keeps one (every
        request of the origin took one)."""
        last = budget.sample
        if last is not None and sample.start.at - last.start.at < MEASURE_SPAN_S:
            return  # the last sample stays until the span is long enough
        if last is not None:
            budget.refill = blended(budget.refill, refill_between(last, sample, ceiling, False))
            rate = refill_between(last, sample, ceiling, True)
            self._origin_refill[origin] = blended(self._origin_refill.get(origin, 0.0), rate)
        budget.sample = sample

    @staticmethod
    def _measure_refill(budget: _Budget, remaining: int, ceiling: int) -> None:
        """Tokens refilled = remaining now - remaining then + answers since (each took one);
        measured over half a second at least, only while the bucket is not full."""
        now = time.monotonic()
        budget.answered += 1
        full = remaining >= ceiling - 1 or budget.sample_remaining >= ceiling - 1
        span = now - budget.sample_at
        if budget.sample_at and not full and span < MEASURE_SPAN_S:
            return
        if budget.sample_at and not full:
            rate = (remaining - budget.sample_remaining + budget.answered - 1) / span
            budget.refill = blended(budget.refill, rate if rate > 0 else None)
        budget.sample_at, budget.sample_remaining, budget.answered = now, remaining, 1

    def apart(self, a: str, b: str) -> bool:
        """Whether Jira's answers show the budgets of the scopes ending in ``a`` and ``b`` to
        be two buckets (other ``X-RateLimit-Limit``s); False while either is unknown."""
        with self._cond:
            ceilings = [
                next(
                    (x.ceiling for s, x in self._budgets.items() if s.endswith(e) and x.ceiling), 0
                )
                for e in (a, b)
            ]
        return all(ceilings) and ceilings[0] != ceilings[1]

    def pause(self, seconds: float, scope: str = "") -> None:
        """Stop every request of ``scope``'s origin from starting for ``seconds``."""
        with self._cond:
            until = time.monotonic() + seconds
            origin = origin_of(scope)
            self._origin_paused[origin] = max(self._origin_paused.get(origin, 0.0), until)
            self.stats.paused_until = max(self.stats.paused_until, until)
            self._cond.notify_all()

    def note_retry(self) -> None:
        with self._cond:
            self.stats.retries += 1

    def note_error(self) -> None:
        with self._cond:
            self.stats.errors += 1

    def backoff_remaining(self) -> float:
        """Seconds until the longest pause in force ends (0 when none)."""
        return max(0.0, self.stats.paused_until - time.monotonic())

    def retry_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.policy.max_retry_after_s)
        return self.policy.backoff(attempt, self._rng)


def _stated_refill(headers: Mapping[str, str]) -> float | None:
    """Tokens a second the site says its bucket refills (Data Center's rate limiter:
    ``X-RateLimit-FillRate`` tokens every ``X-RateLimit-Interval-Seconds``), else None."""
    fill = _int(headers.get("x-ratelimit-fillrate"))
    interval = _int(headers.get("x-ratelimit-interval-seconds"))
    return fill / interval if fill and interval and fill > 0 and interval > 0 else None


def _refilled(bucket: Bucket | None, refill: float, now: float) -> Bucket | None:
    """``bucket`` as ``refill`` tokens a second have filled it since it was last said (at most
    full); ``None`` when either is unknown."""
    if bucket is None or not bucket.ceiling or refill <= 0:
        return None
    spare = replace(bucket, refill=refill).level(now)
    return Bucket(spare, bucket.ceiling, now, bucket.refill, told=bucket.told)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
