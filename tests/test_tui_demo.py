"""``aa-tui demo`` as a new user meets it: it scans at once, says where its data goes, keeps
one demo profile, and a demo site that is gone is said to be gone (issue 12, B6)."""

from __future__ import annotations

import socket

from helpers.tui import SIZE, make_app, run, until, wait_for_workers

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile
from aa_tui.service.demo import DemoData, DemoSite, gone_demo_note
from aa_tui.service.scanning import ScanRequest
from aa_tui.service.workspace import Workspace
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.results import ResultsScreen


def test_demo_data_goes_where_it_is_told_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("AA_TUI_DATA_DIR", str(tmp_path / "env"))
    from_env = DemoData.choose()
    assert from_env.path == tmp_path / "env" and not from_env.scratch
    assert str(tmp_path / "env") in from_env.note and "kept" in from_env.note
    given = DemoData.choose(tmp_path / "given")
    assert given.path == tmp_path / "given" and not given.scratch
    monkeypatch.delenv("AA_TUI_DATA_DIR")
    scratch = DemoData.choose()
    try:
        assert scratch.scratch and str(scratch.path) in scratch.note
        assert "removed when you quit" in scratch.note and "--data-dir" in scratch.note
        assert "now removed" in scratch.farewell
    finally:
        scratch.path.rmdir()


def test_repeated_demos_keep_one_profile(tmp_path):
    workspace = Workspace.open(tmp_path / "data")
    try:
        workspace.save_profile(Profile("https://acme.atlassian.net", "demo@example.com"))
        for _ in range(3):  # each demo has a new port
            with DemoSite(issues=20, seed=3) as demo:
                profile = demo.sign_in(workspace)
        sites = sorted(p.site for p in workspace.list_profiles())
        assert sites == sorted([profile.site, "https://acme.atlassian.net"])
        assert workspace.token_source(profile) == "memory (demo)"
    finally:
        workspace.close()


def test_a_demo_removes_only_ended_demos_profiles(tmp_path):
    """A site the user saved on this machine, and a demo still running in another window,
    keep their profiles; only an earlier demo whose site is gone loses its."""
    workspace = Workspace.open(tmp_path / "data")
    try:
        with DemoServer(generate_site(seed=3, issues=20), DemoOptions()) as own:
            users = Profile(own.base_url, "demo@example.com")  # saved by hand on Sites
            workspace.save_profile(users)
            with DemoSite(issues=20, seed=3) as running:
                elsewhere = running.sign_in(workspace)
                with DemoSite(issues=20, seed=3) as demo:
                    mine = demo.sign_in(workspace)
                    kept = {p.site for p in workspace.list_profiles()}
                    assert kept == {users.site, elsewhere.site, mine.site}
            with DemoSite(issues=20, seed=3) as later:  # the two demos above have ended
                last = later.sign_in(workspace)
            assert {p.site for p in workspace.list_profiles()} == {users.site, last.site}
            assert not next(p for p in workspace.list_profiles() if p.site == users.site).demo
    finally:
        workspace.close()


def test_the_demo_scans_at_once(memory_keyring, tmp_path):
    with DemoServer(generate_site(seed=5, issues=60), DemoOptions()) as server:
        profile = Profile(server.base_url, server.email)
        app = make_app(
            tmp_path / "data",
            backend=memory_keyring,
            sites=[server.base_url],
            memory_tokens={profile.key: server.token},
            start_profile=profile,
        )
        app.start_scan = True
        app.notice = "Demo scans are kept in /somewhere."

        async def journey():
            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
                await wait_for_workers(pilot)
                return [n.message for n in app._notifications]

        notes = run(journey())
    assert "Demo scans are kept in /somewhere." in notes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_gone_demo_site_is_said_to_be_gone(memory_keyring, tmp_path):
    site = f"http://127.0.0.1:{free_port()}"  # nothing listens there any more
    app = make_app(tmp_path / "data", backend=memory_keyring)
    request = ScanRequest(site=site, email="demo@example.com", scope=Scope())

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(LiveScanScreen(Profile(site, "demo@example.com"), "t", request))
            await until(pilot, lambda: isinstance(app.screen, ErrorScreen), timeout=60)
            return app.screen

    shown = run(journey())
    assert shown.error_title == "Site gone" and "aa-tui demo" in shown.message
    assert gone_demo_note("https://acme.atlassian.net") == ""


def test_the_sites_screen_shows_the_demo_token_the_command_line_needs(memory_keyring, tmp_path):
    """Issue 19 #12: `aa-tui demo` never showed the token the command line needs to reach its
    site. It is a throwaway in memory: shown on the Sites screen, never written to disk."""
    token = "demo-Token-0123456789"
    profile = Profile("http://127.0.0.1:1", "demo@example.com", demo=True)
    app = make_app(tmp_path / "data", backend=memory_keyring)
    app.workspace.save_profile(profile)
    app.workspace.remember_token(profile, token, label="memory (demo)")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_workers(pilot)
            shown = app.screen.query_one("#demo-token")
            return shown.display, str(shown.render())

    displayed, text = run(journey())
    assert displayed and token in text and "http://127.0.0.1:1" in text
    assert "--" not in text  # no command-line flag named in the app
    on_disk = [p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert on_disk and not any(token.encode() in b for b in on_disk)


def newest_update(demo: DemoSite, project: str) -> int:
    """The newest ``updated`` of ``project``'s issues, as the running demo site serves them."""
    import httpx

    from aa_tui.model.dates import parse_jira_time

    server = demo.server
    assert server is not None
    answer = httpx.post(
        f"{server.base_url}/rest/api/3/search/jql",
        json={"jql": f"project = {project} ORDER BY updated DESC", "fields": ["updated"],
              "maxResults": 1},
        auth=(server.email, server.token),
    )  # fmt: skip
    answer.raise_for_status()
    (issue,) = answer.json()["issues"]
    when = parse_jira_time(issue["fields"]["updated"])
    assert when is not None
    return int(when.timestamp())


def test_the_demo_can_hold_an_idle_project(tmp_path):
    """``aa-tui demo --idle-projects LEGAL`` (and by default): the demo site (its own process)
    serves LEGAL with no update in the last 400 days, the other projects as they were;
    ``--idle-projects ''`` serves none idle."""
    from aa_tui.demo.catalog import REFERENCE_EPOCH

    idle_before = REFERENCE_EPOCH - 400 * 86400
    with DemoSite(issues=400, seed=11, idle_projects=("LEGAL",)) as aged:
        assert newest_update(aged, "LEGAL") <= idle_before
        assert newest_update(aged, "OPS") > idle_before
    with DemoSite(issues=400, seed=11, idle_projects=()) as plain:
        assert newest_update(plain, "LEGAL") > idle_before
    with DemoSite(issues=400, seed=11) as default:  # LEGAL is idle unless told otherwise
        assert newest_update(default, "LEGAL") <= idle_before


def test_an_idle_project_the_demo_does_not_have_is_one_sentence(tmp_path):
    from helpers.cli import aa

    result = aa(["demo", "--idle-projects", "legal,NOPE"], tmp_path / "data", timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("aa-tui: --idle-projects: NOPE is not a demo project (")
    assert "LEGAL" in result.stderr and "Traceback" not in result.stderr
