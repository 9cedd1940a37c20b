"""Breakdowns of a scan: totals, projects, file types, uploaders, ages, status categories."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from aa_tui.model.classify import STALE_AFTER_DAYS, age_bracket, file_type
from aa_tui.model.dates import parse_jira_time
from aa_tui.model.records import AttachmentRecord, DuplicateGroup, StatRow, Totals
from aa_tui.model.summary import ordered_rows

QUICK_WINS = 10
#: the breakdowns a record's own fields key, in the order of the summary's tables (the age
#: brackets, between uploaders and status categories, move with the clock)
FIELD_KEYS: dict[str, Callable[[AttachmentRecord], str]] = {
    "projects": attrgetter("project_key"),
    "file_types": lambda r: file_type(r.file_name),
    "uploaders": attrgetter("author"),
    "status_categories": attrgetter("status_category"),
}


@dataclass
class Breakdown:
    """Every table of a scan, plus the totals and the quick wins."""

    totals: Totals
    tables: dict[str, list[StatRow]] = field(default_factory=dict)
    quick_wins: list[DuplicateGroup] = field(default_factory=list)


def aggregate(
    records: Iterable[AttachmentRecord],
    groups: list[DuplicateGroup],
    *,
    now: datetime,
    issues_scanned: int = 0,
    unreadable: int = 0,
    stale_days: int = STALE_AFTER_DAYS,
) -> Breakdown:
    """One pass over the records. A copy beyond the canonical one counts as waste in the row
    (project, type, uploader, ...) the copy itself belongs to, so rows add up to the total."""
    copies = copies_of(groups)
    keyers = dict(FIELD_KEYS)
    keyers["age_brackets"] = lambda r: age_bracket(r.created, now)
    rows: dict[str, dict[str, StatRow]] = {name: {} for name in keyers}
    totals = Totals(issues_scanned=issues_scanned, unreadable_files=unreadable)
    stale_cutoff = now - timedelta(days=stale_days)
    stale_files = stale_size = 0
    for record in records:
        totals.total_files += 1
        totals.total_size += record.size
        if record.size == 0:
            totals.zero_byte_files += 1
        is_copy = record.attachment_id in copies
        for name, keyer in keyers.items():
            key = keyer(record)
            row = rows[name].get(key)
            if row is None:
                row = rows[name][key] = StatRow(key)
            row.files += 1
            row.size += record.size
            if is_copy:
                row.duplicate_files += 1
                row.wasted_size += record.size
        if record.status_category == "Done" and is_stale(record, stale_cutoff):
            stale_files += 1
            stale_size += record.size
    totals.stale_files, totals.stale_size = stale_files, stale_size
    return breakdown_of(totals, rows, groups)


def copies_of(groups: Iterable[DuplicateGroup]) -> set[str]:
    """The ids of the redundant copies (each group's files but its kept one)."""
    return {a for g in groups for a in g.member_ids()[1:]}


def is_stale(record: AttachmentRecord, cutoff: datetime) -> bool:
    """Whether ``record``'s issue was last updated before ``cutoff`` (its status aside)."""
    updated = parse_jira_time(record.issue_updated)
    return updated is not None and updated < cutoff


def quick_win_order(group: DuplicateGroup) -> tuple[int, int, str]:
    """Where a group ranks among the quick wins: most waste first, then copies, then hash."""
    return (-group.wasted_size, -group.copies, group.hash)


def breakdown_of(
    totals: Totals, rows: dict[str, dict[str, StatRow]], groups: list[DuplicateGroup]
) -> Breakdown:
    """The breakdown of counted ``totals`` (files, sizes, staleness) and table ``rows``: the
    groups' figures added, the tables in their order, the quick wins picked."""
    totals.duplicate_groups = len(groups)
    totals.duplicate_files = sum(g.copies - 1 for g in groups)
    totals.duplicate_size = sum(g.wasted_size for g in groups)
    totals.canonical_files = totals.total_files - totals.duplicate_files
    totals.waste_pct = (
        round(100.0 * totals.duplicate_size / totals.total_size, 2) if totals.total_size else 0.0
    )
    tables = {name: ordered_rows(name, table) for name, table in rows.items()}
    quick = heapq.nsmallest(QUICK_WINS, groups, key=quick_win_order)
    return Breakdown(totals=totals, tables=tables, quick_wins=quick)
