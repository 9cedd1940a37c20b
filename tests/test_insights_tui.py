"""The app's insights: every table filled from the scan, every row opens its files."""

from __future__ import annotations

import asyncio

from helpers.tui import SIZE, until, wait_for_workers
from textual import events

from aa_tui.tui.screens.insights.files import FilesScreen
from aa_tui.tui.screens.insights.screen import InsightsScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.insights_chart import GrowthChart
from aa_tui.tui.widgets.tables import VimDataTable


async def open_insights(pilot, scan_id: str) -> InsightsScreen:
    """The insights of ``scan_id``, once its tables are shown."""
    pilot.app.push_screen(InsightsScreen(scan_id))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.insights is not None)
    return screen


def test_insights_open_from_results_and_every_list_opens(app, scanned):
    asyncio.run(_journey(app, scanned))


async def _journey(app, scanned) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ResultsScreen(scanned.exact_id))
        await wait_for_workers(pilot)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        screen = app.screen
        await until(pilot, lambda: screen.insights is not None)
        await wait_for_workers(pilot)
        ins, summary = screen.insights, screen.summary
        months = screen.query_one("#growth-table", VimDataTable)
        assert months.row_count == len(ins.table("uploads_by_month")) > 1
        assert screen.query_one(GrowthChart).plt is not None
        what_if = screen.query_one("#what_if-table", VimDataTable)
        assert what_if.row_count == 5
        lists = screen.query_one("#lists-table", VimDataTable)
        breakdown_rows = sum(len(summary.table(t)) for t in ("projects", "file_types",
                             "uploaders", "age_brackets", "status_categories"))  # fmt: skip
        assert lists.row_count == 5 + breakdown_rows
        # Files tab, first row: every file, biggest first
        await pilot.press("8")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen))
        files = app.screen
        await until(pilot, lambda: files.listed.count > 0)
        assert files.listed.count == summary.totals.total_files
        table = files.query_one(VimDataTable)
        assert table.row_count == min(summary.totals.total_files, 5000)
        sizes = [f.size for f in files.shown]
        assert sizes == sorted(sizes, reverse=True)
        await pilot.press("s")  # by name
        names = [f.file_name.casefold() for f in files.shown]
        assert names == sorted(names)
        await pilot.press("slash")
        await pilot.press(*"pdf")

        def all_pdf() -> bool:
            return all(
                "pdf" in (f.file_name + f.issue_key + f.author).casefold() for f in files.shown
            )

        await until(pilot, all_pdf)  # filtered as typed, once typing pauses (no Enter)
        assert files.text == "pdf" and files.shown
        await pilot.press("enter", "escape", "escape")  # the first Escape clears the filter
        await until(pilot, lambda: app.screen is screen)
        # the month row opens exactly that month's uploads
        await pilot.press("1")
        month = ins.table("uploads_by_month")[0]
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen))
        files = app.screen
        await until(pilot, lambda: files.listed.count > 0)
        assert (files.listed.count, files.listed.size) == (month.files, month.size)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        # p: the growth of the first project, then the next; its months open its files only
        first = summary.table("projects")[0].key
        await pilot.press("p")
        await until(pilot, lambda: screen.project == first)
        await wait_for_workers(pilot)
        months = app.workspace.uploads_by_month(scanned.exact_id, first)
        assert screen.query_one("#growth-table", VimDataTable).row_count == len(months)
        assert sum(m.files for m in months) == summary.table("projects")[0].files
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen))
        files = app.screen
        await until(pilot, lambda: files.listed.count > 0)
        assert files.listed.count == months[0].files
        assert {f.project_key for f in files.files} == {first}


def test_the_storage_cap_is_stated_in_the_app(app, scanned):
    """c on the insights asks for the plan's cap: a bad size is said in the dialog, a good
    one adds the room under the cap to the What-if table, an empty one takes it away."""
    asyncio.run(_cap_journey(app, scanned))


async def _cap_journey(app, scanned) -> None:
    from aa_tui.tui.screens.cap import CapScreen

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(pilot, scanned.exact_id)
        what_if = screen.query_one("#what_if-table", VimDataTable)
        assert len(what_if.columns) == 5 and screen.insights.settings.cap is None
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CapScreen))
        await pilot.press(*"lots", "enter")
        problem = app.screen.query_one("#cap-problem")
        assert "is not a size" in str(problem.render())
        await pilot.press("ctrl+a", "ctrl+k", *"2GB", "enter")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: screen.insights.settings.cap == 2 * 10**9)
        await wait_for_workers(pilot)
        total = screen.summary.totals.total_size
        assert len(what_if.columns) == 7  # the room under the cap, and when it is reached
        assert screen.insights.table("what_if")[0].under_cap == 2 * 10**9 - total
        assert "cap 2 GB" in str(screen.query_one("#insights-title").render())
        # the room is in the cap's own units (decimal GB), never GiB beside "cap 2 GB"
        room = str(what_if.get_row_at(0)[-2])  # (the last column: when the cap is reached)
        assert room == f"{(2 * 10**9 - total) / 10**9:,.1f} GB to spare", room
        assert screen.query_one("#insight-tabs").active == "what_if"
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CapScreen))
        assert app.screen.query_one("Input").value == "2 GB"
        await pilot.press("ctrl+a", "ctrl+k", "enter")
        await until(pilot, lambda: screen.insights.settings.cap is None)
        await wait_for_workers(pilot)
        assert len(what_if.columns) == 5
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CapScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert screen.insights.settings.cap is None


