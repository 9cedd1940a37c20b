"""A stored scan's insights and the files behind each of them, for both faces.

The tables saved with a scan were built with the default settings; other settings (another
stale or idle threshold, a storage cap) rebuild them from the scan's file rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from aa_tui.analysis.compare import group_changes
from aa_tui.analysis.facts import Facts
from aa_tui.analysis.insights import build_insights, months_of
from aa_tui.analysis.lists import FILE_LISTS, select_files, select_list
from aa_tui.analysis.remaining import remaining_table
from aa_tui.analysis.whatif import room_under
from aa_tui.memory import gc_paused, keep_out_of_collections
from aa_tui.model.dates import utc_now
from aa_tui.model.file_table import FileTable
from aa_tui.model.group_rows import HASH
from aa_tui.model.insights import (
    FileList,
    FileRow,
    GroupChanges,
    Insights,
    InsightSettings,
    MonthRow,
)
from aa_tui.model.summary import ScanSummary
from aa_tui.store.results import ScanResults

__all__ = [
    "FILE_LISTS",
    "file_list_of",
    "files_of",
    "GroupOfScan",
    "group_changes_of",
    "group_of_scan",
    "insights_in",
    "insights_of",
    "months_of_project",
    "scan_facts",
    "scan_now",
    "scan_table",
]


class _TableCache:
    """The last scan's file table (and, after a cleanup, the table of what is left) and the
    facts worked out from them, kept between lists (a million files take most of a second to
    read; every screen asks the workspace for its own ScanResults)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str] | None = None
        self._table: FileTable | None = None
        self._gone: frozenset[str] = frozenset()
        self._left: FileTable | None = None
        self._facts: dict[tuple[bool, datetime, InsightSettings], Facts] = {}

    def get(self, results: ScanResults, gone: frozenset[str] = frozenset()) -> FileTable:
        """The scan's files, without those in ``gone`` (see :func:`remaining_table`)."""
        table = self._scanned(results)
        if not gone:
            return table
        with self._lock:
            if table is self._table and self._gone == gone and self._left is not None:
                return self._left
        with gc_paused():
            left = remaining_table(table, gone)
        with self._lock:
            if table is self._table:
                self._gone, self._left = gone, left
                self._facts = {k: v for k, v in self._facts.items() if k[0]}
        return left

    def _scanned(self, results: ScanResults) -> FileTable:
        key = (results.folder_key(), results.scan_id)
        with self._lock:
            if self._key == key and self._table is not None:
                return self._table
        with gc_paused():
            table = results.file_table()
            # Millions of rows that live on: out of the collector's walks from now on (they
            # hold no cycles, so they are still freed when the cache lets them go).
            keep_out_of_collections()
        with self._lock:
            self._key, self._table, self._facts = key, table, {}
            self._gone, self._left = frozenset(), None
        return table

    def facts(self, table: FileTable, now: datetime, settings: InsightSettings) -> Facts:
        with self._lock:
            if table is self._table or table is self._left:
                key = (table is self._table, now, settings)
                found = self._facts.get(key)
                if found is None:
                    found = self._facts[key] = Facts(table, now, settings)
                return found
        return Facts(table, now, settings)


_TABLES = _TableCache()


def scan_table(results: ScanResults, gone: frozenset[str] = frozenset()) -> FileTable:
    """The scan's file table (read once, then kept), without the files in ``gone``."""
    return _TABLES.get(results, gone)


def scan_facts(table: FileTable, now: datetime, settings: InsightSettings) -> Facts:
    """What ``table`` says under ``settings`` (kept with the table)."""
    return _TABLES.facts(table, now, settings)


def scan_now(summary: ScanSummary) -> datetime:
    """The moment a scan's ages are counted from: its finish (else now)."""
    return summary.scan.finished() or utc_now()


def insights_in(summary: ScanSummary) -> Insights:
    """The insight tables a summary carries, as :class:`Insights`."""
    return Insights(
        settings=summary.insight_settings,
        tables={
            "uploads_by_month": summary.uploads_by_month,
            "idle_projects": summary.idle_projects,
            "inactive_uploaders": summary.inactive_uploaders,
            "clutter": summary.clutter,
            "hygiene": summary.hygiene,
            "heat": summary.heat,
            "what_if": summary.what_if,
        },
        largest=summary.largest_files,
        counts=dict(summary.insight_counts),
    )


def _with_cap(insights: Insights, settings: InsightSettings) -> Insights:
    cap = settings.cap
    steps = [
        replace(row, under_cap=room_under(cap, row.remaining_size))
        for row in insights.table("what_if")
    ]
    return replace(insights, settings=settings, tables={**insights.tables, "what_if": steps})


