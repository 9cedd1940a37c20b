"""An earlier scan's duplicate groups as it saved them, taken in its order: what a rescan writes
again, as bytes, for the groups it holds unchanged (encoding 64,000 groups and their rows
anew took ~0.6 s of a rescan at 1,000,000 issues).

A group's JSON object is read from the scan's ``groups.json`` where its group row says; the
row itself is the line ``group_rows.json`` holds (one row a line), less its offset and length.
Both files are read as the groups are taken, neither held whole: ``groups.json`` a window of
:data:`~aa_tui.store.group_files.WINDOW` bytes at a time, as the groups lie in the order they are taken (one read a
group was 0.5 s of a rescan at 64,000 groups, in system calls and the GIL taken back after
each).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from aa_tui.store.group_files import GroupReader, rows_count
from aa_tui.store.scan_files import SavedGroup


class SavedGroups:
    """The groups a scan saved (in ``folder``), taken by hash in the order it saved them."""

    def __init__(self, folder: Path) -> None:
        rows, groups = folder / "group_rows.json", folder / "groups.json"
        self._rows = open(rows, "rb")  # noqa: SIM115 - closed by close()
        # read a window at a time, not mapped: its pages would count in the rescan's peak RSS
        # (+40 MB at 1,000,000 issues)
        self._groups = GroupReader(folder, ahead=True)
        try:
            # this aa-tui's rows, of this groups.json, laid out one a line
            laid_out = self._rows.readline().endswith(b'"rows":[\n')
            self.usable = laid_out and rows_count(rows, groups) is not None
        except BaseException:
            self.close()
            raise

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
            raw = self._groups.read(int(offset), int(length))
            if not raw.startswith(b'{"hash":' + key + b","):
                self.usable = False  # not the file its rows describe
                return None
            return SavedGroup(raw, front + b",", head)
        self.usable = False
        return None

    def close(self) -> None:
        self._rows.close()
        self._groups.close()
