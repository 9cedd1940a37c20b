"""Text output of the command line: the live progress line, the summary, the scans table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from aa_tui.cli.status_line import StatusLine
from aa_tui.model.enums import Phase, VerifyMode
from aa_tui.model.events import ScanProgress
from aa_tui.model.scans import ScanInfo
from aa_tui.model.summary import Cleaned, ScanSummary
from aa_tui.model.units import counted, size_text

if TYPE_CHECKING:
    from aa_tui.service.scanning import ScanOutcome


def eta(progress: ScanProgress) -> str:
    """The engine's ETA for this phase (from the recent pace; bytes while hashing)."""
    left = progress.eta_s
    if left is None or not progress.total or progress.done >= progress.total:
        return ""
    bound = "at most " if progress.phase_bytes_total else ""  # the reads' left only shrinks
    return f" ETA {bound}{int(left // 60)}:{int(left % 60):02d}"


class ProgressLine:
    """A scan's progress on one :class:`~aa_tui.cli.status_line.StatusLine` (stderr)."""

    def __init__(self, stream: TextIO, enabled: bool = True) -> None:
        self.line = StatusLine(stream, enabled)
        self._phase: Phase | None = None
        self.phase: Phase | None = None  # the scan's phase now (shown or not)

    def update(self, p: ScanProgress) -> None:
        self.phase = p.phase
        if not self.line.enabled:
            return
        rate = p.rate_per_s  # the recent pace of this phase, not the scan's average
        unit = "issues" if p.phase.counts_issues else "files"
        by_bytes = f", reads {100 * p.fraction:.0f}%" if p.phase_bytes_total else ""
        pace = f" ({rate:,.0f}/s)" if rate else ""  # nothing claimed before it is measured
        if not (p.phase.counts_files or p.phase.counts_issues):
            counts = ""  # connecting, saving, done: nothing of their own to count
        elif p.total:
            counts = f": {p.done:,}/{p.total:,} {unit}{pace}{by_bytes}{eta(p)}"
        else:
            counts = f": {p.done:,} {unit}{pace}"
        text = (
            f"{p.phase}{counts} | "
            f"{counted(p.files, 'file')} {size_text(p.total_size)} | "
            f"read {size_text(p.bytes_read)} | "
            f"{p.requests:,} requests, {p.throttled} throttled"
        )
        if p.backoff_s > 0.05:
            text += f", backing off {p.backoff_s:.1f}s"
        if p.message and p.phase is Phase.CONNECTING:
            text = p.message
        self.line.show(text, matters=p.phase != self._phase)
        self._phase = p.phase

    def finish(self) -> None:
        self.line.finish()


def print_summary(out: TextIO, outcome: ScanOutcome) -> None:
    summary = ScanSummary.from_dict(outcome.summary)
    t = summary.totals
    info = outcome.info
    likely = " (likely: size + name only)" if info.verify is VerifyMode.METADATA else ""
    if outcome.signed_in_as:
        out.write(f"Signed in as {outcome.signed_in_as}\n")
    if outcome.reused_issues:
        out.write(
            f"Resumed: {outcome.reused_issues:,} issues and {outcome.reused_hashes:,} hashes "
            "came from the checkpoint\n"
        )
    if outcome.rescan is not None:
        out.write(f"Rescan from scan {outcome.rescan.base}: {outcome.rescan.line()}\n")
    out.write(
        f"Scan {info.id} of {info.site} ({info.scope.describe()}) in {info.duration_s:.1f}s\n"
        f"  {counted(t.total_files, 'file')}, {size_text(t.total_size)} "
        f"on {t.issues_scanned:,} issues\n"
        f"  {t.duplicate_groups:,} duplicate groups{likely}: {t.duplicate_files:,} extra copies "
        f"waste {size_text(t.duplicate_size)} ({t.waste_pct:.1f}%)\n"
        f"  read {size_text(t.bytes_read)} to prove it; {t.requests:,} requests, "
        f"{t.retries} retries, {t.throttled} throttled\n"
    )
    if t.zero_byte_files:
        out.write(f"  {counted(t.zero_byte_files, 'zero-byte file')} (no waste, not grouped)\n")
    if t.unreadable_files:
        out.write(
            f"  {counted(t.unreadable_files, 'attachment')} could not be read (403/404): not in "
            "any group\n"
        )
    wins = summary.quick_wins[:3]
    if wins:
        out.write("Top quick wins:\n")
        for g in wins:
            out.write(
                f"  {size_text(g['wasted_size']):>10}  {g['file_name']} x{g['copies']} "
                f"(keep {g['locations'][0]['issue_key']})\n"
            )


def format_scans(scans: Sequence[ScanInfo], cleaned: Mapping[str, Cleaned] | None = None) -> str:
    """The stored scans, one line each, under a header; CLEANED is what cleanups made from a
    scan freed (``-``: never cleaned; its other figures are what the scan saw)."""
    if not scans:
        return "No scans yet: run `aa-tui scan ...` or open the app."
    cleaned = cleaned or {}
    lines = [
        f"{'ID':<22} {'STARTED':<19} {'STATUS':<11} {'VERIFY':<8} {'FILES':>8} {'SIZE':>10} "
        f"{'WASTE':>10} {'CLEANED':>10}  SITE / SCOPE"
    ]
    for s in scans:
        t = s.totals or {}
        started = (s.started_at or "").replace("T", " ")[:19]  # (two of one minute)
        done = cleaned.get(s.id)
        freed = size_text(done.freed) if done else "-"
        lines.append(
            f"{s.id:<22} {started:<19} {s.status:<11} {s.verify:<8} "
            f"{t.get('total_files', 0):>8,} "
            f"{size_text(t.get('total_size', 0)):>10} {size_text(t.get('duplicate_size', 0)):>10} "
            f"{freed:>10}  {s.site} ({s.scope.describe()})"
        )
    return "\n".join(lines)
