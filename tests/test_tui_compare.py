"""Compare says when two scans measure different things (issue 12, B7)."""

from __future__ import annotations

from helpers.tui import SIZE, run, wait_for_workers

from aa_tui.tui.screens.compare import CompareScreen


def shown(app, older: str, newer: str) -> tuple[bool, str, list[str]]:
    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(CompareScreen(older, newer))
            await wait_for_workers(pilot)
            screen = app.screen
            warning = screen.query_one("#compare-warning")
            table = screen.query_one("#compare-projects")
            headers = [str(c.label) for c in table.columns.values()]
            return bool(warning.display), str(warning.render()), headers

    return run(journey())


def test_scans_of_another_method_are_not_growth(app, scanned):
    differ, text, headers = shown(app, scanned.exact_id, scanned.metadata_id)
    assert differ and "method" in text and "not growth" in text
    assert "Growth" not in headers and "Difference" in headers


def test_scans_of_the_same_scope_and_method_show_growth(app, scanned):
    differ, _, headers = shown(app, scanned.exact_id, scanned.later_id)
    assert not differ and "Growth" in headers
