"""DataTable with vim keys, for the small tables (profiles, breakdowns, history, locations)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class VimDataTable(DataTable):
    """A row-cursor DataTable that also moves with j/k, g/G and Ctrl+F/B."""

    HELP_GROUP = "Tables"

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("home,g", "scroll_top", "First", show=False, id="table.first"),
        Binding("end,G", "scroll_bottom", "Last", show=False, id="table.last"),
        Binding("ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
    ]

    def __init__(self, *, id: str | None = None, cursor_type: str = "row") -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=True)
