"""The index's lock: one writer at a time across threads and aa-tui processes.

A cron ``aa-tui scan`` or a command-line ``clean`` may write the index while the app has it
open. A thread lock alone would let both processes read the index, change it and write it back,
one losing the other's row; so each hold also takes an advisory ``flock`` on ``aa-tui.lock``
beside the index (Linux and macOS; where ``fcntl`` is missing only the thread lock holds). The
file is opened for each outermost hold, so a forked child never shares its parent's lock.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the thread lock only
    fcntl = None  # type: ignore[assignment]

from aa_tui.store.atomic import PRIVATE
from aa_tui.store.errors import StoreBusyError, StoreError

LOCK_FILE = "aa-tui.lock"
#: a hold lasts one index write (milliseconds); this long means a process is stuck holding it
TIMEOUT = 30.0


class StoreLock:
    """Re-entrant within a thread; held across processes for as long as the outermost hold."""

    def __init__(self, path: Path, timeout: float = TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd = -1

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._fd = self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    os.close(self._fd)  # closing the file releases the flock
                    self._fd = -1

    def _acquire(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, PRIVATE)
        except OSError as exc:
            raise StoreError(
                f"The store's lock file {self.path} cannot be opened ({exc.strerror}); check "
                "that the folder is yours and writable."
            ) from None
        if fcntl is None:
            return fd
        deadline = time.monotonic() + self.timeout
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreBusyError(
                        f"The store {self.path.parent} stayed busy for {self.timeout:g} s: "
                        "another aa-tui process holds it; let it finish (or end it), then try "
                        "again."
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.01)
            except BaseException:
                os.close(fd)
                raise
