"""Journeys through the app with Pilot, against the demo site over real HTTP."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from helpers.tui import SIZE, make_app, run, saved_site, until, wait_for_workers
from keyring.backends import fail
from rich.console import Console

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.scans import Profile
from aa_tui.model.units import size_text
from aa_tui.store.store import Store
from aa_tui.tui.commands import ScreenCommands
from aa_tui.tui.screens.compare import CompareScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.group_list import GroupList
from aa_tui.tui.widgets.groups_pane import GroupsPane
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.overview import Overview
from aa_tui.tui.widgets.scan_stats import ScanStats


def text_of(widget) -> str:
    return str(widget.render())


def overview_text(app) -> str:
    from rich.console import Console

    console = Console(width=120, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(app.screen.query_one(Overview).shown)
    return console.export_text()


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def fill_form(screen, site: str, email: str, token: str) -> None:
    screen.query_one("#site", TextInput).value = site
    screen.query_one("#email", TextInput).value = email
    screen.query_one("#token", TextInput).value = token


# -- sites ----------------------------------------------------------------------------------------
def test_add_a_site_and_test_it(demo_server, memory_keyring, tmp_path):
    app = make_app(tmp_path / "data", backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            fill_form(screen, demo_server.base_url, demo_server.email, "wrong-token")
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            refused = text_of(screen.query_one("#status"))
            screen.query_one("#token", TextInput).value = demo_server.token
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            signed_in = text_of(screen.query_one("#status"))
            await pilot.press("ctrl+s")
            await pilot.pause()
            return refused, signed_in, app.workspace.list_profiles()

    refused, signed_in, profiles = run(journey())
    assert "refused the email and API token" in refused and "HTTP 401" in refused
    assert signed_in.startswith("Connected: signed in as")
    assert profiles == [Profile(demo_server.base_url, demo_server.email)]
    account = f"{demo_server.email}@{demo_server.base_url}"
    assert memory_keyring.entries == {("aa-tui", account): demo_server.token}
    app.workspace.close()
    assert demo_server.token.encode() not in all_bytes(tmp_path / "data")


def test_bad_site_url_is_explained(memory_keyring, tmp_path):
    app = make_app(tmp_path / "data", backend=memory_keyring)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            fill_form(app.screen, "http://jira.example.com", "a@example.com", "t")
            await pilot.press("ctrl+s")
            return text_of(app.screen.query_one("#status"))

    assert "Refusing plain http://" in run(journey())


def test_delete_a_site_removes_its_token(app, scanned, memory_keyring):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("d")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("enter")  # the default answer is No
            kept = app.workspace.list_profiles()
            await pilot.press("d", "y")
            return kept, app.workspace.list_profiles()

    kept, after = run(journey())
    assert len(kept) == 1 and after == []
    assert memory_keyring.entries == {}


def test_no_keyring_says_how_to_fix_it(tmp_path, monkeypatch):
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    app = make_app(tmp_path / "data", backend=fail.Keyring())

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_workers(pilot)  # the keyring is looked for after the first frame
            banner = text_of(app.screen.query_one("#keyring"))
            fill_form(app.screen, "acme.atlassian.net", "a@example.com", "secret-token")
            await pilot.press("ctrl+s")
            return (
                banner,
                text_of(app.screen.query_one("#status")),
                app.workspace.list_profiles(),
            )

    banner, status, profiles = run(journey())
    assert "No usable OS keyring" in banner
    assert "Secret Service" in banner and "JIRA_API_TOKEN" in banner
    # with no keyring the token is kept for this session only, and the form says so
    assert "kept in memory for this session only (no OS keyring)" in status
    assert [p.email for p in profiles] == ["a@example.com"]
    app.workspace.close()
    assert b"secret-token" not in all_bytes(tmp_path / "data")


# -- scanning -------------------------------------------------------------------------------------
def test_scan_the_demo_site_and_see_its_truth(demo_server, small_site, memory_keyring, tmp_path):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])
    truth = small_site.truth

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")  # new scan of the selected site
            assert isinstance(app.screen, NewScanScreen)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
            await wait_for_workers(pilot)
            return app.screen.summary.to_dict(), overview_text(app), len(app.screen.groups)

    summary, text, groups = run(journey())
    totals = summary["totals"]
    assert totals["total_files"] == truth.total_files
    assert totals["total_size"] == truth.total_size
    assert totals["duplicate_groups"] == truth.duplicate_groups == groups
    assert totals["duplicate_files"] == truth.duplicate_files
    assert totals["duplicate_size"] == truth.duplicate_size
    assert size_text(truth.total_size) in text
    assert f"{size_text(truth.duplicate_size)} ({truth.waste_pct:.1f}%)" in text
    assert f"{truth.duplicate_files} redundant copies in {truth.duplicate_groups} groups" in text


def test_cancel_then_resume_a_scan(small_site, memory_keyring, tmp_path):
    slow = DemoOptions(latency_s=0.05)
    with DemoServer(small_site, slow) as server:
        data = saved_site(server, tmp_path, memory_keyring)
        app = make_app(data, backend=memory_keyring, sites=[server.base_url])

        async def journey():
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press("n", "ctrl+s")  # (Jira's count of the site is asked first)
                # the live screen, once composed (a busy machine may show it a frame early)
                await until(
                    pilot,
                    lambda: (
                        isinstance(app.screen, LiveScanScreen) and bool(app.screen.query(ScanStats))
                    ),
                )
                live = app.screen
                stats = live.query_one(ScanStats)
                await until(pilot, lambda: live.state == "running" and stats.progress.files > 0)
                await pilot.press("escape")
                assert isinstance(app.screen, ConfirmScreen)
                await pilot.press("y")
                await until(pilot, lambda: live.state == "cancelled")
                await pilot.pause(0.5)  # the refresh timer must not draw a rate again
                # stopped: Esc goes back (the footer says so), no rate or time left claimed
                keys = {b.binding.action for b in live.active_bindings.values() if b.enabled}
                stopped = stats._table(stats.progress), stats.progress.files
                scans = app.workspace.list_scans()
                resumable = app.workspace.find_resumable(server.base_url, scans[0].scope, "exact")
                await pilot.press("r")
                # the resumed run starts from what the first one read, not from 0
                await until(pilot, lambda: live.running and stats.progress.files > 0)
                resumed = stats.progress.files
                await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
                await wait_for_workers(pilot)
                after = app.workspace.list_scans()
                return scans, resumable, app.screen.summary.to_dict(), after, keys, stopped, resumed

        before, resumable, summary, after, keys, stopped, resumed = run(journey())
    assert "back" in keys and "cancel" not in keys
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(stopped[0])
    shown = console.export_text()
    assert "Time left        -" in shown and "files/s" not in shown
    assert resumed >= stopped[1] > 0
    assert [s.status for s in before] == ["cancelled"]
    assert resumable is not None and resumable.id == before[0].id
    assert [s.status for s in after] == ["complete"] and after[0].id == before[0].id
    assert summary["totals"]["duplicate_size"] == small_site.truth.duplicate_size


def test_quitting_during_a_scan_asks_first(small_site, memory_keyring, tmp_path):
    with DemoServer(small_site, DemoOptions(latency_s=0.2)) as server:
        data = saved_site(server, tmp_path, memory_keyring)
        app = make_app(data, backend=memory_keyring, sites=[server.base_url])

        async def journey():
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press("n", "ctrl+s")
                # the form asks Jira how big the site is first (a small site: no question)
                await until(pilot, lambda: isinstance(app.screen, LiveScanScreen))
                await pilot.press("ctrl+q")
                asked = isinstance(app.screen, ConfirmScreen)
                await pilot.press("n")  # keep scanning
                still = app.scan_running()
                await pilot.press("ctrl+q", "y")
                return asked, still

        asked, still = run(journey())
        deadline = time.monotonic() + 10  # the engine stops between requests, then records it
        while app.workspace.list_scans()[0].status != "cancelled":
            assert time.monotonic() < deadline, app.workspace.list_scans()
            time.sleep(0.05)
    assert asked and still


def test_a_refused_token_becomes_a_modal(demo_server, memory_keyring, tmp_path):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    memory_keyring.set_password("aa-tui", f"{demo_server.email}@{demo_server.base_url}", "nope")
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n", "ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, ErrorScreen))
            return app.screen.error_title, app.screen.message

    title, message = run(journey())
    assert title == "Sign-in refused" and "HTTP 401" in message


# -- results --------------------------------------------------------------------------------------
def test_quick_win_to_group_to_issue(app, scanned, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("aa_tui.tui.outside.browser_available", lambda: True)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.open_url = lambda url, new_tab=True: opened.append(url)
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("8", "enter")
            detail = app.screen
            assert isinstance(detail, GroupDetailScreen)
            await pilot.press("j", "o", "c")
            copied_key = app.clipboard
            await pilot.press("u")
            return detail.group, copied_key, app.clipboard

    group, key, url = run(journey())
    win = Store(scanned.root).load_summary(scanned.exact_id)["quick_wins"][0]
    assert group["hash"] == win["hash"]
    second = win["locations"][1]["issue_key"]
    assert key == second
    assert opened == [url] == [f"{scanned.site}/browse/{second}"]


def test_filter_sort_and_drill_down(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            pane = app.screen.query_one(GroupsPane)
            await pilot.press("2", "slash", *"type:png", "enter")
            pngs = [pane.index.groups[i]["file_name"] for i in pane.group_list.view]
            await pilot.press("s")
            sort = pane.sort
            await pilot.press("ctrl+l", "3", "enter")  # projects tab: Enter on the biggest
            project = pane.filter.project
            in_project = [pane.index.groups[i] for i in pane.group_list.view]
            return pngs, sort, project, in_project

    pngs, sort, project, in_project = run(journey())
    assert pngs and all(name.lower().endswith(".png") for name in pngs)
    assert sort == "copies"
    assert project == "OPS"
    assert in_project and all("OPS" in g["projects"] for g in in_project)


@pytest.mark.parametrize("rows", ["group rows", "a scan saved without them"])
def test_a_group_opens_from_the_duplicates_list_with_every_location(app, scanned, data_copy, rows):
    if rows != "group rows":
        (data_copy / "scans" / scanned.exact_id / "group_rows.json").unlink()

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2")
            await pilot.press("s", "g", "j", "enter")  # by copies, the second group
            detail = app.screen
            assert isinstance(detail, GroupDetailScreen)
            pane = app.screen_stack[-2].query_one(GroupsPane)
            return detail.group, pane.index.full_groups is None, len(pane.index)

    group, lean, count = run(journey())
    groups = Store(data_copy).load_groups(scanned.exact_id)
    by_copies = sorted(groups, key=lambda g: (-g["copies"], -g["wasted_size"], g["hash"]))
    assert group == by_copies[1] and len(group["locations"]) == group["copies"]
    # the list holds rows only; whole groups are read from the scan's results when opened
    assert lean and count == len(groups)


def test_big_list_keys_move_the_window(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "G")
            groups = app.screen.query_one("#group-list", GroupList)
            last = groups.cursor
            await pilot.press("g", "pagedown")
            return last, len(groups.view), groups.cursor

    last, total, paged = run(journey())
    assert last == total - 1 and 0 < paged < total


def test_export_json_and_csv(app, scanned, tmp_path):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            for kind, target in (("json", tmp_path / "r.json"), ("csv", tmp_path / "csv")):
                await pilot.press("x")
                if kind == "csv":
                    await pilot.press("down", "enter")
                app.screen.query_one("#path", TextInput).value = str(target)
                await pilot.press("ctrl+s")
                await wait_for_workers(pilot)

    run(journey())
    import orjson

    report = orjson.loads((tmp_path / "r.json").read_bytes())
    assert report["schema"] == "aa-tui.report/2" and report["duplicate_groups"]
    assert (tmp_path / "csv" / "duplicate_groups.csv").exists()


# -- history --------------------------------------------------------------------------------------
def test_reopen_a_past_scan_from_history(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            assert isinstance(app.screen, HistoryScreen)
            await pilot.press("j", "j", "enter")  # newest first: the oldest is the exact scan
            await wait_for_workers(pilot)
            screen = app.screen
            return screen.scan_id, screen.from_history, screen.summary.to_dict()

    scan_id, from_history, summary = run(journey())
    assert scan_id == scanned.exact_id and from_history
    assert summary == Store(scanned.root).load_summary(scanned.exact_id)


def test_f3_goes_back_to_the_open_history_and_lets_the_scan_go(app, scanned):
    """F3 on a scan opened from History pushed a new History on top: every scan opened that
    way stayed alive (~120 MB each at 1,000,000 issues; 849 -> 1,362 MB in six opens)."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            history = app.screen
            depth = len(app.screen_stack)
            seen = []
            for _ in range(3):
                await pilot.press("enter")
                await wait_for_workers(pilot)
                opened = app.screen
                await pilot.press("f3")
                await pilot.pause()
                seen.append(
                    (app.screen is history, len(app.screen_stack), opened in app.screen_stack)
                )
            return depth, seen

    depth, seen = run(journey())
    assert seen == [(True, depth, False)] * 3


