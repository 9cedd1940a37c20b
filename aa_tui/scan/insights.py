"""Insights an admin can act on: growth by month, idle projects, departed uploaders,
clutter, hygiene, heat and what-if, each built in one pass over a scan's file rows.

The file rows (:func:`file_rows`) are what every insight opens; :func:`build_insights` can be
run again on stored rows with other :class:`InsightSettings` (thresholds, a storage cap).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from aa_tui.model.dates import parse_jira_time
from aa_tui.model.insights import (
    ClutterRow,
    FileRow,
    HeatRow,
    HygieneRow,
    IdleProject,
    InactiveUploader,
    Insights,
    InsightSettings,
    MonthRow,
)
from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.scan.insights_hygiene import HYGIENE_KINDS, hygiene_kind
from aa_tui.scan.insights_whatif import what_if

UNKNOWN_MONTH = "unknown"
_DAY_S = 86400


def file_rows(
    records: Iterable[AttachmentRecord], groups: Sequence[DuplicateGroup]
) -> list[FileRow]:
    """Every record as a file row that knows its group and whether it is a redundant copy."""
    member: dict[str, tuple[str, bool]] = {}
    for group in groups:
        for i, loc in enumerate(group.locations):
            member[loc.attachment_id] = (group.hash, i > 0)
    out = []
    for r in records:
        digest, is_copy = member.get(r.attachment_id, ("", False))
        out.append(
            FileRow(
                r.attachment_id,
                r.issue_key,
                r.project_key,
                r.file_name,
                r.size,
                r.mime_type,
                r.author,
                r.author_id,
                r.author_active,
                r.created,
                r.status,
                r.status_category,
                r.issue_updated,
                digest,
                is_copy,
            )
        )
    return out


class TimeCache:
    """Parsed Jira times, each text parsed once (issues share their update time)."""

    def __init__(self) -> None:
        self._seen: dict[str, datetime | None] = {}

    def __call__(self, text: str) -> datetime | None:
        try:
            return self._seen[text]
        except KeyError:
            when = self._seen[text] = parse_jira_time(text)
            return when


def month_of(created: str, parse: TimeCache) -> str:
    """``YYYY-MM`` of an upload time in UTC (``unknown`` when it cannot be read)."""
    if created.endswith(("+0000", "Z", "+00:00")) and created[4:5] == "-":
        return created[:7]
    when = parse(created)
    return when.astimezone(timezone.utc).strftime("%Y-%m") if when else UNKNOWN_MONTH


class Selectors:
    """The tests that put a file in a list: stale, idle project, hygiene, departed."""

    def __init__(self, rows: Sequence[FileRow], now: datetime, settings: InsightSettings):
        self.now = now
        self.settings = settings
        self.parse = TimeCache()
        self.stale_cutoff = now - timedelta(days=settings.stale_days)
        idle_cutoff = now - timedelta(days=settings.idle_days)
        newest: dict[str, datetime | None] = {}
        self.last_update: dict[str, str] = {}
        for row in rows:
            when = self.parse(row.issue_updated)
            best = newest.get(row.project_key)
            if row.project_key not in newest or (
                when is not None and (best is None or when > best)
            ):
                newest[row.project_key] = when
                self.last_update[row.project_key] = row.issue_updated
        # A project none of whose updates can be read is not called idle (nothing proves it).
        self.idle_projects = {
            key for key, when in newest.items() if when is not None and when < idle_cutoff
        }

    def stale(self, row: FileRow) -> bool:
        if row.status_category != "Done":
            return False
        updated = self.parse(row.issue_updated)
        return updated is not None and updated < self.stale_cutoff

    def idle(self, row: FileRow) -> bool:
        return row.project_key in self.idle_projects

    def hygiene(self, row: FileRow) -> bool:
        return bool(hygiene_kind(row.file_name))

    def days_idle(self, row: FileRow) -> int | None:
        updated = self.parse(row.issue_updated)
        if updated is None:
            return None
        return max(0, int((self.now - updated).total_seconds()) // _DAY_S)


def build_insights(
    rows: Sequence[FileRow], *, now: datetime, settings: InsightSettings | None = None
) -> Insights:
    """Every insight of ``rows`` as of ``now`` (the scan's finish)."""
    settings = settings or InsightSettings()
    pick = Selectors(rows, now, settings)
    months: dict[str, MonthRow] = {}
    idle: dict[str, IdleProject] = {}
    departed: dict[str, InactiveUploader] = {}
    hygiene = {kind: HygieneRow(kind) for kind in HYGIENE_KINDS}
    clutter: dict[str, list[FileRow]] = {}
    heat: list[tuple[int, int, str, FileRow, int]] = []
    stale_files = stale_size = empty = 0
    for row in rows:
        month = month_of(row.created, pick.parse)
        m = months.get(month) or months.setdefault(month, MonthRow(month))
        m.files += 1
        m.size += row.size
        if row.is_copy:
            m.wasted_size += row.size
        if row.project_key in pick.idle_projects:
            p = idle.get(row.project_key) or idle.setdefault(
                row.project_key, IdleProject(row.project_key, pick.last_update[row.project_key])
            )
            p.files += 1
            p.size += row.size
        if row.author_active is False:
            key = row.author_id or row.author
            u = departed.get(key) or departed.setdefault(
                key, InactiveUploader(row.author_id, row.author)
            )
            u.files += 1
            u.size += row.size
        kind = hygiene_kind(row.file_name)
        if kind:
            hygiene[kind].files += 1
            hygiene[kind].size += row.size
        if row.hash:
            clutter.setdefault(row.hash, []).append(row)
        if pick.stale(row):
            stale_files += 1
            stale_size += row.size
        if row.size == 0:
            empty += 1
        days = pick.days_idle(row)
        if days is not None and row.size:
            item = (row.size * days, row.size, row.attachment_id, row, days)
            if len(heat) < settings.top:
                heapq.heappush(heat, item)
            elif item[:3] > heat[0][:3]:
                heapq.heapreplace(heat, item)
    tables: dict[str, list[Any]] = {
        "uploads_by_month": [months[k] for k in sorted(months)],
        "idle_projects": sorted(idle.values(), key=lambda p: (-p.size, p.key)),
        "inactive_uploaders": sorted(departed.values(), key=lambda u: (-u.size, u.name)),
        "clutter": _clutter(clutter, settings.clutter_copies),
        "hygiene": list(hygiene.values()),
        "heat": [
            HeatRow(
                r.attachment_id,
                r.issue_key,
                r.project_key,
                r.file_name,
                r.size,
                r.issue_updated,
                days,
                score,
            )
            for score, _, _, r, days in sorted(heat, key=lambda h: (-h[0], -h[1], h[2]))
        ],
        "what_if": what_if(
            rows, stale=pick.stale, hygiene=pick.hygiene, idle=pick.idle, cap=settings.cap
        ),
    }
    largest = heapq.nsmallest(settings.top, rows, key=lambda r: (-r.size, r.attachment_id))
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
    return Insights(settings=settings, tables=tables, largest=largest, counts=counts)


def _clutter(by_hash: dict[str, list[FileRow]], min_copies: int) -> list[ClutterRow]:
    out = []
    for digest, members in by_hash.items():
        if len(members) < min_copies:
            continue
        canonical = next((m for m in members if not m.is_copy), members[0])
        out.append(
            ClutterRow(
                hash=digest,
                file_name=canonical.file_name,
                size=canonical.size,
                copies=len(members),
                issues=len({m.issue_key for m in members}),
                projects=len({m.project_key for m in members}),
                wasted_size=(len(members) - 1) * canonical.size,
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
