"""Between two scans: the duplicate groups that appeared, disappeared or grew."""

from __future__ import annotations

import asyncio

from helpers.tui import SIZE, until, wait_for_workers

from aa_tui.analysis.compare import group_changes
from aa_tui.model.group_rows import group_row
from aa_tui.service.workspace import Workspace
from aa_tui.tui.screens.compare import CompareScreen
from aa_tui.tui.screens.insights.changes import GroupChangesScreen
from aa_tui.tui.widgets.tables import VimDataTable


def _group(digest: str, copies: int, size: int = 10) -> dict:
    loc = {"project_key": "P", "author": "A", "status_category": "Done", "issue_key": "P-1",
           "created": "2026-01-01T00:00:00.000+0000"}  # fmt: skip
    return {"hash": digest, "size": size, "file_name": f"{digest}.png", "copies": copies,
            "wasted_size": (copies - 1) * size, "locations": [loc] * copies}  # fmt: skip


def test_group_changes_by_hash():
    before = [group_row(_group("a", 2)), group_row(_group("b", 3)), group_row(_group("c", 2))]
    after = [group_row(_group("a", 2)), group_row(_group("b", 5)), group_row(_group("d", 4))]
    changes = group_changes(before, after)
    assert [(c.hash, c.copies_before, c.copies_after) for c in changes.grew] == [("b", 3, 5)]
    assert [(c.hash, c.wasted_change) for c in changes.appeared] == [("d", 30)]
    assert [(c.hash, c.wasted_change) for c in changes.disappeared] == [("c", -10)]


def test_two_scans_of_a_growing_site(scanned, data_copy):
    workspace = Workspace.open(data_copy)
    try:
        changes = workspace.group_changes(scanned.exact_id, scanned.later_id)
        old = {g["hash"]: g["copies"] for g in workspace.results(scanned.exact_id).groups()}
        new = {g["hash"]: g["copies"] for g in workspace.results(scanned.later_id).groups()}
    finally:
        workspace.close()
    assert {c.hash for c in changes.appeared} == set(new) - set(old)
    assert {c.hash for c in changes.disappeared} == set(old) - set(new)
    assert {c.hash for c in changes.grew} == {h for h in set(old) & set(new) if new[h] > old[h]}
    assert changes.appeared or changes.grew  # the later site has more issues and copies


def test_compare_opens_the_group_changes(app, scanned):
    async def journey() -> None:
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(CompareScreen(scanned.exact_id, scanned.later_id))
            await wait_for_workers(pilot)
            await pilot.press("c")
            await until(pilot, lambda: isinstance(app.screen, GroupChangesScreen))
            screen = app.screen
            await until(pilot, lambda: screen.changes is not None)
            for kind in ("grew", "appeared", "disappeared"):
                table = screen.query_one(f"#changes-{kind}", VimDataTable)
                assert table.row_count == len(getattr(screen.changes, kind))
            # the heading is in view, not scrolled off by the tabs (found trying the app)
            await pilot.pause()
            head = screen.query_one("#changes-head")
            assert "Duplicate groups from" in str(head.render())
            assert (
                head.region.height >= 1
                and head.region.y < screen.query_one("#changes-tabs").region.y
            )
            assert screen.scroll_offset.y == 0 and screen.max_scroll_y == 0
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, CompareScreen))

    asyncio.run(journey())
