"""The overview of one scan: storage, waste, counts, the top quick wins, bars per project."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from aa_tui.model.cloud_plans import migration_rows, migration_sentence
from aa_tui.model.forecast import decimal_size
from aa_tui.model.records import StatRow, Totals
from aa_tui.model.summary import ScanSummary
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.keys import page_bindings
from aa_tui.tui.safe import plain

TOP_WINS = 5
TOP_PROJECTS = 8
BAR_WIDTH = 30


def _days(days: int) -> str:
    return "a year" if days == 365 else f"{days:,} days"


def totals_table(totals: Totals, likely: bool, stale_days: int = 365) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", min_width=22)
    table.add_column()
    total_size = totals.total_size
    wasted = totals.duplicate_size
    copies = "likely copies" if likely else "copies"
    table.add_row(
        "Attachment storage",
        f"{size_text(total_size)} in {fmt.counted(totals.total_files, 'file')} on "
        f"{fmt.counted(totals.issues_scanned, 'issue')}",
    )
    table.add_row(
        Text("Wasted by copies", style="bold red"),
        Text.assemble(
            (f"{size_text(wasted)} ({totals.waste_pct:.1f}%)", "bold red"),
            f": {fmt.count(totals.duplicate_files)} redundant {copies} in "
            f"{fmt.count(totals.duplicate_groups)} groups",
        ),
    )
    table.add_row(
        "Kept if deduplicated",
        f"{size_text(total_size - wasted)} in {fmt.counted(totals.canonical_files, 'file')}",
    )
    table.add_row(
        "Stale",
        f"{size_text(totals.stale_size)} in {fmt.count(totals.stale_files)} "
        f"files on Done issues untouched for {_days(stale_days)}",
    )
    table.add_row(
        "Odd files",
        f"{fmt.count(totals.zero_byte_files)} empty, "
        f"{fmt.count(totals.unreadable_files)} found unreadable (403/404; files of a "
        "unique size are never read)",
    )
    stages = ", ".join(f"{k} {size_text(v)}" for k, v in totals.bytes_read_by_stage.items() if v)
    read = size_text(totals.bytes_read) + (f" ({stages})" if stages else "")
    table.add_row(
        "Cost of the proof",
        f"{read} read · {fmt.count(totals.requests)} requests · "
        f"{fmt.count(totals.throttled)} throttled",
    )
    return table


def wins_table(wins: list[dict[str, Any]]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("Wasted", justify="right")
    table.add_column("Copies", justify="right")
    table.add_column("Size", justify="right")
    table.add_column("File", overflow="ellipsis", no_wrap=True, max_width=60)
    for n, win in enumerate(wins[:TOP_WINS], start=1):
        table.add_row(
            str(n),
            size_text(win["wasted_size"]),
            fmt.count(win["copies"]),
            size_text(win["size"]),
            plain(("≈ " if win.get("likely") else "") + win["file_name"]),
        )
    return table


def project_bars(rows: list[StatRow]) -> Table:
    """ncdu-style: bars relative to the biggest project; the red part is wasted."""
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Project", no_wrap=True)
    table.add_column("Size", justify="right")
    table.add_column("Share (red: wasted)", no_wrap=True)
    table.add_column("Wasted", justify="right")
    largest = max((r.size for r in rows), default=0)
    for row in rows[:TOP_PROJECTS]:
        whole = fmt.bar(row.size, largest, BAR_WIDTH)
        waste_cells = len(fmt.bar(row.wasted_size, largest, BAR_WIDTH).rstrip())
        bar = Text(whole[:waste_cells], style="red") + Text(whole[waste_cells:], style="blue")
        table.add_row(plain(row.key), size_text(row.size), bar, size_text(row.wasted_size))
    if len(rows) > TOP_PROJECTS:
        table.add_row(f"… {len(rows) - TOP_PROJECTS} more", "", "", "")
    return table


def migration_table(summary: ScanSummary) -> Table:
    """A Data Center or Server scan: the Cloud storage its attachments would take as they are
    and after each cleanup step, and the smallest Cloud plan whose cap holds them."""
    rows = migration_rows(summary.what_if)
    table = Table(box=None, padding=(0, 2), show_edge=False)
    table.add_column("After")
    table.add_column("Would move", justify="right")
    table.add_column("Share of 250 GB", justify="right")  # Standard's cap; one line at 80
    table.add_column("Smallest Cloud plan")
    for row in rows:
        table.add_row(row.step, decimal_size(row.remaining), row.share_text, row.plan)
    return table


class OverviewScroll(VerticalScroll):
    """The overview tab's pane: it takes the moving keys (vim keys beside the arrows) while
    its tab is shown."""

    HELP_GROUP = "Overview"
    BINDINGS: ClassVar[list[BindingType]] = page_bindings("overview")


class Overview(Static):
    """Renders a scan's summary."""

    DEFAULT_CSS = """
    Overview { padding: 1 2; height: auto; }
    """

    shown: Group | None = None

    def show_summary(self, summary: ScanSummary, rescan_of: str = "") -> None:
        """Draw ``summary``; ``rescan_of`` names the scan a rescan started from."""
        likely = summary.scan.likely
        parts: list[Any] = []
        note = summary.rescan
        if note is not None:
            parts.append(
                plain(
                    f"Rescan of the scan of {rescan_of or note.base}: {note.line()}.\n",
                    "dim",
                    lines=True,
                )
            )
        if summary.cleaned is not None:
            parts.append(
                Text(
                    f"After cleanup: {fmt.count(summary.cleaned.files)} files removed since the "
                    f"scan ({size_text(summary.cleaned.freed)} freed); every figure here is "
                    "net of them.\n",
                    style="bold green",
                )
            )
        stale_days = summary.insight_settings.stale_days
        parts.append(totals_table(summary.totals, likely, stale_days))
        if likely:
            parts.append(
                Text(
                    "\nMetadata-only scan: groups share a name and a size; their bytes were not "
                    "compared (marked ≈, likely).",
                    style="yellow",
                )
            )
        if summary.scan.self_managed and summary.what_if:
            parts.append(Text("\nMoving to Jira Cloud", style="bold"))
            parts.append(Text(migration_sentence(migration_rows(summary.what_if))))
            parts.append(migration_table(summary))
        wins = summary.quick_wins
        if wins:
            parts.append(Text("\nQuick wins (Enter on the Quick wins tab opens one)", style="bold"))
            parts.append(wins_table(wins))
        projects = summary.table("projects")
        if projects:
            parts.append(Text("\nProjects", style="bold"))
            parts.append(project_bars(projects))
        for warning in summary.warnings:
            parts.append(plain(f"\n⚠ {warning}", "yellow", lines=True))
        self.shown = Group(*parts)
        self.update(self.shown)
