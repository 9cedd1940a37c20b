"""A line-rendered list of duplicate groups: cost follows the screen, not the data.

Holds the groups and a *view* (indices, from :class:`~aa_tui.tui.group_index.GroupIndex`), and
renders only the visible lines (toolong's pattern), so 100,000 rows open and scroll at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from aa_tui.model.classify import file_type
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.keys import move_bindings
from aa_tui.tui.safe import visible
from aa_tui.tui.shares import Share

NO_GROUPS = "No duplicate groups."


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # 0: takes the rest
    right: bool = False


COLUMNS = (
    Column("Wasted", 10, right=True),
    Column("Copies", 6, right=True),
    Column("Size", 10, right=True),
    Column("Type", 7),
    Column("Projects", 16),
    Column("File name", 0),
)
#: drilled in from a breakdown row: the row's copies and share of the waste come first
DRILL_COLUMNS = (
    Column("Wasted here", 11, right=True),
    Column("Copies here", 11, right=True),
    *COLUMNS[2:],
)


def _cells(group: dict[str, Any], share: Share | None = None) -> list[str]:
    projects = group.get("projects")  # a group row's (sorted) projects, else from locations
    if projects is None:
        projects = sorted({loc["project_key"] for loc in group.get("locations", ())})
    shown = visible(",".join(projects[:3]) + ("…" if len(projects) > 3 else ""))
    name = visible(group["file_name"])  # a line of text: never a control character
    if group.get("likely"):
        name = "≈ " + name
    if share is not None:
        first = [size_text(share.wasted), f"{share.copies:,} of {group['copies']:,}"]
    else:
        first = [size_text(group["wasted_size"]), fmt.count(group["copies"])]
    return [
        *first,
        size_text(group["size"]),
        file_type(group["file_name"]),
        shown,
        name,
    ]


def layout_row(cells: Sequence[str], width: int, columns: Sequence[Column] = COLUMNS) -> str:
    """One row of text exactly ``width`` cells wide, columns separated by a space, after a
    cell for the row's mark and a space (a mark never touches the first figure)."""
    fixed = sum(c.width + 1 for c in columns if c.width)
    rest = max(4, width - fixed - 2)
    parts = []
    for column, text in zip(columns, cells, strict=True):
        w = column.width or rest
        if cell_len(text) > w:
            text = set_cell_size(text, w - 1) + "…"
        parts.append(text.rjust(w) if column.right else set_cell_size(text, w))
    return set_cell_size("  " + " ".join(parts), width)


class GroupList(ScrollView, can_focus=True):
    """Duplicate groups, one per line, with a fixed header; Enter posts :class:`Selected`."""

    HELP_GROUP = "Group list"

    BINDINGS = [
        *move_bindings(
            "groups",
            {
                "up": "cursor(-1)",
                "down": "cursor(1)",
                "page_up": "page(-1)",
                "page_down": "page(1)",
                "first": "jump(0)",
                "last": "jump(-1)",
            },
            arrows=True,
        ),  # fmt: skip
        Binding("enter", "select", "Open group", id="groups.open"),
    ]
    COMPONENT_CLASSES = {"group-list--header", "group-list--cursor", "group-list--empty"}
    DEFAULT_CSS = """
    GroupList {
        background: $surface;
        overflow-x: hidden;
        height: 1fr;
        & > .group-list--header { text-style: bold; background: $panel; color: $foreground; }
        & > .group-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .group-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .group-list--empty { color: $text-muted; text-style: italic; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Selected(Message):
        """Enter on a row."""

        def __init__(self, group_list: GroupList, index: int, group: dict[str, Any]) -> None:
            super().__init__()
            self.group_list = group_list
            self.index = index  # into the groups, not the view
            self.group = group

        @property
        def control(self) -> GroupList:
            return self.group_list

    def __init__(self, *, empty_text: str = NO_GROUPS, id: str | None = None) -> None:
        super().__init__(id=id)
        self.groups: Sequence[dict[str, Any]] = ()
        self.view: list[int] = []
        self.empty_text = empty_text
        self._line_cache: dict[tuple[int, int], str] = {}
        #: group index -> its share of the breakdown row drilled into (None: whole groups)
        self.shares: dict[int, Share] | None = None
        #: the group's mark for cleanup (aa_tui.tui.widgets.marks): drawn in the first cell
        self.marker: Callable[[dict[str, Any]], str] | None = None

    # -- data -----------------------------------------------------------------------------------
    def set_view(
        self,
        groups: Sequence[dict[str, Any]],
        view: list[int],
        *,
        keep: bool = False,
        shares: dict[int, Share] | None = None,
    ) -> None:
        """Show ``view`` (indices into ``groups``); the cursor goes to the top unless ``keep``.
        With ``shares`` the first columns show each group's share of a breakdown row."""
        if groups is not self.groups or shares is not self.shares:
            self._line_cache.clear()
        self.shares = shares
        selected = self.selected_index if keep else None
        self.groups = groups
        self.view = view
        self.virtual_size = Size(self.size.width, len(view) + 1)
        position = 0
        if selected is not None:
            try:
                position = view.index(selected)
            except ValueError:
                position = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = position
        self.refresh()

    @property
    def selected_index(self) -> int | None:
        if 0 <= self.cursor < len(self.view):
            return self.view[self.cursor]
        return None

    @property
    def selected_group(self) -> dict[str, Any] | None:
        index = self.selected_index
        return None if index is None else self.groups[index]

    # -- cursor ---------------------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.view) - 1)) if self.view else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()

    @property
    def _page(self) -> int:
        return max(1, self.size.height - 2)

    def _scroll_cursor_into_view(self) -> None:
        rows = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * self._page

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.view) - 1

    def action_select(self) -> None:
        index = self.selected_index
        if index is not None:
            self.post_message(self.Selected(self, index, self.groups[index]))

    def on_click(self, event: events.Click) -> None:
        row = event.y - 1 + int(self.scroll_y)
        if event.y >= 1 and 0 <= row < len(self.view):
            if row == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = row

    def on_resize(self, event: events.Resize) -> None:
        self._line_cache.clear()
        self.virtual_size = Size(event.size.width, len(self.view) + 1)
        self._scroll_cursor_into_view()

    # -- rendering ------------------------------------------------------------------------------
    def _text_of(self, index: int, width: int) -> str:
        key = (index, width)
        text = self._line_cache.get(key)
        if text is None:
            if len(self._line_cache) > 4096:
                self._line_cache.clear()
            share = None if self.shares is None else self.shares.get(index)
            cells = _cells(self.groups[index], share)
            text = self._line_cache[key] = layout_row(cells, width, self.columns)
        return text

    @property
    def columns(self) -> Sequence[Column]:
        return COLUMNS if self.shares is None else DRILL_COLUMNS

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("group-list--header")
            text = layout_row([c.title for c in self.columns], width, self.columns)
            return Strip([Segment(text, style)], width)
        row = int(self.scroll_y) + y - 1
        if not self.view:
            if y == 1:
                style = base + self.get_component_rich_style("group-list--empty")
                return Strip([Segment(set_cell_size("  " + self.empty_text, width), style)], width)
            return Strip.blank(width, base)
        if row >= len(self.view):
            return Strip.blank(width, base)
        style = base
        if row == self.cursor:
            style = base + self.get_component_rich_style("group-list--cursor")
        text = self._text_of(self.view[row], width)
        if self.marker is not None:
            mark = self.marker(self.groups[self.view[row]])
            if mark:
                text = mark + text[1:]
        return Strip([Segment(text, style)], width)
