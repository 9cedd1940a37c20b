"""The HTML report: one self-contained file for a manager (inline CSS and SVG, no script,
nothing fetched): the waste, growth, what-if, the top tables, the scan's scope and method."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from aa_tui.model.cloud_plans import CLOUD_PLANS, smallest_plan
from aa_tui.model.forecast import CapDate, cap_date_text, decimal_size
from aa_tui.model.insights import cap_text, room_text
from aa_tui.model.units import counted, size_text
from aa_tui.reports.html_charts import month_bars, what_if_bars
from aa_tui.store.atomic import write_atomic

TOP_ROWS = 15
STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:960px;
color:#222;line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}
.muted{color:#666}.cards{display:flex;gap:1rem;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.3rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
svg{width:100%;height:auto}
"""


def size(n: int | None) -> str:
    """A size, or nothing where the report has none (a cell left empty)."""
    return "" if n is None else size_text(n)


def _table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str, str]],
    empty: str,
    cap: int | None = None,
) -> str:
    """``columns``: (field, heading, kind) with kind ``text``, ``int``, ``size`` or ``cap``
    (the room under ``cap``, in the cap's decimal units)."""
    if not rows:
        return f"<p class=muted>{escape(empty)}</p>"
    head = "".join(
        f'<th class="{"" if kind == "text" else "n"}">{escape(title)}</th>'
        for _, title, kind in columns
    )
    body = []
    for row in rows:
        cells = []
        for name, _, kind in columns:
            value = row.get(name)
            if kind == "text":
                cells.append(f"<td>{escape(str(value if value is not None else ''))}</td>")
            elif kind == "size":
                cells.append(f'<td class="n">{escape(size(value))}</td>')
            elif kind == "cap":
                room = room_text(value, cap) if cap and isinstance(value, int) else ""
                cells.append(f'<td class="n">{escape(room)}</td>')
            else:
                cells.append(f'<td class="n">{value:,}</td>' if isinstance(value, int) else "<td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _migration(report: dict[str, Any]) -> list[str]:
    """A Data Center or Server scan: the Cloud storage its attachments would take as they are
    and after each cleanup step, against the Cloud plans' caps."""
    scan = report.get("scan") or {}
    if scan.get("deployment") not in ("DataCenter", "Server") or not report.get("what_if"):
        return []
    rows = [
        {
            "step": str(row.get("step", "")),
            "remaining": decimal_size(int(row.get("remaining_size") or 0)),
            "plan": smallest_plan(int(row.get("remaining_size") or 0)),
        }
        for row in report.get("what_if") or []
        if isinstance(row, dict)
    ]
    caps = ", ".join(
        f"{plan} {cap_text(cap)}" if cap else f"{plan} unlimited" for plan, cap in CLOUD_PLANS
    )
    return [
        "<h2>Moving to Jira Cloud: the storage these attachments would take</h2>",
        f"<p class=muted>Cloud caps attachment storage by plan ({escape(caps)}).</p>",
        _table(
            rows,
            [
                ("step", "After", "text"),
                ("remaining", "Would move", "text"),
                ("plan", "Smallest Cloud plan", "text"),
            ],
            "",
        ),
    ]


def _method(scan: dict[str, Any]) -> str:
    if scan.get("verify") == "metadata":
        return (
            "metadata only: files with the same size and name are <em>likely</em> copies "
            "(no bytes were read, nothing is proven)"
        )
    return (
        "exact: every duplicate is proven by a full SHA-256 of its bytes (files grouped by "
        "size, then 4 KiB head and tail hashes, then full hashes of what still matched)"
    )


def _cleaned(cleanup: dict[str, Any]) -> str:
    """The line that says the page is after cleanup (nothing when nothing was removed)."""
    if not cleanup:
        return ""
    return (
        f"<p><b>After cleanup:</b> {counted(cleanup.get('removed_files', 0), 'file')} "
        f"removed since the scan ({escape(size(cleanup.get('freed_size', 0)))} freed); "
        "every figure on this page is net of them.</p>"
    )


def _forecast_line(forecast: Any) -> list[str]:
    """The forecast's sentence (when the cap is reached at this rate), when there is one."""
    if not isinstance(forecast, dict) or not forecast.get("sentence"):
        return []
    return [f"<p>{escape(str(forecast['sentence']))}</p>"]


def _with_cap_dates(rows: list[dict[str, Any]], forecast: Any) -> list[dict[str, Any]]:
    """The what-if rows, each with when its step reaches the cap (``cap_reached``)."""
    steps = forecast.get("steps") if isinstance(forecast, dict) else None
    if not isinstance(steps, list):
        return rows
    dates = {str(d.get("step")): d for d in steps if isinstance(d, dict)}
    return [{**row, "cap_reached": _cap_date(dates.get(str(row.get("step"))))} for row in rows]


def _cap_date(date: dict[str, Any] | None) -> str:
    if date is None:
        return ""
    try:
        return cap_date_text(CapDate(**date))
    except (TypeError, ValueError, IndexError):  # a report edited by hand: no date, no crash
        return ""


def render(report: dict[str, Any]) -> str:
    """The report (an ``aa-tui.report/2`` object) as one HTML page."""
    scan = report.get("scan") or {}
    totals = report.get("totals") or {}
    settings = report.get("insight_settings") or {}
    cap = settings.get("cap")
    counts = report.get("insight_counts") or {}
    site = str(scan.get("browse_url") or scan.get("site") or "")
    cleanup = report.get("cleanup") or {}
    after = " after cleanup" if cleanup else ""
    cards = [
        (
            "Stored" + after,
            size(totals.get("total_size", 0)),
            f"{counted(totals.get('total_files', 0), 'file')}",
        ),
        (
            "Wasted by duplicates",
            size(totals.get("duplicate_size", 0)),
            f"{totals.get('waste_pct', 0)}% in {totals.get('duplicate_groups', 0):,} groups",
        ),
        (
            "Stale",
            size(totals.get("stale_size", 0)),
            f"{counted(totals.get('stale_files', 0), 'file')}",
        ),
        (
            "Hygiene",
            size(counts.get("hygiene_size", 0)),
            f"{counted(counts.get('hygiene_files', 0), 'file')}",
        ),
    ]
    if cap:
        cards.append(("Plan cap", cap_text(cap), "as stated"))
    card_html = "".join(
        f"<div class=card>{escape(t)}<b>{escape(v)}</b><span class=muted>{escape(s)}</span></div>"
        for t, v, s in cards
    )
    quick = [
        {
            "file_name": g.get("file_name"),
            "copies": g.get("copies"),
            "size": g.get("size"),
            "wasted_size": g.get("wasted_size"),
        }
        for g in (report.get("quick_wins") or [])
    ]
    sections = [
        f"<h1>Jira attachment storage: {escape(site)}</h1>",
        f"<p class=muted>Scan {escape(str(scan.get('id', '')))} of "
        f"{escape(str(scan.get('scope', 'the whole site')))}, finished "
        f"{escape(str(scan.get('finished_at', '')))} ({escape(str(scan.get('status', '')))})."
        f"<br>Method: {_method(scan)}.</p>",
        _cleaned(cleanup),
        f"<div class=cards>{card_html}</div>",
        "<h2>Growth: bytes uploaded per month (red: wasted by copies)</h2>",
        month_bars(report.get("uploads_by_month") or [], size),
        "<h2>What if: what each cleanup would free (no file counted twice)</h2>",
        what_if_bars(report.get("what_if") or [], cap, size),
        *_forecast_line(report.get("forecast")),
        *([f"<p>{escape(str(report['kept_anew']))}</p>"] if report.get("kept_anew") else []),
        _table(
            _with_cap_dates(report.get("what_if") or [], report.get("forecast")),
            [
                ("step", "Cleanup", "text"),
                ("files", "Files", "int"),
                ("size", "Frees", "size"),
                ("cumulative_size", "Freed so far", "size"),
                ("remaining_size", "Would remain", "size"),
                *([("under_cap", "Under the cap", "cap")] if cap else []),
                *(
                    [("cap_reached", "Cap reached", "text")]
                    if cap and report.get("forecast")
                    else []
                ),
            ],
            "No what-if in this scan (it was saved by an older aa-tui).",
            cap,
        ),
        *_migration(report),
        "<h2>Quick wins: the groups whose cleanup frees most</h2>",
        _table(
            quick,
            [
                ("file_name", "File", "text"),
                ("copies", "Copies", "int"),
                ("size", "Size", "size"),
                ("wasted_size", "Wasted", "size"),
            ],
            "No duplicates.",
        ),
        "<h2>Projects</h2>",
        _table(
            (report.get("projects") or [])[:TOP_ROWS],
            [
                ("key", "Project", "text"),
                ("files", "Files", "int"),
                ("size", "Size", "size"),
                ("wasted_size", "Wasted", "size"),
            ],
            "No projects.",
        ),
        f"<h2>Idle projects (no update for {settings.get('idle_days', 180)} days)</h2>",
        _table(
            report.get("idle_projects") or [],
            [
                ("key", "Project", "text"),
                ("last_update", "Last update", "text"),
                ("files", "Files", "int"),
                ("size", "Size", "size"),
            ],
            "No idle project.",
        ),
        "<h2>Departed uploaders (inactive accounts)</h2>",
        _table(
            report.get("inactive_uploaders") or [],
            [("name", "Account", "text"), ("files", "Files", "int"), ("size", "Size", "size")],
            "No files from inactive accounts.",
        ),
        "<h2>Popular files (clutter)</h2>",
        _table(
            (report.get("clutter") or [])[:TOP_ROWS],
            [
                ("file_name", "File", "text"),
                ("copies", "Copies", "int"),
                ("issues", "Issues", "int"),
                ("projects", "Projects", "int"),
                ("wasted_size", "Wasted", "size"),
            ],
            f"No file with {settings.get('clutter_copies', 10)} or more copies.",
        ),
        "<h2>Hygiene: files that rarely need keeping</h2>",
        _table(
            [h for h in report.get("hygiene") or [] if h.get("files")],
            [("kind", "Kind", "text"), ("files", "Files", "int"), ("size", "Size", "size")],
            "No logs, dumps, HAR, temp or OS junk files.",
        ),
        "<h2>Big and forgotten (size x days since the issue was updated)</h2>",
        _table(
            (report.get("heat") or [])[:TOP_ROWS],
            [
                ("issue_key", "Issue", "text"),
                ("file_name", "File", "text"),
                ("size", "Size", "size"),
                ("days_idle", "Days idle", "int"),
            ],
            "No files.",
        ),
        "<h2>Largest files</h2>",
        _table(
            (report.get("largest_files") or [])[:TOP_ROWS],
            [
                ("issue_key", "Issue", "text"),
                ("file_name", "File", "text"),
                ("author", "Uploader", "text"),
                ("size", "Size", "size"),
            ],
            "No files.",
        ),
        "<h2>Unreadable files (Jira refused their bytes: in no group)</h2>",
        _table(
            report.get("unreadable") or [],
            [
                ("issue_key", "Issue", "text"),
                ("file_name", "File", "text"),
                ("reason", "Reason", "text"),
            ],
            "None found.",
        ),
        "<p class=muted>Made by aa-tui. Counting rules: waste is (copies - 1) x size per "
        "group; the canonical copy is the oldest upload; unreadable files are in no group.</p>",
    ]
    body = "\n".join(sections)
    return (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>aa-tui report: {escape(site)}</title><style>{STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def write_html(path: Path, report: dict[str, Any]) -> None:
    """Write the page atomically (mode 0600, like every export)."""
    write_atomic(Path(path), render(report).encode("utf-8"))
