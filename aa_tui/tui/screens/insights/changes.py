"""Between two scans: the duplicate groups that appeared, disappeared, grew or shrank (every
change in waste between them is in one of these four lists), and those that hold as many
copies but other files (their waste moved between issues or projects)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static, TabPane

from aa_tui.model.insights import GroupChange, GroupChanges
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.comparing import scan_differences
from aa_tui.tui.messages import GroupChangesRead, GroupOfScanRead
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.tables import VimDataTable
from aa_tui.tui.widgets.tabs import SteadyTabbedContent

KINDS = (
    ("grew", "Grew"),
    ("appeared", "Appeared"),
    ("disappeared", "Disappeared"),
    ("shrank", "Shrank"),
    ("changed", "Changed"),
)


def _delta(n: int) -> Text:
    if n == 0:
        return Text("0 B", justify="right")
    sign, style = ("+", "red") if n > 0 else ("-", "green")
    return Text(f"{sign}{size_text(abs(n))}", style=style, justify="right")


def _copies_moved(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Which copies of a changed group the older scan held and the newer does not, and the
    other way round, by issue (a copy is one file: its id tells it)."""

    def by_id(group: dict[str, Any]) -> dict[str, str]:
        return {str(a["attachment_id"]): str(a["issue_key"]) for a in group["locations"]}

    old, new = by_id(before), by_id(after)
    left = sorted(old[a] for a in old.keys() - new.keys())
    came = sorted(new[a] for a in new.keys() - old.keys())
    return f"Since the older scan: gone from {', '.join(left)}; new on {', '.join(came)}."


def _unchanged(changes: GroupChanges) -> str:
    """What the heading adds when no list has a group: that the groups are the same only when
    their files were compared (a moved copy leaves every count as it was)."""
    if any(getattr(changes, kind) for kind, _ in KINDS):
        return ""
    if changes.files_compared:
        return " The two scans hold the same duplicate groups."
    return (
        " No group appeared, disappeared or changed its number of copies (which files each"
        " holds was not compared: a scan saved by an older aa-tui did not keep them)."
    )


