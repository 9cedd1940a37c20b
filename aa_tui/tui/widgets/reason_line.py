"""The line under a list of files that shows the highlighted file's reason whole (a list's
cells are cut at 120 characters: a reason often runs longer)."""

from __future__ import annotations

from textual.widgets import Static

from aa_tui.tui.safe import plain


class ReasonLine(Static):
    """The reason of the highlighted row, numbered as the list counts (empty: none)."""

    DEFAULT_CSS = "ReasonLine { padding: 0 1; height: auto; max-height: 3; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show(self, row: int, reason: str) -> None:
        """Row ``row`` (0 first) and its ``reason``: Jira's words in it shown as text."""
        self.update(plain(f"{row + 1:,}: {reason}" if reason else "", lines=True))
