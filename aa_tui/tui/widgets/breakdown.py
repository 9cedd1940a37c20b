"""One breakdown table (projects, file types, uploaders, ages, status categories), ncdu style."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from aa_tui.model.records import StatRow
from aa_tui.tui import format as fmt
from aa_tui.tui.messages import DrillDown
from aa_tui.tui.widgets.tables import VimDataTable

#: summary table -> (facet of the group filter, what a row is called)
TABLE_FACETS = {
    "projects": ("project", "Project"),
    "file_types": ("file_type", "Type"),
    "uploaders": ("uploader", "Uploader"),
    "age_brackets": ("age", "Age"),
    "status_categories": ("status_category", "Status category"),
}
SORTS = ("size", "wasted", "files", "name")
NATURAL_ORDER = ("age_brackets", "status_categories")  # shown in their own order first
BAR_WIDTH = 20
MAX_ROWS = 5000


def sort_rows(rows: list[StatRow], sort: str) -> list[StatRow]:
    if sort == "size":
        return sorted(rows, key=lambda r: (-r.size, r.key))
    if sort == "wasted":
        return sorted(rows, key=lambda r: (-r.wasted_size, -r.size, r.key))
    if sort == "files":
        return sorted(rows, key=lambda r: (-r.files, r.key))
    if sort == "name":
        return sorted(rows, key=lambda r: r.key.casefold())
    return list(rows)  # "natural": as the summary lists them


class BreakdownPane(Vertical):
    """A table with share bars relative to the largest row; Enter drills into its groups."""

    HELP_GROUP = "Breakdown tables"
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort", id="breakdown.sort"),
    ]
    DEFAULT_CSS = """
    BreakdownPane #caption { padding: 0 1; color: $text-muted; height: 1; }
    BreakdownPane VimDataTable { height: 1fr; }
    """

    def __init__(self, table: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.table_name = table
        self.facet, self.noun = TABLE_FACETS[table]
        self.rows: list[StatRow] = []
        self.sorts = (("natural",) if table in NATURAL_ORDER else ()) + SORTS
        self.sort = self.sorts[0]

    def compose(self) -> ComposeResult:
        yield Static(id="caption", markup=False)
        yield VimDataTable()

    def on_mount(self) -> None:
        table = self.query_one(VimDataTable)
        table.add_column(self.noun, key="key")
        table.add_column("Files", key="files")
        table.add_column("Size", key="size")
        table.add_column("Share of the largest", key="bar")
        table.add_column("Redundant copies", key="copies")
        table.add_column("Wasted", key="wasted")
        table.add_column("Waste %", key="pct")

    def show_rows(self, rows: list[StatRow]) -> None:
        self.rows = rows
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(VimDataTable)
        table.clear()
        rows = sort_rows(self.rows, self.sort)
        shown = rows[:MAX_ROWS]
        largest = max((r.size for r in rows), default=0)
        for row in shown:
            whole = fmt.bar(row.size, largest, BAR_WIDTH)
            waste_cells = len(fmt.bar(row.wasted_size, largest, BAR_WIDTH).rstrip())
            bar = Text(whole[:waste_cells], style="red") + Text(whole[waste_cells:], style="blue")
            table.add_row(
                row.key,
                Text(fmt.count(row.files), justify="right"),
                Text(fmt.size(row.size), justify="right"),
                bar,
                Text(fmt.count(row.duplicate_files), justify="right"),
                Text(fmt.size(row.wasted_size), justify="right"),
                Text(fmt.pct(row.wasted_size, row.size), justify="right"),
                key=row.key,
            )
        more = f" (first {MAX_ROWS:,} of {len(rows):,})" if len(rows) > MAX_ROWS else ""
        order = "their natural order" if self.sort == "natural" else self.sort
        self.query_one("#caption", Static).update(
            f"{len(rows):,} rows{more} · sorted by {order} (s) · bars: red is wasted · "
            "Enter shows the duplicate groups"
        )

    def action_cycle_sort(self) -> None:
        self.sort = self.sorts[(self.sorts.index(self.sort) + 1) % len(self.sorts)]
        self._fill()

    def focus_table(self) -> None:
        self.query_one(VimDataTable).focus()

    @on(VimDataTable.RowSelected)
    def _selected(self, event: VimDataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is None:
            return
        key = str(event.row_key.value)
        row = next((r for r in self.rows if r.key == key), None)
        copies, wasted = (row.duplicate_files, row.wasted_size) if row else (0, 0)
        self.post_message(DrillDown(self.facet, key, noun=self.noun, copies=copies, wasted=wasted))
