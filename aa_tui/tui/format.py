"""Text for numbers: sizes, counts, percentages, durations, dates and ncdu-style bars."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from aa_tui.model.units import counted as counted  # its home; screens write fmt.counted
from aa_tui.model.units import size_text

BAR_FULL = "█"
BAR_PARTS = " ▏▎▍▌▋▊▉"


def count(n: int) -> str:
    return f"{n:,}"


def pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "0.0%"


def duration(seconds: float) -> str:
    """``42s``, ``3m 05s``, ``1h 02m``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def date(iso: str) -> str:
    """``2026-10-31 14:05`` from an ISO-8601 timestamp (as stored), or the text as it is."""
    if not iso:
        return ""
    text = iso.replace("T", " ")
    return text[:16]


def cannot_start_from(when: str) -> str:
    """What a scan does when the newest complete one (run at ``when``) cannot be started
    from: the New scan form's note and the live scan's line (as short as the rescan's note:
    at 80x24 a longer one lost its last line)."""
    return f"The scan of {when} cannot be started from (damaged): this scan reads everything."


def moment(iso: str) -> str:
    """``2026-10-31 14:05:09``: :func:`date` to the second (two scans of one minute apart)."""
    return iso.replace("T", " ")[:19] if iso else ""


def dates_told_apart(isos: Iterable[str]) -> Callable[[str], str]:
    """:func:`date` for each of ``isos``, to the second (:func:`moment`) where two share a
    minute: two scans of one minute read alike (found in a real terminal)."""
    minutes = Counter(map(date, isos))
    return lambda iso: moment(iso) if minutes[date(iso)] > 1 else date(iso)


def day(iso: str) -> str:
    """``2026-10-31`` from an ISO-8601 timestamp (a list of files: the day is what matters,
    and the hours pushed its last column off a 120-column screen)."""
    return iso[:10]


def host(site: str) -> str:
    """A site as a narrow column shows it: its address without the scheme and the trailing
    slash (``acme.atlassian.net``, ``jira.example.com/jira``)."""
    return site.split("://", 1)[-1].rstrip("/")


def bar(value: float, largest: float, width: int) -> str:
    """A bar ``width`` cells wide at most, relative to ``largest`` (eighths of a cell)."""
    if width <= 0 or largest <= 0 or value <= 0:
        return " " * max(width, 0)
    eighths = max(1, round(8 * width * min(value, largest) / largest))
    full, rest = divmod(eighths, 8)
    text = BAR_FULL * full + (BAR_PARTS[rest] if rest else "")
    return text.ljust(width)


def rate(amount: float, seconds: float, unit: str = "") -> str:
    if seconds <= 0:
        return "-"
    per = amount / seconds
    if unit == "B":
        return f"{size_text(per)}/s"
    return f"{per:,.0f} {unit}/s".replace(" /s", "/s")


def deleted_meanwhile(scan_id: str) -> str:
    """What the app says of a scan that another aa-tui deleted while it was shown."""
    return (
        f"Scan {scan_id} was deleted meanwhile (by another aa-tui: its History, or a scheduled "
        "scan that keeps only the newest scans)."
    )
