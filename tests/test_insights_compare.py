"""Between two scans: the duplicate groups that appeared, disappeared, grew or shrank."""

from __future__ import annotations

import asyncio
import json

from helpers.scanning import make_client, run_scan
from helpers.tui import SIZE, until, wait_for_workers
from textual.widgets import TabbedContent

from aa_tui.analysis.compare import group_changes
from aa_tui.demo import DemoOptions, DemoServer
from aa_tui.model.group_rows import WASTED, group_row
from aa_tui.model.insights import GroupChange, GroupChanges
from aa_tui.service.workspace import Workspace
from aa_tui.store.store import Store
from aa_tui.tui.messages import GroupOfScanRead
from aa_tui.tui.screens.compare import CompareScreen
from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.insights.changes import GroupChangesScreen
from aa_tui.tui.widgets.tables import VimDataTable


def _group(digest: str, copies: int, size: int = 10) -> dict:
    loc = {"project_key": "P", "author": "A", "status_category": "Done", "issue_key": "P-1",
           "created": "2026-01-01T00:00:00.000+0000"}  # fmt: skip
    return {"hash": digest, "size": size, "file_name": f"{digest}.png", "copies": copies,
            "wasted_size": (copies - 1) * size, "locations": [loc] * copies}  # fmt: skip


def test_group_changes_by_hash():
    before = [group_row(_group(d, n)) for d, n in (("a", 2), ("b", 3), ("c", 2), ("e", 5))]
    after = [group_row(_group(d, n)) for d, n in (("a", 2), ("b", 5), ("d", 4), ("e", 3))]
    changes = group_changes(before, after)
    assert [(c.hash, c.copies_before, c.copies_after) for c in changes.grew] == [("b", 3, 5)]
    assert [(c.hash, c.wasted_change) for c in changes.appeared] == [("d", 30)]
    assert [(c.hash, c.wasted_change) for c in changes.disappeared] == [("c", -10)]
    assert [(c.hash, c.copies_before, c.copies_after) for c in changes.shrank] == [("e", 5, 3)]
    # every change in waste is in one of the four lists
    listed = (changes.grew, changes.appeared, changes.disappeared, changes.shrank)
    waste = sum(r[WASTED] for r in after) - sum(r[WASTED] for r in before)
    assert sum(c.wasted_change for found in listed for c in found) == waste


def test_a_group_of_as_many_copies_with_other_files_changed():
    """A copy deleted in one place and one uploaded in another leave the count: the groups'
    files tell it (found in a real terminal: it said the scans held the same groups while
    Compare moved 3.1 MiB of waste between two projects)."""
    before = [group_row(_group(d, n)) for d, n in (("a", 2), ("b", 3))]
    after = [group_row(_group(d, n)) for d, n in (("a", 2), ("b", 3))]
    files = ({"a": ["1", "2"], "b": ["3", "4", "5"]}, {"a": ["2", "1"], "b": ["3", "4", "6"]})
    changes = group_changes(before, after, files)
    assert [(c.hash, c.copies_before, c.copies_after) for c in changes.changed] == [("b", 3, 3)]
    assert changes.files_compared
    assert not (changes.grew or changes.appeared or changes.disappeared or changes.shrank)
    same = group_changes(before, after, (files[0], files[0]))
    assert not same.changed and same.files_compared
    # without the lists (a scan saved by an older aa-tui), or a list that does not fit its
    # row, nothing is claimed either way
    assert not group_changes(before, after).files_compared
    unfit = group_changes(before, after, (files[0], {"a": ["1", "2"], "b": ["3", "4"]}))
    assert not unfit.changed and not unfit.files_compared


def test_the_heading_says_the_groups_are_the_same_only_when_their_files_were_compared():
    from aa_tui.tui.screens.insights.changes import _unchanged

    assert _unchanged(GroupChanges(files_compared=True)).endswith(
        "The two scans hold the same duplicate groups."
    )
    said = _unchanged(GroupChanges(files_compared=False))
    assert "same duplicate groups" not in said and "was not compared" in said
    moved = GroupChange("b", "b.png", 10, 3, 3, 20, 20)
    assert _unchanged(GroupChanges(changed=[moved], files_compared=True)) == ""


