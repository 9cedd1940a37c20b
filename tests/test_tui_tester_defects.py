"""Defects a tester found trying the app at 80x24 (the New scan form's rescan note, the overview
taking the keys, the review's project count, the scan's phase line, the Sites sign-in choices):
keys pressed on the real app, scans of the demo site over real HTTP."""

from __future__ import annotations

import asyncio

from helpers.tui import wait_for_workers
from rich.console import Console

from aa_tui.model.scans import Profile
from aa_tui.tui.screens.new_scan import NewScanScreen

SMALL = (80, 24)


def run(coro):
    return asyncio.run(coro)


def screen_text(app) -> str:
    """What the screen shows now, as text."""
    console = Console(width=SMALL[0], record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


# -- 1. the New scan form's rescan note shows at 80x24 ---------------------------------------------
def test_the_rescan_note_shows_at_80_by_24(app, scanned):
    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            app.push_screen(NewScanScreen(Profile(scanned.site, scanned.email)))
            await wait_for_workers(pilot)
            await pilot.pause()
            form = app.screen
            note = str(form.query_one("#full-note").render())
            return note, screen_text(app)

    note, shown = run(journey())
    assert note.startswith("A rescan")  # the form offers a rescan of the scanned site
    flat = " ".join(shown.split())  # the note wraps inside its pane
    assert "Read everything again" in flat
    assert "A rescan" in flat and "changed since" in flat, shown
