"""Export asks before it replaces a report (issue 12, B14)."""

from __future__ import annotations

from helpers.tui import SIZE, run, wait_for_workers

from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.export import ExportScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.inputs import TextInput


def test_export_asks_before_replacing(app, scanned, tmp_path):
    target = tmp_path / "r.json"
    target.write_text("keep me")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("x")
            app.screen.query_one("#path", TextInput).value = str(target)
            await pilot.press("ctrl+s")
            asked = app.screen
            await pilot.press("enter")  # the default answer is No
            await wait_for_workers(pilot)
            kept = target.read_text(), isinstance(app.screen, ExportScreen)
            await pilot.press("ctrl+s", "y")
            await wait_for_workers(pilot)
            return asked, kept

    asked, (before, still_open) = run(journey())
    assert isinstance(asked, ConfirmScreen) and "exists" in asked.question
    assert before == "keep me" and still_open
    assert target.read_text().startswith("{")  # replaced once the answer was yes