def test_a_changed_group_says_which_copies_left_and_came():
    from aa_tui.tui.screens.insights.changes import _copies_moved

    def group(*copies: tuple[str, str]) -> dict:
        return {"locations": [{"attachment_id": a, "issue_key": k} for a, k in copies]}

    before = group(("1", "OPS-39"), ("2", "MOB-82"), ("3", "OPS-162"))
    after = group(("1", "OPS-39"), ("2", "MOB-82"), ("9", "MOB-10"))
    assert _copies_moved(before, after) == "Since the older scan: gone from OPS-162; new on MOB-10."


def test_a_copy_moved_between_two_scans_is_a_changed_group(small_site, tmp_path):
    """Over real HTTP: the last copy of a group deleted and its bytes uploaded to another
    issue; the next scan's group has as many copies, and Group changes lists it."""
    store = Store(tmp_path / "data")
    try:
        with DemoServer(small_site, DemoOptions()) as server:
            first = run_scan(server, store)
            group = next(g for g in first.groups if g.copies >= 2)
            moved = group.locations[-1]
            other = next(
                r.issue_id
                for g in first.groups
                for r in g.locations
                if r.issue_id not in {m.issue_id for m in group.locations}
            )
            content = tmp_path / "moved.bin"
            j = server.attachment_index(moved.attachment_id)
            content.write_bytes(b"".join(server.iter_file(j, 0, server.file_size(j))))
            client = make_client(server)
            try:
                client.delete_attachment(moved.attachment_id, moved.issue_key)
                client.upload(other, content, moved.file_name, moved.mime_type)
            finally:
                client.close()
            second = run_scan(server, store, full=True)
            again = run_scan(server, store, full=True)
    finally:
        store.close()
    workspace = Workspace.open(tmp_path / "data")
    try:
        changes = workspace.group_changes(first.info.id, second.info.id)
        unchanged = workspace.group_changes(second.info.id, again.info.id)
    finally:
        workspace.close()
    assert [(c.hash, c.copies_before, c.copies_after) for c in changes.changed] == [
        (group.hash, group.copies, group.copies)
    ]
    assert not (changes.grew or changes.appeared or changes.disappeared or changes.shrank)
    assert changes.files_compared
    assert unchanged.files_compared and not unchanged.changed


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
    assert {c.hash for c in changes.shrank} == {h for h in set(old) & set(new) if new[h] < old[h]}
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
            for kind in ("grew", "appeared", "disappeared", "shrank", "changed"):
                table = screen.query_one(f"#changes-{kind}", VimDataTable)
                assert table.row_count == len(getattr(screen.changes, kind))
            # ] and Tab turn the page, [ and shift+Tab back, even read at once; digits pick
            tabs = screen.query_one("#changes-tabs", TabbedContent)
            assert tabs.active == "grew" and app.focused.id == "changes-grew"
            for keys, shown in (
                (("right_square_bracket",), "appeared"),
                (("tab", "tab"), "shrank"),
                (("right_square_bracket",), "changed"),
                (("right_square_bracket",), "grew"),
                (("shift+tab", "left_square_bracket"), "shrank"),
                (("left_square_bracket",), "disappeared"),
                (("5",), "changed"),
                (("2",), "appeared"),
                (("4",), "shrank"),
            ):
                await pilot.press(*keys)
                await pilot.pause()
                assert tabs.active == shown and app.focused.id == f"changes-{shown}", keys
            # a changed group opens with the copies that left and came (found trying the app)
            await pilot.press("5")
            await pilot.pause()
            assert screen.changes.changed  # (the later site's ids moved in 6 groups)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
            assert "Since the older scan: gone from " in app.screen.seen_in
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen)
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


def test_group_changes_of_scans_that_measure_different_things_say_so(app, scanned):
    """As the compare screen does (the two methods' groups differ by the method, not by
    change: found in a real terminal); the same scans say nothing of it."""

    async def journey() -> tuple[bool, str, bool]:
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(GroupChangesScreen(scanned.exact_id, scanned.metadata_id))
            await until(pilot, lambda: app.screen.changes is not None)
            warning = app.screen.query_one("#changes-warning")
            shown, said = warning.display, str(warning.render())
            # it opens on a list that has rows (Grew may have none)
            active = app.screen.query_one("#changes-tabs", TabbedContent).active
            assert getattr(app.screen.changes, active)
            app.pop_screen()
            app.push_screen(GroupChangesScreen(scanned.exact_id, scanned.later_id))
            await until(pilot, lambda: app.screen.changes is not None)
            return shown, said, app.screen.query_one("#changes-warning").display

    shown, said, same_shown = asyncio.run(journey())
    assert shown and said.startswith("These scans measure different things (method exact")
    assert not same_shown


