"""Defects a tester found trying the app at 80x24 (the New scan form's rescan note, the overview
taking the keys, the review's project count, the scan's phase line, the Sites sign-in choices):
keys pressed on the real app, scans of the demo site over real HTTP."""

from __future__ import annotations

import pytest
from helpers.scanning import fast_governor, run_scan
from helpers.tui import make_app, run, until, wait_for_workers
from rich.console import Console
from textual.widgets import RadioButton

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.auth import PersonalAccessToken
from aa_tui.jira.connect import connect
from aa_tui.model.enums import Phase
from aa_tui.model.scans import Profile
from aa_tui.store.store import Store
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.screens.sites import SitesScreen
from aa_tui.tui.widgets.overview import Overview

SMALL = (80, 24)


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


# -- 2. the overview takes the moving keys when it is the shown tab ---------------------------------
@pytest.fixture
def dc_scan(small_site, tmp_path):
    """A data dir holding one scan of the demo's Data Center mode, and its id."""
    data = tmp_path / "data"
    store = Store(data)
    with DemoServer(small_site, DemoOptions(data_center=True)) as server:
        client = connect(
            server.base_url, PersonalAccessToken(server.token), governor=fast_governor()
        )
        scan_id = run_scan(server, store, client=client).info.id
    store.close()
    return data, scan_id


def test_the_overview_scrolls_with_the_keys_at_once(dc_scan):
    data, scan_id = dc_scan
    app = make_app(data)

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            app.push_screen(ResultsScreen(scan_id))
            await wait_for_workers(pilot)
            await pilot.pause()
            scroll = app.screen.query_one(Overview).parent
            tall = scroll.max_scroll_y
            at: dict[str, float] = {}
            for key in ("j", "down", "pagedown", "k", "G", "g"):
                await pilot.press(key)
                await pilot.pause()
                at[key] = scroll.scroll_y
            return tall, at, screen_text(app)

    tall, at, shown = run(journey())
    assert tall > 10  # the overview is taller than the screen
    assert at["j"] == 1 and at["down"] == 2 and at["pagedown"] > 10
    assert at["k"] == at["pagedown"] - 1 and at["G"] == tall and at["g"] == 0
    assert "Moving to Jira Cloud" in shown
    assert "Share of 250 GB" in shown  # the column header on one line


# -- 4. the review's per-project count follows the table's height ----------------------------------
def test_the_review_counts_the_project_rows_the_table_shows(app, scanned):
    from aa_tui.tui.screens.cleanup.review import CleanReviewScreen

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "M", "D")
            await until(pilot, lambda: isinstance(app.screen, CleanReviewScreen))
            screen = app.screen
            await until(pilot, lambda: screen.review is not None)
            caption = screen.query_one("#review-projects-caption")
            table = screen.query_one("#review-projects")
            await until(pilot, lambda: table.size.height > 1)
            await pilot.pause()
            whole = str(caption.render())
            table.styles.max_height = 5  # the table gets shorter, the terminal stays as it is
            await until(pilot, lambda: table.size.height == 5)
            await pilot.pause()
            short = str(caption.render())
            table.styles.max_height = None
            await until(pilot, lambda: table.size.height > 5)
            await pilot.pause()
            return whole, short, str(caption.render())

    whole, short, again = run(journey())
    assert whole == again == "Per project"
    assert short == "Per project: 4 of 8 shown (scroll for the rest)"


# -- 6. the sign-in message is said while signing in, not after -----------------------------------
def test_the_sign_in_message_does_not_stick_to_later_phases(demo_server, store):
    seen = []
    run_scan(demo_server, store, listener=seen.append)
    signed = [p for p in seen if p.message.startswith("Signed in as")]
    assert signed and all(p.phase is Phase.CONNECTING for p in signed)
    later = [p for p in seen if p.phase is not Phase.CONNECTING]
    assert later and not any(p.message for p in later)


# -- 7. the Sites sign-in choices show whole at 80 columns ----------------------------------------
def test_the_sign_in_choices_fit_80_columns(tmp_path):
    app = make_app(tmp_path / "data")

    async def journey():
        async with app.run_test(size=SMALL) as pilot:
            await until(pilot, lambda: isinstance(app.screen, SitesScreen))
            await pilot.pause()
            kinds = app.screen.query_one("#kind")
            buttons = list(app.screen.query(RadioButton))
            # each choice as drawn: its label whole, not cut with "…"
            drawn = [(b.label.plain, b.region, b.render_line(0).text) for b in buttons]
            return kinds.content_region, drawn

    room, drawn = run(journey())
    assert len(drawn) == 3
    for label, region, line in drawn:
        assert region.right <= room.right <= SMALL[0], (label, region, room)
        assert label in line and "…" not in line, (label, line, drawn, room)
