"""Exact duplicate detection by bytes, reading as little as possible.

The staged method of fclones, jdupes and rmlint, over HTTP ranges:

1. group by size (metadata, free); a size seen once can have no copy and is never read;
2. hash a small head range; split each size group by it;
3. hash a small tail range of what still matches; split again;
4. stream the rest of each survivor into a copy of its head hash: the full SHA-256.

Each size group goes through the stages on its own, so all the reads of one file come close
together (one media link serves them) and the pool never waits for a slow batch.

Files no bigger than the two probes are fully known after them, so they cost no third read.
Zero-byte files are never grouped (they waste nothing). Files that answer 403/404 are
reported as unreadable and kept out of every group.
"""

from __future__ import annotations

import hashlib
import heapq
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime

from aa_tui.jira.errors import RequestRejected
from aa_tui.model.dates import sort_time
from aa_tui.model.errors import Cancelled
from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.scan.whole_read import WholeFile

HEAD_BYTES = 4096
TAIL_BYTES = 4096
STAGES = ("head", "tail", "full")
#: Hashes are checkpointed at least this often (in bytes read): what a crash can cost again.
FULL_BATCH_BYTES = 8 * 1024 * 1024
#: ... in practice far more often: when this much was read, or this many seconds passed, since
#: the last checkpoint (and at the first hash), each one holding what finished meanwhile.
FLUSH_BYTES = 1024 * 1024
FLUSH_S = 0.25

# read(attachment_id, start, end_inclusive_or_None, sink[, file_name]) -> bytes read off the net
Reader = Callable[..., int]


@dataclass
class StageReport:
    """What one stage did, for progress and for the summary."""

    stage: str
    files: int = 0
    bytes_read: int = 0


@dataclass(frozen=True)
class StageProgress:
    """Where the reading is: the stage the scan is at (heads until every head is read, then
    tails, then full reads), that stage's files, all bytes read so far, and the reads' work in
    bytes over every stage: what the reads that ended took, and at most what is left.

    The stages overlap (a size group's full reads run while later groups' heads do), so the
    work is counted across them: each candidate file may cost its head, tail and full reads
    until it stops matching; what it can no longer cost leaves ``work_left`` then. So
    ``work_done / (work_done + work_left)`` only grows, and an ETA from it is an upper bound."""

    stage: str
    files_done: int
    files_total: int
    bytes_read: int
    work_done: int = 0
    work_left: int = 0
    reads_done: int = 0  # reads that ended, of every stage
    reads_left: int = 0  # at most, as ``work_left``


@dataclass
class HashBook:
    """Hashes known so far per attachment and stage; the checkpoint of the hashing phase."""

    head: dict[str, str] = field(default_factory=dict)
    tail: dict[str, str] = field(default_factory=dict)
    full: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # id -> reason

    def stage(self, name: str) -> dict[str, str]:
        found: dict[str, str] = getattr(self, name)
        return found


#: what one read gives: (its digest, bytes read, the full and tail digests when it held them)
_Read = tuple[str, int, str | None, str | None]


def canonical_order(records: Iterable[AttachmentRecord]) -> list[AttachmentRecord]:
    """Oldest upload first; ties by lowest attachment id (numerically when numeric)."""

    def key(record: AttachmentRecord) -> tuple[datetime, tuple[int, int, str]]:
        aid = record.attachment_id
        return (sort_time(record.created), (0, int(aid), "") if aid.isdigit() else (1, 0, aid))

    return sorted(records, key=key)


def size_candidates(records: Iterable[AttachmentRecord]) -> dict[int, list[AttachmentRecord]]:
    """Sizes shared by two or more non-empty attachments."""
    by_size: dict[int, list[AttachmentRecord]] = defaultdict(list)
    for record in records:
        if record.size > 0:
            by_size[record.size].append(record)
    return {size: group for size, group in by_size.items() if len(group) > 1}


