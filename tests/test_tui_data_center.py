"""The Sites screen signs in to Jira Data Center as people do it (issue 18): a personal access
token or a user name and password, chosen on the form with the keys, tested against the demo's
Data Center mode, kept in the keyring under the account, and scanned from the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tui import SITE_LABEL, SIZE, make_app, run, until, wait_for_workers

from aa_tui import credentials
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.scans import Profile
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.tables import VimDataTable


@pytest.fixture
def dc_site(small_site):
    with DemoServer(small_site, DemoOptions(data_center=True)) as server:
        yield server


def text_of(widget) -> str:
    return str(widget.render())


def rows(screen) -> list[list[str]]:
    table = screen.query_one("#profiles", VimDataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


async def choose_kind(pilot, steps: int) -> None:
    """From the site field: Tab to the sign-in choice, move ``steps`` right, pick it."""
    await pilot.press("tab", *["right"] * steps, "enter")


def test_add_a_site_with_a_personal_access_token_test_it_and_scan_it(
    dc_site, small_site, memory_keyring, tmp_path
):
    app = make_app(tmp_path / "data", backend=memory_keyring, sites=[dc_site.base_url])
    truth = small_site.truth

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await wait_for_workers(pilot)
            assert screen.query_one("#site", TextInput).has_focus  # no saved site yet
            await type_text(pilot, dc_site.base_url)
            await choose_kind(pilot, 1)  # DC: access token
            account_shown = screen.query_one("#account-row").display
            await pilot.press("tab")  # no account field: straight to the token
            assert app.focused is screen.query_one("#token", TextInput)
            await type_text(pilot, "not-the-token")
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            refused = text_of(screen.query_one("#status"))
            screen.query_one("#token", TextInput).value = ""
            await type_text(pilot, dc_site.token)
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            connected = text_of(screen.query_one("#status"))
            await pilot.press("ctrl+s")
            await pilot.pause()
            saved = text_of(screen.query_one("#status")), rows(screen)
            await pilot.press("n")  # the list has the focus: a new scan of the saved site
            assert isinstance(app.screen, NewScanScreen)
            target = text_of(app.screen.query_one("#target"))
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, ResultsScreen), timeout=120)
            await wait_for_workers(pilot)
            scans = app.workspace.list_scans()
            return account_shown, refused, connected, saved, target, app.screen.summary, scans

    account_shown, refused, connected, saved, target, summary, scans = run(journey())
    assert account_shown is False
    assert "refused the personal access token" in refused and "HTTP 401" in refused
    assert connected == "Connected: signed in as Demo (demo@example.com) on Jira Server 9.12.15."
    status, table = saved
    assert status.startswith("Saved the personal access token on ")
    assert table == [[SITE_LABEL, "Data Center", "the personal access token", "OS keyring",
                      "never"]]  # fmt: skip
    assert app.workspace.list_profiles() == [Profile(dc_site.base_url, "pat:")]
    assert memory_keyring.entries == {("aa-tui", f"pat:@{dc_site.base_url}"): dc_site.token}
    assert target == f"Scan {SITE_LABEL} with the personal access token"
    (info,) = scans
    assert (info.email, info.status) == ("pat:", "complete")
    totals = summary.to_dict()["totals"]
    assert totals["total_files"] == truth.total_files
    assert totals["duplicate_groups"] == truth.duplicate_groups
    assert totals["duplicate_files"] == truth.duplicate_files
    assert totals["duplicate_size"] == truth.duplicate_size
    requests = dc_site.stats.snapshot()["requests"]
    assert requests and not any("/rest/api/3" in k for k in requests)  # it spoke Data Center
    app.workspace.close()
    assert dc_site.token.encode() not in all_bytes(tmp_path / "data")


def test_a_user_name_and_password_site_keeps_its_path_and_signs_in(
    dc_site, memory_keyring, tmp_path
):
    app = make_app(tmp_path / "data", backend=memory_keyring, sites=[dc_site.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await wait_for_workers(pilot)
            await type_text(pilot, "https://jira.example.com/tools/jira/")
            await choose_kind(pilot, 2)  # DC: password
            label = text_of(screen.query_one("#account-label"))
            await pilot.press("tab", "tab")  # past the empty user name, to the password
            await type_text(pilot, "pw")
            await pilot.press("ctrl+s")
            no_user = text_of(screen.query_one("#status"))
            screen.query_one("#email", TextInput).focus()
            await type_text(pilot, "ana.admin")
            await pilot.press("ctrl+s")
            await pilot.pause()
            kept_path = app.workspace.list_profiles()
            # the demo site itself, signed in with its user and password
            await pilot.press("a")
            await type_text(pilot, dc_site.base_url)
            await choose_kind(pilot, 2)
            await pilot.press("tab")
            await type_text(pilot, dc_site.username)
            await pilot.press("tab")
            await type_text(pilot, dc_site.password)
            await pilot.press("ctrl+r")
            await wait_for_workers(pilot)
            connected = text_of(screen.query_one("#status"))
            await pilot.press("ctrl+s")
            await pilot.pause()
            return label, no_user, kept_path, connected, rows(screen)

    label, no_user, kept_path, connected, table = run(journey())
    assert label == "User name"
    assert no_user == "Enter the Jira user name the password belongs to."
    assert kept_path == [Profile("https://jira.example.com/tools/jira", "user:ana.admin")]
    assert connected.startswith("Connected: signed in as Demo") and "Jira Server" in connected
    assert sorted(r[1:3] for r in table) == [["Data Center", "ana.admin"], ["Data Center", "demo"]]
    assert memory_keyring.entries[("aa-tui", f"user:demo@{dc_site.base_url}")] == dc_site.password


def test_a_cloud_site_drops_its_path_and_needs_an_email(memory_keyring, tmp_path):
    app = make_app(tmp_path / "data", backend=memory_keyring)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await wait_for_workers(pilot)
            await type_text(pilot, "https://acme.atlassian.net/jira/software/projects/X")
            await pilot.press("tab", "tab")  # Jira Cloud is chosen: to the email
            await type_text(pilot, "ana")
            screen.query_one("#token", TextInput).value = "t"
            await pilot.press("ctrl+s")
            no_email = text_of(screen.query_one("#status"))
            await type_text(pilot, "@acme.io")
            await pilot.press("ctrl+s")
            await pilot.pause()
            return no_email, app.workspace.list_profiles()

    no_email, profiles = run(journey())
    assert no_email == "Enter the email of the Atlassian account the token belongs to."
    assert profiles == [Profile("https://acme.atlassian.net", "ana@acme.io")]


def test_editing_a_data_center_site_shows_its_kind_and_moves_its_token(memory_keyring, tmp_path):
    """A saved user + password site opens on its own kind; switched to a personal access token
    and saved, the old keyring entry goes and the new one holds the typed token."""
    site = "https://jira.example.com"
    app = make_app(tmp_path / "data", backend=memory_keyring)
    app.workspace.save_profile(Profile(site, "user:bob"))
    memory_keyring.set_password("aa-tui", f"user:bob@{site}", "bobs-password")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await wait_for_workers(pilot)
            await pilot.press("e")
            shown = (
                screen.query_one("#form").border_title,
                screen.query_one("#email", TextInput).value,
                screen.kind().name,
                screen.query_one("#token", TextInput).placeholder,
            )
            await pilot.press("shift+tab", "shift+tab", "left", "enter")  # the access token
            await pilot.press("tab")
            await type_text(pilot, "a-new-pat")
            await pilot.press("ctrl+s")
            await pilot.pause()
            return shown, app.workspace.list_profiles(), rows(screen)

    shown, profiles, table = run(journey())
    assert shown == ("Edit bob", "bob", "basic", "leave empty to keep the saved password")
    assert profiles == [Profile(site, "pat:")]
    assert memory_keyring.entries == {("aa-tui", f"pat:@{site}"): "a-new-pat"}
    assert table[0][1:3] == ["Data Center", "the personal access token"]


def test_the_keyring_keeps_each_kind_of_account_apart(memory_keyring, monkeypatch):
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    site = "https://jira.example.com/jira"
    for account, secret in (("pat:", "p"), ("user:bob", "b"), ("bob@example.com", "c")):
        credentials.save_token(site, account, secret, backend=memory_keyring)
    assert credentials.get_token(site, "pat:", backend=memory_keyring) == "p"
    assert credentials.get_token(site, "user:bob", backend=memory_keyring) == "b"
    assert credentials.get_token(site, "bob@example.com", backend=memory_keyring) == "c"
    assert credentials.delete_token(site, "user:bob", backend=memory_keyring) is True
    assert credentials.get_token(site, "pat:", backend=memory_keyring) == "p"
    assert credentials.get_token(site, "user:bob", backend=memory_keyring) is None