@pytest.mark.parametrize("burst", ["yd", "dy"])
def test_a_y_typed_with_the_key_that_asks_does_not_answer(app, scanned, burst):
    """Stray keys in one burst on History ("yd", "dy": fast typing, a paste) deleted a scan
    with the question never seen: the 'y' reached the app's bindings after 'd' had asked."""
    from textual import events

    started_at = {s.id: s.started_at for s in app.workspace.list_scans()}

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            await wait_for_workers(pilot)
            for key in burst:
                app.post_message(events.Key(key, key))
            for _ in range(4):
                await pilot.pause()
            asked = isinstance(app.screen, ConfirmScreen) and app.screen.question
            await pilot.press("y")  # typed once the question is shown: it answers
            await pilot.pause()
            return asked, [s.id for s in app.workspace.list_scans()]

    asked, left = run(journey())
    assert asked and len(left) == 2  # asked, and only the answer typed after it deleted
    # which scan, to the second: two started in the same minute read alike to the minute
    (deleted,) = {scanned.exact_id, scanned.later_id, scanned.metadata_id} - set(left)
    started = started_at[deleted]
    assert len(started) >= 19 and f", {started[:19].replace('T', ' ')}) and its saved" in asked


def test_compare_two_scans_and_delete_one(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3", "space", "j", "j", "space", "c")
            compared = app.screen
            assert isinstance(compared, CompareScreen)
            await pilot.press("escape", "d", "y")
            return (compared.older_id, compared.newer_id), [
                s.id for s in app.workspace.list_scans()
            ]

    pair, left = run(journey())
    assert pair == (scanned.exact_id, scanned.later_id)
    assert scanned.exact_id not in left and len(left) == 2


def test_palette_offers_every_key_of_the_screen(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2")
            provider = ScreenCommands(app.screen)
            return [hit.text async for hit in provider.discover()]

    titles = run(journey())
    for title in ("Export", "Filter", "Sort", "Reverse", "Open group", "Help", "Quit"):
        assert title in titles


def test_why_a_scan_stopped_is_said_once():
    """History said "Cancelled: Cancelled." for a scan cancelled in the app."""
    from aa_tui.tui.screens.history import why_stopped

    assert why_stopped("cancelled", "Cancelled.") == "Cancelled."
    assert why_stopped("failed", "HTTP 500 from Jira.") == "Failed: HTTP 500 from Jira."


def test_compare_says_what_aa_tuis_cleanups_took_from_the_change(app, scanned):
    """A tester compared a scan with its rescan after a cleanup: -371.9 MiB, unexplained."""
    from aa_tui.model.cleanup import Outcome, PlanFilters
    from aa_tui.store.audit import AuditLog
    from aa_tui.store.store import Store

    cleanup = app.workspace.cleanup()
    plan = cleanup.save(cleanup.plan(scanned.exact_id, PlanFilters(limit=2)))
    journal = AuditLog(Store(app.workspace.data_dir)).open(plan.id)
    for d in plan.deletions:
        journal.intent(d.attachment_id)
        journal.outcome(d.attachment_id, Outcome.DELETED)
    journal.close()

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3", "space", "j", "j", "space", "c")
            compared = app.screen
            assert isinstance(compared, CompareScreen)
            from textual.widgets import Static

            return compared.query_one("#compare-head", Static).content

    console = Console(width=120, record=True, file=io.StringIO())
    console.print(run(journey()))
    head = console.export_text()
    assert "aa-tui's cleanups deleted 2 files (" in head and "of the earlier scan's" in head


def test_space_in_history_marks_and_moves_down_as_in_duplicates(app, scanned):
    """Home, Space, Space marked then unmarked one scan: Space stayed on its row in History
    (in Duplicates it moves down), and Compare then said to mark two (tester27)."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            await wait_for_workers(pilot)
            await pilot.press("home", "space", "space", "c")
            await pilot.pause()
            return app.screen

    assert isinstance(run(journey()), CompareScreen)