def sorted_groups(groups: list[DuplicateGroup]) -> list[DuplicateGroup]:
    """Most waste first, then most copies, then by name and hash."""
    return sorted(groups, key=lambda g: group_order(g.hash, g.size, g.locations))


def group_order(
    digest: str, size: int, locations: list[AttachmentRecord]
) -> tuple[int, int, str, str]:
    """Where a group of these fields sorts (:func:`sorted_groups`): its waste, copies, name
    and hash, read without the group's properties."""
    copies = len(locations)
    return (-(copies - 1) * size, -copies, locations[0].file_name, digest)


class StagedHasher:
    """Runs the head, tail and full reads with a pool of downloads that is never left idle.

    Work goes **size group by size group** (biggest sizes first): a group's heads, then the
    tails of what still matches, then the full reads of the survivors, so that one media link
    serves all the reads of a file while it is young; the pool takes the next read as soon as
    one ends (earlier groups first), with no batch to wait for.

    ``book`` may hold hashes from an interrupted run (resume): those are not read again.
    ``on_hashes(stage, {id: hash}, {id: reason})`` is called from the calling thread with what
    finished since the last call, every ``FLUSH_S`` (or ``batch_size`` files, or
    ``FULL_BATCH_BYTES``), so the caller can checkpoint; ``on_progress(StageProgress)`` as
    reads finish.
    """

    def __init__(
        self,
        reader: Reader,
        *,
        workers: int = 8,
        cancel: threading.Event | None = None,
        book: HashBook | None = None,
        on_hashes: Callable[[str, dict[str, str], dict[str, str]], None] | None = None,
        on_progress: Callable[[StageProgress], None] | None = None,
        batch_size: int = 64,
        whole_up_to: int = 0,
        named: bool = False,
    ) -> None:
        self.reader = reader
        self.workers = max(1, workers)
        self.cancel = cancel or threading.Event()
        self.book = book or HashBook()
        self.on_hashes = on_hashes or (lambda stage, hashes, unreadable: None)
        self.on_progress = on_progress or (lambda progress: None)
        self.batch_size = batch_size
        self.whole_up_to = whole_up_to  # where reads are requests: see :mod:`.whole_read`
        self.named = named  # the reader takes the file's name too (a fifth argument)
        self.reports = {stage: StageReport(stage) for stage in STAGES}
        self.tally = _Tally()  # groups proven so far
        self._small_bytes: dict[str, bytes] = {}  # head bytes of files <= HEAD+TAIL
        self._head_states: dict[str, object] = {}  # sha256 state after the head, for "full"
        self._ready: list[tuple[int, int, int, _Cohort, AttachmentRecord]] = []
        self._pushed = 0
        self._final: list[list[AttachmentRecord]] = []
        self._total = dict.fromkeys(STAGES, 0)
        self._done = dict.fromkeys(STAGES, 0)
        self._plans: dict[tuple[str, str], int] = {}  # (stage, id) -> bytes, until it ends
        self._could_cost: dict[str, int] = {}  # id -> bytes its reads may still take
        self._could_reads: dict[str, int] = {}  # id -> reads it may still need
        self._work_done = self._reads_done = 0
        self._work_left = self._reads_left = 0  # sums of the two above
        self._journal = _Pending(since=0.0)  # the first hash is checkpointed at once

    # -- public ---------------------------------------------------------------------------------
    def find_groups(self, records: list[AttachmentRecord]) -> list[DuplicateGroup]:
        unreadable = self.book.unreadable
        groups = size_candidates(r for r in records if r.attachment_id not in unreadable)
        for members in groups.values():
            for record in members:
                cost, reads = self._at_most(record)
                self._could_cost[record.attachment_id] = cost
                self._could_reads[record.attachment_id] = reads
                self._work_left += cost
                self._reads_left += reads
        for seq, size in enumerate(sorted(groups, reverse=True)):
            self._open(_Cohort(seq, 0, groups[size]))
        self._run()
        self._head_states.clear()
        self._small_bytes.clear()
        return sorted_groups(
            [
                DuplicateGroup(
                    hash="sha256:" + self.book.full[g[0].attachment_id],
                    size=g[0].size,
                    locations=canonical_order(g),
                )
                for g in self._final
            ]
        )

    # -- cohorts: the members of one size group still alike at one stage ---------------------------
    def _open(self, cohort: _Cohort) -> None:
        stage = STAGES[cohort.stage]
        todo = [r for r in cohort.members if self._needs(stage, r)]
        cohort.pending = len(todo)
        self._total[stage] += len(todo)
        for record in todo:
            self._plans[stage, record.attachment_id] = self._planned(stage, record)
            self._pushed += 1
            heapq.heappush(self._ready, (cohort.seq, -cohort.stage, self._pushed, cohort, record))
        if not todo:
            self._close(cohort)

    def _close(self, cohort: _Cohort) -> None:
        """Split by every hash known so far; what still matches goes on to the next stage."""
        stage = STAGES[cohort.stage]
        upto = STAGES[: cohort.stage + 1]
        buckets: dict[tuple[str | None, ...], list[AttachmentRecord]] = defaultdict(list)
        for record in cohort.members:
            aid = record.attachment_id
            key = tuple(self._known(aid, record.size, s) for s in upto)
            if aid not in self.book.unreadable and None not in key:
                buckets[key].append(record)
        alive = [b for b in buckets.values() if len(b) > 1]
        kept = {r.attachment_id for b in alive for r in b}
        for record in cohort.members:
            if record.attachment_id not in kept or stage == "full":  # no read left for it
                self._work_left -= self._could_cost.pop(record.attachment_id, 0)
                self._reads_left -= self._could_reads.pop(record.attachment_id, 0)
            if record.attachment_id not in kept:
                self._head_states.pop(record.attachment_id, None)
                self._small_bytes.pop(record.attachment_id, None)
        for members in alive:
            if stage == "full":
                self._final.append(members)
                self.tally.add(members)
            else:
                self._open(_Cohort(cohort.seq, cohort.stage + 1, members))

    def _at_most(self, record: AttachmentRecord) -> tuple[int, int]:
        """The bytes and the reads that what is not known yet of ``record`` takes if it
        matches to the end."""
        aid, size = record.attachment_id, record.size
        book = self.book
        head_now = aid not in book.head
        if head_now and self._whole(size):
            return size, 1
        cost, reads = (min(size, HEAD_BYTES), 1) if head_now else (0, 0)
        if size > HEAD_BYTES and aid not in book.tail and self._known(aid, size, "tail") is None:
            cost += size - max(HEAD_BYTES, size - TAIL_BYTES)
            reads += 1
        if size > HEAD_BYTES + TAIL_BYTES and aid not in book.full:
            cost += size - HEAD_BYTES if head_now else size  # resumed: no head state kept
            reads += 1
        return cost, reads

    def _whole(self, size: int) -> bool:
        """Whether the first read of a file this big reads it whole (see ``whole_up_to``)."""
        return HEAD_BYTES < size <= self.whole_up_to

    def _planned(self, stage: str, record: AttachmentRecord) -> int:
        """The bytes the ``stage`` read of ``record`` takes (see :meth:`_head` and the rest)."""
        size = record.size
        if stage == "head":
            return size if self._whole(size) else min(size, HEAD_BYTES)
        if stage == "tail":
            return size - max(HEAD_BYTES, size - TAIL_BYTES) if size > HEAD_BYTES else 0
        return size - HEAD_BYTES if record.attachment_id in self._head_states else size

    def _needs(self, stage: str, record: AttachmentRecord) -> bool:
        if record.attachment_id in self.book.unreadable:
            return False
        return self._known(record.attachment_id, record.size, stage) is None

    def _known(self, aid: str, size: int, stage: str) -> str | None:
        if stage == "tail" and (
            size <= HEAD_BYTES or (self.whole_up_to and size > self.whole_up_to)
        ):
            return ""  # the head read the whole file, or a tail read costs a request here
        if stage == "full" and size <= HEAD_BYTES:
            return self.book.head.get(aid)
        return self.book.stage(stage).get(aid)

    # -- the pool -------------------------------------------------------------------------------
    def _run(self) -> None:
        tasks = {"head": self._head, "tail": self._tail, "full": self._full}
        running: dict[Future[_Read], tuple[_Cohort, AttachmentRecord]] = {}
        failure: BaseException | None = None
        self._progress()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="aa-hash") as pool:
            while running or (self._ready and failure is None):
                if self.cancel.is_set() and failure is None:
                    failure = Cancelled()
                while failure is None and self._ready and len(running) < self.workers:
                    *_, cohort, record = heapq.heappop(self._ready)
                    task = tasks[STAGES[cohort.stage]]
                    running[pool.submit(task, record)] = (cohort, record)
                finished, _ = wait(list(running), timeout=FLUSH_S, return_when=FIRST_COMPLETED)
                for future in finished:
                    cohort, record = running.pop(future)
                    exc = future.exception()
                    if exc is None or unreadable_answer(exc):
                        self._finished(cohort, record, future)
                        self._progress()
                    elif failure is None or (
                        isinstance(failure, Cancelled) and not isinstance(exc, Cancelled)
                    ):
                        failure = exc  # a real error says more than the cancel it caused
                self._checkpoint(force=False)
        self._checkpoint(force=True)
        if failure is not None:
            raise failure
        if self.cancel.is_set():
            raise Cancelled()

    def _finished(self, cohort: _Cohort, record: AttachmentRecord, future: Future[_Read]) -> None:
        stage = STAGES[cohort.stage]
        self._learned(stage, record.attachment_id, future)
        self._done[stage] += 1
        spent = self._plans.pop((stage, record.attachment_id), 0)
        self._work_done += spent
        self._reads_done += 1
        if self._could_reads.get(record.attachment_id, 0) > 0:
            self._could_reads[record.attachment_id] -= 1
            self._reads_left -= 1
        could = self._could_cost.get(record.attachment_id)
        if could is not None:
            spent = min(spent, could)
            self._could_cost[record.attachment_id] = could - spent
            self._work_left -= spent
        cohort.pending -= 1
        if cohort.pending == 0:
            self._close(cohort)

    def _learned(self, stage: str, aid: str, future: Future[_Read]) -> None:
        """Put what one read says about ``aid`` in the book and the next checkpoint."""
        exc = future.exception()
        if exc is not None:
            reason = f"HTTP {exc.status}"  # type: ignore[attr-defined]
            self.book.unreadable[aid] = reason
            self._journal.unreadable[aid] = reason
            return
        digest, read, whole, tail = future.result()
        report = self.reports[stage]
        report.files += 1
        report.bytes_read += read
        self.book.stage(stage)[aid] = digest
        self._journal.add(stage, aid, digest, read)
        if tail is not None:
            self.book.tail[aid] = tail
            self._journal.add("tail", aid, tail, 0)
        if whole is not None:
            self.book.full[aid] = whole
            self._journal.add("full", aid, whole, 0)

    def _checkpoint(self, force: bool) -> None:
        pending = self._journal
        if not pending.files and not pending.unreadable:
            return
        due = (
            force
            or time.monotonic() - pending.since >= FLUSH_S
            or pending.files >= self.batch_size
            or pending.bytes >= min(FLUSH_BYTES, FULL_BATCH_BYTES)
        )
        if not due:
            return
        self._journal = _Pending()
        unreadable = pending.unreadable
        for stage in STAGES:
            hashes = pending.hashes[stage]
            if hashes or (unreadable and stage == "head"):
                self.on_hashes(stage, hashes, unreadable if stage == "head" else {})

    def _progress(self) -> None:
        stage = next((s for s in STAGES[:2] if self._done[s] < self._total[s]), "full")
        read = sum(r.bytes_read for r in self.reports.values())
        self.on_progress(
            StageProgress(
                stage,
                self._done[stage],
                self._total[stage],
                read,
                self._work_done,
                self._work_left,
                self._reads_done,
                self._reads_left,
            )
        )

    def _read(
        self, record: AttachmentRecord, start: int, end: int, sink: Callable[..., None]
    ) -> int:
        named = (record.file_name,) if self.named else ()
        return self.reader(record.attachment_id, start, end, sink, *named)

    # Each task returns (stage hash, bytes read, full hash when this read completed the file).
    def _head(self, record: AttachmentRecord) -> _Read:
        aid, size = record.attachment_id, record.size
        if self._whole(size):
            whole = WholeFile(size, HEAD_BYTES, TAIL_BYTES)
            read = self._read(record, 0, size - 1, whole)
            head, tail, full = whole.digests()
            return head, read, full, tail
        chunks: list[bytes] = []
        read = self._read(record, 0, min(size, HEAD_BYTES) - 1, chunks.append)
        data = b"".join(chunks)
        state = hashlib.sha256(data)
        if size <= HEAD_BYTES + TAIL_BYTES:
            self._small_bytes[aid] = data
        else:
            self._head_states[aid] = state.copy()
        digest = state.hexdigest()
        return digest, read, digest if size <= HEAD_BYTES else None, None

    def _tail(self, record: AttachmentRecord) -> _Read:
        aid, size = record.attachment_id, record.size
        start = max(HEAD_BYTES, size - TAIL_BYTES)
        chunks: list[bytes] = []
        read = self._read(record, start, size - 1, chunks.append)
        data = b"".join(chunks)
        head = self._small_bytes.pop(aid, None)
        whole = None
        if head is not None and start == HEAD_BYTES:
            # Head and tail together are the whole file: the full hash costs nothing more.
            whole = hashlib.sha256(head + data).hexdigest()
        return hashlib.sha256(data).hexdigest(), read, whole, None

    def _full(self, record: AttachmentRecord) -> _Read:
        aid, size = record.attachment_id, record.size
        state = self._head_states.pop(aid, None)
        start = HEAD_BYTES
        if state is None:  # resumed run: the head state was not kept, read from the start
            state, start = hashlib.sha256(), 0
        read = self._read(record, start, size - 1, state.update)  # type: ignore[attr-defined]
        digest = state.hexdigest()  # type: ignore[attr-defined]
        return digest, read, digest, None


@dataclass(eq=False)
class _Cohort:
    seq: int  # the size group's place in line: lower goes first
    stage: int  # index in STAGES
    members: list[AttachmentRecord]
    pending: int = 0  # reads of this stage not finished yet


@dataclass
class _Pending:
    """What finished since the last checkpoint."""

    hashes: dict[str, dict[str, str]] = field(default_factory=lambda: {s: {} for s in STAGES})
    unreadable: dict[str, str] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    since: float = field(default_factory=time.monotonic)

    def add(self, stage: str, aid: str, digest: str, read: int) -> None:
        self.hashes[stage][aid] = digest
        self.files += 1
        self.bytes += read


def unreadable_answer(exc: BaseException) -> bool:
    """403/404/410/416 on a file is an answer about that file, not a failure of the scan."""
    return isinstance(exc, RequestRejected) and exc.status in (403, 404, 410, 416)


class _Tally:
    """Groups proven so far and the bytes they waste (for live progress)."""

    def __init__(self) -> None:
        self.groups = 0
        self.wasted = 0

    def add(self, members: list[AttachmentRecord]) -> None:
        self.groups += 1
        self.wasted += (len(members) - 1) * members[0].size
