"""A scan's file table (``files.json``): every file as one short list, what insight lists open.

Written before the summary (a scan whose summary exists is whole); a scan saved by an older
aa-tui has none, and its table is rebuilt from ``attachments.json`` and ``groups.json``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import chain, islice
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from aa_tui.memory import gc_paused
from aa_tui.model.file_table import (
    AID,
    CREATED,
    I_CATEGORY,
    I_ID,
    I_KEY,
    I_PROJECT,
    I_STATUS,
    I_UPDATED,
    ISSUE,
    MIME,
    NAME,
    P_ACTIVE,
    P_ID,
    P_NAME,
    PERSON,
    SIZE,
    FileTable,
)
from aa_tui.model.insights import FileRow
from aa_tui.model.records import AttachmentRecord
from aa_tui.store.atomic import atomic_writer, read_json_file, write_atomic
from aa_tui.store.layer import (
    DELTA_FILES,
    ROOT_FILES,
    WHOLE_FILES,
    Layer,
    merged_table,
    read_layer,
)

FILE_ROWS = WHOLE_FILES
FILE_ROWS_FORMAT = "aa-tui.file-table/1"
_LINE_SLICE = 200
_BLOCK = 4 << 20  # bytes read at a time
#: a spill's rows read back at a time: orjson's parse of a block takes ~8 times its size
_SPILL_BLOCK = 512 << 10


_ISSUES_OPEN = b'"issues":[\n'
_ROWS_OPEN = b'],"rows":[\n'
_END = b"\n]}"


def _lines(items: Iterable[list[Any]]) -> Iterator[bytes]:
    """``items`` one a line (JSON strings hold no raw newline), a slice of lines a chunk."""
    # Each orjson result keeps its whole 4 KB output buffer until joined: short slices.
    at = iter(items)
    first = True
    while part := list(islice(at, _LINE_SLICE)):
        yield _joined(part, first)
        first = False


def _joined(part: list[list[Any]], first: bool) -> bytes:
    return (b"" if first else b",\n") + b",\n".join(map(orjson.dumps, part))


def _head(table: FileTable) -> Iterator[bytes]:
    """The table up to its first row: one issue and one file a line make the same JSON
    document (a newline is white space), which read_file_rows parses a slice of lines at a
    time."""
    yield (
        b'{"format":%s,"mimes":%s,"people":%s,'
        % (
            orjson.dumps(FILE_ROWS_FORMAT),
            orjson.dumps(table.mimes),
            orjson.dumps(table.people),
        )
        + _ISSUES_OPEN
    )
    yield from _lines(table.issues)
    yield b"\n" + _ROWS_OPEN


def write_file_rows(folder: Path, table: FileTable, name: str = FILE_ROWS) -> None:
    """Write ``files.json`` (or ``name``) in ``folder`` atomically, a slice of rows at a
    time."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(folder / name, chain(_head(table), _lines(table.rows), (_END,)))


class RowSpill:
    """A file table's rows written to an unnamed temporary file in ``folder`` as they are
    made (:meth:`add`), read back a few megabytes at a time (:meth:`rows`), and written out
    as ``files.json`` behind the table's head once the table is whole (:meth:`write`): the
    head (issues, people, file types) is only known after the last row, and the rows of a
    scan are not held meanwhile. The same bytes as :func:`write_file_rows`."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder = folder
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed by __exit__
        self._part: list[list[Any]] = []
        self._first = True

    def __enter__(self) -> RowSpill:
        return self

    def __exit__(self, *_: object) -> None:
        self._file.close()

    def add(self, row: list[Any]) -> None:
        self._part.append(row)
        if len(self._part) == _LINE_SLICE:
            self._flush()

    def _flush(self) -> None:
        if self._part:
            self._file.write(_joined(self._part, self._first))
            self._part.clear()
            self._first = False

    def rows(self) -> Iterator[list[Any]]:
        """The rows added, in order (each an equal new list)."""
        self._flush()
        self._file.seek(0)
        data = b""
        while block := self._file.read(_SPILL_BLOCK):
            data += block
            cut = data.rfind(b",\n")  # a row's JSON holds no raw newline
            if cut >= 0:
                yield from orjson.loads(b"[" + data[:cut] + b"]")
                data = data[cut + 2 :]
        if data:
            yield from orjson.loads(b"[" + data + b"]")

    def write(self, table: FileTable) -> None:
        """``files.json``: ``table``'s head (it holds no rows), then the rows added."""
        self._flush()
        self._file.seek(0)
        with atomic_writer(self.folder / FILE_ROWS) as handle:
            for chunk in _head(table):
                handle.write(chunk)
            shutil.copyfileobj(self._file, handle, _BLOCK)
            handle.write(_END)


