"""One duplicate group: every location, the canonical copy first; open or copy an issue."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from aa_tui.model.links import issue_url
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.outside import copy_text, open_link
from aa_tui.tui.safe import visible
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.marks import LIKELY_REFUSED, Marks, MarksPane
from aa_tui.tui.widgets.tables import VimDataTable

LIKELY = "likely duplicate (same size and name; bytes not compared)"


NARROW_BELOW = 110  # terminal columns under which the table drops two columns and cuts names


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class GroupDetailScreen(AppScreen):
    HELP_GROUP = "Group"
    BINDINGS = [
        Binding("o", "open_issue", "Open issue", id="group.open"),
        Binding("c", "copy_key", "Copy key", id="group.copy_key"),
        Binding("u", "copy_url", "Copy URL", id="group.copy_url"),
        Binding("space", "mark", "Mark copy", id="group.mark"),
        Binding("escape,backspace,h", "app.pop_screen", "Back", id="group.back"),
    ]
    DEFAULT_CSS = """
    GroupDetailScreen #group-head { padding: 0 1; height: auto; }
    GroupDetailScreen VimDataTable { height: 1fr; }
    """

    def __init__(
        self,
        group: dict[str, Any],
        browse_url: str,
        *,
        marks: Marks | None = None,
        likely_scan: bool = False,
        seen_in: str = "",
    ) -> None:
        super().__init__()
        self.group = group
        #: which scan's group this is, when not the results' own (a line below the head)
        self.seen_in = seen_in
        #: the results' marked copies (None: no cleanup from here); removed copies are in it
        self.marks = marks
        self.likely_scan = likely_scan
        self.browse_url = browse_url  # see browse_base
        self.locations: list[dict[str, Any]] = list(group.get("locations") or [])

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="group-head")
        yield VimDataTable(id="locations")
        yield Static(id="group-hint", classes="hint", markup=False)
        yield MarksPane(markup=False)
        yield Footer()

    def on_mount(self) -> None:
        g = self.group
        head = Text.assemble(
            (visible(g["file_name"]), "bold"),
            f"  ·  {size_text(g['size'])} × {fmt.count(g['copies'])} "
            f"{'copy' if g['copies'] == 1 else 'copies'}  ·  wasted ",
            (size_text(g["wasted_size"]), "bold red"),
            f"\n{visible(g.get('mime_type') or 'unknown type')}  ·  ",
            (LIKELY, "yellow") if g.get("likely") else g["hash"],  # "sha256:<hex>"
            ("\n" + visible(self.seen_in), "dim") if self.seen_in else "",
        )
        self.query_one("#group-head", Static).update(head)
        table = self.query_one(VimDataTable)
        # On a narrow terminal (80 columns) the project (it starts the issue key) and the status
        # category go, and long names are cut, so that no row needs scrolling sideways.
        narrow = self.app.size.width < NARROW_BELOW
        names = ["Keep", "Issue", "Project", "File name", "Uploader", "Uploaded", "Status"]
        if narrow:
            names.remove("Project")
        else:
            names.append("Category")
        self._keep_column, *_ = table.add_columns(*names)
        for n, loc in enumerate(self.locations):
            keep = Text("★ keep", style="bold green") if loc.get("is_canonical") else Text("copy")
            if self.marks is not None:
                keep = self._keep_cell(loc, keep)
            if narrow:
                cells = [
                    keep,
                    loc["issue_key"],
                    _cut(loc["file_name"], 22),
                    _cut(loc["author"], 14),
                    fmt.date(loc["created"]),
                    _cut(loc["status"], 10),
                ]
            else:
                cells = [
                    keep,
                    loc["issue_key"],
                    loc["project_key"],
                    loc["file_name"],
                    loc["author"],
                    fmt.date(loc["created"]),
                    loc["status"],
                    loc["status_category"],
                ]
            table.add_row(*cells, key=str(n))
        self.query_one("#group-hint", Static).update(
            "★ marks the canonical copy (the oldest upload); the others are redundant. "
            "o opens the issue in the browser, c copies its key, u its URL."
            + (" Space marks a copy for cleanup." if self.marks is not None else "")
        )
        if self.marks is not None:
            self.query_one(MarksPane).show_marks(self.marks)
        table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # no cleanup from here (a group opened from another scan's comparison): no Space
        return self.marks is not None if action == "mark" else True

    # -- marks for cleanup ----------------------------------------------------------------------
    def _keep_cell(self, loc: dict[str, Any], plain: Text) -> Text:
        assert self.marks is not None
        aid = str(loc["attachment_id"])
        if aid in self.marks.removed:
            return Text("✗ removed", style="dim strike")
        if self.marks.is_marked(aid):
            return Text("● marked", style="bold magenta")
        return plain

    def action_mark(self) -> None:
        loc = self.selected()
        if loc is None or self.marks is None:
            return
        if self.likely_scan or self.group.get("likely"):
            self.notify(LIKELY_REFUSED, severity="warning", timeout=10)
            return
        changed = self.marks.toggle_copy(self.group, loc)
        if changed is None:
            why = (
                "it was removed already"
                if str(loc["attachment_id"]) in self.marks.removed
                else "it is the copy that stays (★): a group always keeps one"
            )
            self.notify(f"This copy cannot be marked: {why}.", severity="warning")
            return
        table = self.query_one(VimDataTable)
        row = table.cursor_row
        plain = Text("★ keep", style="bold green") if loc.get("is_canonical") else Text("copy")
        table.update_cell(str(row), self._keep_column, self._keep_cell(loc, plain))
        self.query_one(MarksPane).show_marks(self.marks)
        if row < len(self.locations) - 1:
            table.move_cursor(row=row + 1)

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one(VimDataTable)
        if not self.locations:
            return None
        return self.locations[min(max(table.cursor_row, 0), len(self.locations) - 1)]

    def action_open_issue(self) -> None:
        loc = self.selected()
        if loc:
            url = issue_url(self.browse_url, loc["issue_key"])
            open_link(self.app, url, loc["issue_key"])

    def action_copy_key(self) -> None:
        loc = self.selected()
        if loc:
            copy_text(self.app, loc["issue_key"], "the key")

    def action_copy_url(self) -> None:
        loc = self.selected()
        if loc:
            copy_text(self.app, issue_url(self.browse_url, loc["issue_key"]), "the URL")
