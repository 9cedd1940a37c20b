"""At 80x24 nothing that matters is cut off: help, History's figures, group detail, footers
(issue 12, B12)."""

from __future__ import annotations

import asyncio

from helpers.tui import until, wait_for_workers
from textual.widgets import Footer

from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.help import HelpScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.results import ResultsScreen

SMALL = (80, 24)


def run(coro):
    return asyncio.run(coro)


def inside(widget, width: int, height: int) -> bool:
    region = widget.region
    return region.x >= 0 and region.right <= width and region.bottom <= height


def test_80_by_24(app, scanned):
    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            found = {}
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            found["help"] = inside(app.screen.query_one("Vertical"), *SMALL)
            await pilot.press("escape", "8", "enter")
            await pilot.pause()
            assert isinstance(app.screen, GroupDetailScreen)
            footer = app.screen.query_one(Footer)
            found["detail footer"] = footer.compact and inside(footer, *SMALL)
            found["detail footer shown"] = footer.region.height == 1
            locations = app.screen.query_one("VimDataTable")
            # every column of every copy fits: nothing to scroll sideways
            found["detail fits"] = locations.virtual_size.width <= locations.size.width
            await pilot.press("escape", "f3")
            await pilot.pause()
            assert isinstance(app.screen, HistoryScreen)
            table = app.screen.query_one("#scans")
            shown = 0
            for column in table.columns.values():  # the columns that fit in 80 cells
                shown += column.get_render_width(table)
                if shown > SMALL[0]:
                    break
                found.setdefault("history columns", []).append(str(column.label))
            return found

    found = run(journey())
    assert found["help"] and found["detail footer"] and found["detail footer shown"]
    assert found["detail fits"]
    assert {"Started", "Status", "Storage", "Wasted", "Files"} <= set(found["history columns"])


def test_the_live_scan_and_the_insights_title_fit_80_columns(app, scanned):
    """At 80 columns every label and figure of the live scan shows whole, and the insights
    title wraps rather than losing the cap at its end."""
    from dataclasses import replace

    from rich.console import Console

    from aa_tui.model.enums import Phase
    from aa_tui.model.events import ScanProgress
    from aa_tui.model.scans import Profile
    from aa_tui.service.scanning import ScanRequest
    from aa_tui.tui.screens.insights.screen import InsightsScreen
    from aa_tui.tui.screens.live_scan import LiveScanScreen
    from aa_tui.tui.widgets.scan_stats import ScanStats

    def _waiting(listener, cancel):
        from aa_tui.service.errors import Cancelled

        cancel.wait(30)
        raise Cancelled()

    busy = ScanProgress(
        phase=Phase.HASHING, done=123_456, total=234_567, elapsed_s=3725.0, issues=999_999,
        files=1_234_567, total_size=3 * 10**12, bytes_read=9 * 10**11, requests=1_234_567,
        throttled=12_345, retries=2_345, backoff_s=12.5, groups=98_765, wasted=5 * 10**11,
        rate_per_s=1234.0, eta_s=40_000.0, bytes_per_s=9 * 10**7,
        phase_bytes_done=8 * 10**11, phase_bytes_total=2 * 10**12,
    )  # fmt: skip

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            request = ScanRequest(site=scanned.site, email=scanned.email)
            live = LiveScanScreen(
                Profile(scanned.site, scanned.email), "token", request, runner=_waiting
            )
            app.push_screen(live)
            await pilot.pause()
            stats = live.query_one(ScanStats)
            console = Console(width=stats.size.width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
            console.print(stats._table(busy))
            console.print(stats._table(replace(busy, phase=Phase.FETCHING, phase_bytes_total=0)))
            lines = console.export_text()
            live.cancel_event.set()
            await until(pilot, lambda: not live.running)
            app.pop_screen()
            app.settings.insights = replace(app.settings.insights, cap=250 * 10**9)
            app.push_screen(InsightsScreen(scanned.exact_id))
            screen = app.screen
            await until(pilot, lambda: screen.insights is not None)
            await pilot.pause()
            title = screen.query_one("#insights-title")
            return stats.size.width, lines, str(title.render()), title.size.height

    width, lines, title, title_height = run(journey())
    assert width < 80
    assert "…" not in lines, lines
    for label in ("Throttled (429)", "Back-off now", "Time left", "Duplicate groups", "Storage"):
        assert label in lines, label
    assert "cap 250 GB" in title and title_height >= 2
