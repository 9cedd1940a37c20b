"""What Jira's answers say of its token buckets, for the governor's burst.

Jira answers with ``X-RateLimit-Remaining``: the tokens its bucket had left when it took this
request's token, as the request came in. By the time the answer is read, the requests let out
after this one have taken theirs (not counted in it), those let out before it were counted
already, and the bucket has refilled for a while. A :class:`Start` (what the governor gives
each request it lets out) tells which are which; two answers of one bucket tell its refill
rate: ``remaining`` then and now, the requests let out in between, the time between.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from dataclasses import dataclass, field

#: answers this far apart at least to measure a refill rate (a shorter span is mostly noise)
MEASURE_SPAN_S = 0.5
#: a request let out this little before another may still reach Jira after it (threads, the
#: network): an answer does not count on it being in its ``remaining``
ORDER_SLACK_S = 0.1
#: a spent bucket whose refill rate is not known yet holds an endpoint's paced requests to one
#: in the air this long after an answer said so (then pacing alone goes on, as without word)
SPENT_HOLD_S = 1.0
#: the start times kept (for :data:`ORDER_SLACK_S` before the oldest request in the air)
KEPT_STARTS = 4096


@dataclass(frozen=True)
class Start:
    """One request let out: how many of its scope's and its origin's had been let out, itself
    included, and when."""

    scope: int
    origin: int
    at: float = field(default_factory=time.monotonic)


class Starts:
    """The requests let out in one scope (or one origin): how many, and when the last ones
    were (:data:`KEPT_STARTS`)."""

    def __init__(self) -> None:
        self.count = 0
        self._times: list[float] = []

    def record(self, now: float) -> int:
        """One more let out at ``now``: its number."""
        self.count += 1
        self._times.append(now)
        if len(self._times) > 2 * KEPT_STARTS:
            del self._times[:KEPT_STARTS]
        return self.count

    def not_counted(self, number: int, at: float) -> int:
        """The requests an answer to request ``number`` (let out ``at``) may not count: every
        one let out after it, and those let out up to :data:`ORDER_SLACK_S` before it."""
        mine = number - (self.count - len(self._times)) - 1  # its place in ``_times``
        close = mine - bisect_left(self._times, at - ORDER_SLACK_S, 0, mine) if mine > 0 else 0
        return self.count - number + close


@dataclass
class Bucket:
    """The estimate of a bucket: the tokens spare for requests not yet let out, as at ``at``,
    and the rate it refills at (0: unknown, then it does not refill between answers)."""

    spare: float
    ceiling: int
    at: float = field(default_factory=time.monotonic)  # when ``spare`` was worked out
    refill: float = 0.0
    told: float = field(default_factory=time.monotonic)  # when an answer last said it

    @property
    def reserve(self) -> float:
        """Tokens always left for what the estimate cannot see (other clients of the token,
        a late refill): a tenth of the bucket, 2 at least."""
        return max(2.0, 0.1 * self.ceiling)

    def level(self, now: float) -> float:
        """The tokens spare at ``now``: refilled since ``at``, never past the ceiling."""
        if self.refill <= 0 or now <= self.at:
            return self.spare
        return min(float(self.ceiling), self.spare + self.refill * (now - self.at))

    def room(self, now: float) -> bool:
        """Whether one more request leaves the reserve."""
        return self.level(now) - 1 >= self.reserve

    def wait(self, now: float) -> float:
        """Seconds until :meth:`room` (0: now; a long while when it does not refill)."""
        short = self.reserve + 1 - self.level(now)
        if short <= 0:
            return 0.0
        return short / self.refill if self.refill > 0 else 3600.0

    def take(self, now: float) -> None:
        """One token for a request let out at ``now``."""
        self.spare, self.at = self.level(now) - 1, now


@dataclass(frozen=True)
class Sample:
    """One answer of a bucket: its ``remaining``, and its request's :class:`Start`."""

    remaining: int
    start: Start


def said(
    remaining: int, ceiling: int, start: Start, later: int, refill: float, now: float
) -> Bucket:
    """The bucket as an answer read at ``now`` says it: ``remaining`` less the ``later``
    requests let out since this one, refilled since Jira took this one's token. When that was
    is not known: the middle of the round trip, which is no earlier than the request came in
    whenever the way back takes as long as the way there (Jira's work on it only adds)."""
    admitted = (start.at + now) / 2
    # (full, it stops filling: what the later ones took comes off what it could hold)
    refilled = min(float(ceiling), remaining + max(0.0, refill) * (now - admitted))
    return Bucket(refilled - later, ceiling, now, refill, told=now)


def refill_between(a: Sample, b: Sample, ceiling: int, by_origin: bool) -> float | None:
    """The refill rate from two answers of one bucket: ``remaining`` rose by what refilled
    and fell by one token for each request let out from ``a``'s (excluded) to ``b``'s
    (included), counted in their scope or, ``by_origin``, over their origin (one bucket for
    the site); ``None`` when they are too close in time or either saw the bucket full (it
    does not refill past its ceiling)."""
    span = b.start.at - a.start.at
    if span < MEASURE_SPAN_S or max(a.remaining, b.remaining) >= ceiling - 1:
        return None
    taken = b.start.origin - a.start.origin if by_origin else b.start.scope - a.start.scope
    rate = (b.remaining - a.remaining + taken) / span
    return rate if rate > 0 else None


def blended(old: float, new: float | None) -> float:
    """A measured rate folded into the last (the last alone when nothing new)."""
    if new is None:
        return old
    return new if not old else 0.7 * old + 0.3 * new
