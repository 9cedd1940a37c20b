"""A scheduled scan's watch: how full the plan's storage cap is, what changed since the last
scan of the same site and scope, and the short notice a webhook receives
(:mod:`aa_tui.service.notify` sends it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from aa_tui.model.insights import cap_text, parse_cap, room_text
from aa_tui.model.scans import ScanInfo
from aa_tui.model.summary import ScanSummary
from aa_tui.model.units import counted, size_text
from aa_tui.service.errors import InputError
from aa_tui.service.wording import CAP, WARN_AT

#: the exit code of a scan that saved its results and found the cap's warning share reached
EXIT_CAP_REACHED = 4
#: the share of the cap (percent) a scan warns at when none is given
DEFAULT_WARN_AT = 80.0
#: the notice's ``format`` field
NOTICE_FORMAT = "aa-tui.notice/1"


@dataclass(frozen=True)
class CapWatch:
    """The plan's storage cap and the share of it (percent) that calls for a warning."""

    cap: int
    warn_at: float = DEFAULT_WARN_AT

    def check(self, used: int) -> CapCheck:
        return CapCheck(self.cap, self.warn_at, used)


def cap_watch(cap: str | None, warn_at: float | None) -> CapWatch | None:
    """The watch a user asked for (``None``: no cap given); an error says what is wrong."""
    if cap is None:
        if warn_at is not None:
            raise InputError(WARN_AT, " needs a cap to be a share of: give ", CAP, " too.")
        return None
    try:
        size = parse_cap(cap)
    except ValueError as exc:
        raise InputError(CAP, f": {exc}") from None
    share = DEFAULT_WARN_AT if warn_at is None else warn_at
    if not 0 < share <= 100 or math.isnan(share):
        raise InputError(
            WARN_AT, f" is a percentage of the cap above 0 and at most 100, not {share:g}."
        )
    return CapWatch(size, share)


@dataclass(frozen=True)
class CapCheck:
    """What a scan's attachments fill of the cap."""

    cap: int
    warn_at: float
    used: int

    @property
    def share(self) -> float:
        """Percent of the cap used, rounded down to a tenth (never shown above what it is)."""
        return math.floor(self.used * 1000 / self.cap) / 10

    @property
    def reached(self) -> bool:
        """The used bytes are at or above ``warn_at`` percent of the cap (exact, in bytes)."""
        return self.used * 100 >= self.warn_at * self.cap

    def sentence(self) -> str:
        """``The scanned attachments fill 85.2% of the 250 GB cap (37.0 GB to spare); the
        warning is at 80%.``"""
        return (
            f"The scanned attachments fill {_percent(self.share)}% of the {cap_text(self.cap)} cap "
            f"({room_text(self.cap - self.used, self.cap)}); the warning is at {self.warn_at:g}%."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "bytes": self.cap,
            "used_bytes": self.used,
            "share_pct": self.share,
            "warn_at_pct": self.warn_at,
            "reached": self.reached,
        }


def _percent(value: float) -> str:
    """``85.2``, ``80``, ``102,580,000`` (not ``1.0258e+08`` under a 1 KB cap)."""
    return f"{value:,.1f}".removesuffix(".0")


def previous_scan(scans: list[ScanInfo], info: ScanInfo) -> ScanInfo | None:
    """The newest complete scan of ``info``'s site and scope that finished before it."""
    earlier = [
        s
        for s in scans
        if s.id != info.id
        and s.site == info.site
        and s.scope == info.scope
        and not s.unfinished
        and s.finished_at
        and s.finished_at <= info.finished_at
    ]
    return max(earlier, key=lambda s: s.finished_at, default=None)


def _change(
    info: ScanInfo, previous: ScanInfo | None, cleaned: tuple[int, int]
) -> dict[str, Any] | None:
    if previous is None:
        return None
    now, then = info.totals, previous.totals
    return {
        "since_scan": previous.id,
        "since": previous.finished_at,
        "files": int(now.get("total_files", 0)) - int(then.get("total_files", 0)),
        "bytes": int(now.get("total_size", 0)) - int(then.get("total_size", 0)),
        "cleaned_files": cleaned[0],
        "cleaned_bytes": cleaned[1],
    }


def _change_line(change: dict[str, Any]) -> str:
    """``Since the last scan (DATE): -59 files, -160.4 MiB.``, and when aa-tui's cleanups
    removed some of the last scan's files, what changed besides them."""
    files, size = change["files"], change["bytes"]
    line = (
        f"Since the last scan ({change['since'][:10]}): "
        f"{_signed(files, counted(abs(files), 'file'))}, {_signed(size, size_text(abs(size)))}"
    )
    cleaned_files, cleaned_bytes = change["cleaned_files"], change["cleaned_bytes"]
    if cleaned_files:
        rest_files, rest_size = files + cleaned_files, size + cleaned_bytes
        line += (
            f"; aa-tui's cleanups removed {counted(cleaned_files, 'file')} of that scan "
            f"({size_text(cleaned_bytes)}), so besides them the site changed by "
            f"{_signed(rest_files, counted(abs(rest_files), 'file'))}, "
            f"{_signed(rest_size, size_text(abs(rest_size)))}"
        )
    return line + "."


def _signed(n: int, text: str) -> str:
    return f"+{text}" if n >= 0 else f"-{text}"


def scan_notice(
    info: ScanInfo,
    summary: ScanSummary,
    previous: ScanInfo | None = None,
    cap: CapCheck | None = None,
    cleaned: tuple[int, int] = (0, 0),
) -> dict[str, Any]:
    """The JSON a webhook receives after a scan: ``text`` (what Slack and Teams show) and the
    figures behind it (README, "Scheduled scans"); ``cleaned``: the files (and bytes) of
    ``previous`` that aa-tui's cleanups deleted since, net of restores."""
    t = summary.totals
    likely = summary.scan.likely
    change = _change(info, previous, cleaned)
    lines = [
        f"aa-tui scan of {info.site} ({info.scope.describe()}): {counted(t.total_files, 'file')}, "
        f"{size_text(t.total_size)}.",
        f"Duplicates{' (likely)' if likely else ''}: {t.duplicate_files:,} extra copies waste "
        f"{size_text(t.duplicate_size)} ({t.waste_pct:.1f}%); "
        f"stale: {counted(t.stale_files, 'file')}, "
        f"{size_text(t.stale_size)}.",
    ]
    if change is not None:
        lines.append(_change_line(change))
    if cap is not None:
        alert = "WARNING: " if cap.reached else ""
        lines.append(alert + cap.sentence())
    return {
        "format": NOTICE_FORMAT,
        "text": "\n".join(lines),
        "scan_id": info.id,
        "site": info.site,
        "scope": info.scope.to_dict(),
        "verify": info.verify.value,
        "finished_at": info.finished_at,
        "totals": {
            "issues": t.issues_scanned,
            "files": t.total_files,
            "bytes": t.total_size,
        },
        "waste": {
            "likely": likely,
            "duplicate_groups": t.duplicate_groups,
            "duplicate_files": t.duplicate_files,
            "duplicate_bytes": t.duplicate_size,
            "waste_pct": t.waste_pct,
            "stale_files": t.stale_files,
            "stale_bytes": t.stale_size,
            "zero_byte_files": t.zero_byte_files,
        },
        "change": change,
        "cap": cap.to_dict() if cap is not None else None,
        "exit_code": EXIT_CAP_REACHED if cap is not None and cap.reached else 0,
    }
