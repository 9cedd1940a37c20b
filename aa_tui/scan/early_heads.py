"""Head reads while the listing still runs (issue 9): see :class:`EarlyHeads`."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.staged import FLUSH_S, StagedHasher, unreadable_answer


class EarlyHeads:
    """Head reads of candidate files while the listing still runs: a size seen twice is a
    candidate before the listing ends (issue 9), and content often has a budget of its own.

    Only heads: a size group may still gain members, so nothing is split or proven here.
    Each head read is a fact about its file's bytes and goes into the hasher's book (and its
    checkpoint, through ``on_hashes``, from this helper's thread), so the staged pass after
    the listing reads none of them again; a resumed scan finds them in its journal. A read that
    fails for any reason but the file's own (403/404...) stops the early reads: the staged
    pass reads what is left, and says what is wrong.

    ``apart()`` says whether content has a budget of its own; it is asked after the first head
    read (the probe: that file's head is needed anyway). When it says no, the listing keeps the
    shared budget to itself, and the probe's hash waits for the staged pass's checkpoint."""

    #: head bytes / hash states kept for the later stages (beyond this, re-read: 4 KiB each)
    KEEP_SMALL = 4096
    KEEP_STATES = 20_000

    def __init__(self, hasher: StagedHasher, apart: Callable[[], bool], workers: int = 4) -> None:
        self.hasher = hasher
        self.apart = apart
        self.workers = max(1, workers)
        self.overlap: bool | None = None  # None until the probe answered
        self.read = 0  # heads read here
        self._queue: deque[AttachmentRecord] = deque()
        self._first: dict[int, AttachmentRecord] = {}  # a size seen once: its file
        self._twice: set[int] = set()
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="aa-early", daemon=True)
        self._thread.start()

    def saw(self, record: AttachmentRecord) -> None:
        """Called by the listing for each new record (in one thread)."""
        if self.overlap is False:  # one budget: the staged pass reads them all
            self._first.clear()
            return
        size = record.size
        if size <= 0 or record.attachment_id in self.hasher.book.unreadable:
            return
        if size in self._twice:
            todo = [record]
        elif (first := self._first.pop(size, None)) is not None:
            self._twice.add(size)
            todo = [first, record]
        else:
            self._first[size] = record
            return
        head = self.hasher.book.head
        todo = [r for r in todo if r.attachment_id not in head]
        if todo:
            with self._cond:
                self._queue.extend(todo)
                self._cond.notify()

    def close(self) -> None:
        """No more records: finish the reads in flight (none new), checkpoint, stop."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()
        self._first.clear()
        self._twice.clear()

    def _run(self) -> None:
        hasher = self.hasher
        running: dict[Future[tuple[str, int, str | None, str | None]], AttachmentRecord] = {}
        stopped = False
        with ThreadPoolExecutor(self.workers, thread_name_prefix="aa-early") as pool:
            while True:
                with self._cond:
                    if self._closed or self.overlap is False:
                        stopped = True
                    if not running and not self._queue and not stopped:
                        self._cond.wait(FLUSH_S)
                    width = self.workers if self.overlap else 1
                    while not stopped and self._queue and len(running) < width:
                        record = self._queue.popleft()
                        running[pool.submit(hasher._head, record)] = record
                if not running and (stopped or hasher.cancel.is_set()):
                    break
                if running:
                    finished, _ = wait(list(running), timeout=0.05, return_when=FIRST_COMPLETED)
                    for future in finished:
                        record = running.pop(future)
                        exc = future.exception()
                        if exc is not None and not unreadable_answer(exc):
                            stopped = True  # the staged pass reads it again, and reports
                            continue
                        hasher._learned("head", record.attachment_id, future)
                        self.read += 1
                        self._forget_if_full(record.attachment_id)
                        if self.overlap is None:
                            self.overlap = self.apart()
                stopped = stopped or hasher.cancel.is_set()
                if self.overlap:
                    hasher._checkpoint(force=False)
        if self.overlap:
            hasher._checkpoint(force=True)

    def _forget_if_full(self, aid: str) -> None:
        if len(self.hasher._small_bytes) > self.KEEP_SMALL:
            self.hasher._small_bytes.pop(aid, None)
        if len(self.hasher._head_states) > self.KEEP_STATES:
            self.hasher._head_states.pop(aid, None)