def read_file_rows(folder: Path) -> FileTable | None:
    """The saved table, or ``None`` when there is none (an older scan), or it is of another
    format or damaged (callers rebuild it)."""
    path = folder / FILE_ROWS
    if not path.exists():  # a layer's until its first reader saved it merged (an older scan)
        layer = read_layer(folder)
        return None if layer is None else _layer_rows(folder, layer)
    try:
        with gc_paused():
            table = _read_lines(path)
            if table is not None:
                return table
            data = read_json_file(path)  # a table written on one line, by an older aa-tui
            if not isinstance(data, dict) or data.get("format") != FILE_ROWS_FORMAT:
                return None
            return FileTable(
                rows=data["rows"], issues=data["issues"], people=data["people"], mimes=data["mimes"]
            )
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
        return None


def _layer_rows(folder: Path, layer: Layer) -> FileTable | None:
    """A layer's table: its root's and its delta's merged (``None`` when either cannot be
    read: callers rebuild it from the attachments and groups, which the store merges), then
    saved as the layer's own ``files.json`` (a layer never changes): every later reader reads
    it as a whole scan's (0.75 s at 531,000 files, not 1.43 s), at ~80 MB of disk for a
    rescan somebody opened."""
    try:
        with gc_paused():
            root = _read_lines(folder / ROOT_FILES)
            delta = _read_lines(folder / DELTA_FILES)
            if root is None or delta is None:
                return None
            table = merged_table(root, layer, delta)
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
        return None
    try:
        write_file_rows(folder, table)
    except OSError:  # a store it cannot write to: merged again next time
        pass
    return table


def _read_lines(path: Path) -> FileTable | None:
    """A table written one item a line, parsed a few megabytes of lines at a time:
    ``orjson.loads`` of the whole (80 MB at 531,000 files) builds a parse tree of twice that
    beside it. Texts that many issues share (project, status, category) are kept once. ``None`` when the file is not laid out so."""
    with open(path, "rb") as handle:
        header = _read_head(handle)
        if header is None:
            return None
        share = _Shared()
        issues, rest = _read_items(handle, b"", b"\n" + _ROWS_OPEN, share.issues)
        rows, rest = _read_items(handle, rest, b"\n]}", share.rows)
    if rest.strip():
        raise ValueError("more after the table")
    return FileTable(rows=rows, issues=issues, people=header["people"], mimes=header["mimes"])


def _read_head(handle: BinaryIO) -> dict[str, Any] | None:
    """A table's first line (its format, uploaders and file types), up to its issues;
    ``None`` when it is not a table laid out one item a line."""
    head = handle.readline()
    if not head.endswith(_ISSUES_OPEN):
        return None
    header = orjson.loads(head[: -len(_ISSUES_OPEN) - 1] + b"}")
    if not isinstance(header, dict) or header.get("format") != FILE_ROWS_FORMAT:
        return None
    return header


