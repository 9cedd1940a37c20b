"""Rescans in the app (issue 17): the New scan form's "Read everything again", the live scan's
line saying what a rescan reused, and the overview naming the scan it started from. Keys are
pressed on the real app, against the demo site over real HTTP."""

from __future__ import annotations

import asyncio
import io

import pytest
from helpers.scanning import run_scan
from helpers.tui import SIZE, make_app, saved_site, until, wait_for_workers
from rich.console import Console
from textual.widgets import Checkbox

from aa_tui.model.enums import Phase
from aa_tui.model.events import ScanProgress
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile
from aa_tui.scan.request import ScanRequest
from aa_tui.tui import format as fmt
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.overview import Overview
from aa_tui.tui.widgets.tables import VimDataTable


def details_fetched(server) -> int:
    return sum(n for k, n in server.stats.snapshot()["requests"].items() if "bulkfetch" in k)


def overview_text(app) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one(Overview).shown)
    return console.export_text()


def test_a_second_scan_from_the_form_is_a_rescan_and_read_everything_again_reads_all(
    demo_server, memory_keyring, tmp_path, monkeypatch
):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])
    drawn: list[str] = []  # what the live scan's rescan line said, each time it was drawn
    original = LiveScanScreen._show_rescan

    def recording(screen, progress):
        original(screen, progress)
        line = screen.query_one("#rescan")
        if line.display:
            drawn.append(str(line.render()))

    monkeypatch.setattr(LiveScanScreen, "_show_rescan", recording)

    async def scan_from_form(pilot, *keys: str) -> tuple[bool, str, bool, str]:
        """On the form: the note and the checkbox as drawn; then ``keys``, and a scan to its
        results; returns whether the box was ticked, the form's note, whether the box could be ticked, the overview."""
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NewScanScreen))
        form = app.screen
        await pilot.pause()
        note = str(form.query_one("#full-note").render())
        enabled = not form.query_one("#full", Checkbox).disabled
        await pilot.press(*keys)
        ticked = form.query_one("#full", Checkbox).value
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        await wait_for_workers(pilot)
        overview = overview_text(app)
        await pilot.press("escape")  # back to the form, then to Sites
        await until(pilot, lambda: app.screen is form)
        await pilot.press("escape")
        await pilot.pause()
        return ticked, note, enabled, overview

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            first = await scan_from_form(pilot)
            first_details = before = details_fetched(demo_server)
            site = demo_server.data
            i = next(
                i for i in range(site.issue_count) if site.att_start[i + 1] > site.att_start[i]
            )
            demo_server.set_status(i, (site.issue_status[i] + 1) % 3)
            second = await scan_from_form(pilot)
            rescan_details = details_fetched(demo_server) - before
            before = details_fetched(demo_server)
            # the box is the next stop after the verify choice: tick it, then start
            third = await scan_from_form(pilot, "tab", "tab", "space")
            full_details = details_fetched(demo_server) - before
            # History says which row is a rescan, and of what, once it is highlighted
            await pilot.press("H")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            hints = []
            for row in range(3):  # the newest first: the full scan, the rescan, the first
                app.screen.query_one(VimDataTable).move_cursor(row=row)
                await pilot.pause()
                hints.append(str(app.screen.query_one("#history-scan").render()))
            counts = (first_details, rescan_details, full_details)
            return first, second, third, counts, hints

    first, second, third, counts, hints = asyncio.run(journey())
    first_details, rescan_details, full_details = counts
    scans = sorted(app.workspace.list_scans(), key=lambda s: s.started_at)
    assert len(scans) == 3
    first_date = scans[0].started_at.replace("T", " ")[:19]
    assert "Rescan" not in hints[0] and "Rescan" not in hints[2]
    said = hints[1].splitlines()
    host = fmt.host(app.site_label(scans[0].site))  # as the table's Site column says it
    assert said[0] == f"whole site · {host} · exact (bytes)"  # what 80 columns cut off
    assert said[1].startswith(f"Rescan of the scan of {first_date}: re-read 1 issue, reused ")
    assert hints[0] == hints[2] == said[0]  # a full scan: scope, site and method alone

    # no earlier scan: the box cannot be ticked and says the scan reads everything
    _, note, enabled, overview = first
    assert not enabled and "reads everything" in note
    assert "Rescan" not in overview
    # then the form says the next scan is a rescan of that one, which reads one changed issue
    _, note, enabled, overview = second
    assert enabled and "A rescan" in note and first_date in note
    assert rescan_details == 1
    assert f"Rescan of the scan of {first_date}: re-read 1 issue, reused " in overview
    said = next(row.strip() for row in overview.splitlines() if "Rescan" in row)
    assert said.endswith(" files.") and "files, reused the hashes of" in said  # one line
    # the live screen said so while it ran: which scan, then what it reused
    assert any(f"Rescan of the scan of {first_date}: re-read 1 issue" in d for d in drawn)
    assert any("reused the hashes of" in d for d in drawn)  # the whole line, once counted
    # ticked, the scan reads everything again and is no rescan
    ticked, note, enabled, overview = third
    assert enabled and ticked and "A rescan" in note
    assert full_details == first_details > 1 and "Rescan" not in overview


