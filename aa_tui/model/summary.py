"""A scan's summary, typed: what re-opening a scan shows (totals, tables, quick wins).

On disk it is the report format's object without its duplicate groups (``aa-tui.report/2``,
or ``/1`` from an older aa-tui: its insight tables are then empty);
:meth:`ScanSummary.from_dict` reads it, tolerating fields an older aa-tui did not write, and
:meth:`ScanSummary.to_dict` gives back exactly what was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from aa_tui.model.classify import AGE_BRACKETS, UNKNOWN_AGE
from aa_tui.model.enums import ScanStatus, VerifyMode
from aa_tui.model.insights import (
    ClutterRow,
    FileRow,
    HeatRow,
    HygieneRow,
    IdleProject,
    InactiveUploader,
    InsightSettings,
    MonthRow,
    WhatIfRow,
    largest_from,
    load_insight_tables,
)
from aa_tui.model.records import STATUS_CATEGORIES, Scope, StatRow, Totals
from aa_tui.model.units import counted

#: the breakdown tables of a summary, in the order screens and exports show them
TABLES = ("projects", "file_types", "uploaders", "age_brackets", "status_categories")


def ordered_rows(name: str, table: dict[str, StatRow]) -> list[StatRow]:
    """The rows of breakdown ``name`` in the order it is shown: ages and status categories in
    their own order, every other table biggest first."""
    if name == "age_brackets":
        order = [label for label, _ in AGE_BRACKETS] + [UNKNOWN_AGE]
        return [table[k] for k in order if k in table]
    if name == "status_categories":
        order = list(STATUS_CATEGORIES)
        known = [table[k] for k in order if k in table]
        return known + sorted((r for k, r in table.items() if k not in order), key=lambda r: r.key)
    return sorted(table.values(), key=lambda r: (-r.size, r.key))


@dataclass(frozen=True)
class ScanHeader:
    """Which scan a summary describes: site, scope, method and when."""

    id: str = ""
    site: str = ""
    browse_url: str = ""  # where people open issues (a scoped-token site's API base has none)
    scope: Scope = field(default_factory=Scope)
    verify: VerifyMode = VerifyMode.EXACT
    started_at: str = ""
    finished_at: str = ""
    duration_s: float = 0.0
    status: ScanStatus = ScanStatus.COMPLETE
    #: what the site's serverInfo said: Cloud, DataCenter or Server (older scans: Cloud)
    deployment: str = "Cloud"

    @property
    def self_managed(self) -> bool:
        """A Data Center or Server site (one that may move to Cloud's storage caps)."""
        return self.deployment in ("DataCenter", "Server")

    @property
    def likely(self) -> bool:
        """Metadata scans only guess: their groups share a name and a size."""
        return self.verify is VerifyMode.METADATA

    @property
    def issue_base(self) -> str:
        return (self.browse_url or self.site).rstrip("/")

    def finished(self) -> datetime | None:
        """The moment the scan's ages were computed (its finish)."""
        try:
            return datetime.fromisoformat(self.finished_at) if self.finished_at else None
        except ValueError:
            return None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanHeader:
        return cls(
            id=str(data.get("id") or ""),
            site=str(data.get("site") or ""),
            browse_url=str(data.get("browse_url") or ""),
            scope=Scope.from_dict(data.get("scope_detail") or {}),
            verify=VerifyMode(data.get("verify") or VerifyMode.EXACT),
            started_at=str(data.get("started_at") or ""),
            finished_at=str(data.get("finished_at") or ""),
            duration_s=float(data.get("duration_s") or 0.0),
            status=ScanStatus(data.get("status") or ScanStatus.COMPLETE),
            deployment=str(data.get("deployment") or "Cloud"),
        )


def _totals(data: dict[str, Any]) -> Totals:
    known = {f.name for f in fields(Totals)}
    return Totals(**{k: v for k, v in data.items() if k in known})


def _rows(data: list[dict[str, Any]]) -> list[StatRow]:
    known = {f.name for f in fields(StatRow)}
    return [StatRow(**{k: v for k, v in row.items() if k in known}) for row in data]


def _counts(data: Any) -> dict[str, int]:
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


@dataclass(frozen=True)
class Cleaned:
    """What cleanups removed from a scan's files (restored files are back): a summary that
    carries it is *after cleanup*, every figure net of it."""

    files: int  # the scan's files gone from the site (deleted, or found gone)
    freed: int  # the bytes aa-tui deleted among them


@dataclass
class RescanNote:
    """What a rescan reused from the complete scan it started from (``base``)."""

    base: str
    reread_issues: int = 0
    reused_issues: int = 0
    read_files: int = 0
    reused_hashes: int = 0  # files whose hashes came from the base (the name is the store's)

    @classmethod
    def from_dict(cls, data: Any) -> RescanNote | None:
        if not isinstance(data, dict) or not data.get("base"):
            return None
        try:  # (History reads it of every scan highlighted: a damaged one says nothing)
            counts = {f.name: int(data.get(f.name) or 0) for f in fields(cls) if f.name != "base"}
        except (TypeError, ValueError):
            return None
        return cls(base=str(data["base"]), **counts)

    def line(self, files: bool = True) -> str:
        """What it re-read and reused; ``files=False``: the issues alone (before the reads).
        The files are said only when some were read or their hashes reused: a ``--verify
        metadata`` rescan reads none ("read 0 files, reused the hashes of 0 files")."""
        issues = f"re-read {counted(self.reread_issues, 'issue')}, reused {self.reused_issues:,}"
        if not files or not (self.read_files or self.reused_hashes):
            return issues
        reads = counted(self.read_files, "file")
        return f"{issues}; read {reads}, reused the hashes of {counted(self.reused_hashes, 'file')}"


@dataclass
class ScanSummary:
    """Totals, breakdown tables, quick wins (report-format groups), warnings, unreadable."""

    scan: ScanHeader
    totals: Totals
    tables: dict[str, list[StatRow]]
    quick_wins: list[dict[str, Any]]
    warnings: list[str]
    unreadable: list[dict[str, Any]]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    # -- insights (aa-tui.report/2; empty when an older aa-tui wrote the summary) -------------
    insight_settings: InsightSettings = field(default_factory=InsightSettings)
    uploads_by_month: list[MonthRow] = field(default_factory=list)
    idle_projects: list[IdleProject] = field(default_factory=list)
    inactive_uploaders: list[InactiveUploader] = field(default_factory=list)
    clutter: list[ClutterRow] = field(default_factory=list)
    hygiene: list[HygieneRow] = field(default_factory=list)
    heat: list[HeatRow] = field(default_factory=list)
    what_if: list[WhatIfRow] = field(default_factory=list)
    largest_files: list[FileRow] = field(default_factory=list)
    insight_counts: dict[str, int] = field(default_factory=dict)
    #: set when the figures are net of cleanups (``Workspace.after_cleanup``); None: as scanned
    cleaned: Cleaned | None = field(default=None, init=False)

    @property
    def has_insights(self) -> bool:
        """The summary carries the insight tables (written by a report/2 aa-tui)."""
        return "what_if" in self.raw

    def table(self, name: str) -> list[StatRow]:
        return self.tables.get(name, [])

    @property
    def rescan(self) -> RescanNote | None:
        """A rescan's note (what it reused, from which scan); ``None`` for a full scan."""
        return RescanNote.from_dict(self.raw.get("rescan"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanSummary:
        return cls(
            scan=ScanHeader.from_dict(data.get("scan") or {}),
            totals=_totals(data.get("totals") or {}),
            tables={name: _rows(data.get(name) or []) for name in TABLES},
            quick_wins=list(data.get("quick_wins") or []),
            warnings=[str(w) for w in data.get("warnings") or []],
            unreadable=list(data.get("unreadable") or []),
            raw=data,
            insight_settings=InsightSettings.from_dict(data.get("insight_settings")),
            **load_insight_tables(data),
            largest_files=largest_from(data.get("largest_files")),
            insight_counts=_counts(data.get("insight_counts")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The report-format object (what was read, or what the engine built)."""
        return self.raw