class GroupChangesScreen(AppScreen):
    """Read-only: which groups an older and a newer scan of the site disagree on."""

    HELP_GROUP = "Compare"
    BINDINGS = [
        *(
            Binding(str(n), f"tab('{kind}')", title, show=False, id=f"changes.tab_{kind}")
            for n, (kind, title) in enumerate(KINDS, start=1)
        ),
        # Tab turns the page, as ] does (as on the insights): the rows keep the focus
        Binding("tab,right_square_bracket", "next_tab(1)", "Next tab", show=False,
                id="changes.next_tab"),
        Binding("shift+tab,left_square_bracket", "next_tab(-1)", "Previous tab", show=False,
                id="changes.prev_tab"),
        Binding("enter", "open_group", "Open group", id="changes.open"),
        Binding("escape,backspace", "app.pop_screen", "Back", id="changes.back"),
    ]  # fmt: skip
    DEFAULT_CSS = """
    GroupChangesScreen #changes-head { padding: 0 1; height: auto; }
    GroupChangesScreen #changes-warning { padding: 0 1; height: auto; color: $warning; }
    GroupChangesScreen TabbedContent { height: 1fr; }
    GroupChangesScreen TabPane { padding: 0; }
    GroupChangesScreen VimDataTable { height: 1fr; }
    """

    def __init__(self, older_id: str, newer_id: str) -> None:
        super().__init__()
        self.older_id = older_id
        self.newer_id = newer_id
        self.changes: GroupChanges | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Comparing the duplicate groups...", id="changes-head", markup=False)
        yield Static(id="changes-warning", markup=False)
        with SteadyTabbedContent(id="changes-tabs"):
            for kind, title in KINDS:
                with TabPane(title, id=kind):
                    yield VimDataTable(id=f"changes-{kind}", enter="Open group")
        yield Footer()

    def on_mount(self) -> None:
        older, newer = (self.workspace.get_scan(i) for i in (self.older_id, self.newer_id))
        differ = scan_differences(older, newer, self.app.site_label) if older and newer else []
        warning = self.query_one("#changes-warning", Static)
        warning.display = bool(differ)
        warning.update(
            "These scans measure different things (" + "; ".join(differ) + "): the groups "
            "below differ by that, not only by what changed."
        )
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="changes")
    def _load(self) -> None:
        changes = self.workspace.group_changes(self.older_id, self.newer_id)
        self.post_message(GroupChangesRead(changes))

    def _named(self, scan_id: str) -> str:
        """A scan by when it ran, to the second (two scans of one minute), and its scope;
        its id if it is gone."""
        info = self.workspace.get_scan(scan_id)
        if info is None:
            return scan_id
        return f"the scan of {fmt.moment(info.started_at)} ({info.scope.describe()})"

    def on_group_changes_read(self, message: GroupChangesRead) -> None:
        self._show(message.changes)

    def _show(self, changes: GroupChanges) -> None:
        self.changes = changes
        counts = ", ".join(
            f"{fmt.count(len(getattr(changes, kind)))} {title.lower()}" for kind, title in KINDS
        )
        self.query_one("#changes-head", Static).update(
            f"Duplicate groups from {self._named(self.older_id)} to "
            f"{self._named(self.newer_id)}: {counts}"
            + (" (as many copies as before, some of them other files)." if changes.changed else ".")
            + _unchanged(changes)
        )
        for kind, _ in KINDS:
            self._fill(self.query_one(f"#changes-{kind}", VimDataTable), getattr(changes, kind))
        tabs = self.query_one(SteadyTabbedContent)
        if not getattr(changes, tabs.active):  # open on a list that has rows, if one has
            tabs.active = next((k for k, _ in KINDS if getattr(changes, k)), tabs.active)
        tabs.focus_pane(tabs.active, self.query_one(f"#changes-{tabs.active}", VimDataTable))

    def _fill(self, table: VimDataTable, rows: list[GroupChange]) -> None:
        # the change each list is sorted by first, the file's name last: at 80 columns a
        # long name pushed the change off screen
        table.add_columns("Waste change", "Copies before", "Copies after", "Size", "File")
        for n, c in enumerate(rows):
            table.add_row(
                _delta(c.wasted_change),
                Text(fmt.count(c.copies_before), justify="right"),
                Text(fmt.count(c.copies_after), justify="right"),
                Text(size_text(c.size), justify="right"),
                c.file_name,
                key=str(n),
            )

    def on_data_table_row_selected(self, event: VimDataTable.RowSelected) -> None:
        event.stop()
        self.action_open_group()

    def action_open_group(self) -> None:
        """Open the highlighted group as the scan that holds it saw it: the newer one, or the
        older for a group that disappeared."""
        kind = self.query_one(SteadyTabbedContent).active
        rows: list[GroupChange] = getattr(self.changes, kind, None) or []
        row = self.query_one(f"#changes-{kind}", VimDataTable).cursor_row
        if 0 <= row < len(rows):
            gone = kind == "disappeared"
            scan_id = self.older_id if gone else self.newer_id
            self._open(scan_id, rows[row].hash, gone, kind == "changed")

    @work(thread=True, exclusive=True, exit_on_error=False, group="open")
    def _open(self, scan_id: str, digest: str, gone: bool, moved: bool) -> None:
        found = self.workspace.group_of_scan(scan_id, digest)
        seen = f"As {self._named(scan_id)} saw it" + (
            ": the newer scan has no such group." if gone else "."
        )
        if moved and found is not None:  # which copies are other files now (found trying it)
            was = self.workspace.group_of_scan(self.older_id, digest)
            if was is not None:
                seen += " " + _copies_moved(was.group, found.group)
        self.post_message(GroupOfScanRead(found, seen))

    def on_group_of_scan_read(self, message: GroupOfScanRead) -> None:
        from aa_tui.tui.screens.group_detail import GroupDetailScreen

        found = message.found
        if self.app.screen is not self:  # (Enter pressed again while one was read)
            return
        if found is None:  # (the scan's groups changed since: a cleanup's restore)
            self.notify("That group is no longer in the scan.", severity="warning")
            return
        self.app.push_screen(
            GroupDetailScreen(
                found.group, found.browse_url, likely_scan=found.likely, seen_in=message.seen_in
            )
        )

    def action_tab(self, kind: str) -> None:
        tabs = self.query_one(SteadyTabbedContent)
        tabs.show(kind)
        tabs.focus_pane(kind, self.query_one(f"#changes-{kind}", VimDataTable))

    def action_next_tab(self, step: int) -> None:
        tabs = self.query_one(SteadyTabbedContent)
        self.action_tab(tabs.turned(step, [kind for kind, _ in KINDS]))
