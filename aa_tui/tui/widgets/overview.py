"""The overview of one scan: storage, waste, counts, the top quick wins, bars per project."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from aa_tui.tui import format as fmt

TOP_WINS = 5
TOP_PROJECTS = 8
BAR_WIDTH = 30


def totals_table(totals: dict[str, Any], likely: bool) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", min_width=22)
    table.add_column()
    total_size = totals.get("total_size", 0)
    wasted = totals.get("duplicate_size", 0)
    copies = "likely copies" if likely else "copies"
    table.add_row(
        "Attachment storage",
        f"{fmt.size(total_size)} in {fmt.count(totals.get('total_files', 0))} files on "
        f"{fmt.count(totals.get('issues_scanned', 0))} issues",
    )
    table.add_row(
        Text("Wasted by copies", style="bold red"),
        Text.assemble(
            (f"{fmt.size(wasted)} ({totals.get('waste_pct', 0.0):.1f}%)", "bold red"),
            f": {fmt.count(totals.get('duplicate_files', 0))} redundant {copies} in "
            f"{fmt.count(totals.get('duplicate_groups', 0))} groups",
        ),
    )
    table.add_row(
        "Kept if deduplicated",
        f"{fmt.size(total_size - wasted)} in {fmt.count(totals.get('canonical_files', 0))} files",
    )
    table.add_row(
        "Stale",
        f"{fmt.size(totals.get('stale_size', 0))} in {fmt.count(totals.get('stale_files', 0))} "
        "files on Done issues untouched for a year",
    )
    table.add_row(
        "Odd files",
        f"{fmt.count(totals.get('zero_byte_files', 0))} empty, "
        f"{fmt.count(totals.get('unreadable_files', 0))} unreadable (403/404 on download)",
    )
    by_stage = totals.get("bytes_read_by_stage") or {}
    stages = ", ".join(f"{k} {fmt.size(v)}" for k, v in by_stage.items() if v)
    read = fmt.size(totals.get("bytes_read", 0)) + (f" ({stages})" if stages else "")
    table.add_row(
        "Cost of the proof",
        f"{read} read · {fmt.count(totals.get('requests', 0))} requests · "
        f"{fmt.count(totals.get('throttled', 0))} throttled",
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
            fmt.size(win["wasted_size"]),
            fmt.count(win["copies"]),
            fmt.size(win["size"]),
            ("≈ " if win.get("likely") else "") + win["file_name"],
        )
    return table


def project_bars(rows: list[dict[str, Any]]) -> Table:
    """ncdu-style: bars relative to the biggest project; the red part is wasted."""
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("Project", no_wrap=True)
    table.add_column("Size", justify="right")
    table.add_column("Share (red: wasted)", no_wrap=True)
    table.add_column("Wasted", justify="right")
    largest = max((r["size"] for r in rows), default=0)
    for row in rows[:TOP_PROJECTS]:
        whole = fmt.bar(row["size"], largest, BAR_WIDTH)
        waste_cells = len(fmt.bar(row["wasted_size"], largest, BAR_WIDTH).rstrip())
        bar = Text(whole[:waste_cells], style="red") + Text(whole[waste_cells:], style="blue")
        table.add_row(row["key"], fmt.size(row["size"]), bar, fmt.size(row["wasted_size"]))
    if len(rows) > TOP_PROJECTS:
        table.add_row(f"… {len(rows) - TOP_PROJECTS} more", "", "", "")
    return table


class Overview(Static):
    """Renders a scan summary (``store.load_summary``)."""

    DEFAULT_CSS = """
    Overview { padding: 1 2; height: auto; }
    """

    shown: Group | None = None

    def show_summary(self, summary: dict[str, Any], *, likely: bool) -> None:
        totals = summary.get("totals", {})
        parts: list[Any] = [totals_table(totals, likely)]
        if likely:
            parts.append(
                Text(
                    "\nMetadata-only scan: groups share a name and a size; their bytes were not "
                    "compared (marked ≈, likely).",
                    style="yellow",
                )
            )
        wins = summary.get("quick_wins") or []
        if wins:
            parts.append(Text("\nQuick wins (Enter on the Quick wins tab opens one)", style="bold"))
            parts.append(wins_table(wins))
        projects = summary.get("projects") or []
        if projects:
            parts.append(Text("\nProjects", style="bold"))
            parts.append(project_bars(projects))
        for warning in summary.get("warnings") or []:
            parts.append(Text(f"\n⚠ {warning}", style="yellow"))
        self.shown = Group(*parts)
        self.update(self.shown)
