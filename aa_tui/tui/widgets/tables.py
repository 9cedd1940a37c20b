"""DataTable with vim keys, for the small tables (profiles, breakdowns, history, locations)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import CursorType

from aa_tui.tui.keys import move_bindings


class VimDataTable(DataTable[Any]):
    """A row-cursor DataTable that also moves with j/k, g/G and Ctrl+F/B."""

    HELP_GROUP = "Tables"

    BINDINGS: ClassVar[list[BindingType]] = move_bindings(
        "table",
        {
            "up": "cursor_up", "down": "cursor_down", "page_up": "page_up",
            "page_down": "page_down", "first": "scroll_top", "last": "scroll_bottom",
        },
        arrows=False,  # DataTable binds the arrows, Page Up/Down itself
    )  # fmt: skip

    def __init__(self, *, id: str | None = None, cursor_type: CursorType = "row") -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=True)
