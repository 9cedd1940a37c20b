"""Writing a scan's files: a TinyDB-layout table streamed a slice at a time, and the short
group rows (with their sort orders) collected while groups.json is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from aa_tui.memory import gc_paused
from aa_tui.model.group_rows import GROUP_ROW_FIELDS, GROUP_SORTS, group_row, sort_orders
from aa_tui.store.atomic import write_atomic

_WRITE_SLICE = 2000


_TABLE_HEAD = b'{"_default":{'


@dataclass
class SavedGroup:
    """A duplicate group as an earlier scan saved it: its JSON object in that scan's
    ``groups.json`` and its group row (``row``: up to its offset and length, which are the
    new file's; ``head``: its first five fields), written again as they are."""

    raw: bytes
    row: bytes
    head: tuple[Any, ...]


def _table_chunks(
    rows: Iterable[dict[str, Any] | SavedGroup],
    on_row: Callable[[dict[str, Any] | SavedGroup, int, int], None] | None = None,
) -> Iterable[bytes]:
    """``{"_default": {"1": row, ...}}`` in slices; ``on_row(row, offset, length)`` learns
    where each row's JSON object lies in the file. A :class:`SavedGroup` is its saved
    bytes."""
    if on_row is None:
        yield from _whole_slices(rows)
        return
    yield _TABLE_HEAD
    at = len(_TABLE_HEAD)
    number = 0
    parts: list[bytes] = []
    for row in rows:
        number += 1
        encoded = row.raw if isinstance(row, SavedGroup) else orjson.dumps(row)
        label = b'"%d":' % number
        if on_row is not None:
            sep = 1 if number > 1 else 0  # the comma before every row but the first
            on_row(row, at + sep + len(label), len(encoded))
            at += sep + len(label) + len(encoded)
        parts.append(label + encoded)
        if len(parts) == _WRITE_SLICE:
            yield (b"," if number > _WRITE_SLICE else b"") + b",".join(parts)
            parts.clear()
    if parts:
        yield (b"," if number > len(parts) else b"") + b",".join(parts)
    yield b"}}"


def _whole_slices(rows: Iterable[Any]) -> Iterable[bytes]:
    """The same bytes as :func:`_table_chunks` without ``on_row``, one orjson call a slice
    (its rows under their numbers, the braces cut), not one a row: 531,473 attachments were
    ~1.5 s of per-row Python."""
    yield _TABLE_HEAD
    number = 0
    rows = iter(rows)
    while part := list(islice(rows, _WRITE_SLICE)):
        numbered = dict(zip(range(number + 1, number + 1 + len(part)), part, strict=True))
        body = orjson.dumps(numbered, option=orjson.OPT_NON_STR_KEYS)
        yield (b"," if number else b"") + body[1:-1]
        number += len(part)
    yield b"}}"


def write_table_atomic(
    path: Path,
    rows: Iterable[dict[str, Any]] | Iterable[dict[str, Any] | SavedGroup],
    on_row: Callable[[dict[str, Any] | SavedGroup, int, int], None] | None = None,
) -> None:
    """Stream ``{"_default": {"1": row, ...}}`` to ``path`` atomically (temp, fsync, rename)."""
    write_atomic(path, _table_chunks(rows, on_row))


def write_groups(
    path: Path, rows_path: Path, groups: Iterable[dict[str, Any] | SavedGroup]
) -> None:
    """Write ``groups`` to ``path`` and their rows (:class:`RowCollector`) to ``rows_path``,
    each atomically."""
    # The rows describe one groups file: drop the old ones first, so a crash between the two
    # writes leaves no rows rather than rows of other groups (readers fall back).
    rows_path.unlink(missing_ok=True)
    collector = RowCollector()
    # a million short-lived lists: collections would walk every group kept
    with gc_paused():
        try:
            write_table_atomic(path, groups, on_row=collector)
            if collector.ok:
                write_atomic(rows_path, collector.chunks(path.stat().st_size))
        finally:
            collector.clear()


# -- group rows: what the TUI's list of duplicate groups needs, without the locations ----------
GROUP_ROWS_FORMAT = "aa-tui.group-rows/1"
_ROWS_HEAD = b'{"format":%s,"fields":%s,"sorts":%s,"rows":['


class RowCollector:
    """Encodes each group's row as groups.json is written (a few hundred bytes a group) and
    keeps what the sort orders need."""

    def __init__(self) -> None:
        self.slices: list[bytes] = []  # rows joined by commas, _WRITE_SLICE at a time
        self.pending: list[bytes] = []
        self.heads: list[tuple[Any, ...]] = []  # the first five fields, for the sort orders
        self.ok = True

    def __call__(self, group: dict[str, Any] | SavedGroup, offset: int, length: int) -> None:
        if not self.ok:
            return
        if isinstance(group, SavedGroup):
            self.pending.append(group.row + b"%d,%d]" % (offset, length))
            self.heads.append(group.head)
            self._next_slice()
            return
        try:
            row = group_row(group, offset, length)
            # orjson's bytes keep their whole output buffer (4 KB for a 250-byte row): joining
            # a slice copies them into one exact-sized object and frees them.
            self.pending.append(orjson.dumps(row))
            self.heads.append(tuple(row[:5]))
        except (KeyError, TypeError, AttributeError):  # not report-format groups: no rows
            self.ok = False
            self.clear()
            return
        self._next_slice()

    def _next_slice(self) -> None:
        if len(self.pending) == _WRITE_SLICE:
            self.slices.append(b",\n".join(self.pending))
            self.pending.clear()

    def clear(self) -> None:
        self.slices.clear()
        self.pending.clear()
        self.heads.clear()

    def chunks(self, groups_bytes: int) -> Iterable[bytes]:
        """One JSON document, laid out one row a line."""
        if self.pending:
            self.slices.append(b",\n".join(self.pending))
            self.pending.clear()
        yield _ROWS_HEAD % (
            orjson.dumps(GROUP_ROWS_FORMAT),
            orjson.dumps(GROUP_ROW_FIELDS),
            orjson.dumps(list(GROUP_SORTS)),
        )
        for number, part in enumerate(self.slices):
            yield (b",\n" if number else b"\n") + part
        yield b'\n],"orders":%s,"count":%d,"groups_bytes":%d}' % (
            orjson.dumps(sort_orders(self.heads)),
            len(self.heads),
            groups_bytes,
        )
