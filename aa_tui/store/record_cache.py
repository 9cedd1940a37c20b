"""A whole scan's records as Python's ``marshal`` writes them (``records.marshal``), read back by
the next rescan of its site as its base: 0.9 s at 531,000 files, against 2.3 s from its file
table, whose JSON parse alone made ~6 million objects.

Only a cache: it mirrors the file table (``files.json``) it was written beside and names that
file's size, time and inode; when they differ (the table was written anew), or the file is not
whole, not this Python's ``marshal`` or not these fields, it is not used and the table is read.
Each chunk carries its SHA-256, checked before it is loaded: that finds a damaged file, not a
forged one (whoever can write the data folder can write both). ``marshal`` is for trusted data
only, as ``.pyc`` files are: these are files aa-tui wrote in its own data folder (0700, each
file 0600), which must be trusted as the rest of the store is. A layer links its root's cache
(``root.records.marshal``) beside its root's table.

Layout: one JSON line (format, marshal version, this Python's cache tag, the record fields),
then chunks (8-byte length, 32-byte SHA-256, a marshalled list of field tuples), then an
8-byte zero length, and the count of records and the table's stamp as JSON, padded
to :data:`_TAIL` bytes (read first: a cache of another table is never loaded).
"""

from __future__ import annotations

import hashlib
import marshal
import operator
import os
import sys
from collections.abc import Callable
from itertools import starmap
from pathlib import Path
from typing import BinaryIO

import orjson

from aa_tui.model.records import AttachmentRecord
from aa_tui.store.atomic import atomic_writer
from aa_tui.store.file_rows import read_table_records
from aa_tui.store.layer import (
    DELTA_FILES,
    LAYER,
    ROOT_CACHE,
    ROOT_FILES,
    WHOLE_CACHE,
    WHOLE_FILES,
    read_layer,
)

CACHE_FORMAT = "aa-tui.record-cache/1"
#: records a chunk: its tuples are what a read holds at once beside the records (~1.4 MB)
CHUNK = 8192
_FIELDS = tuple(AttachmentRecord.__dataclass_fields__)
_fields_of = operator.attrgetter(*_FIELDS)
_LENGTH = 8
_TAIL = 128


def _head() -> bytes:
    return orjson.dumps(
        {
            "format": CACHE_FORMAT,
            "marshal": marshal.version,
            "python": sys.implementation.cache_tag,
            "fields": list(_FIELDS),
        }
    )


def _stamp(table: Path) -> list[int]:
    """What names ``table`` as it is now: its size, modification time and inode (a hard link
    shares them; a table written anew, by replacing it, has another inode, even where times
    are coarse; a copied store reads its tables, not the copies' caches)."""
    stat = table.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


class RecordCacheWriter:
    """Writes ``records.marshal`` in ``folder`` as records are :meth:`add`-ed, in their order;
    in place once :meth:`bind` names the finished table it mirrors. Never fails the save it
    serves: a write that fails, or a record ``marshal`` cannot write, leaves no cache (the
    table is read then)."""

    def __init__(self, folder: Path) -> None:
        self._context = atomic_writer(folder / WHOLE_CACHE)
        self._handle: BinaryIO | None = None
        self._pending: list[tuple[object, ...]] = []
        self._count = 0
        try:
            self._handle = self._context.__enter__()
            self._handle.write(_head() + b"\n")
        except Exception:  # noqa: BLE001 - a cache: never the save's failure
            self._abandon()

    def add(self, record: AttachmentRecord) -> None:
        if self._handle is None:
            return
        self._pending.append(_fields_of(record))
        if len(self._pending) == CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._handle is None or not self._pending:
            return
        try:
            blob = marshal.dumps(self._pending)
            self._count += len(self._pending)
            self._pending.clear()
            self._handle.write(len(blob).to_bytes(_LENGTH, "little"))
            self._handle.write(hashlib.sha256(blob).digest() + blob)
        except Exception:  # noqa: BLE001 - a cache: never the save's failure
            self._abandon()

    def bind(self, table: Path) -> None:
        """Finish the cache as the mirror of ``table`` (written whole by now) and put it in
        place."""
        self._flush()
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            handle.write(bytes(_LENGTH))
            tail = orjson.dumps({"count": self._count, "table": _stamp(table)})
            handle.write(tail.ljust(_TAIL))
            self._context.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - a cache: never the save's failure
            self._handle = handle
            self._abandon()

    def close(self) -> None:
        """Drop a cache not bound (the save failed): no file is left."""
        self._abandon()

    def _abandon(self) -> None:
        handle, self._handle = self._handle, None
        self._pending.clear()
        if handle is not None:
            try:
                self._context.__exit__(OSError, OSError("abandoned"), None)
            except Exception:  # noqa: BLE001, S110 - the temp file is gone, or a resume's sweep takes it
                pass


