"""Live scan numbers: one overall progress, files counted as files, counters of a resumed scan
kept, columns that do not move (issue 12, B10)."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console

from aa_tui.model.enums import PHASES, Phase
from aa_tui.model.events import ScanProgress
from aa_tui.tui.widgets.scan_stats import Carried, ScanStats, overall_fraction


def text(stats: ScanStats, progress: ScanProgress) -> str:
    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(stats._table(progress))
    return console.export_text()


def test_one_overall_progress_only_goes_forward():
    seen = []
    for phase in PHASES:
        for done in (0, 5, 10):
            seen.append(overall_fraction(ScanProgress(phase=phase, done=done, total=10)))
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0


def test_counters_of_earlier_runs_are_kept_and_columns_do_not_move():
    stats = ScanStats()
    stats.carried = Carried.from_totals(
        {"carried": {"requests": 500, "retries": 7, "throttled": 3,
                     "bytes_read_by_stage": {"head": 4096, "full": 1_000_000}}}
    )  # fmt: skip
    small = ScanProgress(phase=Phase.HASHING, done=1, total=9, requests=10, retries=1)
    big = ScanProgress(
        phase=Phase.HASHING, done=123_456, total=999_999, requests=1_234_567, retries=98_765,
        bytes_read=123_456_789_000, rate_per_s=1234.0, eta_s=5000.0,
    )  # fmt: skip
    first, second = text(stats, small), text(stats, big)
    assert "510" in first and "8 " in first  # 500 + 10 requests, 7 + 1 retries
    assert "files" in first and "issues" not in first.split("\n")[0]
    # every label starts in the same column however wide the figures are
    for label in ("Time left", "Elapsed", "Retries", "Back-off now", "Errors", "Files"):
        col = [line.find(label) for line in first.splitlines() if label in line]
        col2 = [line.find(label) for line in second.splitlines() if label in line]
        assert col == col2, label


def test_the_reads_are_measured_by_bytes_and_reads():
    """The three reading phases overlap and the biggest files go first: 40 of 120 files may
    be most of the bytes. While the engine sends the reads' bytes and reads, the share (the
    smaller of the two), the bar and the bytes and time left follow them; both "left" are at
    most (files that stop matching are not read)."""
    stats = ScanStats()
    progress = ScanProgress(
        phase=Phase.HEADS, done=40, total=120, bytes_read=40_000_000, eta_s=12.0,
        phase_bytes_done=36_000_000, phase_bytes_total=48_000_000,
        reads_done=200, reads_total=250,
    )  # fmt: skip
    shown = text(stats, progress)
    assert "40/120 files, reads 75%" in shown  # bytes 75%, reads 80%: the smaller
    assert "at most 11.4 MiB to go" in shown and "at most 12s" in shown
    before = overall_fraction(ScanProgress(phase=Phase.HEADS, done=40, total=120))
    later = overall_fraction(replace(progress, phase=Phase.HASHING, done=10, total=60))
    assert before < overall_fraction(progress) == later  # one stretch, whatever the stage
    stats.update_progress(progress)
    assert "(and full reads alongside)" in stats.phase_line
    stats.update_progress(ScanProgress(phase=Phase.DONE))
    assert stats.phase_line == "Done"
    # without bytes (an older engine): files, as before
    heads = text(stats, ScanProgress(phase=Phase.HEADS, done=40, total=120))
    assert "40 of 120 files (33%)" in heads and "to go" not in heads
