"""Marking files in the insight lists and the what-if (the duplicate list's keys): Space marks
the files of the row under the cursor (a file, or every file a row counts; a group of copies,
its redundant ones) and moves down, M the files of every row in view, U unmarks them, z undoes
the last of these, D opens the review.

The marks are the results screen's :class:`~aa_tui.tui.widgets.marks.Marks`: marks from every
list of a scan make one plan (``Cleanup.marked()``: an only copy is archived first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual import work
from textual.binding import Binding

from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label
from aa_tui.tui.messages import FilesToMark, RemovedChecked
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.widgets.marks import Marks, MarksPane, MarkUndo, nothing_to_undo
from aa_tui.tui.widgets.tables import VimDataTable


@runtime_checkable
class MarkableFile(Protocol):
    """A row that is one file (a file list's row, a heat row)."""

    @property
    def attachment_id(self) -> str: ...

    @property
    def size(self) -> int: ...


class NamedList(Protocol):
    """A row that stands for a list of files (``Workspace.files`` name and key)."""

    @property
    def name(self) -> str: ...

    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class GroupCopies:
    """A row that is a group of copies (Clutter): Space and M take its redundant copies, as
    on a duplicate group and the what-if's duplicates step (the kept copy, ★, stays: the
    plan names it beside each); U unmarks every copy of it."""

    name: str
    key: str
    title: str


#: what the rows a key acts on stand for: files (known), or lists of files to read
Rows = list[MarkableFile | NamedList]


def mark_bindings(screen: str) -> list[Binding]:
    """The mark keys of ``screen`` (binding ids ``<screen>.mark`` ...), as the results' are."""
    return [
        Binding("space", "mark", "Mark", tooltip="Mark for cleanup, then move down",
                id=f"{screen}.mark"),
        Binding("M", "mark_view", "Mark every file in view", show=False,
                id=f"{screen}.mark_view"),
        Binding("U", "clear_marks", "Unmark the files in view", show=False,
                id=f"{screen}.clear_marks"),
        Binding("z", "undo_unmark", "Undo the last mark change", show=False,
                id=f"{screen}.undo_unmark"),
        Binding("D", "review", "Review", tooltip="Review the cleanup", id=f"{screen}.review"),
    ]  # fmt: skip


class FileMarking(AppScreen):
    """Needs ``scan_id``, ``marks`` (None: no marking from here), ``review`` (opens the
    review of the marks) and :meth:`_rows` (the rows under the cursor, or in view)."""

    scan_id: str
    marks: Marks | None
    review: Callable[[], None] | None
    #: the marks before the last change (Space, M or U here; z puts them back)
    _undo: MarkUndo | None = None
    #: how many of the scan's files cleanups had removed when the rows were read (-1: not yet)
    removed_files: int = -1

    @property
    def mark_undo(self) -> MarkUndo:
        if self._undo is None:
            self._undo = MarkUndo()
        return self._undo

    def _rows(self, view: bool) -> tuple[Rows, str]:
        """The row under the cursor (``view`` False) or every row in view, and how to say it."""
        raise NotImplementedError

    def _marks_table(self) -> VimDataTable | None:
        """The table the cursor moves in after Space."""
        return None

    def _show_marks(self) -> None:
        if self.marks is not None:
            self.query_one(MarksPane).show_marks(self.marks)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark", "mark_view", "clear_marks", "undo_unmark", "review"):
            return self.marks is not None
        return True

    def _act(self, how: str, view: bool) -> None:
        rows, what = self._rows(view)
        if self.marks is None or not rows:
            return
        table = self._marks_table()
        if how == "toggle" and table is not None:
            table.action_cursor_down()  # as in dua: mark, then on to the next (keys may follow)
        if all(isinstance(r, MarkableFile) for r in rows):
            files = {r.attachment_id: r.size for r in rows if isinstance(r, MarkableFile)}
            self.on_files_to_mark(FilesToMark(files, how, what))
            return
        pane = self.query_one(MarksPane)
        pane.set_class(True, "-shown")
        pane.update(f"Reading the files of {what}…")
        self._read_rows(rows, how, what)

    # not exclusive: each key's read is applied (Space on two rows in a row marks both)
    @work(thread=True, exit_on_error=False, group="mark-files")
    def _read_rows(self, rows: Rows, how: str, what: str) -> None:
        settings = self.app.settings.insights
        files: dict[str, int] = {}
        for row in rows:
            if isinstance(row, MarkableFile):
                files[row.attachment_id] = row.size
                continue
            copies = isinstance(row, GroupCopies) and how != "unmark"
            for f in self.workspace.files(self.scan_id, row.name, row.key, settings):
                if f.is_copy or not copies:
                    files[f.attachment_id] = f.size
        self.post_message(FilesToMark(files, how, what))

    def on_files_to_mark(self, message: FilesToMark) -> None:
        marks = self.marks
        if marks is None:
            return
        files = message.files
        before, counted = marks.saved(), (marks.files, marks.size)
        if message.how == "unmark":
            count = marks.unmark_files(files)
            if not count:
                self.notify("No marked file is in view: the marks outside it stay.",
                            severity="warning")  # fmt: skip
                return
            self.notify(
                f"Unmarked {fmt.counted(count, 'file')} of {message.what}. "
                f"{key_label(self.app, self._key('undo_unmark'))} undoes it."
            )
        else:
            if message.how == "toggle":
                marked = marks.toggle_files(files)
                if not files:
                    self.notify("Nothing to mark here: no file is left.", severity="warning")
                elif not marked:
                    self.notify(f"Unmarked {fmt.counted(len(files), 'file')}.")
            else:
                added = marks.mark_files(files)
                self.notify(f"Marked {fmt.counted(added, 'more file')} of {message.what}.")
        self.mark_undo.changed(marks, before, counted)
        self.refresh_bindings()
        self._show_marks()
        self._marks_changed()

    def _forget_undo_if_changed(self) -> None:
        """Back from another screen: an undo that would lose marks changed there goes."""
        if self.marks is not None:
            self.mark_undo.forget_if_changed(self.marks)

    def on_screen_resume(self) -> None:
        self._forget_undo_if_changed()
        self._show_marks()  # marked or unmarked on another screen meanwhile
        if self.removed_files >= 0:
            self._check_removed()  # a cleanup may have run from here meanwhile

    @work(thread=True, exclusive=True, exit_on_error=False, group="marks-removed")
    def _check_removed(self) -> None:
        self.post_message(RemovedChecked(self.workspace.removed(self.scan_id)))

    def on_removed_checked(self, message: RemovedChecked) -> None:
        """A cleanup ran: the files it removed leave the marks (and never come back to them),
        and the rows are read again without them."""
        removed = message.removed
        marks = self.marks
        if marks is not None and removed.ids:
            counted = (marks.files, marks.size)
            marks.forget(removed.ids)
            if (marks.files, marks.size) != counted:
                self.mark_undo.forget_if_changed(marks)  # an undo would mark them again
                self.refresh_bindings()
                self._show_marks()
                self._marks_changed()
        if removed.files != self.removed_files:
            self._rows_stale()

    def _rows_stale(self) -> None:
        """Cleanups removed files since the rows were read: read them again."""

    def _marks_changed(self) -> None:
        """Draw the marks where the screen shows them (its rows' first cell)."""

    def _key(self, action: str) -> str:
        return f"{self.query_one(MarksPane).keys}.{action}"

    def action_mark(self) -> None:
        """Space: mark (or unmark) the files of the row under the cursor."""
        self._act("toggle", view=False)

    def action_mark_view(self) -> None:
        """M: mark the files of every row in view."""
        self._act("mark", view=True)

    def action_clear_marks(self) -> None:
        """U: unmark the files of every row in view (z undoes it)."""
        if self.marks:
            self._act("unmark", view=True)

    def action_undo_unmark(self) -> None:
        """z: the marks as they were before the last change (Space, M or U)."""
        if self.marks is None:
            return
        if not self.mark_undo.undo(self.marks):
            keys = self.query_one(MarksPane).keys
            self.notify(nothing_to_undo(self.app, keys), severity="warning")
            return
        self.refresh_bindings()
        self._show_marks()
        self._marks_changed()
        self.notify(f"Marks back: {fmt.counted(self.marks.files, 'file')}.")

    def action_review(self) -> None:
        """D: the review of a cleanup of every marked file (nothing changes there yet)."""
        if self.review is None:
            return
        if self.marks is not None and not self.marks:
            self.notify(
                f"Mark files first: {key_label(self.app, self._key('mark'))} marks the files of "
                f"the row under the cursor, {key_label(self.app, self._key('mark_view'))} every "
                "row in view.",
                severity="warning",
            )
            return
        self.review()
