"""A rescan's base read back from the store, issue by issue: from the cache of its records
(:mod:`aa_tui.store.record_cache`), else from its file table (each issue's, uploader's and
file type's fields parsed once), else (a scan saved by an older aa-tui) from its attachments,
a row at a time."""

from __future__ import annotations

import operator
import threading
from collections.abc import Iterable
from typing import Any

from aa_tui.memory import gc_paused
from aa_tui.model.errors import Cancelled
from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.clock_edges import NearPicker
from aa_tui.scan.shared_texts import share_row_texts
from aa_tui.store.file_rows import read_file_records
from aa_tui.store.record_cache import read_cached_records
from aa_tui.store.store import Store
from aa_tui.store.table_reader import UnexpectedLayout

#: what the base saw on one issue it read: its one attachment, or a tuple of them (no list
#: for each one-file issue: ~18 MB at 332,239 issues)
Kept = AttachmentRecord | tuple[AttachmentRecord, ...]


def read_rows(
    store: Store,
    scan_id: str,
    by_issue: dict[str, Kept | str],
    texts: dict[str, str],
    stopped: threading.Event,
    near: NearPicker | None = None,
) -> int:
    """Read scan ``scan_id``'s files back into ``by_issue`` (each of its issues' id: what it
    saw on it; ``texts``: see :func:`_records_by_issue`; :class:`Cancelled` once ``stopped``
    is set): from the cache of its records (:mod:`aa_tui.store.record_cache`), else from its
    file table (its files' rows parsed and made records in 1.2 s at 531,000 files, not 2.4 s
    from its attachments), else (saved by an older aa-tui) from its attachments. ``near``
    picks from every record read. The rows read."""

    def own(issue_id: str) -> str | None:  # the text the base's records hold as the id
        kept = by_issue.get(issue_id)
        if kept is None or isinstance(kept, str):
            return kept
        return (kept if isinstance(kept, AttachmentRecord) else kept[0]).issue_id

    def take(records: list[AttachmentRecord]) -> None:
        if stopped.is_set():
            raise Cancelled("the scan ended before it took its base's files")
        for record in records:
            _put(by_issue, by_issue[record.issue_id], record)
        if near is not None:
            near.pick(records)

    folder = store.scan_dir(scan_id)
    with gc_paused():  # ~100,000s of new objects: collections would walk them all
        count = read_cached_records(folder, own, take)
        if count is None:
            _start_again(by_issue, near)
            count = read_file_records(folder, own, take)
    if count is not None:
        return count
    _start_again(by_issue, near)
    try:
        rows: Iterable[dict[str, Any]] = store.iter_attachments(scan_id)
        count = _records_by_issue(by_issue, rows, texts, stopped)
    except (UnexpectedLayout, ValueError):  # a layout the one-at-a-time reader does not know
        _start_again(by_issue, near)
        count = _records_by_issue(by_issue, store.load_attachments(scan_id), texts, stopped)
    if near is not None:  # (made a row at a time: picked once all are)
        near.pick([r for kept in by_issue.values() for r in records_of(kept)])
    return count


def records_of(kept: Kept | str) -> tuple[AttachmentRecord, ...]:
    """The records of what a base holds of one issue (its id's text alone: none yet)."""
    if isinstance(kept, AttachmentRecord):
        return (kept,)
    return () if isinstance(kept, str) else kept


def _start_again(by_issue: dict[str, Kept | str], near: NearPicker | None) -> None:
    """Forget what was taken of the base's files (each issue's key is its id's text again),
    and picked of them."""
    for issue_id in by_issue:
        by_issue[issue_id] = issue_id
    if near is not None:
        near.restart()


def _records_by_issue(
    by_issue: dict[str, Kept | str],
    rows: Iterable[dict[str, Any]],
    texts: dict[str, str],
    stopped: threading.Event | None = None,
) -> int:
    """Fill ``by_issue`` (each issue's own id until then) with the records of its issues (the
    rows of other issues are never reused), built a row at a time (a 200,000-issue scan's
    rows parsed at once peaked at 322 MiB, one at a time 139 MiB), their repeated texts
    shared as a scan's own records' are (``texts``: one object per text), and the texts of
    one issue shared by its records as in a Jira answer (each row's, before its record is
    made: :func:`share_row_texts`). Its keys never change: the listing looks them up
    meanwhile. :class:`Cancelled` once ``stopped`` is set (looked at every 4,096 rows). The
    number of rows read."""
    n = -1
    with gc_paused():  # ~100,000s of new objects: collections would walk them all
        for n, row in enumerate(rows):
            if not n & 4095 and stopped is not None and stopped.is_set():
                raise Cancelled("the scan ended before it took its base's files")
            kept = by_issue.get(row["issue_id"])
            if kept is None:
                continue
            if isinstance(kept, str):
                row["issue_id"] = kept
                share_row_texts(row, texts)
            else:
                share_row_texts(row, texts, kept if isinstance(kept, AttachmentRecord) else kept[0])
            try:  # the fields as this version saves them, by position: 2x faster than by name
                record = AttachmentRecord(*_fields_of(row))
            except KeyError:  # one it does not have: the defaults, as by name
                record = _by_name(row)
            _put(by_issue, kept, record)
    return n + 1


def _put(by_issue: dict[str, Kept | str], kept: Kept | str, record: AttachmentRecord) -> None:
    """Add ``record`` to what ``by_issue`` holds of its issue (``kept``: its id until then)."""
    if isinstance(kept, str):
        by_issue[kept] = record
    elif isinstance(kept, AttachmentRecord):
        by_issue[kept.issue_id] = (kept, record)
    else:
        by_issue[kept[0].issue_id] = (*kept, record)


_fields_of = operator.itemgetter(*AttachmentRecord.__dataclass_fields__)


def _by_name(row: dict[str, Any]) -> AttachmentRecord:
    try:
        return AttachmentRecord(**row)
    except TypeError:  # a field it does not know: the ones it knows
        return AttachmentRecord.from_dict(row)
