"""The files behind one number: sort, filter, open or copy the issue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from aa_tui.model.insights import FileList, FileRow
from aa_tui.model.links import issue_url
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.group_filter import GroupFilter
from aa_tui.tui.messages import FilesFiltered, FilesListed
from aa_tui.tui.safe import plain
from aa_tui.tui.screens.cleanup.file_marks import FileMarking, Rows, mark_bindings
from aa_tui.tui.widgets.groups_pane import DEBOUNCE_S
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.inputs import TextInput, typing_in_a_field
from aa_tui.tui.widgets.marks import MARK, Marks, MarksPane, MarkUndo
from aa_tui.tui.widgets.tables import VimDataTable

LIMIT = 5000  # files read and shown at most (the biggest first); the title counts them all
SORTS = ("size", "name", "uploaded", "updated")
#: the heat list comes hottest first (size x days idle); it can be sorted by size too
HEAT_SORTS = ("heat", *SORTS)


def _sorted(files: list[FileRow], sort: str) -> list[FileRow]:
    if sort == "name":
        return sorted(files, key=lambda f: (f.file_name.casefold(), f.attachment_id))
    if sort == "uploaded":
        return sorted(files, key=lambda f: (f.created, f.attachment_id))
    if sort == "updated":
        return sorted(files, key=lambda f: (f.issue_updated, f.attachment_id))
    if sort == "size":
        return sorted(files, key=lambda f: (-f.size, f.attachment_id))
    return list(files)  # as listed (heat: hottest first)


@dataclass(frozen=True)
class FileListChoice:
    """Which list of files a row opens (``Workspace.files`` name and key) and its title."""

    name: str
    key: str
    title: str


class FilesScreen(FileMarking):
    """One list of files (``Workspace.files``), biggest first; files can be marked for
    cleanup (``marks``: the scan's, from its results)."""

    HELP_GROUP = "Files"
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort", id="files.sort"),
        Binding("slash", "filter", "Filter", id="files.filter", priority=True),
        Binding("o", "open_issue", "Open issue", id="files.open"),
        Binding("c", "copy_key", "Copy key", id="files.copy_key"),
        Binding("x", "export", "Export", id="files.export"),
        Binding("escape,backspace", "back", "Back", id="files.back"),
        *mark_bindings("files"),
    ]
    DEFAULT_CSS = """
    FilesScreen #files-title { padding: 0 1; text-style: bold; height: auto; }
    FilesScreen #files-filter { display: none; }
    FilesScreen #files-filter.shown { display: block; }
    FilesScreen VimDataTable { height: 1fr; }
    """

    def __init__(
        self,
        scan_id: str,
        choice: FileListChoice,
        browse_url: str,
        now: datetime | None = None,
        *,
        marks: Marks | None = None,
        review: Callable[[], None] | None = None,
        undo: MarkUndo | None = None,
    ) -> None:
        super().__init__()
        self.scan_id = scan_id
        self._undo = undo  # the results' own: z undoes a change made on any of its screens
        self.marks = marks
        self.review = review
        self.choice = choice
        self.browse_url = browse_url
        self.now = now  # the scan's finish: ages (the age: filter word) count from it
        self.files: list[FileRow] = []
        self.listed = FileList([], 0, 0)
        self.shown: list[FileRow] = []
        self.sorts = HEAT_SORTS if choice.name == "heat" else SORTS
        self.sort = self.sorts[0]
        self.text = ""
        #: a list longer than it shows, filtered whole: the filter's text and its files
        self.matching: tuple[str, FileList] | None = None
        self._typing: Timer | None = None  # the whole list's filter, once typing pauses
        self._typed: Timer | None = None  # a complete list's filter, once typing pauses

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(plain(f"{self.choice.title}: reading..."), id="files-title", markup=False)
        yield TextInput(
            placeholder="filter: words (name, issue, uploader)  project:KEY  type:pdf  size:>10MB",
            id="files-filter",
        )
        yield VimDataTable(id="files")
        pane = MarksPane(markup=False)
        pane.keys = "files"
        yield pane
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(VimDataTable)
        # the reason a file could not be read, or "copy" on a redundant copy (one of a group's
        # files but the one it keeps)
        last = "Reason" if self.choice.name == "unreadable" else "Copy"
        table.add_columns("Issue", "File name", "Size", "Uploader", "Uploaded", "Updated", last)
        self._show_marks()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="files")
    def _load(self) -> None:
        removed = self.workspace.removed(self.scan_id).files
        listed = self.workspace.file_list(
            self.scan_id, self.choice.name, self.choice.key, limit=LIMIT
        )
        self.post_message(FilesListed(listed, removed))

    def on_files_listed(self, message: FilesListed) -> None:
        self.removed_files = message.removed
        self._loaded(message.listed)

    def _rows_stale(self) -> None:
        self._load()  # a cleanup applied from here: its files leave the list

    def _loaded(self, listed: FileList) -> None:
        self.listed = listed
        self.files = listed.files
        self.matching = None  # (read again after a cleanup: so is any filter's answer)
        self._refresh()
        self.query_one(VimDataTable).focus()

    def _refresh(self) -> None:
        flt = GroupFilter.parse(self.text)
        if flt.active and not self.listed.complete:  # the filter goes over the whole list
            if self.matching is not None and self.matching[0] == self.text:
                self._show(self.matching[1].files, flt, self.matching[1])
            else:
                self._say(f"{self._head()} · looking through them all for {self.text!r}…")
                # a read of the whole list a key, while typing, kept both cores busy: the
                # words once typing pauses, as the groups' filter takes them
                if self._typing is not None:
                    self._typing.stop()
                text, keep = self.text, flt.file_check(self.now)
                self._typing = self.set_timer(DEBOUNCE_S, lambda: self._filter_whole(text, keep))
            return
        keeps = flt.file_check(self.now)
        chosen = [f for f in self.files if keeps(f)] if flt.active else list(self.files)
        self._show(chosen, flt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="files-filter")
    def _filter_whole(self, text: str, keep: Callable[[FileRow], bool]) -> None:
        choice = self.choice
        listed = self.workspace.file_list(
            self.scan_id, choice.name, choice.key, limit=LIMIT, keep=keep
        )
        self.post_message(FilesFiltered(text, listed))

    def on_files_filtered(self, message: FilesFiltered) -> None:
        if message.text != self.text:
            return  # typed on meanwhile: its own answer comes
        self.matching = (message.text, message.listed)
        self._refresh()

    def _head(self) -> str:
        listed = self.listed
        return f"{self.choice.title}: {fmt.counted(listed.count, 'file')}, {size_text(listed.size)}"

    def _show(
        self, chosen: list[FileRow], flt: GroupFilter, matching: FileList | None = None
    ) -> None:
        """``chosen`` in the sort's order, under a title that says how many and of what
        (``matching``: the whole list's files that the filter keeps)."""
        self.shown = _sorted(chosen, self.sort)
        first = "hottest" if self.choice.name == "heat" else "biggest"
        head = self._head()
        if matching is not None:
            head += f" · {fmt.count(matching.count)} matching {self.text!r}"
            if not matching.complete:
                head += f" (the {fmt.count(len(matching.files))} {first} shown)"
        else:
            if not self.listed.complete:
                head += f" (the {fmt.count(len(self.files))} {first} shown)"
            if self.text:
                head += f" · {fmt.count(len(chosen))} matching {self.text!r}"
        if flt.problems:
            head += " · " + " ".join(flt.problems)
        self._say(f"{head} · sorted by {self.sort} · o opens the issue")
        table = self.query_one(VimDataTable)
        table.clear()
        reasons = self.listed.reasons
        for n, f in enumerate(self.shown):
            table.add_row(
                self._issue_cell(f),
                f.file_name,
                size_text(f.size),
                f.author,
                fmt.day(f.created),
                fmt.day(f.issue_updated),
                reasons.get(f.attachment_id) or ("copy" if f.is_copy else ""),
                key=str(n),
            )

    def _say(self, title: str) -> None:
        self.query_one("#files-title", Static).update(plain(title))

    def _issue_cell(self, f: FileRow) -> str:
        """The issue key, after ``●`` when the file is marked."""
        marked = self.marks is not None and self.marks.is_marked(f.attachment_id)
        return f"{MARK} {f.issue_key}" if marked else f.issue_key

    # -- marks ----------------------------------------------------------------------------------
    def _rows(self, view: bool) -> tuple[Rows, str]:
        if not view:
            f = self.selected()
            return ([f] if f else []), (f.file_name if f else "")
        if self.text or self.listed.complete:
            return list(self.shown), f"the {fmt.count(len(self.shown))} files in view"
        # the whole list, beyond the files shown
        choice = self.choice
        return [choice], f"{choice.title} ({fmt.count(self.listed.count)} files)"

    def _marks_table(self) -> VimDataTable:
        return self.query_one(VimDataTable)

    def _marks_changed(self) -> None:
        table = self.query_one(VimDataTable)
        column = next(iter(table.columns))
        for n, f in enumerate(self.shown):
            table.update_cell(str(n), column, self._issue_cell(f))

    def action_cycle_sort(self) -> None:
        self.sort = self.sorts[(self.sorts.index(self.sort) + 1) % len(self.sorts)]
        self._refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not typing_in_a_field(self)
        return super().check_action(action, parameters)

    def action_filter(self) -> None:
        box = self.query_one("#files-filter", Input)
        box.add_class("shown")
        self.screen.set_focus(box)  # now: keys queued behind the slash go to the box

    @on(Input.Changed, "#files-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if text == self.text and self._typed is None:  # applied already (Escape cleared it)
            return
        self.text = text
        if not self.listed.complete:  # (the whole list's read waits for a pause itself)
            self._refresh()
            return
        # a whole list filtered and drawn again at each key lagged the typing (~150 ms a key
        # at thousands of files): once typing pauses, as the groups' filter, or at Enter
        self._stop_typed()
        self._typed = self.set_timer(DEBOUNCE_S, self._typing_paused)

    def _typing_paused(self) -> None:
        self._typed = None
        self._refresh()

    @on(Input.Blurred, "#files-filter")
    def _filter_left(self) -> None:  # (a list in view is the filter's before marks or export)
        self._apply_typed()

    @on(Input.Submitted, "#files-filter")
    def _filter_done(self) -> None:
        self._apply_typed()
        self.query_one(VimDataTable).focus()

    def _apply_typed(self) -> None:
        """What was typed, applied now if it waits for a pause (Enter, Escape)."""
        if self._typed is not None:
            self._stop_typed()
            self._refresh()

    def _stop_typed(self) -> None:
        if self._typed is not None:
            self._typed.stop()
            self._typed = None

    def selected(self) -> FileRow | None:
        if not self.shown:
            return None
        row = self.query_one(VimDataTable).cursor_row
        return self.shown[min(max(row, 0), len(self.shown) - 1)]

    def action_open_issue(self) -> None:
        f = self.selected()
        if f:
            self.app.open_url(issue_url(self.browse_url, f.issue_key))
            self.notify(f"Opening {f.issue_key} in the browser.")

    def action_copy_key(self) -> None:
        f = self.selected()
        if f:
            self.app.copy_to_clipboard(f.issue_key)
            self.notify(f"Copied {f.issue_key}.")

    def action_export(self) -> None:
        """Write this list as CSV or JSON: the files in view when a filter narrows them or
        the whole list is shown, else every file of the list (read again, biggest first)."""
        from aa_tui.tui.screens.insights.export import FileListExportScreen

        in_view = bool(self.text) or self.listed.complete
        rows = list(self.shown) if in_view else None
        count = len(self.shown) if in_view else self.listed.count
        what = f"{fmt.count(count)} files"
        if not in_view:
            what += ", biggest first"
        elif self.text:
            what += f" matching {self.text!r}"
            matching = self.matching[1] if self.matching is not None else None
            if matching is not None and not matching.complete:
                what += f", the biggest of {fmt.count(matching.count)}"
        choice = self.choice
        self.app.push_screen(
            FileListExportScreen(self.scan_id, choice.name, choice.key, choice.title, rows, what)
        )

    def action_back(self) -> None:
        """Escape: leave the filter box, then clear the filter, then leave the list (as the
        duplicate groups do; README: on a filtered list it first clears the filter)."""
        box = self.query_one("#files-filter", Input)
        if box.has_focus:
            self._apply_typed()
            self.query_one(VimDataTable).focus()
            return
        if self.text:
            self._stop_typed()
            self.text = ""
            self._refresh()
            box.value = ""  # (its Input.Changed finds the filter cleared already)
            box.remove_class("shown")
            return
        self.app.pop_screen()
