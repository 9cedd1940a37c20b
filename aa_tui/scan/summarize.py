"""The summary a scan saves: the head of the report format ``aa-tui.report/2`` (the totals, the
breakdown tables, the quick wins and the insight tables; everything but the full list of
duplicate groups). The writers of the format are in :mod:`aa_tui.reports`.
"""

from __future__ import annotations

from typing import Any

from aa_tui.analysis.insights import Insights
from aa_tui.jira.protocol import ServerInfo
from aa_tui.model.scans import ScanInfo
from aa_tui.model.summary import TABLES
from aa_tui.scan.stats import Breakdown

SCHEMA = "aa-tui.report/2"


def scan_header(info: ScanInfo) -> dict[str, Any]:
    """The report's ``scan`` object: which scan, of what, when, how it ended."""
    return {
        "id": info.id,
        "site": info.site,
        "scope": info.scope.describe(),
        "scope_detail": info.scope.to_dict(),
        "verify": info.verify,
        "started_at": info.started_at,
        "finished_at": info.finished_at,
        "duration_s": round(info.duration_s, 2),
        "status": info.status,
    }


def build_summary(
    info: ScanInfo, breakdown: Breakdown, insights: Insights | None = None
) -> dict[str, Any]:
    """Everything but the full list of duplicate groups: what re-opening a scan needs (the
    insight tables are short: their files are kept apart, in the scan's file rows)."""
    summary: dict[str, Any] = {
        "schema": SCHEMA,
        "scan": scan_header(info),
        "totals": breakdown.totals.to_dict(),
    }
    for name in TABLES:
        summary[name] = [row.to_dict() for row in breakdown.tables.get(name, [])]
    summary["quick_wins"] = [g.to_dict() for g in breakdown.quick_wins]
    if insights is not None:
        summary.update(insights.to_summary())
    return summary


def site_facts(server: ServerInfo | None, site: str) -> dict[str, str]:
    """The summary's ``browse_url`` (where people browse the site: for a scoped token the API
    base is api.atlassian.com) and ``deployment`` (Cloud, DataCenter or Server)."""
    return {
        "browse_url": ((server and server.base_url) or site).rstrip("/"),
        "deployment": server.deployment.value if server else "Cloud",
    }
