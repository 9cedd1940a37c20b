"""The app open while another aa-tui process writes its store (the tester's scan case).

1. the app scans the demo site; 2. ``aa-tui scan --full`` in another shell saves a scan;
3. the app lists it in History and its next scan (Sites › n › Ctrl+S) saves: it stopped with
"The scan stopped: ValueError" (TinyDB's next id, cached in the app's process).
"""

from __future__ import annotations

import asyncio

from helpers.cli import aa
from helpers.tui import SIZE, make_app, saved_site, until, wait_for_workers

from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.screens.sites import SitesScreen
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