def cache_of(folder: Path) -> tuple[Path, Path] | None:
    """The cache that mirrors the whole records ``folder``'s scan holds or links, and the
    table it mirrors: its own, or (a layer) its root's; ``None`` without one."""
    if (folder / LAYER).exists():
        pair = (folder / ROOT_CACHE, folder / ROOT_FILES)
    else:
        pair = (folder / WHOLE_CACHE, folder / WHOLE_FILES)
    return pair if pair[0].exists() else None


def link_cache(base_folder: Path, folder: Path) -> None:
    """Hard-link the cache of ``base_folder``'s whole records (its own, or its root's) into
    ``folder``, a layer on the same root (none when there is none, or links are refused)."""
    target = folder / ROOT_CACHE
    target.unlink(missing_ok=True)
    found = cache_of(base_folder)
    if found is not None:
        try:
            os.link(found[0], target)
        except OSError:
            pass


def read_cached_records(
    folder: Path,
    own: Callable[[str], str | None],
    take: Callable[[list[AttachmentRecord]], None],
) -> int | None:
    """Give ``take``, a chunk at a time, the records of the scan saved in ``folder`` on the
    issues ``own`` names (``own(issue id)``: the text its records hold as that id; ``None``:
    none of its files), as :func:`~aa_tui.store.file_rows.read_file_records` does: its whole
    records from its cache (a layer: its root's, but those it dropped, then its delta's from
    their table). The records of every issue; ``None`` when there is no usable cache (some
    may have been given already: the caller starts again)."""
    found = cache_of(folder)
    if found is None:
        return None
    cache, table = found
    layer = None
    if cache.name == ROOT_CACHE:
        layer = read_layer(folder)
        if layer is None:  # (gone since)
            return None
    dropped = layer.dropped if layer is not None else frozenset()
    seen = _read_cache(cache, table, dropped, own, take)
    if seen is None or layer is None:
        return seen
    delta = read_table_records(folder / DELTA_FILES, own, take)
    return None if delta is None else seen + delta


def _read_cache(
    path: Path,
    table: Path,
    dropped: frozenset[str],
    own: Callable[[str], str | None],
    take: Callable[[list[AttachmentRecord]], None],
) -> int | None:
    try:
        with open(path, "rb") as handle:
            if handle.readline().rstrip(b"\n") != _head():
                return None
            body = handle.tell()
            end = handle.seek(-_TAIL, os.SEEK_END)  # where the chunks must end
            tail = orjson.loads(handle.read())
            if not isinstance(tail, dict) or tail.get("table") != _stamp(table):
                return None
            handle.seek(body)
            seen = count = 0
            last: str | None = None
            its: str | None = None
            while size := int.from_bytes(_exactly(handle, _LENGTH), "little"):
                if size > end - handle.tell() - 32:  # a damaged length: never read as one
                    return None
                digest = _exactly(handle, 32)
                blob = _exactly(handle, size)
                if hashlib.sha256(blob).digest() != digest:
                    return None
                rows = marshal.loads(blob)
                count += len(rows)
                records = []
                for record in starmap(AttachmentRecord, rows):
                    if record.attachment_id in dropped:
                        continue
                    seen += 1
                    if record.issue_id != last:  # an issue's files lie together
                        last = record.issue_id
                        its = own(last)
                    if its is not None:
                        record.issue_id = its
                        records.append(record)
                take(records)
            if count != tail.get("count") or len(handle.read()) != _TAIL:
                return None
    except (OSError, EOFError, ValueError, TypeError, OverflowError, MemoryError):
        return None  # (orjson's JSONDecodeError is a ValueError)
    return seen


def _exactly(handle: BinaryIO, size: int) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise EOFError("the cache ends early")
    return data
