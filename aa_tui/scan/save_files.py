"""A scan's files saved in one pass over its records, each let go once written: what holds
a scan's peak at a million issues is its records, with a file table as large beside them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from aa_tui.analysis.insights import FileRows, Insights, build_insights
from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.store.file_rows import FILE_ROWS, RowSpill
from aa_tui.store.record_cache import RecordCacheWriter
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
    folder = store.scan_dir(scan_id)
    with RowSpill(folder) as spill:
        cache = RecordCacheWriter(folder)  # what the next rescan reads its base from
        try:
            store.save_attachments(scan_id, _taken(records, rows, spill, cache))
            table = rows.done()
            insights = build_insights(table, now=now, rows=spill.rows())
            spill.write(table)
            cache.bind(folder / FILE_ROWS)
        finally:
            cache.close()
    return insights


def _taken(
    records: list[AttachmentRecord], rows: FileRows, spill: RowSpill, cache: RecordCacheWriter
) -> Iterator[AttachmentRecord]:
    """``records`` in order, each one's row made and spilled, each cached, each taken out of
    the list."""
    records.reverse()
    while records:
        record = records.pop()
        spill.add(rows.row(record))
        cache.add(record)
        yield record
