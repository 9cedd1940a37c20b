"""The app open while another aa-tui process writes its store (the tester's scan case).

1. the app scans the demo site; 2. ``aa-tui scan --full`` in another shell saves a scan;
3. the app lists it in History and its next scan (Sites › n › Ctrl+S) saves: it stopped with
"The scan stopped: ValueError" (TinyDB's next id, cached in the app's process).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from helpers.cli import aa
from helpers.scanning import run_scan
from helpers.tui import SIZE, make_app, saved_site, until, wait_for_workers

from aa_tui.store.lock import LOCK_FILE
from aa_tui.store.store import Store
from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen
from aa_tui.tui.screens.cleanup.review import CleanConfirmScreen, CleanReviewScreen
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.screens.sites import SitesScreen
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.tables import VimDataTable


async def scan_in_the_app(app, pilot) -> None:
    """From Sites: n, Ctrl+S, and wait for the results."""
    for _ in range(6):
        if isinstance(app.screen, SitesScreen):
            break
        await pilot.press("escape")
        await pilot.pause()
    await wait_for_workers(pilot)
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, NewScanScreen))
    await pilot.press("ctrl+s")
    ended = (ResultsScreen, ErrorScreen)
    await until(pilot, lambda: isinstance(app.screen, ended), timeout=90)
    error = app.screen.message if isinstance(app.screen, ErrorScreen) else ""
    assert isinstance(app.screen, ResultsScreen), error
    await wait_for_workers(pilot)


def test_a_cli_scan_beside_the_app_is_in_history_and_the_apps_next_scan_saves(
    demo_server, memory_keyring, tmp_path
):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])
    args = ["scan", "--site", demo_server.base_url, "--email", demo_server.email, "--full"]

    async def history_rows(pilot) -> int:
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await wait_for_workers(pilot)
        return app.screen.query_one(VimDataTable).row_count

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await scan_in_the_app(app, pilot)
            before = await history_rows(pilot)
            other = await asyncio.to_thread(aa, args, data, token=demo_server.token)
            await pilot.press("escape")  # back, and History again: it reads the store anew
            await pilot.pause()
            after = await history_rows(pilot)
            await scan_in_the_app(app, pilot)
            last = await history_rows(pilot)
            return before, other, after, last

    before, other, after, last = asyncio.run(journey())
    assert other.returncode == 0, other.stderr
    assert (before, after, last) == (1, 2, 3)
    scans = app.workspace.list_scans()
    assert [s.status for s in scans] == ["complete"] * 3
    app.workspace.close()


def test_applying_while_another_process_holds_the_store_is_a_sentence_then_r_retries(
    demo_server, tmp_path
):
    """Duplicates, Space, D, a, the phrase, Enter while another aa-tui process holds the store:
    the app said nothing useful and exited with a traceback; now the apply screen says why in
    one sentence, stays open, and r applies the plan once the store is free."""
    root = tmp_path / "data"
    scan_id = run_scan(demo_server, Store(root)).info.id
    app = make_app(
        root, memory_tokens={f"{demo_server.email}@{demo_server.base_url}": (demo_server.token)}
    )
    holder = None

    async def journey():
        nonlocal holder
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scan_id))
            await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
            results = app.screen
            await until(pilot, lambda: results.index is not None and results.removed is not None)
            await pilot.press("2", "space")
            await pilot.press("D")
            await until(pilot, lambda: isinstance(app.screen, CleanReviewScreen))
            review = app.screen
            await until(pilot, lambda: review.review is not None)
            plan = review.plan
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
            app.screen.query_one("#confirm-phrase", TextInput).value = plan.confirmation
            await pilot.pause()
            holder = hold_the_lock(root)
            app.workspace._store._lock.timeout = 0.3  # give up quickly (30 s by default)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ErrorScreen))
            said = app.screen.message
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
            apply = app.screen
            state = apply.state, str(apply.query_one("#apply-state").render())
            deleted_while_held = set(demo_server.deleted)
            holder.kill()
            holder.wait(10)
            await pilot.press("r")
            await until(pilot, lambda: apply.state == "done", timeout=60)
            return plan, said, state, deleted_while_held

    try:
        plan, said, (state, line), deleted_while_held = asyncio.run(journey())
    finally:
        if holder is not None and holder.poll() is None:
            holder.kill()
            holder.wait(10)
    assert said.startswith(f"The store {root} stayed busy for 0.3 s: another aa-tui process")
    assert state == "failed" and "another aa-tui process holds it" in line and "r resumes" in line
    assert not deleted_while_held
    assert len(demo_server.deleted) == plan.files  # r applied the whole plan
    assert [r.status for r in app.workspace.cleanup().plans()] == ["done"]


def hold_the_lock(root: Path) -> subprocess.Popen[str]:
    """Another process holding the store's lock (as one mid-write would), until killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(120)",
            str(root / LOCK_FILE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_history_shows_a_scan_another_aa_tui_saves_while_it_is_open(
    demo_server, memory_keyring, tmp_path
):
    """Found in a real terminal: History kept the rows it first read until it was left and
    opened again. It follows the store: the new scan appears, the cursor stays on its scan."""
    data = saved_site(demo_server, tmp_path, memory_keyring)
    args = ["scan", "--site", demo_server.base_url, "--email", demo_server.email, "--full"]
    first = aa(args, data, token=demo_server.token)
    assert first.returncode == 0, first.stderr
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            history = app.screen
            table = history.query_one(VimDataTable)
            assert table.row_count == 1
            on = history.selected().id
            other = await asyncio.to_thread(aa, args, data, token=demo_server.token)
            await until(pilot, lambda: table.row_count == 2, timeout=15)
            assert app.screen is history  # never left
            return other, on, history.selected().id, table.cursor_row, history.scans[0].id

    other, on, still, row, newest = asyncio.run(journey())
    assert other.returncode == 0, other.stderr
    assert still == on and row == 1 and newest != on
    app.workspace.close()


def test_sites_without_a_saved_site_say_history_holds_the_command_lines_scans(
    demo_server, memory_keyring, tmp_path
):
    """Found in a real terminal: after scans from the command line (which saves no site),
    the first screen said only "No saved sites yet", as if the store were empty."""
    data = tmp_path / "data"
    empty_store = make_app(tmp_path / "other", backend=memory_keyring)
    args = ["scan", "--site", demo_server.base_url, "--email", demo_server.email, "--full"]
    for _ in range(2):
        done = aa(args, data, token=demo_server.token)
        assert done.returncode == 0, done.stderr
    app = make_app(data, backend=memory_keyring)

    async def said(app) -> str:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SitesScreen))
            await pilot.pause()
            return str(app.screen.query_one("#empty").render())

    assert asyncio.run(said(app)).endswith("History (F3) holds 2 scans already.")
    assert asyncio.run(said(empty_store)).endswith("(Tab moves between fields).")
    for one in (app, empty_store):
        one.workspace.close()
