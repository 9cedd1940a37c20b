"""A scan's file table (``files.json``): every file as one short list, what insight lists open.

Written before the summary (a scan whose summary exists is whole); a scan saved by an older
aa-tui has none, and its table is rebuilt from ``attachments.json`` and ``groups.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from aa_tui.memory import gc_paused
from aa_tui.model.file_table import FileTable
from aa_tui.model.insights import FileRow
from aa_tui.store.atomic import read_json_file, write_atomic

FILE_ROWS = "files.json"
FILE_ROWS_FORMAT = "aa-tui.file-table/1"
_SLICE = 5000


def _chunks(table: FileTable) -> Iterator[bytes]:
    yield b'{"format":%s,"mimes":%s,"people":%s,"issues":%s,"rows":[' % (
        orjson.dumps(FILE_ROWS_FORMAT),
        orjson.dumps(table.mimes),
        orjson.dumps(table.people),
        orjson.dumps(table.issues),
    )
    rows = table.rows
    for start in range(0, len(rows), _SLICE):
        yield (b"," if start else b"") + orjson.dumps(rows[start : start + _SLICE])[1:-1]
    yield b"]}"


def write_file_rows(folder: Path, table: FileTable) -> None:
    """Write ``files.json`` in ``folder`` atomically, a slice of rows at a time."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(folder / FILE_ROWS, _chunks(table))


def read_file_rows(folder: Path) -> FileTable | None:
    """The saved table, or ``None`` when there is none (an older scan), or it is of another
    format or damaged (callers rebuild it)."""
    path = folder / FILE_ROWS
    if not path.exists():
        return None
    try:
        with gc_paused():
            data = read_json_file(path)
            if not isinstance(data, dict) or data.get("format") != FILE_ROWS_FORMAT:
                return None
            return FileTable(
                rows=data["rows"], issues=data["issues"], people=data["people"], mimes=data["mimes"]
            )
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
        return None


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
    return FileTable.of(_saved_files(attachments, member))


def _saved_files(
    attachments: Iterable[dict[str, Any]], member: dict[str, tuple[str, bool]]
) -> Iterator[FileRow]:
    for a in attachments:
        aid = str(a.get("attachment_id") or "")
        digest, is_copy = member.get(aid, ("", False))
        active = a.get("author_active")
        yield FileRow(
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
