"""Keys and flows of issue 19: U unmarks what is in view and z undoes it (defect 6); Space's
move is documented, Tab in Insights keeps the keys working, a finished scan's results go back
to where it was started (defect 11)."""

from __future__ import annotations

import threading

from helpers.tui import SIZE, run, until, wait_for_workers
from textual import events

from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile
from aa_tui.service.scanning import ScanOutcome, ScanRequest
from aa_tui.store.store import Store
from aa_tui.tui.group_index import GroupFilter
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.help import collect_keys
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.insights.screen import InsightsScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.marks import MarksPane
from aa_tui.tui.widgets.tables import VimDataTable


async def open_results(pilot, scan_id: str) -> ResultsScreen:
    pilot.app.push_screen(ResultsScreen(scan_id))
    await until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.index is not None and screen.removed is not None)
    await wait_for_workers(pilot)
    return screen


def test_u_unmarks_the_view_only_and_z_undoes_it(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            results = await open_results(pilot, scanned.exact_id)
            await pilot.press("2")
            pane = results.query_one("#groups-pane")
            glist = pane.group_list
            await pilot.press("space")
            moved = glist.cursor  # Space marks, then moves down (dua's way)
            every = len(results.index)
            await pilot.press("M")
            await until(pilot, lambda: results.marks.groups == every)
            all_files = results.marks.files
            project = results.results.group(glist.view[0])["locations"][0]["project_key"]
            pane.set_filter(GroupFilter.parse(f"project:{project}"))
            await pilot.pause()
            in_view = {str(results.index.groups[i]["hash"]) for i in glist.view}
            assert 0 < len(in_view) < every
            await pilot.press("U")
            after_u = results.marks.files
            still = {h for h in in_view if results.marks._groups.get(h)}
            undo_shown = "results.undo_unmark" in {
                b.binding.id for b in results.active_bindings.values() if b.enabled
            }
            await pilot.press("z")
            after_z = results.marks.files
            await pilot.press("1", "U")  # no list in view: every mark goes, and it says so
            after_all = results.marks.files
            pane_shown = results.query_one(MarksPane).display
            notes = [n.message for n in app._notifications]
            await pilot.press("z")
            back = results.marks.files
            await pilot.press("2")
            help_rows = {k.binding_id: k.description for k in collect_keys(results)}
            return (moved, all_files, after_u, still, undo_shown, after_z, after_all,
                    pane_shown, notes, back, help_rows)  # fmt: skip

    moved, all_files, after_u, still, undo, after_z, after_all, shown, notes, back, rows = run(
        journey()
    )
    assert moved == 1
    assert 0 < after_u < all_files and still == set()  # the marks outside the view stay
    assert undo and after_z == all_files
    assert after_all == 0 and not shown
    assert any("outside it stay marked" in n and "z undoes it" in n for n in notes)
    assert any("Every mark cleared" in n for n in notes)
    assert back == all_files
    assert "move down" in rows["results.mark"]
    assert "in view" in rows["results.clear_marks"]


def test_tab_in_insights_changes_the_tab_and_the_keys_keep_working(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(InsightsScreen(scanned.exact_id))
            await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
            screen = app.screen
            await until(pilot, lambda: screen.insights is not None)
            await wait_for_workers(pilot)
            await pilot.press("8")  # the Files tab: every number of the scan
            await pilot.press("tab")
            after_tab = screen.query_one("#insight-tabs").active, app.focused
            await pilot.press("shift+tab")
            back = screen.query_one("#insight-tabs").active, app.focused
            await pilot.press("G")
            table = screen.query_one("#lists-table", VimDataTable)
            at_end = table.cursor_row, table.row_count
            await pilot.press("g", "enter")
            return after_tab, back, at_end, type(app.screen).__name__

    after_tab, back, at_end, opened = run(journey())
    assert after_tab[0] == "growth" and isinstance(after_tab[1], VimDataTable)
    assert after_tab[1].id == "growth-table"
    assert back[0] == "lists" and back[1].id == "lists-table"
    assert at_end[0] == at_end[1] - 1 > 0
    assert opened == "FilesScreen"


def scanned_info(scanned):
    from aa_tui.model.scans import ScanInfo

    return ScanInfo(id=scanned.exact_id, site=scanned.site, email=scanned.email, scope=Scope())


def test_a_scan_that_finishes_under_a_question_goes_back_where_it_started(app, scanned):
    release = threading.Event()

    def runner(listener, cancel) -> ScanOutcome:
        release.wait(30)
        return ScanOutcome(info=scanned_info(scanned), summary={}, groups=[])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(HistoryScreen())
            await pilot.pause()
            request = ScanRequest(site=scanned.site, email=scanned.email, scope=Scope())
            app.push_screen(
                LiveScanScreen(Profile(scanned.site, scanned.email), "t", request, runner=runner)
            )
            await until(pilot, lambda: isinstance(app.screen, LiveScanScreen))
            await pilot.press("escape")  # Cancel this scan? ... and meanwhile it finishes
            asked = isinstance(app.screen, ConfirmScreen)
            release.set()
            await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
            await wait_for_workers(pilot)
            stack = [type(s).__name__ for s in app.screen_stack]
            await pilot.press("escape")
            await pilot.pause()
            return asked, stack, type(app.screen).__name__

    asked, stack, after_escape = run(journey())
    assert asked
    assert "LiveScanScreen" not in stack and "ConfirmScreen" not in stack
    assert after_escape == "HistoryScreen"  # where the scan was started from


# -- the New scan form (defect 3) -----------------------------------------------------------------
def test_the_form_starts_on_the_scope_and_a_big_whole_site_scan_asks_first(
    demo_server, memory_keyring, tmp_path, monkeypatch
):
    from helpers.tui import make_app, saved_site
    from textual.widgets import RadioSet

    from aa_tui.tui.screens import new_scan

    monkeypatch.setattr(
        new_scan, "BIG_SITE_ISSUES", 10, raising=False
    )  # the small demo site is "big"
    data = saved_site(demo_server, tmp_path, memory_keyring)
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            form = app.screen
            assert isinstance(form, new_scan.NewScanScreen)
            focused_first = app.focused
            await pilot.press("down", "down", "enter")  # meant: pick the JQL scope
            await pilot.pause()
            picked = form.scope_kind, [type(s).__name__ for s in app.screen_stack]
            form.query_one("#scope-site").value = True
            form.query_one("#scope", RadioSet).focus()
            await pilot.pause()
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            question = app.screen.question
            await pilot.press("n")  # No: nothing starts
            await pilot.pause()
            after_no = type(app.screen).__name__
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")  # the scan starts (a small site may be done at once)
            await until(pilot, lambda: isinstance(app.screen, (LiveScanScreen, ResultsScreen)))
            if isinstance(app.screen, LiveScanScreen):
                app.screen.request_cancel()
            await wait_for_workers(pilot)
            return focused_first, picked, question, after_no

    focused_first, picked, question, after_no = run(journey())
    assert isinstance(focused_first, RadioSet) and focused_first.id == "scope"
    assert picked[0] == "jql" and "LiveScanScreen" not in picked[1]
    assert "Jira counts about" in question and "issues with attachments" in question
    assert after_no == "NewScanScreen"


# -- a scan Jira refused is never offered for resume (defect 7) -----------------------------------
def test_a_refused_query_is_not_offered_for_resume_anywhere(demo_server, memory_keyring, tmp_path):
    import pytest
    from helpers.scanning import run_scan
    from helpers.tui import make_app, saved_site

    from aa_tui.jira.errors import QueryRejected, UsageError
    from aa_tui.store.store import Store

    data = saved_site(demo_server, tmp_path, memory_keyring)
    bad = Scope(jql="project = = OPS")
    store = Store(data)
    with pytest.raises(QueryRejected):
        run_scan(demo_server, store, scope=bad)
    [failed] = store.list_scans()
    with pytest.raises(UsageError, match="cannot be resumed: Jira refused the search"):
        run_scan(demo_server, store, scope=bad, resume=True)  # aa-tui scan --resume
    kept = store.has_checkpoint(failed.id), store.can_resume(failed), failed.resumable
    found = store.find_resumable(failed.site, bad, "exact", email=failed.email)
    store.close()
    assert kept == (True, False, False) and found is None
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    def refused(listener, cancel):
        raise QueryRejected("Jira refused the search (400: Error in the JQL Query).")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(HistoryScreen())
            await pilot.pause()
            history = app.screen
            hint = str(history.query_one("#history-hint").render())
            await pilot.press("r")
            await pilot.pause()
            resumed = isinstance(app.screen, LiveScanScreen)
            notes = [n.message for n in app._notifications]
            request = ScanRequest(site=failed.site, email=failed.email, scope=bad)
            profile = Profile(failed.site, failed.email)
            app.push_screen(LiveScanScreen(profile, "t", request, runner=refused))
            await until(pilot, lambda: any(
                isinstance(s, LiveScanScreen) and s.state == "failed" for s in app.screen_stack
            ))  # fmt: skip
            live = next(s for s in app.screen_stack if isinstance(s, LiveScanScreen))
            state = str(live.query_one("#state").render())
            return hint, resumed, notes, live.check_action("resume", ()), state

    hint, resumed, notes, can_resume, state = run(journey())
    assert hint.startswith("Failed: Jira refused the search") and "r resumes" not in hint
    assert "A resume would be refused the same" in hint
    assert not resumed and any("A resume would be refused the same" in n for n in notes)
    assert not can_resume and "r resumes" not in state
    assert "A resume would be refused the same" in state


def test_z_on_the_duplicate_list_undoes_space_and_m_too_and_help_lists_it(app, scanned):
    """Found trying the app: the duplicate list's z undid only U (after Space or M it did
    nothing, silently) and ? listed it only after a U; Insights' z undoes the last of the three."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            results = await open_results(pilot, scanned.exact_id)
            await pilot.press("2")
            help_rows = {k.binding_id for k in collect_keys(results)}
            await pilot.press("space")
            one = results.marks.files
            await pilot.press("z")
            after_space_z = results.marks.files
            await pilot.press("space")
            second = results.marks.files
            await pilot.press("M")
            every = len(results.index)
            await until(pilot, lambda: results.marks.groups == every)
            await pilot.press("z")
            after_m_z = results.marks.files
            await pilot.press("z")  # nothing left to undo: it says so
            after_twice = results.marks.files
            notes = [n.message for n in app._notifications]
            return help_rows, one, after_space_z, second, after_m_z, after_twice, notes

    help_rows, one, after_space_z, second, after_m_z, after_twice, notes = run(journey())
    assert "results.undo_unmark" in help_rows
    assert one > 0 and after_space_z == 0  # Space, then z: no mark
    assert 0 < second == after_m_z == after_twice  # M, then z: the Space's marks before M
    assert any("Nothing to undo" in n for n in notes)


async def open_history(pilot) -> HistoryScreen:
    pilot.app.push_screen(HistoryScreen())
    await until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
    history = pilot.app.screen
    await until(pilot, lambda: bool(history.scans))
    return history


def delete_elsewhere(data_dir, scan_id: str) -> None:
    """Delete ``scan_id`` as another aa-tui on the same store would."""
    other = Store(data_dir)
    other.delete_scan(scan_id)
    other.close()


def to_row(history: HistoryScreen, scan_id: str) -> None:
    rows = [s.id for s in history.scans]
    history.query_one(VimDataTable).move_cursor(row=rows.index(scan_id))


def test_a_scan_deleted_by_another_aa_tui_closes_its_results_with_one_notice(
    app, scanned, data_copy
):
    """A scheduled scan keeping only the newest scans (another process) deletes the scan open
    here: going back to its results closes them with a notice, not an error at each return."""

    async def journey():
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await open_results(pilot, scanned.exact_id)
            delete_elsewhere(data_copy, scanned.exact_id)
            await pilot.press("question_mark", "escape")
            await until(pilot, lambda: not isinstance(app.screen, ResultsScreen))
            await pilot.pause(0.3)
            stack = [type(s).__name__ for s in app.screen_stack]
            said = [n.message for n in app._notifications]
            return stack, said

    stack, said = run(journey())
    assert "ResultsScreen" not in stack and "ErrorScreen" not in stack
    assert any(f"Scan {scanned.exact_id} was deleted meanwhile" in s for s in said)


def test_opening_a_scan_another_aa_tui_deleted_says_so_in_history(app, scanned, data_copy):
    async def journey():
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            history = await open_history(pilot)
            to_row(history, scanned.exact_id)
            delete_elsewhere(data_copy, scanned.exact_id)
            await pilot.press("enter")
            await pilot.pause(0.2)
            said = [n.message for n in app._notifications]
            return type(app.screen).__name__, [s.id for s in history.scans], said

    screen, listed, said = run(journey())
    assert screen == "HistoryScreen" and scanned.exact_id not in listed
    assert any(f"Scan {scanned.exact_id} was deleted meanwhile" in s for s in said)


def test_a_marked_scan_another_aa_tui_deleted_is_unmarked_with_a_notice(app, scanned, data_copy):
    async def journey():
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            history = await open_history(pilot)
            for scan_id in (scanned.exact_id, scanned.later_id):
                to_row(history, scan_id)
                await pilot.press("space")
            marked = list(history.marked)
            delete_elsewhere(data_copy, scanned.exact_id)
            await pilot.press("c")
            await pilot.pause(0.2)
            said = [n.message for n in app._notifications]
            return type(app.screen).__name__, marked, list(history.marked), said

    screen, marked, after, said = run(journey())
    assert sorted(marked) == sorted([scanned.exact_id, scanned.later_id])
    assert screen == "HistoryScreen" and after == [scanned.later_id]  # no comparison opened
    assert any(
        f"Scan {scanned.exact_id} was deleted meanwhile" in s and "no longer marked" in s
        for s in said
    )


def test_results_tabs_switched_fast_end_on_the_last_one_chosen(app, scanned):
    """Three ``]`` read at once end on the third tab after the first, its table focused: keys
    read together are handled before the messages they cause, and a pane's late news that
    it took the focus switched back to it (in a real terminal, from Ages: Status, 2 of 3
    presses lost; from the overview: Duplicates)."""

    async def journey() -> list[tuple[str, list[str], set[str]]]:
        out = []
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_results(pilot, scanned.exact_id)
            tabs = screen.query_one("TabbedContent")
            for start in ("1", "6"):
                await pilot.press(start)
                await pilot.pause(0.2)
                for _ in range(3):
                    app.post_message(events.Key("right_square_bracket", "]"))
                seen = []
                for _ in range(25):
                    await pilot.pause(0.02)
                    seen.append(tabs.active)
                focused = screen.focused
                ids = {w.id or "" for w in focused.ancestors_with_self} if focused else set()
                out.append((start, seen, ids))
        return out

    (_, from_overview, focus_a), (_, from_ages, focus_b) = run(journey())
    assert set(from_overview[-10:]) == {"file_types"}, from_overview
    assert "file_types" in focus_a
    assert set(from_ages[-10:]) == {"overview"}, from_ages  # Status, Quick wins, Overview
    assert "overview" in focus_b
