"""An earlier scan's duplicate groups as it saved them, taken in its order: what a rescan writes
again, as bytes, for the groups it holds unchanged (encoding 64,000 groups and their rows
anew took ~0.6 s of a rescan at 1,000,000 issues).

A group's JSON object is read from the scan's ``groups.json`` where its group row says; the
row itself is the line ``group_rows.json`` holds (one row a line), less its offset and length.
Both files are read as the groups are taken, neither held whole: ``groups.json`` a window of
:data:`WINDOW` bytes at a time, as the groups lie in the order they are taken (one read a
group was 0.5 s of a rescan at 64,000 groups, in system calls and the GIL taken back after
each).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import orjson

from aa_tui.model.group_rows import GROUP_ROW_FIELDS
from aa_tui.store.scan_files import GROUP_ROWS_FORMAT, SavedGroup

_TAIL = re.compile(rb'"groups_bytes":(\d+)}\s*$')
#: bytes of ``groups.json`` read at once (a group is ~1 KB)
WINDOW = 1 << 20


class SavedGroups:
    """The groups a scan saved (in ``folder``), taken by hash in the order it saved them."""

    def __init__(self, folder: Path) -> None:
        self._rows = open(folder / "group_rows.json", "rb")  # noqa: SIM115 - closed by close()
        try:
            # read a window at a time, not mapped: its pages would count in the rescan's
            # peak RSS (+40 MB at 1,000,000 issues)
            self._groups = os.open(folder / "groups.json", os.O_RDONLY)
            size = os.fstat(self._groups).st_size
        except OSError:
            self._rows.close()
            raise
        self._window = b""  # the bytes of groups.json read last, from ``_window_at`` on
        self._window_at = 0
        try:
            self.usable = self._check(size)
        except BaseException:
            self.close()
            raise

    def _check(self, groups_bytes: int) -> bool:
        """Whether the rows are this aa-tui's, laid out one a line, and of this groups.json."""
        head = self._rows.readline()
        start = b'{"format":%s,"fields":%s,' % (
            orjson.dumps(GROUP_ROWS_FORMAT),
            orjson.dumps(list(GROUP_ROW_FIELDS)),
        )
        if not head.startswith(start) or not head.endswith(b'"rows":[\n'):
            return False
        at = self._rows.tell()
        self._rows.seek(max(at, os.fstat(self._rows.fileno()).st_size - 200))
        tail = _TAIL.search(self._rows.read())
        self._rows.seek(at)
        return tail is not None and int(tail.group(1)) == groups_bytes

    def take(self, digest: str, head: tuple[Any, ...]) -> SavedGroup | None:
        """The group of ``digest`` as saved (``head``: its row's first five fields, known to
        the caller); the groups saved before it are passed over (taken in the saved order).
        ``None`` when there is none past the last one taken."""
        if not self.usable:
            return None
        key = orjson.dumps(digest)
        start = b"[" + key + b","
        for line in self._rows:
            if not line.startswith(start):
                if not line.startswith(b"["):  # the rows' end
                    self.usable = False
                    return None
                continue
            row = line.rstrip(b",\n")  # "[hash, ..., offset, length]"
            front, offset, length = row[:-1].rsplit(b",", 2)
            raw = self._read(int(offset), int(length))
            if not raw.startswith(b'{"hash":' + key + b","):
                self.usable = False  # not the file its rows describe
                return None
            return SavedGroup(raw, front + b",", head)
        self.usable = False
        return None

    def _read(self, offset: int, length: int) -> bytes:
        """``length`` bytes of groups.json at ``offset``, from the window when it holds them."""
        start = offset - self._window_at
        if start < 0 or start + length > len(self._window):
            self._window = os.pread(self._groups, max(length, WINDOW), offset)
            self._window_at, start = offset, 0
        return self._window[start : start + length]

    def close(self) -> None:
        self._rows.close()
        os.close(self._groups)