def test_enter_acts_on_the_rows_at_once_and_after_each_tab(app, scanned):
    """Opened, the growth rows have the focus (Enter opens a month); so do a tab's rows
    however it was chosen (a number key, or Right on the tab bar)."""
    asyncio.run(_focus_journey(app, scanned))


async def _focus_journey(app, scanned) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(pilot, scanned.exact_id)
        await pilot.pause()
        assert screen.focused is screen.query_one("#growth-table", VimDataTable)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen))
        month = screen.insights.table("uploads_by_month")[1]
        await until(pilot, lambda: app.screen.listed.count > 0)
        assert app.screen.listed.count == month.files
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("4")
        await pilot.pause()
        assert screen.focused is screen.query_one("#inactive_uploaders-table", VimDataTable)
        screen.query_one("ContentTabs").focus()
        await pilot.press("right")
        await pilot.pause()
        assert screen.focused is screen.query_one("#clutter-table", VimDataTable)


def test_the_heat_list_says_its_order_and_sorts_by_size_too(app, scanned):
    asyncio.run(_heat_journey(app, scanned))


async def _heat_journey(app, scanned) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(pilot, scanned.exact_id)
        await pilot.press("7", "enter")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen))
        files = app.screen
        await until(pilot, lambda: files.listed.count > 0)
        title = lambda: str(files.query_one("#files-title").render())  # noqa: E731
        assert "sorted by heat" in title()
        hottest = [f.attachment_id for f in files.shown[:5]]
        assert hottest == [h.attachment_id for h in screen.insights.table("heat")[:5]]
        await pilot.press("s")
        assert "sorted by size" in title()
        sizes = [f.size for f in files.shown]
        assert sizes == sorted(sizes, reverse=True)
        assert [f.attachment_id for f in files.shown[:5]] != hottest


def test_the_overview_counts_stale_files_by_the_settings_threshold(app, scanned):
    """``stale_days = 180`` in the config: the Overview's stale line is the Insights' one."""
    asyncio.run(_stale_journey(app, scanned))


async def _stale_journey(app, scanned) -> None:
    from dataclasses import replace

    from rich.console import Console

    from aa_tui.model.units import size_text
    from aa_tui.tui.widgets.overview import Overview

    async with app.run_test(size=SIZE) as pilot:
        app.settings.insights = replace(app.settings.insights, stale_days=180)
        app.push_screen(ResultsScreen(scanned.exact_id))
        results = app.screen
        await until(pilot, lambda: results.removed is not None)
        await wait_for_workers(pilot)
        console = Console(width=160, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(results.query_one(Overview).shown)
        text = console.export_text()
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        screen = app.screen
        await until(pilot, lambda: screen.insights is not None)
        counts = screen.insights.counts
        assert counts["stale_files"] != results.summary.totals.stale_files  # 180 is not 365
        said = (
            f"{size_text(counts['stale_size'])} in {counts['stale_files']} files on Done issues "
            "untouched for 180 days"
        )
        assert said in text, text


def test_escape_on_a_filtered_list_of_files_clears_the_filter_first(app, scanned):
    """Found trying the app: Escape after `/`, a word and Enter left the list (and its
    filter) at once; the README promises, as the duplicate groups do, that it clears the
    filter first."""
    asyncio.run(_escape_journey(app, scanned))


async def _escape_journey(app, scanned) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_insights(pilot, scanned.exact_id)
        await pilot.press("8", "enter")  # every file
        await until(pilot, lambda: isinstance(app.screen, FilesScreen))
        files = app.screen
        await until(pilot, lambda: files.listed.count > 0)
        every = len(files.shown)
        word = files.shown[0].file_name.split(".")[0][:6]
        await pilot.press("slash", *word, "enter")
        await pilot.pause()
        assert 0 < len(files.shown) < every
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is files and files.text == "" and len(files.shown) == every
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))


def test_tabs_switched_fast_end_on_the_last_one_chosen_and_settle(app, scanned):
    """Three quick ``]`` end on the third tab after the first, its rows focused, and the
    screen settles: a tab activated before the last press no longer pulls the focus (and its
    tab) back, which bounced between two tabs at a whole core until the screen was left
    (found in a real terminal)."""
    asyncio.run(_fast_tabs_journey(app, scanned))


async def _fast_tabs_journey(app, scanned) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_insights(pilot, scanned.exact_id)
        await pilot.pause()
        tabs = screen.query_one("TabbedContent")
        for _ in range(3):  # three keys read at once: handled before the messages they cause
            app.post_message(events.Key("right_square_bracket", "]"))
        seen = []
        for _ in range(30):
            await asyncio.sleep(0.02)
            seen.append(tabs.active)
        assert set(seen[-10:]) == {"inactive_uploaders"}, seen
        assert screen.focused is screen.query_one("#inactive_uploaders-table", VimDataTable)
        await pilot.press("7")
        await pilot.pause(0.2)
        assert tabs.active == "heat"
        assert screen.focused is screen.query_one("#heat-table", VimDataTable)


def test_h_opens_history_from_insights_as_from_the_results(app, scanned):
    """Found in a real terminal: H, History's key on the results, did nothing on Insights."""
    from aa_tui.tui.screens.history import HistoryScreen

    async def journey() -> bool:
        async with app.run_test(size=SIZE) as pilot:
            await open_insights(pilot, scanned.exact_id)
            await pilot.press("H")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            return True

    assert asyncio.run(journey())