def test_the_live_screen_names_the_base_scan_then_what_the_rescan_reused(app, scanned, monkeypatch):
    request = ScanRequest(site=scanned.site, email=scanned.email, scope=Scope())

    def runner(listener, cancel):
        cancel.wait(30)
        from aa_tui.model.errors import Cancelled

        raise Cancelled()

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = LiveScanScreen(
                Profile(scanned.site, scanned.email), "t", request, runner=runner
            )
            app.push_screen(screen)
            await pilot.pause()
            line = screen.query_one("#rescan")
            seen = [line.display]
            screen.show(ScanProgress(phase=Phase.ENUMERATING, rescan_of=scanned.exact_id))
            seen += [line.display, str(line.render())]
            screen.show(
                ScanProgress(
                    phase=Phase.FETCHING,
                    rescan_of=scanned.exact_id,
                    rescan="re-read 3 issues, reused 397",
                )
            )
            seen.append(str(line.render()))
            screen.request_cancel()
            await wait_for_workers(pilot)
            return seen

    hidden, shown, starting, counted = asyncio.run(journey())
    base = app.workspace.get_scan(scanned.exact_id)
    when = base.started_at.replace("T", " ")[:19]
    assert hidden is False and shown is True
    assert starting == f"Rescan of the scan of {when}: reads only the issues changed since."
    assert counted == f"Rescan of the scan of {when}: re-read 3 issues, reused 397."


def test_the_engine_tells_the_listener_the_base_then_the_issues_then_the_whole_line(
    demo_server, store
):
    """What the live screen draws comes from the engine's events: the base scan's id from the
    listing on, what the listing reused before any file is read, the whole line at the end."""
    first = run_scan(demo_server, store)
    site = demo_server.data
    i = next(i for i in range(site.issue_count) if site.att_start[i + 1] > site.att_start[i])
    demo_server.set_status(i, (site.issue_status[i] + 1) % 3)
    events: list[ScanProgress] = []
    second = run_scan(demo_server, store, listener=events.append)
    assert second.rescan is not None
    issues_only = second.rescan.line(files=False)
    assert issues_only.startswith("re-read 1 issue, reused ")
    listing = [e for e in events if e.phase is Phase.ENUMERATING]
    assert listing and all(e.rescan_of == first.info.id for e in listing)
    reading = [e.rescan for e in events if e.phase in (Phase.HEADS, Phase.TAILS, Phase.HASHING)]
    saving = [e.rescan for e in events if e.phase is Phase.SAVING]
    assert saving[0] == issues_only and (not reading or set(reading) == {issues_only})
    assert events[-1].phase is Phase.DONE and events[-1].rescan == second.rescan.line()
    assert "reused the hashes of" in events[-1].rescan


def test_a_rescan_whose_base_was_deleted_says_so(demo_server, tmp_path):
    """Once its base was deleted, the overview named it by id alone, as if it were there
    (tester27)."""
    from aa_tui.store.store import Store

    data = tmp_path / "data"
    store = Store(data)
    base = run_scan(demo_server, store)
    rescan = run_scan(demo_server, store)
    store.delete_scan(base.info.id)
    store.close()
    app = make_app(data, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(rescan.info.id))
            await wait_for_workers(pilot)
            said = overview_text(app)
            await pilot.press("H")  # and History, of the rescan (the only scan left)
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            await pilot.pause()
            return said, str(app.screen.query_one("#history-scan").render())

    said, history = asyncio.run(journey())
    line = f"Rescan of the scan of {base.info.id} (deleted since): re-read 0 issues"
    assert line in said and line in history


