"""Failures become modals (never a crash that prints a token), closed screens are freed, one
engine per scan, resume the chosen scan, issue links and hashes shown right, the log file."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import weakref
from pathlib import Path

from helpers.tui import SIZE, make_app, run, saved_site, until, wait_for_workers

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.logs import LOG_FILE, register_secret
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile, ScanInfo
from aa_tui.model.summary import ScanHeader
from aa_tui.store.atomic import AtomicJSONStorage
from aa_tui.store.store import Store, new_scan_id
from aa_tui.tui import app as app_module
from aa_tui.tui.app import AATuiApp, run_app, run_demo
from aa_tui.tui.screens.compare import CompareScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.group_detail import LIKELY, GroupDetailScreen
from aa_tui.tui.screens.history import HistoryScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.inputs import TextInput

TOKEN = "tok-Never-Print-Me-4242"


def text_of(widget) -> str:
    return str(widget.render())


def record_notes(app) -> list[str]:
    notes: list[str] = []
    notify = app.notify

    def recording(message, **kw):
        notes.append(message)
        notify(message, **kw)

    app.notify = recording
    return notes


def record_pushes(app) -> list:
    """Every screen pushed from now on (a quick scan's live screen is gone at once)."""
    pushed: list = []
    push = app.push_screen

    def recording(screen, *args, **kw):
        pushed.append(screen)
        return push(screen, *args, **kw)

    app.push_screen = recording
    return pushed


def unfinished(data: Path, server, day: int, email: str = "", status: str = "cancelled") -> str:
    """A resumable scan of ``server`` (whole site, exact) started on October ``day``."""
    store = Store(data)
    info = ScanInfo(
        id=new_scan_id() + f"{day:02d}", site=server.base_url, email=email or server.email,
        scope=Scope(), started_at=f"2026-10-{day:02d}T09:00:00+00:00", status=status,
    )  # fmt: skip
    store.save_scan(info)
    store.open_journal(info.id).close()  # its (empty) checkpoint
    store.close()
    return info.id


def fill_form(screen, site: str, email: str, token: str) -> None:
    screen.query_one("#site", TextInput).value = site
    screen.query_one("#email", TextInput).value = email
    screen.query_one("#token", TextInput).value = token


# -- 1. failures become the error modal, and nothing prints a token ------------------------------
def _save_fails_with(error: Exception, tmp_path, memory_keyring, capfd):
    app = make_app(tmp_path / "data", backend=memory_keyring)

    def refuse(profile):
        raise error

    app.workspace.save_profile = refuse

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            fill_form(app.screen, "https://acme.atlassian.net", "ana@acme.io", TOKEN)
            await pilot.press("ctrl+s")  # the key
            await pilot.pause()
            first = app.screen
            shown = [(first.error_title, first.message)] if isinstance(first, ErrorScreen) else []
            await pilot.press("escape")
            fill_form(app.screen, "https://acme.atlassian.net", "ana@acme.io", TOKEN)
            await pilot.click("#save")  # the button
            await pilot.pause()
            second = app.screen
            if isinstance(second, ErrorScreen):
                shown.append((second.error_title, second.message))
            return shown, app.is_running, app.return_code

    with app_module._logging_to(tmp_path / "data"):
        shown, running, code = run(journey())
    app.workspace.close()
    out, err = capfd.readouterr()
    logged = (tmp_path / "data" / LOG_FILE).read_text()
    everything = out + err + logged + repr(shown)
    assert TOKEN not in everything
    return shown, running, code, logged


def test_a_store_that_cannot_save_a_site_shows_a_modal(tmp_path, memory_keyring, capfd):
    denied = PermissionError(13, "Permission denied", "/data/aa-tui.json")
    shown, running, code, logged = _save_fails_with(denied, tmp_path, memory_keyring, capfd)
    assert len(shown) == 2 and running and code is None
    for title, message in shown:
        assert title == "File error" and "Permission denied (/data/aa-tui.json)" in message
    assert "File error: Permission denied" in logged


def test_an_unforeseen_failure_of_an_action_shows_a_modal(tmp_path, memory_keyring, capfd):
    register_secret(TOKEN)
    bug = RuntimeError(f"index wedged while holding {TOKEN}")
    shown, running, code, logged = _save_fails_with(bug, tmp_path, memory_keyring, capfd)
    assert len(shown) == 2 and running and code is None
    for title, message in shown:
        assert title == "Unexpected error" and "[redacted]" in message
    assert "Traceback" in logged and "RuntimeError" in logged


def test_an_unforeseen_failure_after_a_dialog_shows_a_modal(app, scanned):
    def wedged(scan_id):
        raise RuntimeError("index wedged")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.workspace.delete_scan = wedged
            await pilot.press("f3", "d", "y")  # delete the newest scan: Yes
            await pilot.pause()
            return app.screen, [type(s) for s in app.screen_stack], app.is_running

    screen, stack, running = run(journey())
    assert isinstance(screen, ErrorScreen) and screen.error_title == "Unexpected error"
    assert "RuntimeError: index wedged" in screen.message
    assert HistoryScreen in stack and running


class _Crashes(ErrorScreen):
    """Fails outside any action (mounting): the app exits, as Textual does."""

    def on_mount(self) -> None:
        token = self.app.workspace.token_for(Profile("https://acme.atlassian.net", "ana@acme.io"))
        raise RuntimeError(f"crashed with a token of {len(token or '')} characters")


def test_a_crash_prints_its_traceback_without_local_variables(tmp_path, memory_keyring, capfd):
    memory_keyring.set_password("aa-tui", "ana@acme.io@https://acme.atlassian.net", TOKEN)
    app = make_app(tmp_path / "data", backend=memory_keyring)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(_Crashes("t", "m"))
            await pilot.pause()
            await pilot.pause()

    try:
        run(journey())
    except RuntimeError as exc:
        raised = str(exc)
    else:  # pragma: no cover
        raised = ""
    app.workspace.close()
    out, err = capfd.readouterr()
    assert raised == f"crashed with a token of {len(TOKEN)} characters"
    assert "Traceback" in err and raised in err  # the report is printed ...
    assert TOKEN not in out + err  # ... without the frames' variables
    assert app_module.exit_code(app, None) == 1  # and the process says it failed (it said 0)


def test_compare_with_a_damaged_summary_shows_a_modal(app, scanned, data_copy):
    (data_copy / "scans" / scanned.later_id / "summary.json").write_text("{not json")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f3", "space", "j", "j", "space", "c")
            await pilot.pause()
            screen = app.screen
            stack = [type(s) for s in app.screen_stack]
            return screen, stack, app.is_running

    screen, stack, running = run(journey())
    assert isinstance(screen, ErrorScreen) and screen.error_title == "Saved data"
    assert "summary.json" in screen.message and "not valid JSON" in screen.message
    assert CompareScreen not in stack and HistoryScreen in stack and running


# -- 2. a closed results screen is freed ---------------------------------------------------------
def test_closed_results_screens_are_freed(app, scanned):
    # what earlier tests in this process left frozen (the insight cache's) is not this test's:
    # the results screen gives everything back when it goes
    gc.unfreeze()
    frozen = gc.get_freeze_count()
    refs: list[weakref.ref] = []

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            for scan_id in (scanned.exact_id, scanned.metadata_id, scanned.exact_id):
                screen = ResultsScreen(scan_id)
                refs.append(weakref.ref(screen))
                app.push_screen(screen)
                await wait_for_workers(pilot)
                assert screen.index is not None
                del screen
                await pilot.press("escape")
                await wait_for_workers(pilot)
            # a closed screen's thread worker is cancelled at once but its thread runs to its
            # next check (seconds under load) holding the screen: freed means once it has ended,
            # so wait for that; a screen kept by anything else is still alive at the deadline
            deadline = time.monotonic() + 20
            while any(ref() is not None for ref in refs[:-1]) and time.monotonic() < deadline:
                gc.collect()
                await asyncio.sleep(0.05)
            gc.collect()
            # the screen closed last may still be Textual's context of the moment
            return [ref() is not None for ref in refs[:-1]]

    alive_while_running = run(journey())
    gc.collect()
    assert gc.get_freeze_count() == frozen  # nothing moved to the permanent generation
    assert alive_while_running == [False, False]
    assert [ref() is not None for ref in refs] == [False, False, False]


# -- 3. one engine per scan ----------------------------------------------------------------------
def test_history_refuses_to_resume_or_delete_the_running_scan(small_site, memory_keyring, tmp_path):
    with DemoServer(small_site, DemoOptions(latency_s=0.2)) as server:
        data = saved_site(server, tmp_path, memory_keyring)
        app = make_app(data, backend=memory_keyring, sites=[server.base_url])

        async def journey():
            async with app.run_test(size=SIZE) as pilot:
                notes = record_notes(app)
                await pilot.press("n", "ctrl+s")  # (Jira's count of the site is asked first)
                await until(pilot, lambda: isinstance(app.screen, LiveScanScreen))
                live = app.screen
                await until(pilot, lambda: bool(live.scan_id))  # a new scan: once opened
                await pilot.press("f3")
                history = app.screen
                assert isinstance(history, HistoryScreen)
                await pilot.press("d")
                asked = isinstance(app.screen, ConfirmScreen)
                await pilot.press("r")
                stack = [type(s) for s in app.screen_stack]
                scans = app.workspace.list_scans()
                await pilot.press("escape")
                live.request_cancel()
                await until(pilot, lambda: not live.running)
                await pilot.press("f3", "r")  # now it may
                resumed = app.screen
                resumed.request_cancel()
                await until(pilot, lambda: not resumed.running)
                return live.scan_id, asked, stack, scans, notes, resumed

        scan_id, asked, stack, scans, notes, resumed = run(journey())
    assert not asked and stack.count(LiveScanScreen) == 1
    assert [s.id for s in scans] == [scan_id] and scans[0].status == "running"
    refusals = [n for n in notes if n.startswith("This scan is running right now")]
    assert len(refusals) == 2
    assert "cannot be deleted" in refusals[0] and "cannot be resumed" in refusals[1]
    assert isinstance(resumed, LiveScanScreen) and resumed.request.resume_id == scan_id


def test_a_scan_running_elsewhere_is_refused_in_a_modal(demo_server, memory_keyring, tmp_path):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    scan_id = unfinished(data, demo_server, day=1)
    held = Store(data).open_journal(scan_id)  # another window runs it
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            pushed = record_pushes(app)
            await pilot.press("f3", "r")
            await until(pilot, lambda: isinstance(app.screen, ErrorScreen))
            (live,) = [s for s in pushed if isinstance(s, LiveScanScreen)]
            return app.screen, live.state, text_of(live.query_one("#state")), app.is_running

    try:
        modal, state, said, running = run(journey())
    finally:
        held.close()
    busy = f"Scan {scan_id} is running right now"
    assert modal.error_title == "Saved data" and busy in modal.message
    assert state == "failed" and busy in said and running
    assert Store(data).get_scan(scan_id).status == "cancelled"  # not touched


# -- 4. resume the chosen scan -------------------------------------------------------------------
def test_history_resumes_the_chosen_scan_not_the_newest(demo_server, memory_keyring, tmp_path):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    older = unfinished(data, demo_server, day=1)
    newer = unfinished(data, demo_server, day=2)
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            pushed = record_pushes(app)
            await pilot.press("f3", "j", "r")  # newest first: the second row is the older one
            await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
            await wait_for_workers(pilot)
            (live,) = [s for s in pushed if isinstance(s, LiveScanScreen)]
            return live.request, app.screen.scan_id

    request, shown = run(journey())
    assert request.resume_id == older and shown == older
    statuses = {s.id: s.status for s in Store(data).list_scans()}
    assert statuses == {older: "complete", newer: "cancelled"}


def test_new_scan_resumes_the_scan_it_offers(demo_server, memory_keyring, tmp_path):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    older = unfinished(data, demo_server, day=1)
    mine = unfinished(data, demo_server, day=2)
    theirs = unfinished(data, demo_server, day=3, email="someone@else.example")
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            pushed = record_pushes(app)
            await pilot.press("n")
            form = app.screen
            assert isinstance(form, NewScanScreen)
            offered = form.resumable.id if form.resumable else ""
            await pilot.press("ctrl+r")
            await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
            await wait_for_workers(pilot)
            (live,) = [s for s in pushed if isinstance(s, LiveScanScreen)]
            return offered, live.request, app.screen.scan_id

    offered, request, shown = run(journey())
    assert offered == mine and request.resume_id == mine and shown == mine
    statuses = {s.id: s.status for s in Store(data).list_scans()}
    assert statuses == {older: "cancelled", mine: "complete", theirs: "cancelled"}


# -- 5. the group's hash once, and issue links on Jira's own address -----------------------------
def head_of(app) -> str:
    return text_of(app.screen.query_one("#group-head"))


def test_group_detail_states_the_hash_once_or_that_it_is_likely(app, scanned):
    store = Store(scanned.root)
    exact = store.load_groups(scanned.exact_id)[0]
    likely = store.load_groups(scanned.metadata_id)[0]
    store.close()

    async def journey():
        heads = []
        async with app.run_test(size=SIZE) as pilot:
            for group in (exact, likely):
                app.push_screen(GroupDetailScreen(group, scanned.site))
                await pilot.pause()
                heads.append(head_of(app))
                await pilot.press("escape")
        return heads

    exact_head, likely_head = run(journey())
    assert exact["hash"].startswith("sha256:") and exact_head.count("sha256") == 1
    assert exact["hash"] in exact_head
    assert likely["likely"] and likely["hash"].startswith("likely:")
    assert LIKELY in likely_head and "likely:" not in likely_head and "sha256" not in likely_head


def test_issue_links_use_the_browse_url_of_the_scan(app, scanned, data_copy):
    browse = "https://acme.atlassian.net"
    path = data_copy / "scans" / scanned.exact_id / "summary.json"
    summary = Store(data_copy).load_summary(scanned.exact_id)
    summary["scan"]["browse_url"] = browse
    AtomicJSONStorage(path).write({"_default": {"1": summary}})

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("8", "enter", "u")
            return app.screen.selected()["issue_key"], app.clipboard

    key, url = run(journey())
    assert url == f"{browse}/browse/{key}"
    scoped = "https://api.atlassian.com/ex/jira/0f1e2d3c"
    assert ScanHeader.from_dict({"site": scoped, "browse_url": browse}).issue_base == browse
    assert ScanHeader.from_dict({"site": scanned.site}).issue_base == scanned.site  # older scans


# -- 7. the app writes the log file --------------------------------------------------------------
def _file_handlers(path: Path) -> list[logging.Handler]:
    return [
        h
        for h in logging.getLogger("aa_tui").handlers
        if isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path
    ]


def _fake_run(seen: dict):
    def fake(self: AATuiApp) -> int:
        register_secret(TOKEN)
        logging.getLogger("aa_tui.tui.app").warning("signed in with %s", TOKEN)
        path = self.workspace.data_dir / LOG_FILE
        seen.update(path=path, mode=path.stat().st_mode & 0o777, text=path.read_text())
        return 0

    return fake


def test_the_app_writes_its_log_file(tmp_path, monkeypatch):
    seen: dict = {}
    monkeypatch.setattr(AATuiApp, "run", _fake_run(seen))
    assert run_app(tmp_path / "data") == 0
    assert seen["path"] == tmp_path / "data" / LOG_FILE and seen["mode"] == 0o600
    assert "signed in with [redacted]" in seen["text"] and TOKEN not in seen["text"]
    assert _file_handlers(seen["path"]) == []  # detached when the app ends


def test_the_demo_writes_its_log_file_in_its_scratch_dir(monkeypatch):
    seen: dict = {}
    monkeypatch.setattr(AATuiApp, "run", _fake_run(seen))
    assert run_demo(issues=20) == 0
    assert seen["path"].parent.name.startswith("aa-tui-demo-") and seen["mode"] == 0o600
    assert "signed in with [redacted]" in seen["text"]
    assert not seen["path"].parent.exists() and _file_handlers(seen["path"]) == []


def test_a_screen_closed_as_soon_as_it_opens_never_crashes_the_app(app, scanned):
    """A header's first drawing of its title can come after its screen was closed (Enter and
    Escape pressed together on a list of files: seen in a real terminal, the app ended with a
    traceback, NoMatches on HeaderTitle). Opening and closing screens back to back is safe."""
    from aa_tui.tui.screens.insights.files import FileListChoice, FilesScreen

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(12):
                app.push_screen(
                    FilesScreen(scanned.exact_id, FileListChoice("largest", "", "Every file"), "")
                )
                app.pop_screen()
                await asyncio.sleep(0)
            await pilot.pause()
            await wait_for_workers(pilot)
            return app.is_running, app.return_code

    running, code = run(journey())
    assert running and code is None


def test_history_shows_a_stopped_scans_reason_as_text(tmp_path, memory_keyring):
    """A failed scan's reason quotes Jira (its JQL error echoes the query): History's hint line
    shows it literally, markup and control characters made visible."""
    store = Store(tmp_path / "data")
    store.save_scan(
        ScanInfo(
            id=new_scan_id(), site="https://acme.atlassian.net", email="ana@acme.io",
            scope=Scope(jql="x"), started_at="2026-10-01T09:00:00+00:00", status="failed",
            message="Jira refused the search: [/] near [bold red]x\x1b[31mEVIL",
        )
    )  # fmt: skip
    store.close()
    app = make_app(tmp_path / "data", backend=memory_keyring)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(HistoryScreen())
            await wait_for_workers(pilot)
            return str(app.screen.query_one("#history-hint").render())

    hint = run(journey())
    assert "[/] near [bold red]x␛[31mEVIL" in hint and "\x1b" not in hint
