"""From the New scan form to a scan and back: a scope Jira refuses returns to the form with
Jira's own message and leaves no empty failed scan behind (issue 12, B9)."""

from __future__ import annotations

from helpers.tui import SIZE, make_app, run, saved_site, until
from textual.widgets import RadioButton

from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.widgets.inputs import TextInput


def site_app(demo_server, memory_keyring, tmp_path):
    """The app on the demo site, saved with its token."""
    data = saved_site(demo_server, tmp_path, memory_keyring)
    return make_app(data, backend=memory_keyring, sites=[demo_server.base_url])


async def open_form(pilot) -> NewScanScreen:
    """The New scan form, opened from Sites."""
    await pilot.press("n")
    form = pilot.app.screen
    assert isinstance(form, NewScanScreen)
    return form


def test_bad_jql_returns_to_the_form_with_jiras_message(demo_server, memory_keyring, tmp_path):
    app = site_app(demo_server, memory_keyring, tmp_path)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            form.query_one("#scope-jql", RadioButton).value = True
            await pilot.pause()
            form.query_one("#jql", TextInput).value = "project = = OPS"
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is form)
            await pilot.pause()
            return (
                [type(s) for s in app.screen_stack],
                str(form.query_one("#problem").render()),
                app.focused,
                form.resumable,
                app.workspace.list_scans(),
            )

    stack, problem, focused, resumable, scans = run(journey())
    assert ErrorScreen not in stack and LiveScanScreen not in stack
    assert "Jira refused the search" in problem and "Error in the JQL Query" in problem
    assert isinstance(focused, TextInput) and focused.id == "jql"
    assert resumable is None  # nothing to resume: the same JQL would fail again
    assert scans == []  # no 0-file failed scan left in History


def test_typing_jql_redraws_the_footer_only_when_the_resume_key_comes_or_goes(
    demo_server, memory_keyring, tmp_path, monkeypatch
):
    """Each key typed in the JQL box redrew the footer (~30 ms a key: 300 keys typed at once
    kept the app busy ~10 s, found in a real terminal); the resume key still comes and goes
    with the scope."""
    from test_tui_robustness import unfinished

    data = saved_site(demo_server, tmp_path, memory_keyring)
    unfinished(data, demo_server, day=2)  # of the whole site
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])
    redrawn: list[int] = []
    real = NewScanScreen.refresh_bindings
    monkeypatch.setattr(
        NewScanScreen, "refresh_bindings", lambda self: (redrawn.append(1), real(self))[1]
    )

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            offered = [form.check_action("resume", ())]
            redrawn.clear()
            form.query_one("#scope-jql", RadioButton).value = True  # no scan of it
            await pilot.pause()
            offered.append(form.check_action("resume", ()))
            went = len(redrawn)
            form.query_one("#jql", TextInput).focus()
            await pilot.press(*"created >= -30d")
            await pilot.pause()
            typed = len(redrawn) - went
            form.query_one("#scope-site", RadioButton).value = True
            await pilot.pause()
            offered.append(form.check_action("resume", ()))
            return offered, went, typed, len(redrawn) - went - typed

    offered, went, typed, came = run(journey())
    assert offered == [True, False, True]
    assert went >= 1 and came >= 1  # the key went with the JQL scope, came back with the site
    assert typed == 0  # 15 keys typed, the footer never redrawn


def test_the_first_space_in_the_project_list_ticks_its_first_project(
    demo_server, memory_keyring, tmp_path
):
    """No project was highlighted: the first Space did nothing (found in a real terminal)."""
    from textual.widgets import SelectionList

    app = site_app(demo_server, memory_keyring, tmp_path)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot)
            form.query_one("#scope-projects", RadioButton).value = True
            picker = form.query_one("#projects", SelectionList)
            await until(pilot, lambda: picker.option_count > 0)
            picker.focus()
            await pilot.press("space")
            await pilot.pause()
            return list(picker.selected), picker.get_option_at_index(0).value

    ticked, first = run(journey())
    assert ticked == [first]
