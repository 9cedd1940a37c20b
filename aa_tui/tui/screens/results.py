"""The results of one scan: overview, duplicate groups, breakdowns and quick wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from aa_tui.memory import (
    free_garbage,
    gc_paused,
    keep_out_of_collections,
    release_to_collections,
)
from aa_tui.model.enums import VerifyMode
from aa_tui.model.scans import ScanInfo
from aa_tui.model.summary import ScanSummary
from aa_tui.service.after_cleanup import group_after, group_table_after
from aa_tui.service.errors import StoreError
from aa_tui.service.workspace import ScanResults
from aa_tui.tui import format as fmt
from aa_tui.tui.group_index import GroupFilter, GroupIndex
from aa_tui.tui.messages import DrillDown, GroupsLoaded, GroupsLoading, SharesCounted
from aa_tui.tui.safe import plain
from aa_tui.tui.screens.base import AppScreen
from aa_tui.tui.screens.cleanup.marks import MarkingMixin
from aa_tui.tui.shares import Drill, Share, share_of
from aa_tui.tui.widgets.breakdown import TABLE_FACETS, BreakdownPane
from aa_tui.tui.widgets.group_list import GroupList
from aa_tui.tui.widgets.groups_pane import GroupsPane
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.marks import MarksPane
from aa_tui.tui.widgets.overview import Overview, OverviewScroll
from aa_tui.tui.widgets.tables import VimDataTable
from aa_tui.tui.widgets.tabs import SteadyTabbedContent

TABS = (
    ("overview", "Overview"),
    ("groups", "Duplicates"),
    ("projects", "Projects"),
    ("file_types", "File types"),
    ("uploaders", "Uploaders"),
    ("age_brackets", "Ages"),
    ("status_categories", "Status"),
    ("quick_wins", "Quick wins"),
)


class ResultsScreen(MarkingMixin, AppScreen):
    """Re-opened from the store; nothing here changes Jira or the scan (read-only)."""

    HELP_GROUP = "Results"
    BINDINGS = [
        *(
            Binding(str(n), f"tab('{tab}')", title, show=False, id=f"results.tab_{tab}")
            for n, (tab, title) in enumerate(TABS, start=1)
        ),
        Binding(
            "right_square_bracket", "next_tab(1)", "Next tab", show=False, id="results.next_tab"
        ),
        Binding(
            "left_square_bracket", "next_tab(-1)", "Previous tab", show=False, id="results.prev_tab"
        ),
        Binding("x", "export", "Export", id="results.export"),
        Binding("i", "insights", "Insights", id="results.insights"),
        Binding("H", "app.history", "History", id="results.history"),
        Binding("escape,backspace", "back", "Back", id="results.back"),
        # cleanup (dua's mark, review, commit): the marks pane names these keys; the footer
        # shows the first and the last (a tooltip is the key's line in Help and the palette)
        Binding(  # as in dua: mark, then on to the next
            "space", "mark", "Mark", tooltip="Mark for cleanup, then move down", id="results.mark"
        ),
        Binding(
            "M",
            "mark_view",
            "Mark all redundant copies in view",
            show=False,
            id="results.mark_view",
        ),
        Binding(  # on a tab with no list of groups: every mark (the notice says so)
            "U", "clear_marks", "Unmark the groups in view", show=False, id="results.clear_marks"
        ),
        Binding(
            "z", "undo_unmark", "Undo the last mark change", show=False, id="results.undo_unmark"
        ),
        Binding("D", "review", "Review", tooltip="Review the cleanup", id="results.review"),
    ]
    DEFAULT_CSS = """
    ResultsScreen #scan-title { padding: 0 1; text-style: bold; height: auto; }
    ResultsScreen TabbedContent { height: 1fr; }
    ResultsScreen TabPane { padding: 0; }
    """

    def __init__(self, scan_id: str, *, from_history: bool = False) -> None:
        super().__init__()
        self.scan_id = scan_id
        self.from_history = from_history
        self.info: ScanInfo | None = None
        self.results: ScanResults | None = None
        self.summary: ScanSummary | None = None
        #: the figures shown: the saved summary, then the one after cleanup (when read)
        self.summary_shown: ScanSummary | None = None
        #: the duplicate groups as the list shows them (no locations when read from the
        #: store's group rows); None until loaded
        self.groups: Sequence[dict[str, Any]] | None = None
        self.index: GroupIndex | None = None
        #: the breakdown tab a drill-down came from: Escape on the groups goes back there
        self.drilled_from: str | None = None
        self._init_marks()  # copies marked for cleanup (screens/cleanup/marks.py)

    @property
    def likely(self) -> bool:
        return bool(self.summary and self.summary.scan.likely)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="scan-title", markup=False)
        with SteadyTabbedContent(id="tabs"):
            with TabPane("Overview", id="overview"), OverviewScroll(id="overview-scroll"):
                yield Overview()
            with TabPane("Duplicates", id="groups"):
                yield GroupsPane(id="groups-pane")
            for tab, title in TABS[2:-1]:
                with TabPane(title, id=tab):
                    yield BreakdownPane(tab, id=f"pane-{tab}")
            with TabPane("Quick wins", id="quick_wins"):
                yield Static(
                    "The groups whose extra copies waste the most: Enter opens one.",
                    classes="caption",
                )
                yield GroupList(id="wins", empty_text="No duplicates: nothing to win.")
        yield MarksPane(id="marks-pane", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        try:
            self.info = self.workspace.get_scan(self.scan_id)
            self.results = self.workspace.results(self.scan_id)
            self.summary = self.results.summary()
        except (StoreError, OSError) as exc:
            self.app.pop_screen()
            self.app.show_error(exc)
            return
        summary = self.summary
        if self.info is None:  # the index lost it: the summary still knows the scan
            head = summary.scan
            self.info = ScanInfo(
                id=head.id, site=head.site, email="", scope=head.scope, verify=head.verify,
                started_at=head.started_at, finished_at=head.finished_at, status=head.status,
            )  # fmt: skip
        self._title()
        self.query_one(GroupsPane).likely = self.likely
        self._show_summary(summary)  # as saved; after cleanup once the marks' worker read it
        self._focus_tab(self.query_one(TabbedContent).active)  # the overview scrolls at once
        self._load_groups()
        self._start_marks()

    def _show_summary(self, summary: ScanSummary) -> None:
        self.summary_shown = summary
        self.query_one(Overview).show_summary(summary, self._rescan_of(summary))
        for tab in TABLE_FACETS:
            self.query_one(f"#pane-{tab}", BreakdownPane).show_rows(summary.table(tab))
        wins = summary.quick_wins
        self.query_one("#wins", GroupList).set_view(wins, list(range(len(wins))), keep=True)

    def _rescan_of(self, summary: ScanSummary) -> str:
        """How the scan a rescan started from is named: its date, or its id once deleted
        (saying so: the id alone read as if it were there)."""
        note = summary.rescan
        if note is None:
            return ""
        base = self.workspace.get_scan(note.base)
        return fmt.moment(base.started_at) if base is not None else f"{note.base} (deleted since)"

    def _title(self) -> None:
        info = self.info
        assert info is not None
        verify = "exact" if info.verify is VerifyMode.EXACT else "metadata (likely)"
        parts = [
            self.app.site_label(info.site),
            info.scope.describe(),
            verify,
            fmt.moment(info.started_at),
        ]
        if self.from_history:
            parts.append("past scan, read-only")
        if self._removed_title():
            parts.append(self._removed_title())
        self.query_one("#scan-title", Static).update(plain(" · ".join(parts)))

    # -- groups ---------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="load-groups")
    def _load_groups(self) -> None:
        """The store's group rows (a few hundred bytes a group, parsed in one go), or for a
        scan saved without them every group, read incrementally."""
        assert self.results is not None and self.summary is not None
        worker = get_current_worker()
        expected = self.summary.totals.duplicate_groups
        pane = self.query_one(GroupsPane)

        def progress(count: int) -> None:
            pane.post_message(GroupsLoading(count, expected))

        free_garbage()  # before the freeze below: a screen closed a moment ago goes now
        with gc_paused():  # ~2 million new objects: collections would walk them all (UI stalls)
            table = self.results.group_table(
                progress=progress, cancelled=lambda: worker.is_cancelled
            )
            if self.removed is not None:  # copies and waste net of what cleanups removed
                table = group_table_after(table, self.removed)
            index = GroupIndex.from_table(table, now=self.summary.scan.finished())
            index.order("wasted")  # the first sort happens off the UI thread
            # Out of the collector's sight until this screen goes (on_unmount gives them back).
            keep_out_of_collections()
            self._frozen = True
        self.post_message(GroupsLoaded(index))

    def on_unmount(self) -> None:
        if getattr(self, "_frozen", False):
            self._frozen = False
            release_to_collections()

    def on_groups_loaded(self, message: GroupsLoaded) -> None:
        self.index = message.index
        self.groups = message.index.groups
        if self.results is not None:  # status names live in the locations only
            self.index.full_loader = self.results.groups
        pane = self.query_one(GroupsPane)
        pane.set_index(message.index)
        if pane.drill is not None and not pane.drill.ready:
            self._count_shares(pane.drill)

    # -- navigation -----------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(SteadyTabbedContent).show(tab)
        self._focus_tab(tab)

    def action_next_tab(self, step: int) -> None:
        tabs = self.query_one(SteadyTabbedContent)
        self.action_tab(tabs.turned(step, [t for t, _ in TABS]))

    @on(TabbedContent.TabActivated)
    def _activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id not in ("groups", self.drilled_from):
            self.drilled_from = None  # gone elsewhere: Escape leaves the results again
        if event.pane.id:
            self.call_after_refresh(self._focus_tab, event.pane.id)

    def _focus_tab(self, tab: str) -> None:
        """Focus the tab's list or table, unless the focus is in that tab already: this also
        runs a refresh after the tab's activation, and by then a key may have moved the focus
        on (``/`` to the filter box; taking it back sent the typed text to the list's keys)."""
        target: Widget | None = None
        if tab == "overview":
            target = self.query_one(OverviewScroll)
        elif tab == "groups":
            target = self.query_one("#group-list", GroupList)
        elif tab == "quick_wins":
            target = self.query_one("#wins", GroupList)
        elif tab in TABLE_FACETS:
            target = self.query_one(f"#pane-{tab}", BreakdownPane).query_one(VimDataTable)
        self.query_one(SteadyTabbedContent).focus_pane(tab, target)

    def on_drill_down(self, message: DrillDown) -> None:
        self.drilled_from = self.query_one(TabbedContent).active
        pane = self.query_one(GroupsPane)
        drill = Drill(message.facet, message.value, message.noun, message.copies, message.wasted)
        pane.drill = drill
        pane.set_filter(GroupFilter().with_facet(message.facet, message.value))
        self.action_tab("groups")
        if self.index is not None:  # else once the groups are loaded
            self._count_shares(drill)

    @work(thread=True, exclusive=True, exit_on_error=False, group="shares")
    def _count_shares(self, drill: Drill) -> None:
        """Each listed group's share of the row: its locations are read one group at a time."""
        assert self.index is not None and self.results is not None and self.summary is not None
        worker = get_current_worker()
        flt = GroupFilter().with_facet(drill.facet, drill.value)
        now = self.summary.scan.finished()
        shares: dict[int, Share] = {}
        for i in self.index.view("wasted", flt):
            if worker.is_cancelled:
                return
            group = self.index.full_group(i) or self.results.group(i)
            shares[i] = share_of(group, drill.facet, drill.value, now=now)
        self.post_message(SharesCounted(replace(drill, shares=shares)))

    def on_shares_counted(self, message: SharesCounted) -> None:
        pane = self.query_one(GroupsPane)
        current = pane.drill
        if current is not None and (current.facet, current.value) == (
            message.drill.facet,
            message.drill.value,
        ):
            pane.set_drill(message.drill)

    @on(GroupList.Selected)
    def _open_group(self, event: GroupList.Selected) -> None:
        from aa_tui.tui.screens.group_detail import GroupDetailScreen

        assert self.results is not None and self.summary is not None
        group = event.group
        if "locations" not in group:  # a group row: the whole group is read by itself
            try:
                group = self.results.group(event.index)
            except (StoreError, OSError) as exc:
                self.app.show_error(exc)
                return
        if self.removed is not None:
            group = group_after(group, self.removed)
        self.app.push_screen(
            GroupDetailScreen(
                group, self.summary.scan.issue_base, marks=self.marks, likely_scan=self.likely
            )
        )

    def action_back(self) -> None:
        tabs = self.query_one(TabbedContent)
        origin = self.drilled_from
        pane = self.query_one(GroupsPane)
        if origin is None and tabs.active == "groups" and pane.filter.active:
            pane.set_filter(GroupFilter())  # first the filter goes, then the screen
            return
        if origin is not None and tabs.active == "groups":
            # back up the drill-down: to the breakdown row it came from, the list unfiltered
            self.drilled_from = None
            pane = self.query_one(GroupsPane)
            pane.drill = None
            pane.set_filter(GroupFilter())
            self.action_tab(origin)
            return
        self.app.pop_screen()

    def action_insights(self) -> None:
        from aa_tui.tui.screens.insights.screen import InsightsScreen

        self.app.push_screen(
            InsightsScreen(
                self.scan_id, marks=self.marks, review=self.action_review, undo=self.mark_undo
            )
        )

    def action_export(self) -> None:
        from aa_tui.tui.screens.export import ExportScreen

        assert self.results is not None
        self.app.push_screen(ExportScreen(self.scan_id, self.results))
