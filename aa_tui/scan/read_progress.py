"""What the engine says while it reads files: each stage's files, the reads' bytes as one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aa_tui.jira.governor import GovernorStats
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.enums import Phase, VerifyMode
from aa_tui.model.events import RecentRate
from aa_tui.model.records import Totals
from aa_tui.scan.checkpoint import SerialJournal
from aa_tui.scan.request import ScanRequest
from aa_tui.scan.staged import HashBook, StagedHasher, StageProgress
from aa_tui.scan.whole_read import WHOLE_READ_MAX

STAGE_PHASES = {"head": Phase.HEADS, "tail": Phase.TAILS, "full": Phase.HASHING}
READING = "reading files"  # the three stage phases, as one stretch of work


class ReadProgress:
    """Turns the hasher's :class:`StageProgress` into :class:`ScanProgress` fields.

    Files per second are the stage's; the time left comes from windows over the three stages,
    because they overlap (a size group's full reads run while later groups' heads do). It is
    the longer of the bytes left at the recent bytes per second and the reads left at the
    recent reads per second: big files go first, so bytes alone promise too little once only
    small files (each a request's wait) remain, and reads alone too little before. Both "left"
    are at most: files that stop matching are not read."""

    def __init__(self) -> None:
        self._files = RecentRate()
        self._work = RecentRate()
        self._reads = RecentRate()

    def fields(self, p: StageProgress, now: float) -> dict[str, Any]:
        phase = STAGE_PHASES[p.stage]
        rate, _ = self._files.update(phase, p.files_done, p.files_total, now)
        work, reads = p.work_done + p.work_left, p.reads_done + p.reads_left
        per_s, by_bytes = self._work.update(READING, p.work_done, work, now)
        _, by_reads = self._reads.update(READING, p.reads_done, reads, now)
        known = [t for t in (by_bytes, by_reads) if t is not None]
        return {
            "phase": phase,
            "done": p.files_done,
            "total": p.files_total,
            "bytes_read": p.bytes_read,
            "rate_per_s": rate,
            "eta_s": max(known) if known else None,
            "bytes_per_s": per_s,
            "phase_bytes_done": p.work_done,
            "phase_bytes_total": work,
            "reads_done": p.reads_done,
            "reads_total": reads,
        }


def make_hasher(
    client: JiraSite,
    request: ScanRequest,
    book: HashBook,
    journal: SerialJournal,
    emit: Callable[..., None],
) -> StagedHasher | None:
    """The scan's hasher (``None``: a metadata scan reads no bytes): hashes go to ``journal``,
    progress to ``emit`` as ScanProgress fields."""
    if request.verify is not VerifyMode.EXACT:
        return None

    def on_hashes(stage: str, hashes: dict[str, str], unreadable: dict[str, str]) -> None:
        journal.append("hash", stage=stage, hashes=hashes, unreadable=unreadable)

    reading = ReadProgress()

    def on_progress(p: StageProgress) -> None:
        fields = reading.fields(p, time.monotonic())
        emit(groups=hasher.tally.groups, wasted=hasher.tally.wasted, **fields)

    hasher = StagedHasher(
        client.read_content,
        workers=request.workers,
        cancel=client.cancel,
        book=book,
        on_hashes=on_hashes,
        on_progress=on_progress,
        # Data Center: each read is a request, and its path holds the file's name
        whole_up_to=WHOLE_READ_MAX if client.reads_are_requests else 0,
        named=client.reads_are_requests,
    )
    return hasher


def run_counters(
    gov: GovernorStats, hasher: StagedHasher | None, before: dict[str, Any]
) -> dict[str, Any]:
    """Requests, retries, throttles and bytes read, over every run of a scan (``before``: what
    its earlier runs carried)."""
    stages = {s: r.bytes_read for s, r in hasher.reports.items()} if hasher else {}
    earlier = before.get("bytes_read_by_stage") or {}
    by_stage = {s: stages.get(s, 0) + earlier.get(s, 0) for s in ("head", "tail", "full")}
    return {
        "requests": gov.requests + before.get("requests", 0),
        "retries": gov.retries + before.get("retries", 0),
        "throttled": gov.throttled + before.get("throttled", 0),
        "bytes_read_by_stage": by_stage if any(by_stage.values()) else {},
    }


def count_into(totals: Totals, counters: dict[str, Any]) -> None:
    """Put :func:`run_counters`' figures into a scan's ``totals``."""
    totals.bytes_read_by_stage = counters["bytes_read_by_stage"]
    totals.bytes_read = sum(totals.bytes_read_by_stage.values())
    totals.requests = counters["requests"]
    totals.retries = counters["retries"]
    totals.throttled = counters["throttled"]
