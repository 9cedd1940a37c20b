"""From the New scan form to a scan and back: a scope Jira refuses returns to the form with
Jira's own message and leaves no empty failed scan behind (issue 12, B9)."""

from __future__ import annotations

from helpers.tui import SIZE, make_app, run, saved_site, until
from textual.widgets import RadioButton

from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.live_scan import LiveScanScreen
from aa_tui.tui.screens.new_scan import NewScanScreen
from aa_tui.tui.widgets.inputs import TextInput


def test_bad_jql_returns_to_the_form_with_jiras_message(demo_server, memory_keyring, tmp_path):
    data = saved_site(demo_server, tmp_path, memory_keyring)
    app = make_app(data, backend=memory_keyring, sites=[demo_server.base_url])

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            form = app.screen
            assert isinstance(form, NewScanScreen)
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
