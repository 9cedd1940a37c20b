"""The counters of a running scan: done/total, ETA, throughput, requests, 429s, bytes, totals.

``done``/``total`` count issues while enumerating and fetching, and files while probing and
hashing (what ``StagedHasher.on_progress`` reports); while hashing, the phase's share and ETA
follow the bytes of its full reads (the engine's ``phase_bytes_*``).

Every figure comes from the engine's :class:`ScanProgress` (``elapsed_s`` included), so the same
events always draw the same screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from aa_tui.model.enums import PHASES, Phase
from aa_tui.model.events import ScanProgress
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt


@dataclass
class PhaseClock:
    """Where the current phase started, to turn done/total into a rate and an ETA."""

    phase: str = ""
    started_s: float = 0.0
    done_at_start: int = 0
    read_at_start: int = 0

    def follow(self, progress: ScanProgress) -> None:
        if progress.phase != self.phase:
            self.phase = progress.phase
            self.started_s = progress.elapsed_s
            self.done_at_start = progress.done
            self.read_at_start = progress.bytes_read

    def read_rate(self, progress: ScanProgress) -> float:
        seconds = progress.elapsed_s - self.started_s
        read = progress.bytes_read - self.read_at_start
        return read / seconds if seconds > 0.5 and read > 0 else 0.0

    def rate(self, progress: ScanProgress) -> float:
        seconds = progress.elapsed_s - self.started_s
        done = progress.done - self.done_at_start
        return done / seconds if seconds > 0.5 and done > 0 else 0.0

    def eta_s(self, progress: ScanProgress) -> float | None:
        per_s = self.rate(progress)
        if not per_s or not progress.total:
            return None
        return max(0.0, (progress.total - progress.done) / per_s)


@dataclass(frozen=True)
class Carried:
    """What the earlier runs of a resumed scan already cost (the engine counts this run's)."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    bytes_read: int = 0

    @classmethod
    def from_totals(cls, totals: dict[str, Any]) -> Carried:
        carried = totals.get("carried") or {}
        by_stage = carried.get("bytes_read_by_stage") or {}
        return cls(
            requests=int(carried.get("requests") or 0),
            retries=int(carried.get("retries") or 0),
            throttled=int(carried.get("throttled") or 0),
            bytes_read=int(sum(by_stage.values())),
        )


NARROW_BELOW = 100  # columns: below, the counters take their narrow widths

#: how much of a scan's work each phase is, for one overall progress (bytes weigh most)
PHASE_WEIGHTS = {
    Phase.ENUMERATING: 1,
    Phase.FETCHING: 2,
    Phase.HEADS: 1,
    Phase.TAILS: 1,
    Phase.HASHING: 4,
}


def overall_fraction(progress: ScanProgress) -> float:
    """The whole scan's progress: finished phases plus the current one's share, by weight.
    The three reading phases overlap, so while the engine sends the reads' bytes they count
    as one stretch, by bytes."""
    if progress.phase in (Phase.SAVING, Phase.DONE):
        return 1.0
    total = sum(PHASE_WEIGHTS.values())
    before = 0
    if progress.phase.counts_files and progress.phase_bytes_total:
        before = sum(w for p, w in PHASE_WEIGHTS.items() if not p.counts_files)
        reading = sum(w for p, w in PHASE_WEIGHTS.items() if p.counts_files)
        return (before + reading * progress.fraction) / total
    for phase, weight in PHASE_WEIGHTS.items():
        if phase is progress.phase:
            return (before + weight * progress.fraction) / total
        before += weight
    return 0.0


class ScanStats(Static):
    DEFAULT_CSS = """
    ScanStats { padding: 1 1; height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = PhaseClock()
        self.progress = ScanProgress(phase=Phase.CONNECTING)
        self.phase_line = "Connecting…"
        self.carried = Carried()
        self.stopped = False

    def reset(self, carried: Carried | None = None) -> None:
        """A new run: ``carried`` holds what the scan's earlier runs read and asked."""
        self.clock = PhaseClock()
        self.carried = carried or Carried()
        self.update_progress(ScanProgress(phase=Phase.CONNECTING))

    def on_resize(self) -> None:
        # The widths follow the widget's: drawn before the first layout, draw again now.
        self.update(self._table(self.progress))

    def update_progress(self, progress: ScanProgress, *, stopped: bool = False) -> None:
        """Draw ``progress``; ``stopped``: the scan ended here (no rate, no time left)."""
        self.stopped = stopped
        self.clock.follow(progress)
        self.progress = progress
        step = PHASES.index(progress.phase) + 1 if progress.phase in PHASES else 0
        if progress.phase is Phase.DONE:
            line = "Done"
        else:
            line = f"Phase {step}/{len(PHASES) - 1}: {progress.phase}"
        if progress.phase in (Phase.HEADS, Phase.TAILS) and progress.phase_bytes_total:
            line += " (and full reads alongside)"
        if progress.message:
            line += f" — {progress.message}"
        self.phase_line = line
        self.update(self._table(progress))

    def _table(self, p: ScanProgress) -> Table:
        # Fixed widths: the figures change many times a second, the columns never move. Below
        # 100 columns (an 80-column terminal) a narrower set, with shorter figures.
        narrow = 0 < self.size.width < NARROW_BELOW
        widths, gap = ((16, 28, 12, 16), 2) if narrow else ((18, 36, 14, 22), 3)
        table = Table.grid(padding=(0, gap))
        for n, width in enumerate(widths):
            table.add_column(style="bold" if n % 2 == 0 else "", width=width, no_wrap=True)
        unit = "files" if p.phase.counts_files else "issues"
        if p.total and p.phase_bytes_total:  # the reads overlap: by bytes is what counts
            reads = " · " if narrow else ", reads "
            done = f"{fmt.count(p.done)}/{fmt.count(p.total)} files{reads}{100 * p.fraction:.0f}%"
        elif p.total:
            of = "/" if narrow else " of "
            done = f"{fmt.count(p.done)}{of}{fmt.count(p.total)} {unit} ({100 * p.fraction:.0f}%)"
        else:
            done = f"{fmt.count(p.done)} {unit}" if p.done else "-"
        # the engine's rate over the last seconds; the phase's average until it has one
        eta = p.eta_s if p.eta_s is not None else self.clock.eta_s(p)
        per_s = p.rate_per_s or self.clock.rate(p)
        if self.stopped:
            eta, per_s = None, 0.0
        if p.phase.counts_files:
            speed = f"{per_s:,.0f} files/s" if per_s else "-"
            read_s = 0.0 if self.stopped else p.bytes_per_s or self.clock.read_rate(p)
            if read_s:
                speed += f" · {size_text(read_s)}/s" if narrow else f", {size_text(read_s)}/s read"
        elif p.phase.counts_issues:
            speed = f"{per_s:,.0f} issues/s" if per_s else "-"
        else:
            speed = "-"
        backoff = Text(f"{p.backoff_s:.1f}s", style="bold yellow") if p.backoff_s > 0 else "none"
        c = self.carried
        throttled = Text(
            fmt.count(p.throttled + c.throttled), style="yellow" if p.throttled else ""
        )
        left = fmt.duration(eta) if eta is not None else "-"
        if eta is not None and p.phase_bytes_total:
            # files that stop matching are not read: it shrinks
            left = f"≤ {left}" if narrow else f"at most {left}"
        read = size_text(p.bytes_read + c.bytes_read)
        if p.phase_bytes_total:
            left_to_read = size_text(p.phase_bytes_total - p.phase_bytes_done)
            read += f", ≤ {left_to_read} left" if narrow else f", at most {left_to_read} to go"
        rows: list[tuple[str | Text, ...]] = [
            ("This phase", done, "Time left", left),
            ("Throughput", speed, "Elapsed", fmt.duration(p.elapsed_s)),
            (
                "Requests",
                fmt.count(p.requests + c.requests),
                "Retries",
                fmt.count(p.retries + c.retries),
            ),
            ("Throttled (429)", throttled, "Back-off now", backoff),
            ("Bytes read", read, "Errors", fmt.count(p.errors)),
            ("Issues read", fmt.count(p.issues), "Files", fmt.count(p.files)),
            ("Storage" if narrow else "Attachment storage", size_text(p.total_size), "", ""),
            ("Duplicate groups", fmt.count(p.groups), "Wasted", size_text(p.wasted)),
        ]
        for row in rows:
            table.add_row(*row)
        return table
