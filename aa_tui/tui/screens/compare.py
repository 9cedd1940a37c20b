"""Two scans side by side: growth of storage and waste, overall and per project."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from aa_tui.model.records import StatRow
from aa_tui.model.summary import ScanSummary
from aa_tui.model.units import counted, size_text
from aa_tui.service.errors import StoreError
from aa_tui.tui import format as fmt
from aa_tui.tui.comparing import scan_differences
from aa_tui.tui.keys import page_bindings
from aa_tui.tui.safe import plain, visible
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.tables import VimDataTable


def delta_size(old: int, new: int) -> Text:
    change = new - old
    if change == 0:
        return Text("=", style="dim", justify="right")
    sign = "+" if change > 0 else "-"
    growth = f" ({sign}{abs(change) / old:.0%})" if old else ""
    return Text(
        f"{sign}{size_text(abs(change))}{growth}",
        style="red" if change > 0 else "green",
        justify="right",
    )


def delta_count(old: int, new: int) -> Text:
    change = new - old
    if change == 0:
        return Text("=", style="dim", justify="right")
    return Text(f"{change:+,}", style="red" if change > 0 else "green", justify="right")


def delta_points(old: float, new: float) -> Text:
    """A share's change in percentage points (``=`` when it shows no change)."""
    change = round(new - old, 1)
    if change == 0:
        return Text("=", style="dim", justify="right")
    return Text(f"{change:+.1f} pt", style="red" if change > 0 else "green", justify="right")


def project_rows(old: ScanSummary, new: ScanSummary) -> list[tuple[str, StatRow, StatRow]]:
    a = {r.key: r for r in old.table("projects")}
    b = {r.key: r for r in new.table("projects")}
    keys = sorted(set(a) | set(b), key=lambda k: -(b[k].size if k in b else 0))
    return [(k, a.get(k) or StatRow(k), b.get(k) or StatRow(k)) for k in keys]


class CompareScroll(VerticalScroll):
    """The whole comparison as one page: the moving keys scroll it from the warning's first
    line to the table's last row, Left/Right the table sideways (at 80x24 the table took the
    focus and what was above it could be scrolled out of reach)."""

    HELP_GROUP = "Compare"
    BINDINGS: ClassVar[list[BindingType]] = page_bindings("compare")

    def action_scroll_left(self) -> None:
        self.query_one(VimDataTable).action_scroll_left()

    def action_scroll_right(self) -> None:
        self.query_one(VimDataTable).action_scroll_right()


class CompareScreen(AppScreen):
    HELP_GROUP = "Compare"
    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="compare.back"),
        Binding("c", "group_changes", "Group changes", id="compare.groups"),  # its only way in
    ]
    DEFAULT_CSS = """
    CompareScreen #compare-head { padding: 1 2; height: auto; width: 100%; }
    CompareScreen #compare-warning { padding: 0 2; height: auto; width: 100%; color: $warning; }
    CompareScreen VimDataTable { height: auto; }
    """

    def __init__(self, older_id: str, newer_id: str) -> None:
        super().__init__()
        self.older_id = older_id
        self.newer_id = newer_id

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with CompareScroll(id="compare-scroll"):
            yield Static(id="compare-warning", markup=False)
            yield Static(id="compare-head")
            yield VimDataTable(id="compare-projects")
        yield Footer()

    def action_group_changes(self) -> None:
        from aa_tui.tui.screens.insights.changes import GroupChangesScreen

        self.app.push_screen(GroupChangesScreen(self.older_id, self.newer_id))

    def on_mount(self) -> None:
        try:
            old = self.workspace.results(self.older_id).summary()
            new = self.workspace.results(self.newer_id).summary()
        except (StoreError, OSError) as exc:
            self.app.pop_screen()
            self.app.show_error(exc)
            return
        ta, tb = old.totals, new.totals
        differ = scan_differences(old.scan, new.scan, self.app.site_label)
        change = "Difference" if differ else "Change"
        growth = "Difference" if differ else "Growth"
        warning = self.query_one("#compare-warning", Static)
        warning.display = bool(differ)
        if differ:
            warning.update(
                plain(
                    "These scans measure different things (" + "; ".join(differ) + "): the "
                    "differences below are not growth. Compare two scans of the same scope and "
                    "method to see growth."
                )
            )
        head = Table(box=None, padding=(0, 2), header_style="bold")
        head.add_column("")
        started = fmt.dates_told_apart((old.scan.started_at, new.scan.started_at))
        head.add_column(f"Before: {started(old.scan.started_at)}", justify="right")
        head.add_column(f"After: {started(new.scan.started_at)}", justify="right")
        head.add_column(change, justify="right")
        for label, key, is_size in (
            ("Attachment storage", "total_size", True),
            ("Wasted by copies", "duplicate_size", True),
            ("Files", "total_files", False),
            ("Redundant copies", "duplicate_files", False),
            ("Duplicate groups", "duplicate_groups", False),
        ):
            a, b = getattr(ta, key), getattr(tb, key)
            shown = size_text if is_size else fmt.count
            delta = delta_size(a, b) if is_size else delta_count(a, b)
            head.add_row(label, shown(a), shown(b), delta)
        head.add_row(
            "Waste share", f"{ta.waste_pct:.1f}%", f"{tb.waste_pct:.1f}%",
            delta_points(ta.waste_pct, tb.waste_pct),
        )  # fmt: skip
        scopes = f"{old.scan.scope.describe()} → {new.scan.scope.describe()}"
        title = Text.assemble(("Compare scans", "bold"), f"  ({visible(scopes)})\n")
        cleaned = self.workspace.removed(self.older_id)
        if cleaned.deleted:  # a change the site did not make by itself
            title.append(
                f"aa-tui's cleanups deleted {counted(len(cleaned.deleted), 'file')} "
                f"({size_text(cleaned.freed)}) of the earlier scan's since it ran: part of "
                "the change below.\n",
                style="italic",
            )
        self.query_one("#compare-head", Static).update(Group(title, head))
        table = self.query_one(VimDataTable)
        table.can_focus = table.show_cursor = False  # the page scrolls: no row to choose
        table.styles.max_height = None  # every row on the page (Textual caps a table at 100%)
        table.add_columns(
            "Project", "Storage before", "Storage after", growth, "Wasted before", "Wasted after",
            f"Waste {growth.lower()}",
        )  # fmt: skip
        for key, a, b in project_rows(old, new):
            table.add_row(
                key,
                Text(size_text(a.size), justify="right"),
                Text(size_text(b.size), justify="right"),
                delta_size(a.size, b.size),
                Text(size_text(a.wasted_size), justify="right"),
                Text(size_text(b.wasted_size), justify="right"),
                delta_size(a.wasted_size, b.wasted_size),
            )
        self.query_one(CompareScroll).focus()
