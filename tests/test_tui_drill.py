"""Results tabs as a new user meets them: tab keys from every tab, drilling into a breakdown
row and back, and a drilled list whose subtotal is the row's (issue 12, B2-B4)."""

from __future__ import annotations

from helpers.tui import SIZE, run, until, wait_for_workers
from textual.widgets import TabbedContent

from aa_tui.tui.group_index import GroupFilter
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.shares import share_of
from aa_tui.tui.widgets.breakdown import BreakdownPane
from aa_tui.tui.widgets.group_list import GroupList
from aa_tui.tui.widgets.groups_pane import FilterInput, GroupsPane


async def open_results(app, pilot, scan_id: str) -> ResultsScreen:
    app.push_screen(ResultsScreen(scan_id))
    await pilot.pause()
    await wait_for_workers(pilot)
    screen = app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


def active(screen) -> str:
    return screen.query_one(TabbedContent).active


def test_tab_keys_work_from_the_duplicates_tab(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(app, pilot, scanned.exact_id)
            seen = []
            for key in ("2", "1", "2", "left_square_bracket", "2", "right_square_bracket"):
                await pilot.press(key)
                await pilot.pause()
                seen.append(active(screen))
            return seen, app.focused

    seen, focused = run(journey())
    assert seen == ["groups", "overview", "groups", "overview", "groups", "projects"]
    assert not isinstance(focused, GroupList)


def test_escape_after_a_drill_down_goes_back_to_the_row(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(app, pilot, scanned.exact_id)
            await pilot.press("3", "j", "j")
            table = screen.query_one("#pane-projects", BreakdownPane)
            cursor = table.query_one("VimDataTable").cursor_row
            await pilot.press("enter")
            await wait_for_workers(pilot)
            drilled = active(screen), screen.query_one(GroupsPane).filter.project
            await pilot.press("escape")
            back = active(screen), table.query_one("VimDataTable").cursor_row, app.screen
            unfiltered = screen.query_one(GroupsPane).filter.active
            await pilot.press("escape")
            return cursor, drilled, back, unfiltered, app.screen

    cursor, drilled, back, unfiltered, last = run(journey())
    assert drilled[0] == "groups" and drilled[1]
    assert back[0] == "projects" and back[1] == cursor
    assert isinstance(back[2], ResultsScreen)
    assert not unfiltered
    assert not isinstance(last, ResultsScreen)  # a second Escape leaves the results


def test_escape_in_a_filtered_list_clears_the_filter_first(app, scanned):
    """/ pdf Enter, then Escape: the list again, unfiltered; a second Escape leaves."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(app, pilot, scanned.exact_id)
            pane = screen.query_one(GroupsPane)
            await pilot.press("2", "slash", *"pdf", "enter")
            await pilot.pause(0.3)
            filtered = pane.filter.active, len(pane.group_list.view)
            await pilot.press("escape")
            await pilot.pause()
            after = app.screen, pane.filter.active, len(pane.group_list.view), active(screen)
            await pilot.press("escape")
            return filtered, after, len(pane.index.groups), app.screen

    filtered, after, every, last = run(journey())
    assert filtered[0] and filtered[1] < every
    assert isinstance(after[0], ResultsScreen) and not after[1] and after[2] == every
    assert after[3] == "groups"
    assert not isinstance(last, ResultsScreen)


def test_the_filter_has_the_focus_as_soon_as_the_slash_is_handled(app, scanned):
    """Focus moves to the box within "/"'s own handling, not a turn later (Widget.focus): a key
    the app takes next goes to the box, never to the list's bindings ("i" opens Insights)."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(app, pilot, scanned.exact_id)
            await pilot.press("2")
            await pilot.pause()
            pane = screen.query_one(GroupsPane)
            pane.action_filter()
            focused_at_once = app.focused
            await pilot.press(*"file")
            return focused_at_once, app.screen is screen, pane.query_one(FilterInput).value

    focused_at_once, same_screen, typed = run(journey())
    assert isinstance(focused_at_once, FilterInput)
    assert same_screen and typed == "file"


def test_a_late_focus_of_the_tab_leaves_the_filter_box_alone(app, scanned):
    """The results screen focuses a tab's list again a refresh after the tab opens; a loaded
    machine ran that after "/" had focused the filter box, which took the focus back and sent
    the typed text to the list's keys (CI: "i" opened Insights). It leaves a focus inside the
    tab where it is."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(app, pilot, scanned.exact_id)
            await pilot.press("2", "slash")
            await until(pilot, lambda: isinstance(app.focused, FilterInput))
            screen._focus_tab("groups")  # as the deferred call after the tab's activation
            await pilot.pause()
            kept = app.focused
            await pilot.press(*"file")
            return kept, app.screen is screen, screen.query_one(FilterInput).value

    kept, same_screen, typed = run(journey())
    assert isinstance(kept, FilterInput)
    assert same_screen and typed == "file"


def test_a_drilled_list_adds_up_to_its_row(app, scanned):
    """Every project: the listed groups' share of its copies and waste is the row's.

    Three rows are drilled into through the keys (the first, the last and the one with the
    most redundant copies): each drill, three tab switches redrawn, takes over a second, so
    all eight took ~13 s. Every row's list is also read from the screen's own index and filter, each
    group's share counted from the stored group, and added up against its row."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(app, pilot, scanned.exact_id)
            rows = screen.summary.table("projects")
            most = max(rows[1:-1], key=lambda r: r.duplicate_files)
            now = screen.summary.scan.finished()
            counted = {}
            for row in rows:  # what each row's drilled list holds, without the keys
                listed = screen.index.view("wasted", GroupFilter().with_facet("project", row.key))
                counted[row.key] = {
                    i: share_of(screen.results.group(i), "project", row.key, now=now)
                    for i in listed
                }
            found = []
            for row in (rows[0], most, rows[-1]):
                await pilot.press("3")
                pane = screen.query_one("#pane-projects", BreakdownPane)
                table = pane.query_one("VimDataTable")
                keys = [str(k.value) for k in table.rows]
                table.move_cursor(row=keys.index(row.key))
                await pilot.press("enter")
                await wait_for_workers(pilot)
                await pilot.pause()
                groups = screen.query_one(GroupsPane)
                drill = groups.drill
                assert drill is not None and drill.ready
                status = str(groups.query_one("#groups-status").render())
                header = " ".join(
                    c.title for c in screen.query_one("#group-list", GroupList).columns
                )
                found.append((row, drill, status, header))
                await pilot.press("escape")
            return rows, counted, found

    rows, counted, found = run(journey())
    assert len(rows) > 3 and len({row.key for row, *_ in found}) == 3
    for row in rows:
        shares = counted[row.key].values()
        assert shares and all(s.copies for s in shares), row.key  # each listed group is there
        copies, wasted = sum(s.extra for s in shares), sum(s.wasted for s in shares)
        assert (copies, wasted) == (row.duplicate_files, row.wasted_size), row.key
    for row, drill, status, header in found:
        copies, wasted = drill.subtotal()
        assert drill.shares == counted[row.key], row.key  # the drill lists and counts the same
        assert (copies, wasted) == (row.duplicate_files, row.wasted_size), row.key
        assert f"Project {row.key}:" in status and f"{copies:,} redundant copies" in status
        assert "its row says" not in status
        assert "Wasted here" in header and "Copies here" in header


def test_a_filter_says_what_is_wrong(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(app, pilot, scanned.exact_id)
            await pilot.press("2", "slash")
            said = []
            for query in ("foo:bar", "age:>2y", "project:", 'x "open', "project:NOPE", "pdf"):
                screen.query_one("#filter").value = query
                await pilot.press("enter")
                await pilot.pause()
                problem = screen.query_one("#filter-problem")
                said.append(str(problem.render()) if problem.display else "")
                await pilot.press("slash")
            return said

    said = run(journey())
    assert "foo: is not a filter word" in said[0]
    assert "not an age bracket" in said[1]
    assert "project: needs a value" in said[2]
    assert "A quote is not closed" in said[3]
    assert "No group has project 'NOPE'" in said[4]
    assert said[5] == ""