class _Shared:
    """One object per text that many items repeat (a loop per column: no call per item)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def issues(self, items: list[list[Any]]) -> None:
        keep = self.texts.setdefault
        for item in items:
            project, status, category = item[I_PROJECT], item[I_STATUS], item[I_CATEGORY]
            item[I_PROJECT] = keep(project, project)
            item[I_STATUS] = keep(status, status)
            item[I_CATEGORY] = keep(category, category)

    @staticmethod
    def rows(items: list[list[Any]]) -> None:
        """Files' texts are left as read: a group's hash repeats only across its copies (~18
        MB at 531,000 files), not worth a pass over every file when a list first opens."""


def _read_items(
    handle: BinaryIO, data: bytes, end: bytes, share: Callable[[list[list[Any]]], None]
) -> tuple[list[list[Any]], bytes]:
    """The items up to ``end`` (``data``: what was read past the last section), their shared
    texts kept once by ``share``, and what follows ``end``."""
    items: list[list[Any]] = []

    def keep(loaded: list[list[Any]]) -> None:
        share(loaded)
        items.extend(loaded)

    return items, _each_slice(handle, data, end, keep)


def _each_slice(
    handle: BinaryIO, data: bytes, end: bytes, take: Callable[[list[list[Any]]], None]
) -> bytes:
    """Give ``take`` the items up to ``end`` a slice at a time (``data``: what was read past
    the last section); what follows ``end``."""

    def parse(part: bytes) -> None:
        if part:
            take(orjson.loads(b"[" + part + b"]"))

    while True:
        found = data.find(end)
        if found >= 0:
            parse(data[:found])
            return data[found + len(end) :]
        cut = data.rfind(b",\n")
        if cut >= 0:
            parse(data[:cut])
            data = data[cut + 2 :]
        block = handle.read(_BLOCK)
        if not block:
            raise ValueError("the file ends early")
        data += block


def read_file_records(
    folder: Path,
    own: Callable[[str], str | None],
    take: Callable[[list[AttachmentRecord]], None],
) -> int | None:
    """Give ``take``, a slice at a time, the records of the scan saved in ``folder`` on the
    issues ``own`` names (``own(issue id)``: the text its records hold as that id; ``None``:
    none of its files), read from its file table, not its attachments: a third of the bytes,
    and each issue's, uploader's and file type's fields parsed once, not once a file.
    ``None``, and none given, when the table cannot give them (saved by an older aa-tui,
    without issue ids; or unreadable): read the attachments then. The rows read (of every
    issue; a layer's: its root's it holds, and its delta's)."""
    try:
        layer = None if (folder / FILE_ROWS).exists() else read_layer(folder)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    names = [FILE_ROWS] if layer is None else [ROOT_FILES, DELTA_FILES]
    dropped = layer.dropped if layer is not None else frozenset()
    return _read_tables([folder / name for name in names], dropped, own, take)


def read_table_records(
    path: Path,
    own: Callable[[str], str | None],
    take: Callable[[list[AttachmentRecord]], None],
) -> int | None:
    """As :func:`read_file_records`, of the one table at ``path`` (a layer's delta)."""
    return _read_tables([path], frozenset(), own, take)


def _read_tables(
    paths: list[Path],
    dropped: frozenset[str],
    own: Callable[[str], str | None],
    take: Callable[[list[AttachmentRecord]], None],
) -> int | None:
    """The records of the tables at ``paths`` (``dropped``: of the first) given to ``take``
    (see :func:`read_file_records`)."""
    try:
        with ExitStack() as files:
            tables = []
            for path in paths:
                handle = files.enter_context(open(path, "rb"))  # noqa: SIM115
                opened = _open_table(handle, own)
                if opened is None:
                    return None
                tables.append((handle, opened))
            seen = 0
            for n, (handle, files_of) in enumerate(tables):
                files_of.dropped = dropped if n == 0 else frozenset()  # (the root's)
                files_of.take = take
                _each_slice(handle, files_of.rest, _END, files_of)
                seen += files_of.seen
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return seen


def _open_table(handle: BinaryIO, own: Callable[[str], str | None]) -> _FileRecords | None:
    """A table's head and issues read (each issue's fields a column: no list kept per issue,
    ~95 MB at 332,000 issues), ready for its rows; ``None`` when an issue has no id."""
    header = _read_head(handle)
    if header is None:
        return None
    files = _FileRecords(header["people"], header["mimes"])
    rest = _each_slice(
        handle, b"", b"\n" + _ROWS_OPEN, lambda issues: files.add_issues(issues, own)
    )
    if not files.issues_ok:
        return None
    files.rest = rest
    return files


class _FileRecords:
    """One table's issues as columns, and records of its rows."""

    def __init__(self, people: list[list[Any]], mimes: list[str]) -> None:
        self.people, self.mimes = people, mimes
        self.dropped: frozenset[str] = frozenset()
        self.take: Callable[[list[AttachmentRecord]], None] = lambda records: None
        self.ids: list[str | None] = []  # the text each issue's records hold as its id
        self.keys: list[str] = []
        self.projects: list[str] = []
        self.statuses: list[str] = []
        self.categories: list[str] = []
        self.updated: list[str] = []
        self.issues_ok = True
        self.rest = b""  # read past the issues
        self.seen = 0  # rows but those dropped
        self._shared = _Shared()

    def add_issues(self, issues: list[list[Any]], own: Callable[[str], str | None]) -> None:
        if any(len(issue) <= I_ID for issue in issues):
            self.issues_ok = False
            return
        self._shared.issues(issues)  # one object per project, status and category
        for issue in issues:
            self.ids.append(own(issue[I_ID]))
            self.keys.append(issue[I_KEY])
            self.projects.append(issue[I_PROJECT])
            self.statuses.append(issue[I_STATUS])
            self.categories.append(issue[I_CATEGORY])
            self.updated.append(issue[I_UPDATED])

    def __call__(self, rows: list[list[Any]]) -> None:
        self.take(self.records(rows))

    def records(self, rows: list[list[Any]]) -> list[AttachmentRecord]:
        ids, people, mimes, dropped = self.ids, self.people, self.mimes, self.dropped
        records = []
        for r in rows:
            if r[AID] in dropped:
                continue
            self.seen += 1
            i = r[ISSUE]
            issue_id = ids[i]
            if issue_id is None:
                continue
            person = people[r[PERSON]]
            records.append(
                AttachmentRecord(
                    r[AID],
                    issue_id,
                    self.keys[i],
                    self.projects[i],
                    r[NAME],
                    r[SIZE],
                    mimes[r[MIME]],
                    person[P_NAME],
                    r[CREATED],
                    self.statuses[i],
                    self.categories[i],
                    self.updated[i],
                    person[P_ID],
                    person[P_ACTIVE],
                )
            )
        return records


def rows_from_saved(
    attachments: Iterable[dict[str, Any]], groups: Iterable[dict[str, Any]]
) -> FileTable:
    """The file table of a scan saved without one (report-format groups, attachment dicts)."""
    member: dict[str, tuple[str, bool]] = {}
    for group in groups:
        for loc in group.get("locations") or ():
            member[str(loc.get("attachment_id"))] = (
                str(group.get("hash") or ""),
                not loc.get("is_canonical"),
            )
    table = FileTable()
    for file, issue_id in _saved_files(attachments, member):
        table.add_file(file, issue_id)
    return table.seal()


def _saved_files(
    attachments: Iterable[dict[str, Any]], member: dict[str, tuple[str, bool]]
) -> Iterator[tuple[FileRow, str]]:
    for a in attachments:
        aid = str(a.get("attachment_id") or "")
        digest, is_copy = member.get(aid, ("", False))
        active = a.get("author_active")
        file = FileRow(
            aid,
            str(a.get("issue_key") or ""),
            str(a.get("project_key") or ""),
            str(a.get("file_name") or ""),
            int(a.get("size") or 0),
            str(a.get("mime_type") or ""),
            str(a.get("author") or ""),
            str(a.get("author_id") or ""),
            active if isinstance(active, bool) else None,
            str(a.get("created") or ""),
            str(a.get("status") or ""),
            str(a.get("status_category") or ""),
            str(a.get("issue_updated") or ""),
            digest,
            is_copy,
        )
        yield file, str(a.get("issue_id") or "")
