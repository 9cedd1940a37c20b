"""Snapshots of every screen at 120x36, on demo data scanned through the real engine.

Update with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

from dataclasses import replace

from helpers.tui import make_app, shoot
from keyring.backends import fail

from aa_tui.jira.errors import AuthError
from aa_tui.model.events import ScanProgress
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile
from aa_tui.scan.request import ScanRequest
from aa_tui.tui.screens.compare import CompareScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.inputs import TextInput


def push(screen_factory):
    async def step(pilot) -> None:
        pilot.app.push_screen(screen_factory())
        await pilot.pause()

    return step


def results(scan_id: str, **kw):
    return push(lambda: ResultsScreen(scan_id, **kw))


# -- sites ---------------------------------------------------------------------------------------
def test_sites(snap_compare, app):
    assert shoot(snap_compare, app)


def test_sites_edit_form(snap_compare, app, memory_keyring):
    async def second_site(pilot) -> None:
        pilot.app.workspace.save_profile(Profile("https://acme.atlassian.net", "ana@acme.io"))
        memory_keyring.set_password("aa-tui", "ana@acme.io@https://acme.atlassian.net", "t")
        pilot.app.screen.refresh_profiles()
        await pilot.pause()

    assert shoot(snap_compare, app, second_site, "j", "e")


def test_sites_without_keyring(snap_compare, tmp_path, monkeypatch):
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    bare = make_app(tmp_path / "data", backend=fail.Keyring())

    async def fill(pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#site", TextInput).value = "acme.atlassian.net"
        screen.query_one("#email", TextInput).value = "ana@example.com"
        screen.query_one("#token", TextInput).value = "secret-token"
        await pilot.press("ctrl+s")

    assert shoot(snap_compare, bare, fill)


def _data_center_form(steps: int, site: str, user: str):
    """The Add a site form on the Data Center choice ``steps`` right of Jira Cloud, filled in."""

    async def fill(pilot) -> None:
        await pilot.press("a")
        pilot.app.screen.query_one("#site", TextInput).value = site
        await pilot.press("tab", *["right"] * steps, "enter")
        pilot.app.screen.query_one("#email", TextInput).value = user
        pilot.app.screen.query_one("#token", TextInput).value = "secret-token"
        await pilot.pause()

    return fill


def test_sites_form_personal_access_token(snap_compare, app):
    assert shoot(snap_compare, app, _data_center_form(1, "https://jira.example.com/jira", ""))


def test_sites_form_user_password(snap_compare, app):
    assert shoot(
        snap_compare, app, _data_center_form(2, "https://jira.example.com/jira", "ana.admin")
    )


# -- new scan and live scan ----------------------------------------------------------------------
def test_new_scan(snap_compare, app, scanned):
    assert shoot(
        snap_compare, app, push(lambda: NewScanScreen(Profile(scanned.site, scanned.email)))
    )


def test_new_scan_jql(snap_compare, app, scanned):
    async def jql(pilot) -> None:
        await pilot.press("tab", "down", "down", "enter")
        pilot.app.screen.query_one("#jql", TextInput).value = "project = OPS"
        await pilot.pause()

    profile = Profile(scanned.site, scanned.email)
    assert shoot(snap_compare, app, push(lambda: NewScanScreen(profile)), jql)


def _waiting_runner(listener, cancel):
    from aa_tui.model.errors import Cancelled

    cancel.wait(30)
    raise Cancelled()


LIVE_EVENTS = [
    ScanProgress(phase="fetching details", done=100, total=400, elapsed_s=2.0, issues=100),
    ScanProgress(
        phase="hashing",
        done=40,
        total=120,
        elapsed_s=20.0,
        issues=400,
        files=221,
        total_size=160_000_000,
        bytes_read=9_000_000,
        requests=300,
        throttled=2,
        retries=3,
        phase_bytes_done=6_000_000,
        phase_bytes_total=48_000_000,
    ),
    ScanProgress(
        phase="hashing",
        done=70,
        total=120,
        elapsed_s=25.0,
        issues=400,
        files=221,
        total_size=160_000_000,
        bytes_read=19_500_000,
        requests=412,
        throttled=5,
        retries=6,
        backoff_s=1.5,
        rate_per_s=6.0,
        eta_s=14.0,  # (48 - 16.5) MB at the recent 2.25 MB/s: bytes, not the 50 files left
        phase_bytes_done=16_500_000,
        phase_bytes_total=48_000_000,
    ),
]


async def feed_live(pilot) -> None:
    """The same events every run (the bar is determinate, ETA and rates come from them)."""
    for event in LIVE_EVENTS:
        pilot.app.screen.show(event)
    await pilot.pause()


def test_live_scan(snap_compare, app, scanned):
    request = ScanRequest(site=scanned.site, email=scanned.email, scope=Scope())
    screen = lambda: LiveScanScreen(  # noqa: E731
        Profile(scanned.site, scanned.email), "token", request, runner=_waiting_runner
    )
    assert shoot(snap_compare, app, push(screen), feed_live)


def test_live_rescan(snap_compare, app, scanned):
    """A rescan says which scan it starts from and, once the listing is done, what it reused."""
    request = ScanRequest(site=scanned.site, email=scanned.email, scope=Scope())
    screen = lambda: LiveScanScreen(  # noqa: E731
        Profile(scanned.site, scanned.email), "token", request, runner=_waiting_runner
    )

    async def feed(pilot) -> None:
        for event in LIVE_EVENTS:
            pilot.app.screen.show(
                replace(event, rescan_of=scanned.exact_id, rescan="re-read 12 issues, reused 388")
            )
        await pilot.pause()

    assert shoot(snap_compare, app, push(screen), feed)


def test_live_scan_cancel_question(snap_compare, app, scanned):
    request = ScanRequest(site=scanned.site, email=scanned.email, scope=Scope())
    screen = lambda: LiveScanScreen(  # noqa: E731
        Profile(scanned.site, scanned.email), "token", request, runner=_waiting_runner
    )
    assert shoot(snap_compare, app, push(screen), feed_live, "escape")


# -- results ---------------------------------------------------------------------------------
def test_overview(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id))


def test_overview_metadata_scan(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.metadata_id))


def test_duplicate_groups(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "2", "j", "j")


def test_duplicate_groups_sorted_by_copies(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "2", "s")


def test_duplicate_groups_likely(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.metadata_id), "2")


def test_duplicate_groups_filtered(snap_compare, app, scanned):
    async def type_filter(pilot) -> None:
        await pilot.press("slash")
        pilot.app.screen.query_one("#filter", TextInput).value = "type:png project:OPS"
        await pilot.press("enter")

    assert shoot(snap_compare, app, results(scanned.exact_id), "2", type_filter)


def test_group_detail(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "2", "j", "enter")


def test_projects(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "3")


def test_projects_drill_down(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "3", "j", "j", "enter")


def test_file_types(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "4")


def test_uploaders(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "5", "s")


def test_age_brackets(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "6")


def test_status_categories(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "7")


def test_quick_wins(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "8")


def test_export(snap_compare, app, scanned):
    async def fixed_path(pilot) -> None:
        pilot.app.screen.query_one("#path", TextInput).value = "/tmp/report.json"
        await pilot.pause()

    assert shoot(snap_compare, app, results(scanned.exact_id), "x", fixed_path)


# -- history, compare, help, errors --------------------------------------------------------------
def test_history(snap_compare, app):
    assert shoot(snap_compare, app, "f3")


def test_history_delete_question(snap_compare, app):
    assert shoot(snap_compare, app, "f3", "j", "d")


def test_history_marked(snap_compare, app):
    assert shoot(snap_compare, app, "f3", "space", "j", "j", "space")


def test_compare(snap_compare, app, scanned):
    assert shoot(snap_compare, app, push(lambda: CompareScreen(scanned.exact_id, scanned.later_id)))


def test_group_changes(snap_compare, app, scanned):
    """The compare screen's group changes (``c``), on the tab of the groups that grew."""
    compare = push(lambda: CompareScreen(scanned.exact_id, scanned.later_id))
    assert shoot(snap_compare, app, compare, "c", pause_after=True)


def test_help(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "2", "question_mark")


def test_error_modal(snap_compare, app):
    async def fail_auth(pilot) -> None:
        pilot.app.show_error(
            AuthError(
                "Jira refused the email and API token for https://acme.atlassian.net (HTTP 401): "
                "check the email, and that the token is current."
            )
        )
        await pilot.pause()

    assert shoot(snap_compare, app, fail_auth)


def test_light_theme(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "ctrl+t")
