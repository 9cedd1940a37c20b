"""``x`` on a list of files (the Insights' Enter on a row) writes it as CSV or JSON."""

from __future__ import annotations

import asyncio
import csv
import json

from helpers.tui import SIZE, until, wait_for_workers

from aa_tui.model.insights import FILE_ROW_FIELDS
from aa_tui.store.store import Store
from aa_tui.tui.screens.insights.export import FileListExportScreen
from aa_tui.tui.screens.insights.files import FilesScreen
from aa_tui.tui.screens.insights.screen import InsightsScreen
from aa_tui.tui.widgets.inputs import TextInput


async def _open_list(pilot, scan_id: str, tab: str, row: int = 0) -> FilesScreen:
    app = pilot.app
    app.push_screen(InsightsScreen(scan_id))
    screen = app.screen
    await until(pilot, lambda: screen.insights is not None)
    await wait_for_workers(pilot)
    await pilot.press(tab, *["down"] * row, "enter")
    await until(pilot, lambda: isinstance(app.screen, FilesScreen))
    files = app.screen
    await until(pilot, lambda: files.listed.count > 0)
    return files


def test_x_writes_a_list_of_files_as_csv_and_as_json(app, scanned, data_copy, tmp_path):
    csv_path, json_path = tmp_path / "stale.csv", tmp_path / "stale.json"

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            files = await _open_list(pilot, scanned.exact_id, "8", row=2)  # Stale files
            assert files.choice.name == "stale"
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, FileListExportScreen))
            dialog = app.screen
            default = dialog.query_one("#path", TextInput).value
            dialog.query_one("#path", TextInput).value = str(csv_path)
            await pilot.press("ctrl+s")
            await wait_for_workers(pilot)
            await until(pilot, lambda: app.screen is files)
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, FileListExportScreen))
            await pilot.press("down", "space")  # JSON
            app.screen.query_one("#path", TextInput).value = str(json_path)
            await pilot.press("ctrl+s")
            await wait_for_workers(pilot)
            await until(pilot, lambda: app.screen is files)
            return default, [f.attachment_id for f in files.files], files.listed

    default, ids, listed = asyncio.run(journey())
    assert default.endswith(f"aa-tui-{scanned.exact_id}-stale.csv")
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(FILE_ROW_FIELDS)
    assert [r["attachment_id"] for r in rows] == ids and len(rows) == listed.count > 0
    assert sum(int(r["size"]) for r in rows) == listed.size
    written = json.loads(json_path.read_text())
    assert (written["list"], written["files"], written["size"]) == (
        "stale",
        listed.count,
        listed.size,
    )
    assert [r["attachment_id"] for r in written["rows"]] == ids
    # the same files the service lists for the stale list, checked apart from the app
    results = Store(data_copy).results(scanned.exact_id)
    from aa_tui.service.insights import files_of

    assert {f.attachment_id for f in files_of(results, "stale")} == set(ids)


def test_x_on_a_filtered_list_writes_the_files_in_view(app, scanned, tmp_path):
    target = tmp_path / "big.csv"

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            files = await _open_list(pilot, scanned.exact_id, "8")  # every file
            await pilot.press("slash", *"size:>100KB", "enter")
            await pilot.press("s")  # by name
            await pilot.pause()
            shown = [f.attachment_id for f in files.shown]
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, FileListExportScreen))
            heading = str(app.screen.query_one("Label").render())
            app.screen.query_one("#path", TextInput).value = str(target)
            await pilot.press("ctrl+s")
            await wait_for_workers(pilot)
            await until(pilot, lambda: app.screen is files)
            return shown, heading

    shown, heading = asyncio.run(journey())
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["attachment_id"] for r in rows] == shown and shown
    assert all(int(r["size"]) > 100_000 for r in rows)
    assert f"{len(shown)} files matching 'size:>100KB'" in heading


def test_a_filter_looks_through_the_whole_list_not_only_the_files_shown(app, scanned, monkeypatch):
    """A tester's 'type:txt' on every file of a 1,000,000-issue scan said "0 matching": it
    looked only among the 5,000 biggest shown (20,431 .txt files in the list)."""
    from aa_tui.model.classify import file_type
    from aa_tui.tui.screens.insights import files as files_screen

    monkeypatch.setattr(files_screen, "LIMIT", 20)  # a list longer than it shows

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            files = await _open_list(pilot, scanned.exact_id, "8")  # every file
            every = app.workspace.files(scanned.exact_id, "all")
            assert not files.listed.complete and len(files.files) == 20
            small = sorted({file_type(f.file_name) for f in every if f not in files.files})
            kind = next(
                k for k in small if not any(file_type(f.file_name) == k for f in files.files)
            )
            await pilot.press("slash", *f"type:{kind}", "enter")
            await until(pilot, lambda: files.matching is not None)
            title = str(files.query_one("#files-title").render())
            return every, kind, files.matching[1], [f.attachment_id for f in files.shown], title

    every, kind, matching, shown, title = asyncio.run(journey())
    wanted = [f for f in every if file_type(f.file_name) == kind]
    assert wanted and matching.count == len(wanted) and matching.size == sum(f.size for f in wanted)
    assert set(shown) <= {f.attachment_id for f in wanted} and len(shown) == min(20, len(wanted))
    assert f"{len(wanted):,} matching 'type:{kind}'" in title


def test_a_burst_after_the_filter_key_lands_in_the_filter(app, scanned):
    """'/' then the filter's words in one burst (fast typing, a slow link): the words went to
    the list that '/' was leaving (tried on a 1,000,000-issue scan); and a '/' typed in the
    filter box is text."""
    from textual import events

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            files = await _open_list(pilot, scanned.exact_id, "8")  # every file
            for key in ["slash", *"size:>100KB", "slash", *"x"]:
                app.post_message(events.Key(key, "/" if key == "slash" else key))
            for _ in range(4):
                await pilot.pause()
            return files.text

    assert asyncio.run(journey()) == "size:>100KB/x"
