"""Typed progress events the engine sends to whoever listens (CLI line, TUI screen)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from aa_tui.model.enums import Phase


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """A snapshot of a running scan. ``done``/``total`` count the current phase's units:
    issues while enumerating and fetching details, files while probing and hashing
    (``bytes_read`` counts all bytes read). While reading files (heads, tails and full
    reads overlap), ``phase_bytes_done`` of ``phase_bytes_total`` say how far the reads of
    all three are by bytes (the total is at most what is left to read, shrinking as files stop
    matching), and ``reads_done`` of ``reads_total`` the same in reads (a small file costs a
    request's wait more than its bytes): the fraction is the smaller of the two shares."""

    phase: Phase
    done: int = 0
    total: int = 0
    elapsed_s: float = 0.0
    issues: int = 0
    files: int = 0
    total_size: int = 0
    bytes_read: int = 0
    requests: int = 0
    throttled: int = 0
    retries: int = 0
    errors: int = 0
    backoff_s: float = 0.0
    groups: int = 0
    wasted: int = 0
    message: str = ""
    #: units (``done``) per second over the last seconds of this phase; 0 until measured
    rate_per_s: float = 0.0
    #: seconds left in this phase at that rate (bytes while hashing); None until measured
    eta_s: float | None = None
    phase_bytes_done: int = 0
    phase_bytes_total: int = 0
    #: bytes per second of the reads over the last seconds (0 until measured)
    bytes_per_s: float = 0.0
    #: while reading files: reads that ended, of at most this many (every stage)
    reads_done: int = 0
    reads_total: int = 0
    #: a rescan: the scan it starts from; then what it re-read and reused, once counted
    rescan_of: str = ""
    rescan: str = ""
    #: a scan that could not start from this one (what a rescan reads of it is damaged):
    #: it reads everything
    unusable_base: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.phase, Phase):
            object.__setattr__(self, "phase", Phase(self.phase))

    @property
    def fraction(self) -> float:
        if self.phase_bytes_total:  # the smaller share of the two: neither runs ahead
            by_bytes = self.phase_bytes_done / self.phase_bytes_total
            by_reads = self.reads_done / self.reads_total if self.reads_total else by_bytes
            return min(1.0, by_bytes, by_reads)
        return min(1.0, self.done / self.total) if self.total else 0.0


class RecentRate:
    """A phase's rate and ETA from a recent window, not from the scan's start.

    ``update(phase, done, total, now)`` returns ``(rate_per_s, eta_s)``: units per second
    over the last ``window_s`` seconds of this phase (a new phase starts a new window), and
    the seconds its ``total - done`` units take at that rate. Nothing is claimed before
    ``min_span_s`` seconds of the phase were seen: a phase start shows no ETA rather than a
    silly one."""

    def __init__(self, window_s: float = 10.0, min_span_s: float = 1.0) -> None:
        self.window_s = window_s
        self.min_span_s = min_span_s
        self._phase: Phase | str | None = None
        self._samples: deque[tuple[float, int]] = deque()

    def update(
        self, phase: Phase | str, done: int, total: int, now: float
    ) -> tuple[float, float | None]:
        samples = self._samples
        if phase != self._phase or (samples and done < samples[-1][1]):
            self._phase = phase
            samples.clear()
        samples.append((now, done))
        while len(samples) > 2 and samples[1][0] <= now - self.window_s:
            samples.popleft()
        since, done_then = samples[0]
        span = now - since
        if span < self.min_span_s:
            return 0.0, None
        rate = (done - done_then) / span
        if total and done >= total:
            return rate, 0.0
        if rate <= 0:
            return 0.0, None
        return rate, (total - done) / rate
