"""attachments.json is written a slice of rows at a time (one orjson call a slice): the very
bytes the row-at-a-time writer gives (the one groups.json keeps, since it needs each row's
place), whatever the rows hold and however many there are."""

from __future__ import annotations

import json

import pytest

from aa_tui.model.records import AttachmentRecord
from aa_tui.store import scan_files

HOSTILE = ['a},"7":{"x":1', "b\\", 'c"},"8":{', "d},", "é ☃ \n}", "\u2028", '},"9":{}}']


def record(n: int) -> AttachmentRecord:
    text = HOSTILE[n % len(HOSTILE)]
    return AttachmentRecord(
        str(n), str(n // 3), f"P-{n}", "P", text * (1 + n % 3), n, "text/plain", text,
        "2025-03-04T10:00:00.000+0000", "Done", "Done", "2025-03-05T10:00:00.000+0000",
        author_active=None if n % 2 else bool(n % 3),
    )  # fmt: skip


@pytest.mark.parametrize("count", [0, 1, scan_files._WRITE_SLICE, 2 * scan_files._WRITE_SLICE + 7])
def test_the_slices_are_the_row_at_a_time_bytes(count):
    records = [record(n) for n in range(count)]
    places: list[int] = []
    by_row = b"".join(scan_files._table_chunks(records, lambda row, at, n: places.append(at)))
    by_slice = b"".join(scan_files._table_chunks(iter(records)))
    assert by_slice == by_row and len(places) == count
    assert json.loads(by_slice) == {
        "_default": {str(n + 1): r.to_dict() for n, r in enumerate(records)}
    }
    dicts = [r.to_dict() for r in records]  # rows given as dicts: the same bytes
    assert b"".join(scan_files._table_chunks(dicts)) == by_row
