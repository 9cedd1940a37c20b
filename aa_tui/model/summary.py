"""A scan's summary, typed: what re-opening a scan shows (totals, tables, quick wins).

On disk it is the report format's object without its duplicate groups (``aa-tui.report/1``);
:meth:`ScanSummary.from_dict` reads it, tolerating fields an older aa-tui did not write, and
:meth:`ScanSummary.to_dict` gives back exactly what was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from aa_tui.model.enums import ScanStatus, VerifyMode
from aa_tui.model.records import Scope, StatRow, Totals

#: the breakdown tables of a summary, in the order screens and exports show them
TABLES = ("projects", "file_types", "uploaders", "age_brackets", "status_categories")


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
        )


def _totals(data: dict[str, Any]) -> Totals:
    known = {f.name for f in fields(Totals)}
    return Totals(**{k: v for k, v in data.items() if k in known})


def _rows(data: list[dict[str, Any]]) -> list[StatRow]:
    known = {f.name for f in fields(StatRow)}
    return [StatRow(**{k: v for k, v in row.items() if k in known}) for row in data]


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

    def table(self, name: str) -> list[StatRow]:
        return self.tables.get(name, [])

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
        )

    def to_dict(self) -> dict[str, Any]:
        """The report-format object (what was read, or what the engine built)."""
        return self.raw