def test_enter_on_a_changed_group_opens_it_as_the_scan_that_holds_it_saw_it(app, scanned):
    """The newer scan's group for one that appeared, grew or shrank; the older scan's for one
    that disappeared: every location, each scan's copies."""
    from aa_tui.tui.screens.group_detail import GroupDetailScreen

    async def journey() -> list[tuple[str, str, int, int]]:
        opened = []
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(GroupChangesScreen(scanned.exact_id, scanned.later_id))
            await until(pilot, lambda: app.screen.changes is not None)
            screen = app.screen
            for n, kind in enumerate(("grew", "appeared", "disappeared", "shrank"), start=1):
                rows = getattr(screen.changes, kind)
                if not rows:
                    continue
                await pilot.press(str(n), "down" if len(rows) > 1 else "up", "enter")
                await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
                row = screen.query_one(f"#changes-{kind}", VimDataTable).cursor_row
                change = rows[row]
                group = app.screen.group
                copies = change.copies_before if kind == "disappeared" else change.copies_after
                opened.append((kind, group["hash"], len(group["locations"]), copies))
                assert group["hash"] == change.hash
                # it says whose group it is; no cleanup from here (Space did nothing, silently)
                seen = app.screen.seen_in
                assert seen.startswith("As the scan of ") and seen in str(
                    app.screen.query_one("#group-head").render()
                )
                assert ("the newer scan has no such group" in seen) == (kind == "disappeared")
                assert app.screen.check_action("mark", ()) is False
                await pilot.press("escape")
                await until(pilot, lambda: app.screen is screen)

            # two groups read at once (Enter pressed again while one was read): one screen
            found = app.workspace.group_of_scan(scanned.later_id, screen.changes.appeared[0].hash)
            screen.post_message(GroupOfScanRead(found, "As the first read saw it."))
            screen.post_message(GroupOfScanRead(found, "As the second read saw it."))
            await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
            await pilot.pause()
            assert [s.seen_in for s in app.screen_stack if isinstance(s, GroupDetailScreen)] == [
                "As the first read saw it."
            ]
        return opened

    opened = asyncio.run(journey())
    assert {kind for kind, *_ in opened} >= {"appeared", "disappeared"}
    for kind, _digest, locations, copies in opened:
        assert locations == copies, kind


def test_scans_of_one_minute_are_told_apart_to_the_second(scanned, data_copy, memory_keyring):
    """History's Started column and the compare header give the seconds where two scans share
    a minute (they read alike: found in a real terminal); other scans keep their minutes."""
    from helpers.tui import make_app

    from aa_tui.store.store import Store
    from aa_tui.tui.screens.history import HistoryScreen

    store = Store(data_copy)
    try:
        for scan_id, at in ((scanned.exact_id, "09:30:05"), (scanned.later_id, "09:30:41")):
            info = store.get_scan(scan_id)
            info.started_at = f"2026-11-01T{at}.000+00:00"
            store.save_scan(info)
            saved = store.scan_dir(scan_id) / "summary.json"  # (what the compare screen reads)
            table = json.loads(saved.read_text())
            for summary in table["_default"].values():
                summary["scan"]["started_at"] = info.started_at
            saved.write_text(json.dumps(table))
    finally:
        store.close()
    memory_keyring.set_password("aa-tui", f"{scanned.email}@{scanned.site}", scanned.token)
    app = make_app(data_copy, backend=memory_keyring, sites=scanned.sites)

    async def journey() -> tuple[dict[str, str], str]:
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(HistoryScreen())
            await until(
                pilot, lambda: any(t.row_count >= 3 for t in app.screen.query(VimDataTable))
            )
            table = app.screen.query_one(VimDataTable)
            started = {
                str(row.key.value): str(table.get_row(row.key)[1]) for row in table.ordered_rows
            }
            app.push_screen(CompareScreen(scanned.exact_id, scanned.later_id))
            await wait_for_workers(pilot)
            await pilot.pause()
            return started, app.export_screenshot()

    started, drawn = asyncio.run(journey())
    assert started[scanned.exact_id] == "2026-11-01 09:30:05"
    assert started[scanned.later_id] == "2026-11-01 09:30:41"
    assert len(started[scanned.metadata_id]) == len("2026-11-01 09:30")  # its minute alone
    assert "Before:&#160;2026-11-01&#160;09:30:05" in drawn
    assert "After:&#160;2026-11-01&#160;09:30:41" in drawn
