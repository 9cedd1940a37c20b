"""Keys that work where they are listed: breakdown tables sort, reverse, filter and jump;
help lists only the keys that do something on the screen; the palette says "Keys" once; the
bar keeps its colours on the cursor row (issue 12, B15)."""

from __future__ import annotations

from helpers.tui import SIZE, run, until, wait_for_workers

from aa_tui.tui.screens.help import HelpScreen, collect_keys
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.breakdown import BreakdownPane


def keys_of(pane: BreakdownPane) -> list[str]:
    table = pane.query_one("VimDataTable")
    return [str(k.value) for k in table.rows]


def test_breakdown_reverse_filter_home_end(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("3")
            pane = app.screen.query_one("#pane-projects", BreakdownPane)
            table = pane.query_one("VimDataTable")
            first = keys_of(pane)
            await pilot.press("r")
            reversed_ = keys_of(pane)
            await pilot.press("end")
            at_end = table.cursor_row
            await pilot.press("home")
            at_home = table.cursor_row
            await pilot.press("slash", *first[0][:2].lower(), "enter")
            filtered, focused = keys_of(pane), app.focused
            return (
                first,
                reversed_,
                at_end,
                at_home,
                filtered,
                focused,
                table.cursor_foreground_priority,
            )

    first, reversed_, at_end, at_home, filtered, focused, priority = run(journey())
    assert reversed_ == first[::-1]
    assert at_end == len(first) - 1 and at_home == 0
    assert filtered and all(first[0][:2].lower() in k.lower() for k in filtered)
    assert len(filtered) < len(first) or len(first) == 1
    assert focused.__class__.__name__ == "VimDataTable"
    assert priority == "renderable"  # the cursor row's colour does not blank the bar


def test_the_helps_filter_words_are_not_under_a_notice(app, scanned):
    """Notices (the demo's first one, a keymap's problems) stay in the bottom corner while
    the help is open: its filter words are not under them."""

    async def journey():
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            app.notify("Demo scans are kept in a folder of their own.", timeout=60)
            await pilot.press("question_mark")
            await pilot.pause(0.2)
            words = app.screen.query_one("#help-filter").region
            toasts = [t.region for t in app.screen.query("Toast")]
            return isinstance(app.screen, HelpScreen), words, toasts

    opened, words, toasts = run(journey())
    assert opened and toasts and words.height
    assert not any(words.overlaps(t) for t in toasts)


def test_help_lists_only_keys_that_work_here(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("3")
            on_projects = collect_keys(app.screen)
            await pilot.press("question_mark")
            opened = isinstance(app.screen, HelpScreen)
            await pilot.press("escape", "2")
            on_groups = collect_keys(app.screen)
            palette = [c.title for c in app.get_system_commands(app.screen)]
            return on_projects, opened, on_groups, palette

    on_projects, opened, on_groups, palette = run(journey())
    ids = {k.binding_id for k in on_projects}
    assert opened
    assert "breakdown.reverse" in ids and "breakdown.filter" in ids
    assert "groups.open" not in ids and "groups.reverse" not in ids  # the hidden tab's keys
    assert not any(k.description == "Cursor left" for k in on_projects)
    groups_ids = {k.binding_id for k in on_groups}
    assert "groups.open" in groups_ids and "breakdown.reverse" not in groups_ids
    assert palette.count("Keys") == 1


def test_the_arrows_move_between_a_questions_buttons(app):
    """A tester's Left then Enter on a restore's question answered No: the arrows moved
    nothing, only Shift+Tab reached the other button."""
    from aa_tui.tui.screens.confirm import ConfirmScreen

    answers: list[bool | None] = []

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            for keys in (["left", "enter"], ["left", "right", "enter"]):
                app.push_screen(ConfirmScreen("Restore 4 files?"), answers.append)
                await pilot.pause()
                assert app.focused is not None and app.focused.id == "no"  # the safe answer
                await pilot.press(*keys)
                await pilot.pause()

    run(journey())
    assert answers == [True, False]


def test_a_burst_after_slash_lands_in_the_groups_filter(app, scanned):
    """'/' then words in one burst on the duplicate groups: the words reached the list '/'
    was leaving (its keys: 'g', 'j'... moved the cursor) before the filter box took the
    focus."""
    from textual import events

    from aa_tui.tui.widgets.group_list import GroupList
    from aa_tui.tui.widgets.groups_pane import FilterInput, GroupsPane

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await pilot.pause()
            await wait_for_workers(pilot)  # the results read: "2" then shows the groups' list
            await pilot.press("2")
            await until(pilot, lambda: app.screen.query_one(GroupsPane).index is not None)
            await until(pilot, lambda: isinstance(app.focused, GroupList))  # the list in view
            for key in ["slash", *"logs"]:
                app.post_message(events.Key(key, "/" if key == "slash" else key))
            for _ in range(4):
                await pilot.pause()
            return app.screen.query_one(FilterInput).value

    assert run(journey()) == "logs"
