"""Insights an admin can act on: growth by month, idle projects, departed uploaders,
clutter, hygiene, heat and what-if, built in one pass over a scan's :class:`FileTable`.

The table (:func:`file_table`) is what every insight opens; :func:`build_insights` can be run
again on a stored table with other :class:`InsightSettings` (thresholds, a storage cap).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from aa_tui.analysis.facts import Facts, month_of
from aa_tui.analysis.hygiene import HYGIENE_KINDS
from aa_tui.analysis.whatif import what_if
from aa_tui.memory import gc_paused
from aa_tui.model.file_table import (
    AID,
    COPY,
    CREATED,
    HASH,
    I_KEY,
    I_PROJECT,
    I_UPDATED,
    ISSUE,
    NAME,
    P_ACTIVE,
    P_ID,
    P_NAME,
    PERSON,
    SIZE,
    FileTable,
)
from aa_tui.model.insights import (
    ClutterRow,
    HeatRow,
    HygieneRow,
    IdleProject,
    InactiveUploader,
    Insights,
    InsightSettings,
    MonthRow,
)
from aa_tui.model.records import AttachmentRecord, DuplicateGroup

__all__ = [
    "Facts",
    "Insights",
    "build_insights",
    "FileRows",
    "file_table",
    "month_of",
    "months_of",
    "unreadable_rows",
]


def file_table(records: Iterable[AttachmentRecord], groups: Sequence[DuplicateGroup]) -> FileTable:
    """Every record as a file that knows its group and whether it is a redundant copy."""
    with gc_paused():
        rows = FileRows(groups)
        rows.table.rows.extend(map(rows.row, records))
        return rows.done()


class FileRows:
    """A file table made one row at a time, without holding the rows: :meth:`row` gives
    a record's row (its issue, uploader and file type added to :attr:`table`, which holds no
    rows), :meth:`done` the table once the last row is made. What a scan saves its files
    through (rows are written as they are made: ~0.13 KiB a file not held)."""

    def __init__(self, groups: Sequence[DuplicateGroup]) -> None:
        self.table = FileTable()
        self._member: dict[str, tuple[str, bool]] = {}
        for group in groups:
            kept, copy = (group.hash, False), (group.hash, True)  # a pair per group, not file
            for i, attachment_id in enumerate(group.member_ids()):  # (a held group's: unread)
                self._member[attachment_id] = copy if i else kept

    def row(self, r: AttachmentRecord) -> list[Any]:
        table = self.table
        return [
            r.attachment_id,
            table.issue_index(
                (r.issue_key, r.project_key, r.status, r.status_category, r.issue_updated),
                r.issue_id,
            ),
            r.file_name,
            r.size,
            table.mime_index(r.mime_type),
            table.person_index((r.author, r.author_id, r.author_active)),
            r.created,
            *self._member.get(r.attachment_id, _NO_GROUP),
        ]

    def done(self) -> FileTable:
        self._member = {}
        return self.table.seal()


_NO_GROUP = ("", False)


def months_of(table: FileTable, project: str = "") -> list[MonthRow]:
    """Uploads per month of one project's files (every file when ``project`` is empty)."""
    issues = table.issues
    months: dict[str, MonthRow] = {}
    for row in table.rows:
        if project and issues[row[ISSUE]][I_PROJECT] != project:
            continue
        month = month_of(row[CREATED])
        m = months.get(month) or months.setdefault(month, MonthRow(month))
        m.files += 1
        m.size += row[SIZE]
        if row[COPY]:
            m.wasted_size += row[SIZE]
    return [months[k] for k in sorted(months)]


def build_insights(
    table: FileTable,
    *,
    now: datetime,
    settings: InsightSettings | None = None,
    rows: Iterable[list[Any]] | None = None,
) -> Insights:
    """Every insight of ``table`` as of ``now`` (the scan's finish); ``rows``: the table's
    rows as a stream read once, when ``table`` does not hold them (:class:`FileRows`)."""
    with gc_paused():  # millions of rows alive: collections would walk them all (see memory)
        return _build(
            table, table.rows if rows is None else rows, now, settings or InsightSettings()
        )


class _Before:
    """A row ordered before another by the largest size, then the lowest id (then the
    first seen): the root of a heap of these is the last of the largest kept so far."""

    __slots__ = ("key", "row")

    def __init__(self, key: tuple[int, str, int], row: list[Any]) -> None:
        self.key, self.row = key, row

    def __lt__(self, other: _Before) -> bool:
        return self.key > other.key


