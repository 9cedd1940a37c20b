"""Insights of one scan: growth, what-if, idle projects, departed uploaders, clutter,
hygiene, heat and the lists of files behind every number. Enter opens a row's files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from aa_tui.model.forecast import Forecast, cap_date_text, forecast_sentence
from aa_tui.model.insights import Insights, MonthRow, cap_text, kept_anew_sentence, room_text
from aa_tui.model.summary import ScanSummary
from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.messages import GrowthRead, InsightsRead
from aa_tui.tui.screens.cleanup.file_marks import (
    FileMarking,
    GroupCopies,
    Rows,
    mark_bindings,
)
from aa_tui.tui.screens.insights.files import FileListChoice
from aa_tui.tui.screens.insights.texts import (
    BREAKDOWN_NOUNS,
    CAPTIONS,
    TABS,
    planned_text,
    what_if_title,
)
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.insights_chart import GrowthChart
from aa_tui.tui.widgets.marks import Marks, MarksPane, MarkUndo
from aa_tui.tui.widgets.tables import VimDataTable
from aa_tui.tui.widgets.tabs import SteadyTabbedContent

#: columns from which the what-if under a cap shows every column (below, the narrow set)
WIDE_WHAT_IF = 100


class InsightsScreen(FileMarking):
    """Views of a stored scan; every row opens the files it counts, and can mark them for
    cleanup (``marks``: the scan's, from its results)."""

    HELP_GROUP = "Insights"
    BINDINGS = [
        *(
            Binding(str(n), f"tab('{tab}')", title, show=False, id=f"insights.tab_{tab}")
            for n, (tab, title) in enumerate(TABS, start=1)
        ),
        # Tab turns the page, as ] does: the focus stays on the rows the keys act on
        Binding(
            "tab,right_square_bracket",
            "next_tab(1)",
            "Next tab",
            show=False,
            id="insights.next_tab",
        ),
        Binding(
            "shift+tab,left_square_bracket",
            "next_tab(-1)",
            "Previous tab",
            show=False,
            id="insights.prev_tab",
        ),  # fmt: skip
        Binding("enter", "open_files", "Files", id="insights.files"),
        Binding(
            "p",
            "next_project",
            "Next project",  # (short: with Enter's word the footer still fits 80 columns)
            tooltip="Growth of a project: the next one each time",
            id="insights.project",
        ),
        Binding("c", "set_cap", "Storage cap", id="insights.cap"),
        Binding("escape,backspace", "app.pop_screen", "Back", id="insights.back"),
        # as on the results it opens from (F3 everywhere)
        Binding("H", "app.history", "History", show=False, id="insights.history"),
        *mark_bindings("insights"),
    ]
    DEFAULT_CSS = """
    InsightsScreen #insights-title { padding: 0 1; text-style: bold; height: auto; }
    InsightsScreen .caption { padding: 0 1; color: $text-muted; height: auto; }
    InsightsScreen TabbedContent { height: 1fr; }
    InsightsScreen TabPane { padding: 0; }
    InsightsScreen #growth-table { height: 10; }
    InsightsScreen VimDataTable { height: 1fr; }
    """

    def __init__(
        self,
        scan_id: str,
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
        #: per table id, what a mark key takes of each row when it is not the row's list of
        #: files (the heat list's rows are files)
        self.mark_rows: dict[str, Rows] = {}
        #: per what-if step, the bytes a saved or unfinished plan of this scan deletes
        self.planned: dict[str, int] = {}
        self.summary: ScanSummary | None = None
        self.insights: Insights | None = None
        self.forecast: Forecast | None = None
        self.kept_anew = (0, 0)  # see InsightsRead
        self._what_if_wide = True
        #: per table id: the list of files each row opens, in row order
        self.choices: dict[str, list[FileListChoice]] = {}
        self.project = ""  # the growth tab's project ("": every project)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Reading the scan's insights...", id="insights-title", markup=False)
        with SteadyTabbedContent(id="insight-tabs"):
            with TabPane("Growth", id="growth"):
                yield GrowthChart(id="growth-chart")
                yield VimDataTable(id="growth-table", enter="Files")
            for tab, title in TABS[1:]:
                with TabPane(title, id=tab):
                    yield Static(CAPTIONS[tab], classes="caption", markup=False)
                    if tab == "what_if":  # when the cap is reached at this rate
                        yield Static("", id="forecast", classes="caption", markup=False)
                    yield VimDataTable(id=f"{tab}-table", enter="Files")
        pane = MarksPane(markup=False)
        pane.keys = "insights"
        yield pane
        yield Footer()

    def on_mount(self) -> None:
        self._show_marks()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="insights")
    def _load(self) -> None:
        after = self.workspace.after_cleanup(self.scan_id, self.app.settings.insights)
        forecast = self.workspace.forecast(
            self.scan_id, self.app.settings.insights, removed=after.removed, insights=after.insights
        )
        steps = [s.step for s in after.insights.table("what_if")]
        planned = self.workspace.what_if_planned(self.scan_id, steps, self.app.settings.insights)
        kept = self.workspace.kept_anew(self.scan_id, after.removed)
        self.post_message(
            InsightsRead(
                after.summary, after.insights, forecast, planned, after.removed.files, kept
            )
        )

    def on_insights_read(self, message: InsightsRead) -> None:
        self.planned = message.planned
        self.removed_files = message.removed
        self.kept_anew = message.kept_anew
        self._show(message.summary, message.insights, message.forecast)

    def _show(
        self, summary: ScanSummary, insights: Insights, forecast: Forecast | None = None
    ) -> None:
        first = self.insights is None
        self.summary, self.insights, self.forecast = summary, insights, forecast
        said = [forecast_sentence(forecast)] if forecast else []
        said += [kept_anew_sentence(*self.kept_anew)] if self.kept_anew[0] else []
        self.query_one("#forecast", Static).update(" ".join(said))
        dates = {d.step: cap_date_text(d) for d in forecast.steps} if forecast else {}
        totals = summary.totals
        self.query_one("#insights-title", Static).update(
            f"Insights · {size_text(totals.total_size)} in {fmt.counted(totals.total_files, 'file')}"
            + (" after cleanup" if summary.cleaned else "")
            + f" · stale after {insights.settings.stale_days} days"
            f" · idle after {insights.settings.idle_days} days"
            + (f" · cap {cap_text(insights.settings.cap)}" if insights.settings.cap else "")
        )
        if self.project:  # the project in view: its months again, after any cleanup
            self._load_growth(self.project)
        else:
            self._show_growth(insights.table("uploads_by_month"), "")
        self._show_what_if(insights, dates)
        idle = insights.table("idle_projects")
        self.query_one("#idle_projects .caption", Static).update(
            f"Projects whose newest issue update is older than {insights.settings.idle_days} "
            f"days: archive candidates. {fmt.count(len(idle))} found."
        )
        self._fill(
            "idle_projects-table",
            ("Project", "Last update", "Files", "Size"),
            [(p.key, fmt.date(p.last_update), fmt.count(p.files), size_text(p.size)) for p in idle],
            [
                FileListChoice("idle_projects", p.key, f"Files of idle project {p.key}")
                for p in idle
            ],
        )
        gone = insights.table("inactive_uploaders")
        self._fill(
            "inactive_uploaders-table",
            ("Account", "Account id", "Files", "Size"),
            [(u.name, u.account_id, fmt.count(u.files), size_text(u.size)) for u in gone],
            [
                FileListChoice(
                    "inactive_uploaders", u.account_id or u.name, f"Uploaded by {u.name}"
                )
                for u in gone
            ],
        )
        clutter = insights.table("clutter")
        self._fill(
            "clutter-table",
            ("File", "Copies", "Issues", "Projects", "Size", "Wasted"),
            [
                (
                    c.file_name,
                    fmt.count(c.copies),
                    fmt.count(c.issues),
                    fmt.count(c.projects),
                    size_text(c.size),
                    size_text(c.wasted_size),
                )
                for c in clutter
            ],  # fmt: skip
            [FileListChoice("clutter", c.hash, f"Every copy of {c.file_name}") for c in clutter],
        )
        self.mark_rows["clutter-table"] = [
            GroupCopies("clutter", c.hash, f"the redundant copies of {c.file_name}")
            for c in clutter
        ]
        hygiene = insights.table("hygiene")
        self._fill(
            "hygiene-table",
            ("Kind", "Files", "Size"),
            [(h.kind, fmt.count(h.files), size_text(h.size)) for h in hygiene],
            [FileListChoice("hygiene", h.kind, f"Hygiene: {h.kind} files") for h in hygiene],
        )
        heat = insights.table("heat")
        self._fill(
            "heat-table",
            # the figures before the name, their unit in the header: at 80 columns a long name
            # pushed "Size x days" past the edge ("12.7 GiB·day" beside "7.9 GiB·days")
            ("Issue", "Size", "Days idle", "Size x days", "File"),
            [
                (
                    h.issue_key,
                    size_text(h.size),
                    fmt.count(h.days_idle),
                    size_text(h.heat),
                    h.file_name,
                )
                for h in heat
            ],  # fmt: skip
            [FileListChoice("heat", "", "Big and forgotten: size x days idle")] * len(heat),
        )
        self.mark_rows["heat-table"] = list(heat)
        self._fill_lists(summary, insights)
        if first:  # Enter and the moving keys act on the rows of the tab in view
            self.action_tab(self.query_one(TabbedContent).active or "growth")

    def _show_growth(self, months: list[MonthRow], project: str) -> None:
        """The months of ``project`` ("": of every project), the chart's title naming it."""
        where = f" in {project}" if project else ""
        self.query_one(GrowthChart).show_months(months, project)
        self._fill(
            "growth-table",
            ("Month", "Files", "Uploaded", "Wasted"),
            [
                (m.month, fmt.count(m.files), size_text(m.size), size_text(m.wasted_size))
                for m in months
            ],
            [
                FileListChoice(
                    "uploads_by_month", f"{m.month}|{project}", f"Uploaded in {m.month}{where}"
                )
                for m in months
            ],
        )

    def action_next_project(self) -> None:
        """The growth of the next project (after the last one: every project again)."""
        if self.summary is None:
            return
        keys = ["", *(row.key for row in self.summary.table("projects"))]
        self.project = (
            keys[(keys.index(self.project) + 1) % len(keys)] if self.project in keys else ""
        )
        self.action_tab("growth")
        self._load_growth(self.project)

    @work(thread=True, exclusive=True, exit_on_error=False, group="growth")
    def _load_growth(self, project: str) -> None:
        months = self.workspace.uploads_by_month(self.scan_id, project)
        self.post_message(GrowthRead(months, project))

    def on_growth_read(self, message: GrowthRead) -> None:
        if message.project == self.project:  # not a read that another p overtook
            self._show_growth(message.months, message.project)

    def _show_what_if(self, insights: Insights, dates: dict[str, str]) -> None:
        """The what-if table; under a cap, the room left and the month the cap is reached. Below
        :data:`WIDE_WHAT_IF` columns the files and the running total ("So far", which the
        "Remains" column already implies) make way, so every cell shows whole at 80 columns."""
        steps = insights.table("what_if")
        cap = insights.settings.cap
        wide = not cap or self.size.width >= WIDE_WHAT_IF
        self._what_if_wide = wide
        planned = self.planned  # a column only while a plan of this scan holds some
        self._fill(
            "what_if-table",
            ("Cleanup",)
            + (("Files", "Frees", "So far") if wide else ("Frees",))
            + ("Remains",)
            + (("Planned",) if planned else ())
            + (("Against the cap", "Cap reached") if cap else ()),
            [
                (s.step,)
                + (
                    (fmt.count(s.files), size_text(s.size), size_text(s.cumulative_size))
                    if wide
                    else (size_text(s.size),)
                )
                + (size_text(s.remaining_size),)
                + ((planned_text(planned.get(s.step, 0), s.size),) if planned else ())
                + ((room_text(s.under_cap or 0, cap), dates.get(s.step, "")) if cap else ())
                for s in steps
            ],  # fmt: skip
            [FileListChoice("what_if", s.step, what_if_title(s.step)) for s in steps],
        )

    def on_resize(self) -> None:
        if self.insights is None or not self.insights.settings.cap:
            return
        if (self.size.width >= WIDE_WHAT_IF) != self._what_if_wide:
            dates = {d.step: cap_date_text(d) for d in self.forecast.steps} if self.forecast else {}
            self._show_what_if(self.insights, dates)

    def _fill_lists(self, summary: ScanSummary, insights: Insights) -> None:
        totals, counts = summary.totals, insights.counts
        rows: list[tuple[str, str, str]] = []
        choices: list[FileListChoice] = []

        def add(label: str, files: int, size: int | None, choice: FileListChoice) -> None:
            rows.append((label, fmt.count(files), "" if size is None else size_text(size)))
            choices.append(choice)

        add(
            "Every file, largest first",
            totals.total_files,
            totals.total_size,
            FileListChoice("largest", "", "Every file, largest first"),
        )
        add(
            "Redundant copies",
            totals.duplicate_files,
            totals.duplicate_size,
            FileListChoice("copies", "", "Redundant copies"),
        )
        add(
            "Stale files",
            counts.get("stale_files", totals.stale_files),
            counts.get("stale_size", totals.stale_size),
            FileListChoice("stale", "", "Stale files"),
        )
        add("Empty files", totals.zero_byte_files, 0, FileListChoice("empty", "", "Empty files"))
        add("Unreadable files", totals.unreadable_files, None,
            FileListChoice("unreadable", "", "Unreadable files"))  # fmt: skip
        for table, noun in BREAKDOWN_NOUNS.items():
            for row in summary.table(table):
                add(f"{noun}: {row.key}", row.files, row.size,
                    FileListChoice(table, row.key, f"{noun}: {row.key}"))  # fmt: skip
        self._fill("lists-table", ("List", "Files", "Size"), rows, choices)

    def _fill(
        self,
        table_id: str,
        columns: tuple[str, ...],
        rows: Sequence[tuple[str, ...]],
        choices: list[FileListChoice],
    ) -> None:
        table = self.query_one(f"#{table_id}", VimDataTable)
        table.clear(columns=True)
        table.add_columns(*columns)
        for n, row in enumerate(rows):
            table.add_row(*row, key=str(n))
        self.choices[table_id] = choices

    def action_tab(self, tab: str) -> None:
        self.query_one(SteadyTabbedContent).show(tab)
        self._focus_tab(tab)

    def action_next_tab(self, step: int) -> None:
        tabs = self.query_one(SteadyTabbedContent)
        self.action_tab(tabs.turned(step, [t for t, _ in TABS]))

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        # The rows are what keys act on (Enter, the moving keys): never the tab bar.
        if event.pane.id:
            self._focus_tab(event.pane.id)

    def _focus_tab(self, tab: str) -> None:
        """Focus ``tab``'s rows while it is still the tab shown (see
        :meth:`SteadyTabbedContent.focus_pane`)."""
        table = self.query_one(f"#{tab}-table", VimDataTable)
        self.query_one(SteadyTabbedContent).focus_pane(tab, table)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.data_table, event.cursor_row)

    def action_open_files(self) -> None:
        table = self.focused
        if isinstance(table, VimDataTable):
            self._open(table, table.cursor_row)

    def action_set_cap(self) -> None:
        """Ask for the plan's storage cap (this session's), then count the room under it."""
        from aa_tui.tui.screens.cap import CapChoice, CapScreen

        def chosen(choice: CapChoice | None) -> None:
            if choice is None:
                return
            self.app.settings.insights = replace(self.app.settings.insights, cap=choice.cap)
            self.action_tab("what_if")
            self._load()

        settings = self.app.settings
        self.app.push_screen(CapScreen(settings.insights.cap, settings.path), chosen)

    def _open(self, table: DataTable[Any], row: int) -> None:
        from aa_tui.tui.screens.insights.files import FilesScreen

        choices = self.choices.get(table.id or "", [])
        if self.summary is None or not 0 <= row < len(choices):
            return
        scan = self.summary.scan
        self.app.push_screen(
            FilesScreen(
                self.scan_id,
                choices[row],
                scan.issue_base,
                scan.finished(),
                marks=self.marks,
                review=self.review,
                undo=self.mark_undo,
            )
        )

    # -- marks ----------------------------------------------------------------------------------
    def _rows(self, view: bool) -> tuple[Rows, str]:
        table = self.focused
        if not isinstance(table, VimDataTable) or self.summary is None:
            return [], ""
        choices = self.choices.get(table.id or "", [])
        rows: Rows = self.mark_rows.get(table.id or "") or list(choices)
        if view:
            tab = dict(TABS).get(str(table.id).removesuffix("-table"), "")
            return rows, f"the {fmt.count(len(rows))} rows of {tab}"
        row = table.cursor_row
        if not 0 <= row < len(rows):
            return [], ""
        one = rows[row]
        if isinstance(one, GroupCopies):
            return [one], one.title
        return [one], choices[row].title if row < len(choices) else ""

    def _marks_table(self) -> VimDataTable | None:
        return self.focused if isinstance(self.focused, VimDataTable) else None

    def _rows_stale(self) -> None:
        self._load()  # a cleanup applied from here (D): the figures again, after it
