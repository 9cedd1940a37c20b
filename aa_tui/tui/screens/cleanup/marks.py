"""Marking copies for cleanup on the results (dua's mark, review, commit): the keys and
handlers :class:`~aa_tui.tui.screens.results.ResultsScreen` mixes in.

Space marks the redundant copies of the group under the cursor and moves down (as dua does;
Duplicates, Quick wins), M every group in view, U unmarks the groups in view (every mark
where no list is shown), z undoes the last of these, D opens the review; earlier cleanups' removed
copies are read in a worker and shown (the title's bytes freed, ``✗`` in the lists).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import TabbedContent

from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label
from aa_tui.tui.messages import RemovedRead, ViewRead
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.widgets.group_list import GroupList
from aa_tui.tui.widgets.marks import (
    LIKELY_REFUSED,
    Marks,
    MarksPane,
    MarkUndo,
    nothing_to_undo,
)

if TYPE_CHECKING:
    from aa_tui.model.scans import ScanInfo
    from aa_tui.model.summary import ScanSummary
    from aa_tui.service.cleanup import Removed
    from aa_tui.service.workspace import ScanResults


class MarkingMixin(AppScreen):
    """Needs the screen's ``scan_id``, ``info``, ``summary``, ``results``, ``likely``,
    ``from_history`` and ``_title()`` (declared below); call :meth:`_init_marks` in
    ``__init__`` and :meth:`_start_marks` at the end of ``on_mount``."""

    # what the screen that mixes this in sets (annotations only: nothing at run time)
    scan_id: str
    from_history: bool
    info: ScanInfo | None
    summary: ScanSummary | None
    results: ScanResults | None

    if TYPE_CHECKING:

        @property
        def likely(self) -> bool:
            """Whether the scan compared metadata only (its groups are not marked)."""

        def _title(self) -> None:
            """Show the scan's title (with the bytes freed, once read)."""

        def _show_summary(self, summary: ScanSummary) -> None:
            """Show the scan's figures (after cleanup, once read)."""

        def _load_groups(self) -> object:
            """Read the duplicate groups again (net of what is removed): a worker."""

    def _init_marks(self) -> None:
        self.marks = Marks()
        self.removed: Removed | None = None  # once read
        self.removed_groups: frozenset[str] = frozenset()
        #: the marks before the last Space, M or U (``z`` puts them back)
        self.mark_undo = MarkUndo()

    def _start_marks(self) -> None:
        for name in ("#group-list", "#wins"):
            self.query_one(name, GroupList).marker = self._marker
        self._load_removed()

    def _removed_title(self) -> str:
        if self.removed is None or not self.removed.ids:
            return ""
        removed = fmt.counted(self.removed.files, "file")
        # "since the scan", by any cleanup of the site: History's Cleaned counts its own plans
        return f"since the scan: {removed} removed, {size_text(self.removed.freed)} freed"

    def _marker(self, group: dict[str, Any]) -> str:
        mark = self.marks.symbol(group)
        if not mark and self.removed_groups and group.get("hash") in self.removed_groups:
            return "✗"
        return mark

    @work(thread=True, exclusive=True, exit_on_error=False, group="removed")
    def _load_removed(self) -> None:
        """What earlier cleanups removed, and the scan's figures after them."""
        after = self.workspace.after_cleanup(
            self.scan_id, self.app.settings.insights, insights=False
        )
        self.post_message(RemovedRead(after.removed, after.summary))

    def on_removed_read(self, message: RemovedRead) -> None:
        before = self.removed
        self.removed = message.removed
        self.removed_groups = frozenset(message.removed.by_group)
        self.marks.forget(message.removed.ids)
        self._show_summary(message.summary)
        if message.removed.by_group != (before.by_group if before is not None else {}):
            self._load_groups()  # each group's copies and waste, counted again
        if self.info is not None:
            self._title()
        self._show_marks()

    def on_screen_resume(self) -> None:
        if self.summary is None:  # the first resume comes before on_mount has run
            return
        if not self.workspace.has_results(self.scan_id):  # deleted by another aa-tui
            if len(self.app.screen_stack) > 1:
                self.app.pop_screen()  # its lists cannot be read again: no error at each return
            self.app.notify(fmt.deleted_meanwhile(self.scan_id), severity="warning")
            return
        self.mark_undo.forget_if_changed(self.marks)  # changed on the group's screen: z goes
        self._show_marks()
        self._load_removed()  # a cleanup may have run meanwhile

    def _show_marks(self) -> None:
        self.query_one(MarksPane).show_marks(self.marks)
        for name in ("#group-list", "#wins"):
            self.query_one(name, GroupList).refresh()

    def _marking_list(self) -> GroupList | None:
        tab = self.query_one(TabbedContent).active
        if tab == "groups":
            return self.query_one("#group-list", GroupList)
        if tab == "quick_wins":
            return self.query_one("#wins", GroupList)
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark", "mark_view"):
            return self._marking_list() is not None
        return True

    def _refuse_likely(self) -> bool:
        if self.likely:
            self.notify(LIKELY_REFUSED, severity="warning", timeout=10)
        return self.likely

    def action_mark(self) -> None:
        """Space: mark (or unmark) the redundant copies of the group under the cursor."""
        glist = self._marking_list()
        if glist is None or self._refuse_likely() or self.results is None:
            return
        index = glist.selected_index
        if index is None:
            return
        group = glist.groups[index]
        if "locations" not in group:  # a group row: its copies are read by themselves
            group = self.results.group(index)
        before, counted = self.marks.saved(), (self.marks.files, self.marks.size)
        if self.marks.toggle_group(group) is False and not self.marks.redundant(group):
            self.notify("Nothing to mark here: this group has one copy left.", severity="warning")
            return  # the cursor stays on the group it was about
        self.mark_undo.changed(self.marks, before, counted)
        self._show_marks()
        glist.action_cursor(1)  # as in dua: mark, then on to the next

    def action_mark_view(self) -> None:
        """M: mark every redundant copy of every group the list shows (filtered, drilled)."""
        glist = self._marking_list()
        if glist is None or self._refuse_likely() or not glist.view:
            return
        if glist.id == "wins":
            self._mark_groups([glist.groups[i] for i in glist.view])
            return
        self.query_one(MarksPane).update(f"Marking {len(glist.view):,} groups…")
        self._read_view(list(glist.view))

    @work(thread=True, exclusive=True, exit_on_error=False, group="mark-view")
    def _read_view(self, view: list[int]) -> None:
        assert self.results is not None
        if len(view) < 64:
            groups = [self.results.group(i) for i in view]
        else:
            every = self.results.groups()
            groups = [every[i] for i in view]
        self.post_message(ViewRead(groups))

    def on_view_read(self, message: ViewRead) -> None:
        self._mark_groups(message.groups)

    def _mark_groups(self, groups: list[dict[str, Any]]) -> None:
        before, counted = self.marks.saved(), (self.marks.files, self.marks.size)
        for group in groups:
            self.marks.mark_group(group)
        self.mark_undo.changed(self.marks, before, counted)
        self._show_marks()

    def action_clear_marks(self) -> None:
        """U: unmark the groups in view (as M marks them), or every mark where no list of
        groups is in view; the notice says which, and ``z`` undoes it."""
        if not self.marks:
            return
        before, counted = self.marks.saved(), (self.marks.files, self.marks.size)
        files = self.marks.files
        glist = self._marking_list()
        if glist is None or len(glist.view) >= len(glist.groups):
            self.marks.clear()
            said = f"Every mark cleared ({fmt.counted(files, 'file')})"
        else:
            hashes = {str(glist.groups[i].get("hash")) for i in glist.view}
            unmarked = self.marks.unmark_groups(hashes)
            if not unmarked:
                self.notify(
                    "No marked group is in view: the marks outside it stay.", severity="warning"
                )
                return
            said = f"Unmarked {fmt.counted(unmarked, 'file')} in view" + (
                f"; {fmt.counted(self.marks.files, 'file')} outside it stay marked"
                if self.marks.files
                else ""
            )
        self.mark_undo.changed(self.marks, before, counted)
        self._show_marks()
        self.notify(f"{said}. {key_label(self.app, 'results.undo_unmark')} undoes it.")

    def action_undo_unmark(self) -> None:
        """z: the marks as they were before the last change (Space, M or U)."""
        if not self.mark_undo.undo(self.marks):
            self.notify(nothing_to_undo(self.app, "results"), severity="warning")
            return
        self._show_marks()
        self.notify(f"Marks back: {fmt.counted(self.marks.files, 'file')}.")

    def action_review(self) -> None:
        """D: the review of a cleanup of the marked copies (nothing changes there yet)."""
        if self._refuse_likely():
            return
        from aa_tui.tui.screens.cleanup.review import CleanReviewScreen

        cleanup = self.workspace.cleanup()
        if not self.marks and cleanup.unfinished(self.scan_id) is None:
            self.notify(
                "Mark copies first: Space marks a group's redundant copies, M every group in "
                "view (the Duplicates and Quick wins tabs, and a group's copies).",
                severity="warning",
            )
            return
        assert self.info is not None
        self.app.push_screen(
            CleanReviewScreen(
                self.scan_id,
                self.marks.ids(),
                past=self.from_history,
                site_label=self.app.site_label(self.info.site),
                scan_date=fmt.moment(self.info.started_at),
            )
        )
