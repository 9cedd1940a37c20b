"""Snapshots of the insight views at 120x36, on demo data scanned through the real engine.

Update with ``pytest tests/test_insights_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

from helpers.tui import SIZE, until, wait_for_workers

from aa_tui.tui.screens.insights.screen import InsightsScreen


def shoot(snap_compare, app, scan_id: str, *keys: str, ready=None) -> bool:
    """Open the insights of ``scan_id``, press ``keys`` (workers waited for), wait until
    ``ready(screen)`` when given (a worker's answer is a message still to be shown), compare."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        screen = InsightsScreen(scan_id)
        pilot.app.push_screen(screen)
        await pilot.pause()
        await wait_for_workers(pilot)
        for key in keys:
            await pilot.press(key)
            await wait_for_workers(pilot)
        if ready is not None:
            await until(pilot, lambda: ready(screen))
        await pilot.pause()

    return snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_insights_growth(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id)


def test_insights_what_if(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "2")


def test_insights_idle_projects(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "3")


def test_insights_departed_uploaders(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "4")


def test_insights_clutter(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "5")


def test_insights_hygiene(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "6")


def test_insights_heat(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "7")


def test_insights_every_number(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "8")


def test_insights_files_of_a_number(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "8", "j", "j", "enter")


def test_insights_files_sorted_and_filtered(snap_compare, app, scanned):
    keys = ("8", "enter", "s", "slash", "l", "o", "g", "enter")
    assert shoot(snap_compare, app, scanned.exact_id, *keys)


def test_insights_growth_of_a_project(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "p")


def test_insights_storage_cap_dialog(snap_compare, app, scanned):
    assert shoot(snap_compare, app, scanned.exact_id, "2", "c", *"250GB")


def test_insights_what_if_under_a_cap(snap_compare, app, scanned):
    def counted_under_the_cap(screen) -> bool:  # the figures read again with the cap shown
        if screen.insights is None or screen.insights.settings.cap != 20 * 10**6:
            return False
        # and the table drawn for them, as the picture will be (its lines drawn before its
        # columns were measured stayed cut to the headers' width: VimDataTable._on_idle)
        table = screen.query_one("#what_if-table")
        drawn = "".join(table.render_line(y).text for y in range(table.size.height))
        return "+ idle projects" in drawn and "over by 140.1 MB" in drawn

    assert shoot(
        snap_compare, app, scanned.exact_id, "2", "c", *"20MB", "enter",
        ready=counted_under_the_cap,
    )  # fmt: skip
