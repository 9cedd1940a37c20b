"""Exact duplicate detection by bytes, reading as little as possible.

The staged method of fclones, jdupes and rmlint, over HTTP ranges:

1. group by size (metadata, free); a size seen once can have no copy and is never read;
2. hash a small head range; split each size group by it;
3. hash a small tail range of what still matches; split again;
4. stream the rest of each survivor into a copy of its head hash: the full SHA-256.

Files no bigger than the two probes are fully known after them, so they cost no third read.
Zero-byte files are never grouped (they waste nothing). Files that answer 403/404 are
reported as unreadable and kept out of every group.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from aa_tui.jira.errors import Cancelled, RequestRejected
from aa_tui.model.dates import sort_time
from aa_tui.model.records import AttachmentRecord, DuplicateGroup

HEAD_BYTES = 4096
TAIL_BYTES = 4096
STAGES = ("head", "tail", "full")
#: The full stage checkpoints at least this often (in bytes read): what a crash can cost again.
FULL_BATCH_BYTES = 8 * 1024 * 1024

# read(attachment_id, start, end_inclusive_or_None, sink) -> bytes read off the network
Reader = Callable[[str, int, "int | None", Callable[[bytes], None]], int]


@dataclass
class StageReport:
    """What one stage did, for progress and for the summary."""

    stage: str
    files: int = 0
    bytes_read: int = 0


@dataclass
class HashBook:
    """Hashes known so far per attachment and stage; the checkpoint of the hashing phase."""

    head: dict[str, str] = field(default_factory=dict)
    tail: dict[str, str] = field(default_factory=dict)
    full: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # id -> reason

    def stage(self, name: str) -> dict[str, str]:
        return getattr(self, name)


def canonical_order(records: Iterable[AttachmentRecord]) -> list[AttachmentRecord]:
    """Oldest upload first; ties by lowest attachment id (numerically when numeric)."""

    def key(record: AttachmentRecord) -> tuple:
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


def metadata_groups(records: Iterable[AttachmentRecord]) -> list[DuplicateGroup]:
    """The fast ``--verify metadata`` mode: equal size and case-folded name, no bytes read.

    Such groups are only *likely* duplicates and are labelled so.
    """
    by_key: dict[tuple[int, str], list[AttachmentRecord]] = defaultdict(list)
    for record in records:
        if record.size > 0:
            by_key[(record.size, record.file_name.casefold())].append(record)
    groups = [
        DuplicateGroup(
            hash=f"likely:{size}:{hashlib.sha256(name.encode()).hexdigest()[:16]}",
            size=size,
            locations=canonical_order(members),
            likely=True,
        )
        for (size, name), members in by_key.items()
        if len(members) > 1
    ]
    return sorted_groups(groups)


def sorted_groups(groups: list[DuplicateGroup]) -> list[DuplicateGroup]:
    return sorted(groups, key=lambda g: (-g.wasted_size, -g.copies, g.file_name, g.hash))


class StagedHasher:
    """Runs the head, tail and full stages with a pool of downloads.

    ``book`` may hold hashes from an interrupted run (resume): those are not read again.
    ``on_hashes(stage, {id: hash})`` is called from the calling thread after each batch, so the
    caller can checkpoint; ``on_progress(stage, files_done, files_total, bytes_read)`` likewise.
    """

    def __init__(
        self,
        reader: Reader,
        *,
        workers: int = 8,
        cancel: threading.Event | None = None,
        book: HashBook | None = None,
        on_hashes: Callable[[str, dict[str, str], dict[str, str]], None] | None = None,
        on_progress: Callable[[str, int, int, int], None] | None = None,
        batch_size: int = 64,
    ) -> None:
        self.reader = reader
        self.workers = max(1, workers)
        self.cancel = cancel or threading.Event()
        self.book = book or HashBook()
        self.on_hashes = on_hashes or (lambda stage, hashes, unreadable: None)
        self.on_progress = on_progress or (lambda stage, done, total, read: None)
        self.batch_size = batch_size
        self.reports = {stage: StageReport(stage) for stage in STAGES}
        self.tally = _Tally([], self.book)  # groups proven so far (during the full stage)
        self._small_bytes: dict[str, bytes] = {}  # head bytes of files <= HEAD+TAIL
        self._head_states: dict[str, object] = {}  # sha256 state after the head, for "full"

    # -- public ---------------------------------------------------------------------------------
    def find_groups(self, records: list[AttachmentRecord]) -> list[DuplicateGroup]:
        unreadable = self.book.unreadable
        groups = list(
            size_candidates(r for r in records if r.attachment_id not in unreadable).values()
        )
        with ThreadPoolExecutor(self.workers, thread_name_prefix="aa-hash") as pool:
            self._pool = pool
            self._run_stage("head", [r for g in groups for r in g])
            groups = self._split(groups, "head")
            self._run_stage("tail", [r for g in groups for r in g if r.size > HEAD_BYTES])
            groups = self._split(groups, "tail")
            self.tally = _Tally(groups, self.book)
            self._run_stage("full", [r for g in groups for r in g])
            groups = self._split(groups, "full")
        self._head_states.clear()
        self._small_bytes.clear()
        return sorted_groups(
            [
                DuplicateGroup(
                    hash="sha256:" + self.book.full[g[0].attachment_id],
                    size=g[0].size,
                    locations=canonical_order(g),
                )
                for g in groups
            ]
        )

    # -- stages ---------------------------------------------------------------------------------
    def _split(
        self, groups: list[list[AttachmentRecord]], stage: str
    ) -> list[list[AttachmentRecord]]:
        """Split groups by the hashes of every stage up to ``stage``; drop singletons."""
        upto = STAGES[: STAGES.index(stage) + 1]
        out: list[list[AttachmentRecord]] = []
        for group in groups:
            buckets: dict[tuple, list[AttachmentRecord]] = defaultdict(list)
            for record in group:
                aid = record.attachment_id
                if aid in self.book.unreadable:
                    continue
                key = tuple(self._known(aid, record.size, s) for s in upto)
                if None in key:
                    continue
                buckets[key].append(record)
            out.extend(b for b in buckets.values() if len(b) > 1)
        alive = {r.attachment_id for g in out for r in g}
        for kept in (self._head_states, self._small_bytes):
            for aid in [a for a in kept if a not in alive]:
                del kept[aid]
        return out

    def _known(self, aid: str, size: int, stage: str) -> str | None:
        if stage == "tail" and size <= HEAD_BYTES:
            return ""  # the head read the whole file
        if stage == "full" and size <= HEAD_BYTES:
            return self.book.head.get(aid)
        return self.book.stage(stage).get(aid)

    def _run_stage(
        self, stage: str, records: list[AttachmentRecord]
    ) -> list[list[AttachmentRecord]]:
        todo = [r for r in records if r.attachment_id not in self.book.stage(stage)]
        total = len(todo)
        done = 0
        report = self.reports[stage]
        self.on_progress(stage, 0, total, report.bytes_read)
        task = {"head": self._head, "tail": self._tail, "full": self._full}[stage]
        for batch in self._batches(stage, todo):
            if self.cancel.is_set():
                raise Cancelled()
            futures = [self._pool.submit(task, r) for r in batch]
            # Wait for the whole batch: a 403/404 on one file is an answer, not a failure, and
            # a real failure (or a cancel) must not leave reads running behind our back.
            wait(futures)
            hashes: dict[str, str] = {}
            full: dict[str, str] = {}
            unreadable: dict[str, str] = {}
            for record, future in zip(batch, futures, strict=True):
                exc = future.exception()
                if isinstance(exc, RequestRejected) and exc.status in (403, 404, 410, 416):
                    unreadable[record.attachment_id] = f"HTTP {exc.status}"
                    continue
                if exc is not None:
                    raise exc
                digest, read, whole = future.result()
                report.files += 1
                report.bytes_read += read
                hashes[record.attachment_id] = digest
                if whole is not None:
                    full[record.attachment_id] = whole
            self.book.stage(stage).update(hashes)
            self.book.full.update(full)
            self.book.unreadable.update(unreadable)
            if stage == "full":
                self.tally.settle([r.attachment_id for r in batch])
            self.on_hashes(stage, hashes, unreadable)
            if full and stage != "full":
                self.on_hashes("full", full, {})
            done += len(batch)
            self.on_progress(stage, done, total, report.bytes_read)
            if self.cancel.is_set():
                raise Cancelled()

    def _batches(
        self, stage: str, todo: list[AttachmentRecord]
    ) -> Iterable[list[AttachmentRecord]]:
        """``batch_size`` files at most; in the full stage also about ``FULL_BATCH_BYTES``
        (but never fewer files than workers), so a crash re-reads one batch, not a stage."""
        batch: list[AttachmentRecord] = []
        size = 0
        for record in todo:
            batch.append(record)
            size += record.size
            if len(batch) >= self.batch_size or (
                stage == "full" and size >= FULL_BATCH_BYTES and len(batch) >= self.workers
            ):
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    # Each task returns (stage hash, bytes read, full hash when this read completed the file).
    def _head(self, record: AttachmentRecord) -> tuple[str, int, str | None]:
        aid, size = record.attachment_id, record.size
        chunks: list[bytes] = []
        read = self.reader(aid, 0, min(size, HEAD_BYTES) - 1, chunks.append)
        data = b"".join(chunks)
        state = hashlib.sha256(data)
        if size <= HEAD_BYTES + TAIL_BYTES:
            self._small_bytes[aid] = data
        else:
            self._head_states[aid] = state.copy()
        digest = state.hexdigest()
        return digest, read, digest if size <= HEAD_BYTES else None

    def _tail(self, record: AttachmentRecord) -> tuple[str, int, str | None]:
        aid, size = record.attachment_id, record.size
        start = max(HEAD_BYTES, size - TAIL_BYTES)
        chunks: list[bytes] = []
        read = self.reader(aid, start, size - 1, chunks.append)
        data = b"".join(chunks)
        head = self._small_bytes.pop(aid, None)
        whole = None
        if head is not None and start == HEAD_BYTES:
            # Head and tail together are the whole file: the full hash costs nothing more.
            whole = hashlib.sha256(head + data).hexdigest()
        return hashlib.sha256(data).hexdigest(), read, whole

    def _full(self, record: AttachmentRecord) -> tuple[str, int, str | None]:
        aid, size = record.attachment_id, record.size
        state = self._head_states.pop(aid, None)
        start = HEAD_BYTES
        if state is None:  # resumed run: the head state was not kept, read from the start
            state, start = hashlib.sha256(), 0
        read = self.reader(aid, start, size - 1, state.update)  # type: ignore[attr-defined]
        digest = state.hexdigest()  # type: ignore[attr-defined]
        return digest, read, digest


class _Tally:
    """Running count of proven groups while the full stage runs (for live progress).

    A candidate group is settled once every member has a full hash or proved unreadable;
    its bytes then split it into the groups it really holds. O(1) per file read.
    """

    def __init__(self, candidates: list[list[AttachmentRecord]], book: HashBook) -> None:
        self.book = book
        self.groups = 0
        self.wasted = 0
        self._members = candidates
        self._open: dict[int, int] = {}
        self._group_of: dict[str, int] = {}
        for index, group in enumerate(candidates):
            self._open[index] = len(group)
            for record in group:
                self._group_of[record.attachment_id] = index
        self.settle(list(self._group_of))

    def settle(self, attachment_ids: list[str]) -> None:
        full, unreadable = self.book.full, self.book.unreadable
        for aid in attachment_ids:
            if aid not in full and aid not in unreadable:
                continue
            index = self._group_of.pop(aid, None)
            if index is None:
                continue
            self._open[index] -= 1
            if self._open[index] == 0:
                self._count(self._members[index])

    def _count(self, group: list[AttachmentRecord]) -> None:
        by_hash: dict[str, int] = defaultdict(int)
        for record in group:
            digest = self.book.full.get(record.attachment_id)
            if digest is not None and record.attachment_id not in self.book.unreadable:
                by_hash[digest] += 1
        for copies in by_hash.values():
            if copies > 1:
                self.groups += 1
                self.wasted += (copies - 1) * group[0].size
