"""The Sites screen as a new user meets it: where a token really comes from, keys that act on
the list only, and the focus when coming back (issue 12, B1 and B5)."""

from __future__ import annotations

from helpers.tui import SIZE, make_app, run, wait_for_workers
from keyring.backends import fail
from textual.widgets import Button

from aa_tui.model.scans import Profile
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.screens.sites import SitesScreen
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.tables import VimDataTable


def text_of(widget) -> str:
    return str(widget.render())


def token_cells(screen) -> list[str]:
    table = screen.query_one("#profiles", VimDataTable)
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]


def fill(screen, site: str, email: str, token: str = "") -> None:
    screen.query_one("#site", TextInput).value = site
    screen.query_one("#email", TextInput).value = email
    screen.query_one("#token", TextInput).value = token


def test_token_from_the_environment_is_said_so(tmp_path, monkeypatch):
    monkeypatch.setenv("JIRA_API_TOKEN", "env-token-123")
    app = make_app(tmp_path / "data", backend=fail.Keyring())

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_workers(pilot)  # the keyring is looked for after the first frame
            placeholder = app.screen.query_one("#token", TextInput).placeholder
            fill(app.screen, "acme.atlassian.net", "a@example.com")
            await pilot.press("ctrl+s")
            return placeholder, text_of(app.screen.query_one("#status")), token_cells(app.screen)

    placeholder, status, cells = run(journey())
    assert "JIRA_API_TOKEN" in placeholder
    assert "token comes from JIRA_API_TOKEN" in status and "OS keyring" not in status
    assert cells == ["JIRA_API_TOKEN"]


def test_no_keyring_keeps_a_typed_token_for_the_session(tmp_path, monkeypatch):
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    app = make_app(tmp_path / "data", backend=fail.Keyring())

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_workers(pilot)  # the keyring is looked for after the first frame
            placeholder = app.screen.query_one("#token", TextInput).placeholder
            fill(app.screen, "acme.atlassian.net", "a@example.com", "session-secret-42")
            await pilot.press("ctrl+s")
            profile = Profile("https://acme.atlassian.net", "a@example.com")
            return (
                placeholder,
                text_of(app.screen.query_one("#status")),
                token_cells(app.screen),
                app.workspace.token_for(profile),
            )

    placeholder, status, cells, token = run(journey())
    assert "this session only" in placeholder
    assert "kept in memory for this session only" in status and "is in the OS" not in status
    assert cells == ["this session only"]
    assert token == "session-secret-42"
    app.workspace.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert b"session-secret-42" not in stored


def test_list_keys_do_nothing_in_the_form(app, scanned):
    """Focus on a form button: n, e, t, d, a neither fire nor lose what was typed."""

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            await pilot.press("a")  # add: the site field has the focus
            await pilot.press(*"acme.atlassian.net")
            screen.query_one("#email", TextInput).value = "me@acme.com"
            screen.query_one("#test", Button).focus()
            await pilot.pause()
            await pilot.press("n", "e", "t", "d", "a")
            return (
                app.screen is screen,
                screen.query_one("#site", TextInput).value,
                screen.query_one("#email", TextInput).value,
                any(isinstance(s, ConfirmScreen | NewScanScreen) for s in app.screen_stack),
            )

    same, site, email, opened = run(journey())
    assert same and not opened
    assert (site, email) == ("acme.atlassian.net", "me@acme.com")


def test_coming_back_the_list_has_the_focus(app, scanned):
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, SitesScreen)
            await pilot.press("e")  # edit the saved site: the token field has the focus
            edit_focus = app.focused
            await pilot.press("escape", "n")
            assert isinstance(app.screen, NewScanScreen)
            await pilot.press("escape")
            await pilot.pause()
            return edit_focus, app.screen is screen, app.focused, screen.editing

    edit_focus, back, focused, editing = run(journey())
    assert isinstance(edit_focus, TextInput) and edit_focus.id == "token"
    assert back and isinstance(focused, VimDataTable)
    assert editing is None  # the untouched edit form is blank again
