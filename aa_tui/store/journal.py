"""The checkpoint of a running scan: an append-only JSON-lines journal, fsynced per batch.

Appending costs O(batch), unlike rewriting a TinyDB file; a line torn by a crash is the last
one and is ignored when the journal is read back.
"""

from __future__ import annotations

import os

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, one engine by convention
    fcntl = None  # type: ignore[assignment]
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from aa_tui.store.atomic import PRIVATE
from aa_tui.store.errors import JournalBusyError

__all__ = ["Journal", "JournalBusyError", "journal_held", "read_journal"]


class Journal:
    """Held with an exclusive advisory lock for as long as it is open: one engine per scan."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE)
        if fcntl is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(self._fd)
                self._fd = -1
                raise JournalBusyError(str(path)) from None
        self._repair_tail()

    def _repair_tail(self) -> None:
        """Cut a torn last line so that new lines do not glue onto it."""
        size = os.fstat(self._fd).st_size
        if not size:
            return
        with open(self.path, "rb") as handle:
            handle.seek(max(0, size - 1))
            if handle.read(1) == b"\n":
                return
            handle.seek(0)
            data = handle.read()
        os.ftruncate(self._fd, data.rfind(b"\n") + 1)

    def append(self, kind: str, **payload: Any) -> None:
        line = orjson.dumps({"k": kind, **payload}) + b"\n"
        os.write(self._fd, line)
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def journal_held(path: Path) -> bool:
    """Whether a live process holds the journal at ``path`` open (its engine's lock). A
    killed process holds nothing: the system releases its locks. Without ``fcntl`` (Windows)
    this cannot be told, and the answer is True."""
    if fcntl is None:  # pragma: no cover - Windows
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        # A lock of another open file (this process's own engine's too) blocks this one.
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the probe's lock, if it got one
    return False


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """Every complete entry; a torn or garbled line (a crash mid-write) ends the journal."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - generator keeps it open while iterating
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            if not line.endswith(b"\n"):
                return
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                return
            if isinstance(entry, dict):
                yield entry
