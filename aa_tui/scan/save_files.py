"""A scan's files saved in one pass over its records, each let go once written: what holds
a scan's peak at a million issues is its records, with a file table as large beside them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from aa_tui.analysis.insights import FileRows, Insights, build_insights
from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.store.file_rows import RowSpill
from aa_tui.store.store import Store


def save_files(
    store: Store,
    scan_id: str,
    records: list[AttachmentRecord],
    groups: list[DuplicateGroup],
    now: datetime,
) -> Insights:
    """Write ``attachments.json`` and ``files.json`` of ``records`` (the list is emptied:
    each record is let go once written, but for those ``groups`` hold) and count the
    insights; the summary, groups and group rows are left to :meth:`Store.save_results`."""
    rows = FileRows(groups)
    with RowSpill(store.scan_dir(scan_id)) as spill:
        store.save_attachments(scan_id, _taken(records, rows, spill))
        table = rows.done()
        insights = build_insights(table, now=now, rows=spill.rows())
        spill.write(table)
    return insights


def _taken(
    records: list[AttachmentRecord], rows: FileRows, spill: RowSpill
) -> Iterator[AttachmentRecord]:
    """``records`` in order, each one's row made and spilled, each taken out of the list."""
    records.reverse()
    while records:
        record = records.pop()
        spill.add(rows.row(record))
        yield record