def test_deleting_the_base_of_an_interrupted_rescan_says_what_its_resume_loses(
    demo_server, memory_keyring, tmp_path
):
    """History deleted the scan an interrupted rescan started from with the usual question;
    the resume then read every issue again (tester27)."""
    import pytest

    from aa_tui.model.errors import Cancelled
    from aa_tui.store.store import Store
    from aa_tui.tui.screens.confirm import ConfirmScreen
    from aa_tui.tui.screens.history import HistoryScreen

    data = saved_site(demo_server, tmp_path, memory_keyring)
    store = Store(data)
    base = run_scan(demo_server, store)
    site = demo_server.data
    for i in [i for i in range(site.issue_count) if site.att_start[i + 1] > site.att_start[i]][:5]:
        demo_server.touch(i)

    def stop(event: ScanProgress) -> None:
        if event.rescan_of:  # its journal names its base by now
            raise Cancelled()

    with pytest.raises(Cancelled):
        run_scan(demo_server, store, listener=stop)
    store.close()
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    rescan = next(s.id for s in app.workspace.list_scans() if s.id != base.info.id)

    async def journey() -> list[str]:
        asked = []
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            await wait_for_workers(pilot)
            for scan_id in (base.info.id, rescan):
                table = app.screen.query_one("VimDataTable")
                table.move_cursor(row=table.get_row_index(scan_id))
                await pilot.press("d")
                await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
                asked.append(app.screen.question)
                await pilot.press("escape")  # No
                await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        return asked

    on_base, on_rescan = asyncio.run(journey())
    said = "An interrupted rescan started from it: resumed, it would read every issue again."
    assert said in on_base and said not in on_rescan


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
def test_the_form_says_a_scan_whose_basis_is_damaged_cannot_be_started_from(
    demo_server, memory_keyring, tmp_path, size
):
    """As the scan itself then says: it reads everything (the form said "A rescan", found in
    a real terminal)."""
    from aa_tui.store.basis import BASIS
    from aa_tui.store.store import Store

    data = saved_site(demo_server, tmp_path, memory_keyring)
    store = Store(data)
    try:
        first = run_scan(demo_server, store)
        basis = store.scan_dir(first.info.id) / BASIS
    finally:
        store.close()
    notes = []
    for damaged in (False, True):
        if damaged:
            basis.write_bytes(basis.read_bytes()[:100])
        app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

        async def journey(app=app):
            async with app.run_test(size=size) as pilot:
                await pilot.press("n")
                await until(pilot, lambda: isinstance(app.screen, NewScanScreen))
                await pilot.pause()
                form = app.screen
                enabled = not form.query_one("#full", Checkbox).disabled
                note = str(form.query_one("#full-note").render())
                drawn = app.export_screenshot()  # the note's last word on screen (not cut)
                assert note.split()[-1] in drawn, note
                return note, enabled, form.read_everything

        notes.append(asyncio.run(journey()))
    (intact, could, everything), (damaged_note, can, all_read) = notes
    assert intact.startswith("A rescan: starts from the scan of ") and could and not everything
    when = first.info.started_at.replace("T", " ")[:19]
    assert damaged_note == (
        f"The scan of {when} cannot be started from (damaged): this scan reads everything."
    )
    assert all_read and not can  # nothing to tick: it reads everything anyway


def test_the_engine_names_the_damaged_scan_it_could_not_start_from(demo_server, store):
    """From its start on (the live screen then says so: below)."""
    from aa_tui.store.basis import BASIS

    first = run_scan(demo_server, store)
    events: list[ScanProgress] = []
    intact = run_scan(demo_server, store, listener=events.append)
    assert intact.rescan is not None and not any(e.unusable_base for e in events)
    basis = store.scan_dir(intact.info.id) / BASIS
    basis.write_bytes(basis.read_bytes()[:100])
    events.clear()
    damaged = run_scan(demo_server, store, listener=events.append)
    assert intact.rescan.base == first.info.id and damaged.rescan is None
    listing = [e for e in events if e.phase is Phase.ENUMERATING]
    assert listing and all(e.unusable_base == intact.info.id for e in listing)
    assert not any(e.rescan_of for e in events)


def test_the_live_screen_says_a_scan_reads_everything_when_its_base_is_damaged(app, scanned):
    """As the New scan form did (its results said so, the live screen did not: found in a
    real terminal)."""

    async def journey():
        request = ScanRequest(site=scanned.site, email=scanned.email, scope=Scope())

        def runner(listener, cancel):
            cancel.wait(30)
            from aa_tui.model.errors import Cancelled

            raise Cancelled()

        async with app.run_test(size=SIZE) as pilot:
            screen = LiveScanScreen(
                Profile(scanned.site, scanned.email), "t", request, runner=runner
            )
            app.push_screen(screen)
            await pilot.pause()
            screen.show(ScanProgress(phase=Phase.ENUMERATING, unusable_base=scanned.exact_id))
            line = screen.query_one("#rescan")
            said = line.display, str(line.render())
            screen.request_cancel()
            await wait_for_workers(pilot)
            return said

    shown, said = asyncio.run(journey())
    when = app.workspace.get_scan(scanned.exact_id).started_at.replace("T", " ")[:19]
    assert shown
    assert (
        said == f"The scan of {when} cannot be started from (damaged): this scan reads everything."
    )