def _build(
    table: FileTable, rows: Iterable[list[Any]], now: datetime, settings: InsightSettings
) -> Insights:
    # One pass over the rows, keeping none of them but the few the tables show: a table
    # whose rows are streamed (a scan being saved) is never held whole.
    facts = Facts(table, now, settings)
    issues, people = table.issues, table.people
    months: dict[str, MonthRow] = {}
    idle: dict[str, IdleProject] = {}
    departed: dict[int, InactiveUploader] = {}
    hygiene = {kind: HygieneRow(kind) for kind in HYGIENE_KINDS}
    # per group: its first kept file's name and size (else its first file's), whether that
    # one is kept, then the issue of each of its files
    clutter: dict[str, list[Any]] = {}
    heat: list[tuple[int, int, tuple[int, ...], int, list[Any]]] = []
    largest: list[_Before] = []
    steps = [[0, 0] for _ in range(5)]  # what-if: kept, copies, stale, hygiene, idle
    stale_files = stale_size = empty = 0
    top = settings.top
    stale_of, idle_of, days_of, kind_of = facts.stale, facts.idle, facts.days, facts.hygiene
    for index, row in enumerate(rows):
        size = row[SIZE]
        issue = row[ISSUE]
        month = month_of(row[CREATED])
        m = months.get(month) or months.setdefault(month, MonthRow(month))
        m.files += 1
        m.size += size
        kind = kind_of(row[NAME])
        is_stale = stale_of[issue]
        is_idle = idle_of[issue]
        if row[COPY]:
            m.wasted_size += size
            step = 1
        else:
            step = 2 if is_stale else 3 if kind else 4 if is_idle else 0
        steps[step][0] += 1
        steps[step][1] += size
        if is_idle:
            key = issues[issue][I_PROJECT]
            p = idle.get(key) or idle.setdefault(key, IdleProject(key, facts.last_update[key]))
            p.files += 1
            p.size += size
        person = row[PERSON]
        if people[person][P_ACTIVE] is False:
            u = departed.get(person) or departed.setdefault(
                person, InactiveUploader(people[person][P_ID], people[person][P_NAME])
            )
            u.files += 1
            u.size += size
        if kind:
            hygiene[kind].files += 1
            hygiene[kind].size += size
        digest = row[HASH]
        if digest:
            group = clutter.get(digest)
            if group is None:
                clutter[digest] = [row[NAME], size, not row[COPY], issue]
            else:
                if not group[2] and not row[COPY]:
                    group[0], group[1], group[2] = row[NAME], size, True
                group.append(issue)
        if len(largest) < top:
            heapq.heappush(largest, _Before((-size, row[AID], index), row))
        elif top and (-size, row[AID], index) < largest[0].key:
            heapq.heapreplace(largest, _Before((-size, row[AID], index), row))
        if is_stale:
            stale_files += 1
            stale_size += size
        if size == 0:
            empty += 1
            continue
        days = days_of[issue]
        if days is not None and (len(heat) < top or (size * days, size) >= heat[0][:2]):
            item = (size * days, size, _neg(row[AID]), index, row)
            if len(heat) < top:
                heapq.heappush(heat, item)
            elif item > heat[0]:
                heapq.heapreplace(heat, item)
    tables: dict[str, list[Any]] = {
        "uploads_by_month": [months[k] for k in sorted(months)],
        "idle_projects": sorted(idle.values(), key=lambda p: (-p.size, p.key)),
        "inactive_uploaders": sorted(departed.values(), key=lambda u: (-u.size, u.name)),
        "clutter": _clutter(table, clutter, settings.clutter_copies),
        "hygiene": list(hygiene.values()),
        "heat": [_heat(table, item[4], facts) for item in sorted(heat, reverse=True)],
        "what_if": what_if(steps, cap=settings.cap),
    }
    counts = {
        "stale_files": stale_files,
        "stale_size": stale_size,
        "empty_files": empty,
        "clutter_groups": len(tables["clutter"]),
        "hygiene_files": sum(h.files for h in tables["hygiene"]),
        "hygiene_size": sum(h.size for h in tables["hygiene"]),
        "idle_files": sum(p.files for p in tables["idle_projects"]),
        "idle_size": sum(p.size for p in tables["idle_projects"]),
        "inactive_files": sum(u.files for u in tables["inactive_uploaders"]),
        "inactive_size": sum(u.size for u in tables["inactive_uploaders"]),
    }
    largest_rows = [table.file_of(b.row) for b in sorted(largest, key=lambda b: b.key)]
    return Insights(settings=settings, tables=tables, largest=largest_rows, counts=counts)


def _neg(text: str) -> tuple[int, ...]:
    """A key that sorts ``text`` backwards (so a max-heap tie goes to the lowest id)."""
    return tuple(-ord(c) for c in text)


def _heat(table: FileTable, row: list[Any], facts: Facts) -> HeatRow:
    issue = table.issues[row[ISSUE]]
    days = facts.days[row[ISSUE]] or 0
    return HeatRow(
        row[AID],
        issue[I_KEY],
        issue[I_PROJECT],
        row[NAME],
        row[SIZE],
        issue[I_UPDATED],
        days,
        row[SIZE] * days,
    )


def _clutter(table: FileTable, by_hash: dict[str, list[Any]], min_copies: int) -> list[ClutterRow]:
    issues = table.issues
    out = []
    for digest, group in by_hash.items():
        if len(group) - 3 < min_copies:
            continue
        name, size, members = group[0], group[1], group[3:]
        out.append(
            ClutterRow(
                hash=digest,
                file_name=name,
                size=size,
                copies=len(members),
                issues=len(set(members)),
                projects=len({issues[m][I_PROJECT] for m in members}),
                wasted_size=(len(members) - 1) * size,
            )
        )
    out.sort(key=lambda c: (-c.copies, -c.wasted_size, c.hash))
    return out


def unreadable_rows(
    unreadable: dict[str, str], records: Iterable[AttachmentRecord]
) -> list[dict[str, Any]]:
    """The report's ``unreadable`` rows: id, reason, and the issue, project, name and size."""
    by_id = {r.attachment_id: r for r in records if r.attachment_id in unreadable}
    out = []
    for aid, reason in sorted(unreadable.items()):
        rec = by_id.get(aid)
        out.append(
            {
                "attachment_id": aid,
                "reason": reason,
                "issue_key": rec.issue_key if rec else "",
                "project_key": rec.project_key if rec else "",
                "file_name": rec.file_name if rec else "",
                "size": rec.size if rec else 0,
            }
        )
    return out
