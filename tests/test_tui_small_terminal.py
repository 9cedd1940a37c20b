"""At 80x24 nothing that matters is cut off: help, History's figures, group detail, footers
(issue 12, B12)."""

from __future__ import annotations

import asyncio

from helpers.tui import wait_for_workers
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
