"""DataTables whose cells are text, never markup; with vim keys, for the small tables
(profiles, breakdowns, history, locations)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text, TextType
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, CursorType, RowKey

from aa_tui.tui.keys import move_bindings
from aa_tui.tui.safe import plain, plain_text

#: cells wider than this are cut with "…" (a 300-character file name would push every column
#: after it off the screen)
CELL_LIMIT = 120


def _cell(value: Any, wrap: bool = False) -> Any:
    """A ``str`` as plain ``Text`` (DataTable reads a ``str`` as markup: a file named ``[/].txt``
    would crash it), a ``Text`` with its control characters made visible, the rest as is."""
    if isinstance(value, str):
        text = plain(value)
        text.no_wrap, text.end = not wrap, ""  # as DataTable's own formatter makes a str
    elif isinstance(value, Text):
        text = plain_text(value)
    else:
        return value
    if text.cell_len > CELL_LIMIT:
        text = text.copy()
        text.truncate(CELL_LIMIT, overflow="ellipsis")
    return text


class PlainDataTable(DataTable[Any]):
    """A DataTable that shows every cell (and row label) as the text it is."""

    def add_row(
        self,
        *cells: Any,
        height: int | None = 1,
        key: str | None = None,
        label: TextType | None = None,
    ) -> RowKey:
        wrap = height != 1
        return super().add_row(
            *(_cell(c, wrap) for c in cells),
            height=height,
            key=key,
            label=None if label is None else _cell(label, wrap),
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Any,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, _cell(value), update_width=update_width)

    async def _on_idle(self, event: events.Idle) -> None:
        # DataTable measures new rows' columns when idle, but keeps the lines it drew before
        # that (each cell cut to its header's width) until its styles change: a table filled
        # anew and drawn at once stayed cut (the what-if table under a cap, 2 runs of 3 here)
        measured = self._require_update_dimensions
        await super()._on_idle(event)
        if measured:
            self.notify_style_update()  # (drops the lines drawn, and draws them again)


class VimDataTable(PlainDataTable):
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

    def __init__(
        self, *, id: str | None = None, cursor_type: CursorType = "row", enter: str = ""
    ) -> None:
        """``enter``: what Enter on a row does, shown in the footer. DataTable binds Enter
        itself, hidden, and the footer shows the focused widget's binding of a key, not its
        screen's: the screen's "Open" never showed."""
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=True)
        if enter:  # (this table's alone: the class's bindings are shared)
            self._bindings.key_to_bindings["enter"] = [Binding("enter", "select_cursor", enter)]
