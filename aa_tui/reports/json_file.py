"""The report as one JSON object (format ``aa-tui.report/2``, see :mod:`aa_tui.reports`),
written as a stream: its long tables (:class:`~aa_tui.reports.rows.Rows`) are encoded a row at
a time, to the same bytes as ``orjson.dumps(report, option=OPT_INDENT_2)`` of the whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from aa_tui.reports.rows import Rows
from aa_tui.store.atomic import write_atomic

_INDENT = orjson.OPT_INDENT_2
_SLICE = 1 << 20  # bytes gathered before a chunk goes to the file


def full_report(summary: dict[str, Any], groups: list[dict[str, Any]] | Rows) -> dict[str, Any]:
    """The whole report: a saved summary and the scan's duplicate groups."""
    report = dict(summary)
    report["duplicate_groups"] = groups
    return report


def _nested(value: Any, depth: int) -> bytes:
    """``value`` as orjson indents it ``depth`` levels down (after its first line)."""
    return orjson.dumps(value, option=_INDENT).replace(b"\n", b"\n" + b"  " * depth)


def _rows(rows: Iterable[Any]) -> Iterator[bytes]:
    """A list one level down, its items two levels down, as orjson lays it out."""
    items = iter(rows)
    first = next(items, None)
    if first is None:
        yield b"[]"
        return
    yield b"[\n    " + _nested(first, 2)
    for item in items:
        yield b",\n    " + _nested(item, 2)
    yield b"\n  ]"


def report_chunks(report: dict[str, Any]) -> Iterator[bytes]:
    """The report's JSON in chunks of about a megabyte."""
    if not report:
        yield b"{}"
        return
    pending: list[bytes] = []
    size = 0
    for number, (key, value) in enumerate(report.items()):
        head = b"{\n  " if number == 0 else b",\n  "
        parts = _rows(value) if isinstance(value, Rows) else (_nested(value, 1),)
        pending.append(head + orjson.dumps(key) + b": ")
        for part in parts:
            pending.append(part)
            size += len(part)
            if size >= _SLICE:
                yield b"".join(pending)
                pending.clear()
                size = 0
    pending.append(b"\n}")
    yield b"".join(pending)


def write_json(path: Path, report: dict[str, Any]) -> None:
    """Write ``report`` to ``path`` (indented; streamed; atomically: a temp file renamed)."""
    write_atomic(Path(path), report_chunks(report))
