"""Reading a scan's duplicate groups: its group rows (one short row a group, with where the
group lies) and the groups themselves, whether it saved them whole or as a layer
(:mod:`aa_tui.store.group_layer`, merged here: readers never see the difference)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from aa_tui.memory import gc_paused
from aa_tui.model.group_rows import (
    GROUP_ROW_FIELDS,
    GROUP_SORTS,
    HASH,
    LENGTH,
    OFFSET,
    GroupTable,
    merged_in_order,
    row_order,
)
from aa_tui.store.group_layer import (
    DELTA_GROUP_ROWS,
    DELTA_GROUPS,
    ROOT_GROUP_ROWS,
    ROOT_GROUPS,
    WHOLE_GROUP_ROWS,
    WHOLE_GROUPS,
    is_group_layer,
    read_group_layer,
)
from aa_tui.store.scan_files import GROUP_ROWS_FORMAT

#: bytes of a groups file read at once when groups are read in order (a group is ~1 KB)
WINDOW = 1 << 20


def read_rows_file(rows_path: Path, groups_path: Path) -> GroupTable | None:
    """The rows saved in ``rows_path`` for ``groups_path``, with the sort orders saved beside
    them that are of this table; ``None`` when there are none usable (saved by an older
    aa-tui, or not of that groups file)."""
    try:
        raw = rows_path.read_bytes()
        groups_bytes = groups_path.stat().st_size
    except OSError:
        return None
    try:
        # One C call: it holds the GIL for ~0.2 s at 100,000 rows, but parsing in slices
        # so a UI thread can run between them made the whole open slower (measured).
        with gc_paused():  # millions of new objects: collections would find nothing
            data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    del raw
    if (
        not isinstance(data, dict)
        or data.get("format") != GROUP_ROWS_FORMAT
        or data.get("fields") != list(GROUP_ROW_FIELDS)
        or data.get("groups_bytes") != groups_bytes
        or not isinstance(data.get("rows"), list)
        or data.get("count") != len(data["rows"])
    ):
        return None
    count = data["count"]
    orders = data.get("orders") if data.get("sorts") == list(GROUP_SORTS) else None
    kept = {  # any order missing or not of this table is computed when asked for
        name: order
        for name, order in (orders.items() if isinstance(orders, dict) else ())
        if name in GROUP_SORTS and isinstance(order, list) and len(order) == count
    }
    return GroupTable(rows=data["rows"], orders=kept)


_TAIL = re.compile(rb'"count":(\d+),"groups_bytes":(\d+)}\s*$')


def rows_count(rows_path: Path, groups_path: Path) -> int | None:
    """How many rows ``rows_path`` holds when they are this aa-tui's and of ``groups_path``
    (read from the file's head and tail: a layer's root is checked before it is linked, not
    parsed); ``None`` when they are not."""
    head = b'{"format":%s,"fields":%s,' % (
        orjson.dumps(GROUP_ROWS_FORMAT),
        orjson.dumps(list(GROUP_ROW_FIELDS)),
    )
    try:
        with open(rows_path, "rb") as handle:
            if handle.read(len(head)) != head:
                return None
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - 200))
            tail = _TAIL.search(handle.read())
        groups_bytes = groups_path.stat().st_size
    except OSError:
        return None
    if tail is None or int(tail.group(2)) != groups_bytes:
        return None
    return int(tail.group(1))


def load_group_rows(folder: Path) -> GroupTable | None:
    """The group rows of the scan saved in ``folder``, in its groups' order; ``None`` when it
    has none usable (read every group instead). A layer's rows are merged, their sort orders
    left to be computed when asked for."""
    layer = read_group_layer(folder)
    if layer is None:
        return read_rows_file(folder / WHOLE_GROUP_ROWS, folder / WHOLE_GROUPS)
    root = read_rows_file(folder / ROOT_GROUP_ROWS, folder / ROOT_GROUPS)
    delta = read_rows_file(folder / DELTA_GROUP_ROWS, folder / DELTA_GROUPS)
    if root is None or delta is None or len(root.rows) != layer.root_groups:
        return None
    shift = (folder / ROOT_GROUPS).stat().st_size  # a delta row's offset follows the root's
    for row in delta.rows:
        row[OFFSET] += shift
    dropped = layer.dropped
    held = [r for r in root.rows if r[HASH] not in dropped] if dropped else root.rows
    rows = merged_in_order(held, delta.rows, row_order)
    if len(rows) != layer.count or len(delta.rows) != len(layer.delta):
        return None
    return GroupTable(rows=rows, orders={})


class GroupReader:
    """Reads groups of a scan's folder where their rows say. Groups read in order lie in
    order in each file: read in order (``ahead``), a window of each file is read at a time
    (a layer's reads go back and forth between its root's file and its delta's); one by one,
    only the group's bytes. A layer's delta offsets follow its root's file."""

    def __init__(self, folder: Path, *, ahead: bool = False) -> None:
        self._paths: list[tuple[int, Path]] = []  # (where the file starts, the file)
        if is_group_layer(folder):
            shift = (folder / ROOT_GROUPS).stat().st_size
            self._paths = [(0, folder / ROOT_GROUPS), (shift, folder / DELTA_GROUPS)]
        else:
            self._paths = [(0, folder / WHOLE_GROUPS)]
        self._ahead = WINDOW if ahead else 0
        self._handles: dict[int, int] = {}
        #: each file's window: where it starts in the file, and its bytes
        self._windows: dict[int, tuple[int, bytes]] = {}

    def read(self, offset: int, length: int) -> bytes:
        """``length`` bytes at ``offset`` (of the files as one)."""
        number = len(self._paths) - 1
        while number and self._paths[number][0] > offset:
            number -= 1
        start, path = self._paths[number]
        at = offset - start
        window_at, window = self._windows.get(number, (0, b""))
        begin = at - window_at
        if begin < 0 or begin + length > len(window):
            handle = self._handles.get(number)
            if handle is None:
                handle = self._handles[number] = os.open(path, os.O_RDONLY)
            window = os.pread(handle, max(length, self._ahead), at)
            self._windows[number] = (at, window)
            begin = 0
        return window[begin : begin + length]

    def group(self, row: Sequence[Any]) -> dict[str, Any] | None:
        """The group ``row`` describes; ``None`` when its bytes are not that group."""
        try:
            group = orjson.loads(self.read(row[OFFSET], row[LENGTH]))
        except (OSError, ValueError, TypeError):
            return None
        return group if isinstance(group, dict) and group.get("hash") == row[HASH] else None

    def close(self) -> None:
        for handle in self._handles.values():
            os.close(handle)
        self._handles.clear()

    def __enter__(self) -> GroupReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def iter_groups_by_rows(folder: Path, rows: Sequence[Sequence[Any]]) -> Iterator[dict[str, Any]]:
    """Every group ``rows`` describe, in their order, read one at a time; a
    :class:`ValueError` when one is not where its row says."""
    with GroupReader(folder, ahead=True) as reader:
        for row in rows:
            group = reader.group(row)
            if group is None:
                raise ValueError(f"group {row[HASH]} is not where its row says")
            yield group
