"""The clipboard, the browser and screenshots say what really happened (issue 12, B13)."""

from __future__ import annotations

from helpers.tui import SIZE, run, wait_for_workers

from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.results import ResultsScreen


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_copy_and_open_show_what_they_handled(app, scanned, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    opened: list[str] = []

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "enter")
            await pilot.pause()
            detail = app.screen
            assert isinstance(detail, GroupDetailScreen)
            key = detail.selected()["issue_key"]
            await pilot.press("c", "u", "o")
            await pilot.pause()
            return key, notes(app)

    key, said = run(journey())
    copied = [n for n in said if "clipboard" in n]
    assert len(copied) == 2 and key in copied[0] and "OSC 52" in copied[0]
    assert f"/browse/{key}" in copied[1]
    headless = [n for n in said if "No browser" in n]
    assert headless and f"/browse/{key}" in headless[0]
    assert opened == []  # nothing was sent to a browser that is not there


def test_a_screenshot_says_where_or_why_not(app, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.deliver_screenshot(path=str(blocked / "sub"))
            app.deliver_screenshot(path=str(tmp_path / "shots"))
            await pilot.pause()
            return notes(app)

    said = run(journey())
    assert any("was not saved" in n and str(blocked) in n for n in said)
    saved = [n for n in said if n.startswith("Saved the screenshot to ")]
    assert saved and str(tmp_path / "shots") in saved[0]
    assert list((tmp_path / "shots").glob("*.svg"))
