"""What the app says is true and reads well (issue 19 #12): the unreadable list says why, a
filter that matches nothing says so, the palette finds what users type, a mark keeps its
distance from the figure beside it."""

from __future__ import annotations

from helpers.tui import SIZE, run, until, wait_for_workers

from aa_tui.store.store import Store
from aa_tui.tui.screens.insights.files import FilesScreen
from aa_tui.tui.screens.insights.screen import InsightsScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.tables import VimDataTable


def _with_unreadable(data_dir, scan_id: str, reasons: dict[str, str]) -> None:
    """Make the saved scan say Jira refused these files (the small demo scan reads none of
    its unreadable files: only files that share a size are read)."""
    import json

    path = data_dir / "scans" / scan_id / "summary.json"
    doc = json.loads(path.read_text())
    summary = doc["_default"]["1"]
    summary["unreadable"] = [{"attachment_id": a, "reason": r} for a, r in reasons.items()]
    summary["totals"]["unreadable_files"] = len(reasons)
    path.write_text(json.dumps(doc))


def test_the_unreadable_list_says_why_each_file_is_there(app, scanned, data_copy):
    """The HTML report gave each unreadable file Jira's answer; the app's list showed none."""
    store = Store(data_copy)
    ids = [str(a["attachment_id"]) for a in store.load_attachments(scanned.exact_id)[:2]]
    store.close()
    reasons = dict(zip(ids, ("HTTP 403", "HTTP 404"), strict=True))
    _with_unreadable(data_copy, scanned.exact_id, reasons)

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("i")
            await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
            screen = app.screen
            await until(pilot, lambda: screen.insights is not None)
            await wait_for_workers(pilot)
            await pilot.press("8")
            names = [c.name for c in screen.choices["lists-table"]]
            await pilot.press(*["j"] * names.index("unreadable"), "enter")
            await until(pilot, lambda: isinstance(app.screen, FilesScreen))
            files = app.screen
            await until(pilot, lambda: files.listed.count > 0)
            table = files.query_one(VimDataTable)
            header = [str(c.label) for c in table.columns.values()]
            rows = {
                f.attachment_id: str(table.get_row_at(n)[-1]) for n, f in enumerate(files.shown)
            }
            return files.choice.name, header, rows

    name, header, rows = run(journey())
    assert name == "unreadable" and header[-1] == "Reason"
    assert rows == reasons


def test_the_palette_finds_what_users_type(app, scanned):
    """Issue 19 #12: "delete", "stale" and "scan" found nothing on the results."""
    from textual.command import CommandPalette

    async def palette(pilot, query: str) -> list[str]:
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*query)
        await pilot.pause(0.6)  # the palette searches in the background
        await wait_for_workers(pilot)
        await pilot.pause(0.2)
        options = app.screen.query_one("CommandList")
        found = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        return found

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2")
            return {q: await palette(pilot, q) for q in ("delete", "stale", "scan")}

    found = run(journey())
    assert any("Review the cleanup" in t for t in found["delete"]), found
    assert any("Cleanup audit" in t for t in found["delete"]), found
    assert any("Insights" in t for t in found["stale"]), found
    assert any("Sites and credentials" in t for t in found["scan"]), found


def test_a_mark_keeps_a_space_before_the_first_figure(app, scanned):
    """Issue 19 #12: "●1011.6 KiB": a ten-cell size filled its column up to the mark."""
    from aa_tui.tui.widgets.group_list import COLUMNS, layout_row

    cells = ["1011.6 KiB", "2", "1011.6 KiB", "png", "OPS", "image.png"]
    assert layout_row(cells, 80, COLUMNS).startswith("  1011.6 KiB ")

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "space")
            await pilot.pause()
            glist = app.screen.query_one("#group-list")
            return glist.render_line(1).text

    line = run(journey())
    assert line.startswith("● "), line


def test_a_filter_that_matches_nothing_says_so(app, scanned):
    """Issue 19 #12: "0 of 198 groups" over "No duplicate groups." (there are 198)."""
    from aa_tui.tui.widgets.inputs import TextInput

    async def journey():
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            await pilot.press("2", "slash")
            app.screen.query_one("#filter", TextInput).value = "nothing-is-called-this"
            await pilot.press("enter")
            await pilot.pause(0.5)  # the filter is debounced
            glist = app.screen.query_one("#group-list")
            total = len(app.screen.query_one("GroupsPane").index)
            return glist.render_line(1).text, total

    line, total = run(journey())
    assert "No duplicate groups" not in line
    assert f"No group matches the filter (of {total:,} groups in all)." in line


def test_one_is_said_in_the_singular():
    """The tester read "Deleted 1 files", "82.9 KiB in 1 files" and "1 file have no other
    copy": what the app renders of one thing is singular, of two plural."""
    from rich.console import Console

    from aa_tui.model.cleanup import CleanupPhase, CleanupProgress
    from aa_tui.model.records import Totals
    from aa_tui.tui.screens.cleanup.apply import stats_text

    one = CleanupProgress(CleanupPhase.DELETING, deleted=1, freed=12_345, comments=1)
    assert str(stats_text(one)).startswith("Deleted 1 file (12.1 KiB freed)")
    assert " 1 comment" in str(stats_text(one)) and "1 comments" not in str(stats_text(one))
    two = CleanupProgress(CleanupPhase.DELETING, deleted=2, freed=24_690, comments=2)
    assert str(stats_text(two)).startswith("Deleted 2 files (") and "2 comments" in str(
        stats_text(two)
    )
    from aa_tui.tui.widgets.overview import totals_table

    console = Console(width=200, record=True)
    console.print(totals_table(Totals(total_files=1, total_size=84_890, issues_scanned=1), False))
    text = console.export_text()
    assert "82.9 KiB in 1 file on 1 issue" in text and "1 files" not in text
