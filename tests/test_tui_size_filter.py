"""``size:`` in the app's filters: the duplicate groups and a file list, by pressing keys."""

from __future__ import annotations

import asyncio

from helpers.tui import SIZE, open_insights, until, wait_for_workers

from aa_tui.tui.screens.insights.files import FilesScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.groups_pane import GroupsPane
from aa_tui.tui.widgets.tables import VimDataTable


def test_the_groups_filter_keeps_groups_by_size(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            pane = app.screen.query_one(GroupsPane)
            every = [pane.index.groups[i]["size"] for i in pane.group_list.view]
            await pilot.press("2", "slash", *"size:>=1MB", "enter")
            await pilot.pause()  # Enter applies the filter at once (no debounce)
            big = [pane.index.groups[i]["size"] for i in pane.group_list.view]
            await pilot.press("slash", "ctrl+u", *"size:<10KiB -size:=0", "enter")
            await pilot.pause()  # Enter applies the filter at once (no debounce)
            small = [pane.index.groups[i]["size"] for i in pane.group_list.view]
            await pilot.press("slash", "ctrl+u", *"size:12", "enter")
            await pilot.pause()  # Enter applies the filter at once (no debounce)
            problem = str(pane.query_one("#filter-problem").render())
            return every, big, small, problem

    every, big, small, problem = asyncio.run(journey())
    assert big and all(s >= 1_000_000 for s in big)
    assert sorted(big) == sorted(s for s in every if s >= 1_000_000)
    assert small and all(0 < s < 10 * 1024 for s in small)
    assert sorted(small) == sorted(s for s in every if 0 < s < 10 * 1024)
    assert "size:12 needs a comparison" in problem


def test_a_file_list_filters_by_size(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await open_insights(pilot, scanned.exact_id)
            await pilot.press("8", "enter")  # the Files tab: every file, largest first
            await until(pilot, lambda: isinstance(app.screen, FilesScreen))
            files = app.screen
            await until(pilot, lambda: files.listed.count > 0)
            every = [f.size for f in files.files]
            assert files.listed.complete
            drawn: list[str] = []  # the list filtered and drawn again: once typing pauses
            real = files._refresh
            files._refresh = lambda: (drawn.append(files.text), real())[1]
            await pilot.press("slash", *"size:>100KB size:<=1MiB", "enter")
            await pilot.pause()
            assert len(drawn) == 1, drawn  # once, not once a key (23 keys), nor again at Enter
            shown = [f.size for f in files.shown]
            rows = files.query_one(VimDataTable).row_count
            title = str(files.query_one("#files-title").render())
            drawn.clear()  # typing that pauses before Enter: drawn at the pause, not again
            await pilot.press("slash", "ctrl+u", *"size:>100KB")
            await until(pilot, lambda: bool(drawn))
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert drawn == ["size:>100KB"], drawn
            await pilot.press("slash", "ctrl+u", *"size:>lots", "enter")
            await pilot.pause()
            said = str(files.query_one("#files-title").render())
            return every, shown, rows, title, said

    every, shown, rows, title, said = asyncio.run(journey())
    wanted = sorted((s for s in every if 100_000 < s <= 2**20), reverse=True)
    assert shown == wanted and rows == len(wanted) > 0
    assert f"{len(wanted)} matching" in title
    assert "'lots' is not a size" in said


def test_help_lists_the_filter_words(app, scanned):
    from aa_tui.tui.screens.help import HelpScreen

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "question_mark")
            await until(pilot, lambda: isinstance(app.screen, HelpScreen))
            return str(app.screen.query_one("#help-filter").render())

    said = asyncio.run(journey())
    for word in ("project:", "type:", "uploader:", "status:", "age:", "size:>10MB", "-word:"):
        assert word in said