def insights_of(
    results: ScanResults,
    settings: InsightSettings | None = None,
    gone: frozenset[str] = frozenset(),
) -> Insights:
    """The scan's insights: as saved when they fit ``settings``, else rebuilt from its files
    (also for a scan saved by an aa-tui without insights); without the files in ``gone``
    (removed by cleanups), always rebuilt from what is left."""
    summary = results.summary()
    saved = summary.insight_settings
    if gone:
        return build_insights(
            scan_table(results, gone), now=scan_now(summary), settings=settings or saved
        )
    if not summary.has_insights:
        # A layered rescan's are counted when first read: with the thresholds a scan saves
        # its own with (whoever reads first, with whatever thresholds), then kept.
        own = build_insights(scan_table(results), now=scan_now(summary), settings=saved)
        results.keep_in_summary(own.to_summary())
        if settings is None or settings == saved:
            return own
    elif settings is None or settings == saved:
        return insights_in(summary)
    elif replace(settings, cap=saved.cap) == saved:
        return _with_cap(insights_in(summary), settings)  # only the cap differs: nothing to rebuild
    return build_insights(scan_table(results), now=scan_now(summary), settings=settings)


def file_list_of(
    results: ScanResults,
    name: str,
    key: str = "",
    settings: InsightSettings | None = None,
    limit: int | None = None,
    gone: frozenset[str] = frozenset(),
    keep: Callable[[FileRow], bool] | None = None,
) -> FileList:
    """The first ``limit`` files of list ``name`` and the whole list's count and bytes
    (files in ``gone`` left out; ``keep``: only the files it keeps, a filter)."""
    summary = results.summary()
    table, now = scan_table(results, gone), scan_now(summary)
    settings = settings or summary.insight_settings
    listed = select_list(
        table,
        name,
        key,
        now=now,
        settings=settings,
        unreadable=[str(u.get("attachment_id")) for u in summary.unreadable],
        limit=limit,
        facts=_TABLES.facts(table, now, settings),
        keep=keep,
    )
    if name == "unreadable":
        listed.reasons = {
            str(u.get("attachment_id")): str(u.get("reason") or "") for u in summary.unreadable
        }
    return listed


def files_of(
    results: ScanResults,
    name: str,
    key: str = "",
    settings: InsightSettings | None = None,
    gone: frozenset[str] = frozenset(),
) -> list[FileRow]:
    """The files of list ``name`` (see :data:`FILE_LISTS`), biggest first (files in ``gone``
    left out)."""
    summary = results.summary()
    return select_files(
        scan_table(results, gone),
        name,
        key,
        now=scan_now(summary),
        settings=settings or summary.insight_settings,
        unreadable=[str(u.get("attachment_id")) for u in summary.unreadable],
    )


def months_of_project(
    results: ScanResults, project: str = "", gone: frozenset[str] = frozenset()
) -> list[MonthRow]:
    """Uploads per month of one project (the whole scan's, as saved, when empty), without
    the files in ``gone``."""
    summary = results.summary()
    if not project and not gone and summary.has_insights:
        return summary.uploads_by_month
    return months_of(scan_table(results, gone), project)


def group_changes_of(before: ScanResults, after: ScanResults) -> GroupChanges:
    """Groups that appeared, disappeared, grew or shrank from scan ``before`` to scan
    ``after``, and those of as many copies that hold other files (when both scans kept their
    groups' files)."""
    with gc_paused():  # (their rows and files' ids: ~100,000s of new lists)
        older, newer = before.members(), after.members()
        files = (older, newer) if older is not None and newer is not None else None
        return group_changes(before.group_table().rows, after.group_table().rows, files)


@dataclass
class GroupOfScan:
    """One duplicate group as a scan saw it, with what showing it needs."""

    group: dict[str, Any]  # every location, as saved (cleanups since are not counted)
    browse_url: str  # the scan's issue links' base
    likely: bool  # a ``--verify metadata`` scan's: same size and name, bytes not compared


def group_of_scan(results: ScanResults, digest: str) -> GroupOfScan | None:
    """The group of hash ``digest`` as ``results``' scan saw it (as the comparison of two
    scans counts it: their rows as saved); ``None`` when the scan has none."""
    with gc_paused():  # (its rows: ~100,000s of new lists)
        rows = results.group_table().rows
    index = next((n for n, row in enumerate(rows) if row[HASH] == digest), None)
    if index is None:
        return None
    scan = results.summary().scan
    return GroupOfScan(results.group(index), scan.issue_base, scan.likely)
