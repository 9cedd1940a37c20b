"""A scan's figures as they stand after its cleanups, worked out once for both faces.

A scan saves what it saw. Once cleanups removed some of its files (and restores put some
back), every figure the app and the reports show is *after cleanup*: the totals, the
breakdowns, the quick wins, each group's copies and waste, and the insight tables (the
what-if starts from what is left) are counted again from the scan's files without the removed
ones (:func:`aa_tui.analysis.remaining.remaining_table`). The faces render what this returns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from aa_tui.analysis.remaining import kept_anew, stat_tables
from aa_tui.analysis.whatif import what_if_of
from aa_tui.model.classify import STALE_AFTER_DAYS
from aa_tui.model.group_rows import COPIES, HASH, SIZE, WASTED, GroupTable, sort_orders
from aa_tui.model.insights import Insights, InsightSettings
from aa_tui.model.summary import TABLES, ScanSummary
from aa_tui.scan.stats import QUICK_WINS
from aa_tui.service.cleanup import NOTHING_REMOVED, Removed
from aa_tui.service.insights import insights_in, insights_of, scan_facts, scan_now, scan_table
from aa_tui.store.results import ScanResults

__all__ = ["AfterCleanup", "group_after", "group_table_after", "kept_anew_of", "summary_after"]


@dataclass(frozen=True)
class AfterCleanup:
    """What cleanups removed from a scan, and its summary net of that."""

    removed: Removed
    summary: ScanSummary

    @property
    def cleaned(self) -> bool:
        return bool(self.removed.ids)

    @property
    def insights(self) -> Insights:
        """The insight tables of :attr:`summary` (after cleanup too)."""
        return insights_in(self.summary)


def group_after(group: dict[str, Any], removed: Removed) -> dict[str, Any]:
    """A report-format group (or a group row's dict) with its copies and waste net of the
    removed ones; its locations stay (a removed copy is shown as removed)."""
    lost = removed.by_group.get(str(group.get("hash")), 0)
    if not lost:
        return group
    copies = max(0, int(group["copies"]) - lost)
    return {**group, "copies": copies, "wasted_size": max(0, copies - 1) * int(group["size"])}


def group_table_after(table: GroupTable, removed: Removed) -> GroupTable:
    """The group rows with each group's copies and waste net of the removed ones, sorted
    again (a group whose copies are all gone but one wastes nothing, and sorts so)."""
    lost = removed.by_group
    if not lost:
        return table
    rows = []
    for row in table.rows:
        n = lost.get(row[HASH], 0)
        if n:
            row = list(row)
            row[COPIES] = max(0, row[COPIES] - n)
            row[WASTED] = max(0, row[COPIES] - 1) * row[SIZE]
        rows.append(row)
    return GroupTable(rows=rows, orders=sort_orders(rows))


def kept_anew_of(results: ScanResults, gone: frozenset[str]) -> tuple[int, int]:
    """The files (and bytes) of the scan that became their group's kept copy when cleanups
    removed ``gone`` (:func:`~aa_tui.analysis.remaining.kept_anew`; the file table is read
    only when something was removed)."""
    return kept_anew(scan_table(results), gone) if gone else (0, 0)


def _quick_wins(results: ScanResults, removed: Removed) -> list[dict[str, Any]]:
    """The groups whose copies left waste most (full groups, every location)."""
    table = group_table_after(results.group_table(), removed)
    wins = []
    for i in table.order("wasted")[:QUICK_WINS]:
        if table.rows[i][WASTED] <= 0:
            break
        wins.append(group_after(results.group(i), removed))
    return wins


def summary_after(
    results: ScanResults,
    removed: Removed = NOTHING_REMOVED,
    settings: InsightSettings | None = None,
    *,
    insights: bool = True,
) -> ScanSummary:
    """The scan's summary net of ``removed`` (``cleaned`` says so) under ``settings`` (stale
    files by its ``stale_days``, the insight tables by all of them); the saved summary itself
    when nothing was removed and the settings are the ones it was saved with. ``insights``
    False leaves the insight tables as saved (the results screen shows none of them: it saves
    reading a big scan's every file again), but for the what-if of a Data Center or Server
    scan, whose overview shows what would move to Cloud."""
    summary = results.summary()
    settings = settings or summary.insight_settings
    raw = dict(summary.raw)
    if not removed.ids and settings.stale_days == STALE_AFTER_DAYS:
        if not insights or (settings == summary.insight_settings and summary.has_insights):
            return summary
        raw.update(insights_of(results, settings).to_summary())  # the saved ones, or rebuilt
        return ScanSummary.from_dict(raw)
    gone = removed.ids
    table = scan_table(results, gone)
    facts = scan_facts(table, scan_now(summary), settings)
    totals, tables = stat_tables(table, facts, summary.totals)
    raw["totals"] = totals.to_dict()
    for name in TABLES:
        raw[name] = [row.to_dict() for row in tables[name]]
    raw["quick_wins"] = _quick_wins(results, removed) if gone else summary.quick_wins
    if insights:
        raw.update(insights_of(results, settings, gone).to_summary())
    else:  # the tables stay as saved; the totals were counted under these settings
        raw["insight_settings"] = settings.to_dict()
        if summary.scan.self_managed:  # its overview shows the move to Cloud: net, as the rest
            raw["what_if"] = [asdict(row) for row in what_if_of(facts, cap=settings.cap)]
    net = ScanSummary.from_dict(raw)
    net.cleaned = removed.cleaned()
    return net
