"""One breakdown table (projects, file types, uploaders, ages, status categories), ncdu style."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from aa_tui.model.records import StatRow
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.messages import DrillDown
from aa_tui.tui.widgets.inputs import TextInput, typing_in_a_field
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


class RowFilter(TextInput):
    """Typing filters the rows by name; Enter or Escape goes back to the table."""

    BINDINGS = [Binding("escape", "leave", "Back to the table", id="breakdown.filter_leave")]

    def action_leave(self) -> None:
        for pane in self.ancestors:
            if isinstance(pane, BreakdownPane):
                pane.leave_filter()
                return


class BreakdownPane(Vertical):
    """A table with share bars relative to the largest row; Enter drills into its groups."""

    HELP_GROUP = "Breakdown tables"
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort", id="breakdown.sort"),
        Binding("r", "reverse", "Reverse", id="breakdown.reverse"),
        Binding("slash", "filter", "Filter", id="breakdown.filter", priority=True),
    ]
    DEFAULT_CSS = """
    BreakdownPane #caption { padding: 0 1; color: $text-muted; height: auto; }
    BreakdownPane #row-filter { display: none; }
    BreakdownPane #row-filter.shown { display: block; }
    BreakdownPane VimDataTable { height: 1fr; }
    """

    def __init__(self, table: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.table_name = table
        self.facet, self.noun = TABLE_FACETS[table]
        self.rows: list[StatRow] = []
        self.sorts = (("natural",) if table in NATURAL_ORDER else ()) + SORTS
        self.sort = self.sorts[0]
        self.reverse = False
        self.filter = ""

    def compose(self) -> ComposeResult:
        yield RowFilter(placeholder=f"Filter: part of a {self.noun.lower()} name", id="row-filter")
        yield Static(id="caption", markup=False)
        yield VimDataTable(enter="Groups")

    def on_mount(self) -> None:
        table = self.query_one(VimDataTable)
        # the bar keeps its red and blue on the cursor row (the cursor's colour would blank it)
        table.cursor_foreground_priority = "renderable"
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
        if self.reverse:
            rows.reverse()
        if self.filter:
            wanted = self.filter.casefold()
            rows = [r for r in rows if wanted in r.key.casefold()]
        shown = rows[:MAX_ROWS]
        largest = max((r.size for r in rows), default=0)
        for row in shown:
            whole = fmt.bar(row.size, largest, BAR_WIDTH)
            waste_cells = len(fmt.bar(row.wasted_size, largest, BAR_WIDTH).rstrip())
            bar = Text(whole[:waste_cells], style="red") + Text(whole[waste_cells:], style="blue")
            table.add_row(
                row.key,
                Text(fmt.count(row.files), justify="right"),
                Text(size_text(row.size), justify="right"),
                bar,
                Text(fmt.count(row.duplicate_files), justify="right"),
                Text(size_text(row.wasted_size), justify="right"),
                Text(fmt.pct(row.wasted_size, row.size), justify="right"),
                key=row.key,
            )
        more = f" (first {MAX_ROWS:,} of {len(rows):,})" if len(rows) > MAX_ROWS else ""
        order = "their natural order" if self.sort == "natural" else self.sort
        if self.reverse:
            order += ", reversed"
        matching = f" matching {self.filter!r}" if self.filter else ""
        self.query_one("#caption", Static).update(
            f"{len(rows):,} rows{matching}{more} · by {order} · s sort · r reverse · / filter · "
            "bars: red is wasted · Enter: its duplicate groups"
        )

    def action_cycle_sort(self) -> None:
        self.sort = self.sorts[(self.sorts.index(self.sort) + 1) % len(self.sorts)]
        self._fill()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not typing_in_a_field(self)
        return super().check_action(action, parameters)

    def action_filter(self) -> None:
        box = self.query_one(RowFilter)
        box.add_class("shown")
        self.screen.set_focus(box)  # now: keys queued behind the slash go to the box

    @on(Input.Changed, "#row-filter")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter = event.value.strip()
        self._fill()

    @on(Input.Submitted, "#row-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.leave_filter()

    def leave_filter(self) -> None:
        box = self.query_one(RowFilter)
        box.set_class(bool(box.value.strip()), "shown")
        self.focus_table()

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
