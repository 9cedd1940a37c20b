"""A scan's file rows (``files.json``): every file as one short list, what insight lists open.

Written before the summary (a scan whose summary exists is whole); a scan saved by an older
aa-tui has none, and its rows are rebuilt from ``attachments.json`` and ``groups.json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from aa_tui.memory import gc_paused
from aa_tui.model.insights import FILE_ROW_FIELDS, FileRow
from aa_tui.store.atomic import read_json_file, write_atomic

FILE_ROWS = "files.json"
FILE_ROWS_FORMAT = "aa-tui.file-rows/1"
_SLICE = 5000


def _chunks(rows: Iterable[FileRow]) -> Iterator[bytes]:
    yield b'{"format":%s,"fields":%s,"rows":[' % (
        orjson.dumps(FILE_ROWS_FORMAT),
        orjson.dumps(list(FILE_ROW_FIELDS)),
    )
    first = True
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row.to_row())
        if len(batch) == _SLICE:
            yield (b"" if first else b",") + orjson.dumps(batch)[1:-1]
            first = False
            batch.clear()
    if batch:
        yield (b"" if first else b",") + orjson.dumps(batch)[1:-1]
    yield b"]}"


def write_file_rows(folder: Path, rows: Iterable[FileRow]) -> None:
    """Write ``files.json`` in ``folder`` atomically, a slice of rows at a time."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(folder / FILE_ROWS, _chunks(rows))


def read_file_rows(folder: Path) -> list[FileRow] | None:
    """The saved rows, or ``None`` when there are none (an older scan) or they are of
    another format or damaged (callers rebuild them)."""
    path = folder / FILE_ROWS
    if not path.exists():
        return None
    try:
        with gc_paused():
            data = read_json_file(path)
            if not isinstance(data, dict) or data.get("format") != FILE_ROWS_FORMAT:
                return None
            if data.get("fields") != list(FILE_ROW_FIELDS):
                return None
            return [FileRow(*row) for row in data.get("rows") or ()]
    except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
        return None


def rows_from_saved(
    attachments: Iterable[dict[str, Any]], groups: Iterable[dict[str, Any]]
) -> list[FileRow]:
    """File rows of a scan saved without them (report-format groups and attachment dicts)."""
    member: dict[str, tuple[str, bool]] = {}
    for group in groups:
        for loc in group.get("locations") or ():
            member[str(loc.get("attachment_id"))] = (
                str(group.get("hash") or ""),
                not loc.get("is_canonical"),
            )
    out = []
    for a in attachments:
        aid = str(a.get("attachment_id") or "")
        digest, is_copy = member.get(aid, ("", False))
        active = a.get("author_active")
        out.append(
            FileRow(
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
        )
    return out
