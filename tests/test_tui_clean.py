"""Cleanup in the app, on real HTTP against the demo site: mark (Space, M), the marks pane,
review, the typed confirmation, the live apply (cancel, resume), the result, the audit; a
metadata scan refuses marks, a past scan is read-only until re-checked against Jira."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.scanning import fast_governor
from helpers.sites import AppSite
from helpers.tui import sync, until
from textual.widgets import Checkbox, ProgressBar

from aa_tui.demo.server import DemoOptions
from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.model.cleanup import Outcome
from aa_tui.store.store import Store
from aa_tui.tui.screens.audit import AuditScreen
from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen
from aa_tui.tui.screens.cleanup.review import CleanConfirmScreen, CleanReviewScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.screens.group_detail import GroupDetailScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.group_list import GroupList
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.marks import Marks, MarksPane


# -- the marked set ------------------------------------------------------------------------------
def group(digest: str, size: int, *ids: str) -> dict:
    return {
        "hash": digest,
        "size": size,
        "copies": len(ids),
        "locations": [
            {
                "attachment_id": aid,
                "issue_key": f"P-{n}",
                "project_key": "P",
                "is_canonical": n == 0,
            }
            for n, aid in enumerate(ids)
        ],
    }


def test_a_group_mark_takes_every_copy_but_the_kept_one():
    marks = Marks()
    g = group("sha256:a", 100, "1", "2", "3")
    assert marks.toggle_group(g) is True
    assert sorted(marks.ids()) == ["2", "3"] and marks.size == 200 and marks.files == 2
    assert not marks.is_marked("1")
    assert marks.symbol(g) == "●"
    assert marks.toggle_group(g) is False and not marks and marks.symbol(g) == ""


def test_a_kept_or_removed_copy_is_never_marked():
    marks = Marks(removed={"3"})
    g = group("sha256:a", 100, "1", "2", "3")
    assert marks.toggle_copy(g, g["locations"][0]) is None  # the kept copy
    assert marks.toggle_copy(g, g["locations"][2]) is None  # removed already
    assert marks.toggle_copy(g, g["locations"][1]) is True
    assert marks.ids() == ["2"] and marks.symbol(g) == "●"  # every redundant copy left
    marks.mark_group(g)
    assert marks.ids() == ["2"]
    marks.forget({"2"})
    assert not marks and marks.toggle_group(g) is False  # one copy left: nothing to mark


def test_some_copies_marked_show_half_a_mark():
    marks = Marks()
    g = group("sha256:b", 10, "1", "2", "3")
    marks.toggle_copy(g, g["locations"][1])
    assert marks.symbol(g) == "◐"
    marks.toggle_group(g)  # completes the group
    assert marks.symbol(g) == "●" and marks.files == 2


# -- the app on a live demo site -----------------------------------------------------------------
@pytest.fixture
def site(small_site, tmp_path):
    """A fresh demo site (cleanups delete from it), scanned into a fresh data dir."""
    with AppSite(small_site, tmp_path) as s:
        yield s


async def open_results(pilot, scan_id: str, **kw) -> ResultsScreen:
    pilot.app.push_screen(ResultsScreen(scan_id, **kw))
    await until(pilot, lambda: isinstance(pilot.app.screen, ResultsScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.index is not None and screen.removed is not None)
    return screen


async def review(pilot) -> CleanReviewScreen:
    await pilot.press("D")
    await until(pilot, lambda: isinstance(pilot.app.screen, CleanReviewScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.review is not None)
    return screen


async def confirm(pilot, phrase: str, archive: Path | None = None) -> None:
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, CleanConfirmScreen))
    modal = pilot.app.screen
    modal.query_one("#confirm-phrase", TextInput).value = phrase
    if archive is not None:
        modal.query_one("#confirm-archive", TextInput).value = str(archive)
    await pilot.pause()
    await pilot.press("enter")


@sync
async def test_mark_review_confirm_apply_and_see_it_removed(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await pilot.press("2", "space", "space")
        marks = results.marks
        assert marks.files >= 2
        pane = results.query_one(MarksPane)
        assert pane.display and f"Marked {marks.files} files" in str(pane.render())
        marked = set(marks.ids())
        screen = await review(pilot)
        plan = screen.plan
        assert {d.attachment_id for d in plan.deletions} == marked
        assert all(d.keep_id not in marked for d in plan.deletions)
        assert not site.server.deleted  # reviewing changes nothing
        # a wrong phrase deletes nothing and says what to type; Escape (the default) cancels
        await confirm(pilot, "delete everything")
        assert isinstance(app.screen, CleanConfirmScreen) and not site.server.deleted
        said = str(app.screen.query_one("#confirm-problem").render())
        assert f"Type exactly  {plan.confirmation}" in said and "'delete everything'" in said
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CleanReviewScreen))
        archive = site.root.parent / "archive"
        await confirm(pilot, plan.confirmation, archive)
        await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
        apply = app.screen
        await until(pilot, lambda: apply.state == "done", timeout=60)
        done = str(apply.query_one("#apply-state").render())
        assert f"A copy of every deleted file is in {archive}" in done
        assert (archive / "manifest.jsonl").exists()
        assert site.deleted_ids() == marked  # exactly the plan, the site says
        kept = {d.keep_id for d in plan.deletions}
        assert not kept & site.deleted_ids()
        assert apply.outcome.freed_total == sum(d.size for d in plan.deletions)
        assert len(apply.listed) == len(marked)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        await until(pilot, lambda: results.summary_shown.cleaned is not None)
        assert results.removed.ids == marked and results.removed.freed == plan.size
        assert not results.marks  # removed copies are no longer marked
        title = str(results.query_one("#scan-title").render())
        assert f"since the scan: {len(marked)} files removed" in title
        # the group detail shows them removed, and refuses to mark them (a cleaned group
        # wastes nothing now: it sorts last)
        await pilot.press("G", "enter")
        await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
        detail = app.screen
        removed_here = [
            loc for loc in detail.locations if str(loc["attachment_id"]) in results.removed.ids
        ]
        assert removed_here
        await pilot.press("escape")
        # the audit lists every file
        app.action_audit()
        await until(pilot, lambda: isinstance(app.screen, AuditScreen) and app.screen.entries)
        entries = app.screen.entries
        assert {e.attachment_id for e in entries} == marked
        assert all(e.outcome is Outcome.DELETED for e in entries)


@sync
async def test_mark_all_in_view_follows_the_filter(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await pilot.press("2")
        pane = results.query_one("#groups-pane")
        from aa_tui.tui.group_index import GroupFilter

        pane.set_filter(GroupFilter.parse("project:OPS"))
        await pilot.pause()
        view = list(pane.group_list.view)
        assert 0 < len(view) < len(results.index)
        await pilot.press("M")
        await until(pilot, lambda: results.marks.groups == len(view))
        expected = sum(results.index.groups[i]["copies"] - 1 for i in view)
        assert results.marks.files == expected
        await pilot.press("U")
        assert not results.marks and not results.query_one(MarksPane).display
        # quick wins: Space marks the group under the cursor there too
        await pilot.press("8", "space")
        assert results.marks.groups == 1


@sync
async def test_detail_marks_one_copy_never_the_kept_one(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await pilot.press("2", "enter")
        await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
        detail = app.screen
        await pilot.press("space")  # the kept copy (first row): refused
        assert not results.marks
        await pilot.press("space")  # the cursor moved? no: still the kept copy
        assert not results.marks
        await pilot.press("j", "space")
        assert results.marks.ids() == [str(detail.locations[1]["attachment_id"])]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        assert results.query_one(MarksPane).display


@sync
async def test_cancel_stops_after_the_writes_in_flight_and_resumes(small_site, tmp_path):
    site = AppSite(small_site, tmp_path)  # scanned at full speed (with the latency: ~2 s more)
    try:
        site.server.options = DemoOptions(latency_s=0.05)  # writes slow enough to stop between
        app = site.app()
        async with app.run_test(size=(120, 36)) as pilot:
            results = await open_results(pilot, site.scan_id)
            await pilot.press("2", "M")
            await until(pilot, lambda: results.marks.groups == len(results.index))
            marked = set(results.marks.ids())
            screen = await review(pilot)
            await confirm(pilot, screen.plan.confirmation)
            await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
            apply = app.screen
            await until(pilot, lambda: len(apply.listed) >= 2, timeout=60)
            await pilot.press("escape")
            await until(pilot, lambda: apply.state == "stopped", timeout=60)
            stopped_at = site.deleted_ids()
            assert stopped_at < marked  # some, not all
            assert apply.outcome is not None and apply.outcome.pending
            assert apply.query_one(ProgressBar).percentage < 1  # a stopped run is not full
            await pilot.press("r")
            await until(pilot, lambda: len(apply.listed) > len(stopped_at) + 1, timeout=60)
            await pilot.press("escape")  # stopped once more: go back, D offers the plan again
            await until(pilot, lambda: apply.state == "stopped", timeout=60)
            assert site.deleted_ids() < marked
            # the bar is the whole plan's (found trying the app: 54 of 306 files read as 9%),
            # and the counters say they are this run's
            share = len(site.deleted_ids()) / len(marked)
            assert abs(apply.query_one(ProgressBar).percentage - share) <= 1.5 / len(marked)
            assert "This run: deleted" in str(apply.query_one("#apply-stats").render())
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is results)
            screen = await review(pilot)
            assert screen.resumable and screen.review.files == len(marked - site.deleted_ids())
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
            resumed = app.screen
            await until(pilot, lambda: resumed.state == "done", timeout=90)
            assert site.deleted_ids() == marked  # exactly the plan, over three runs
    finally:
        site.close()


@sync
async def test_a_past_scan_is_read_only_until_rechecked(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_results(pilot, site.scan_id, from_history=True)
        await pilot.press("2", "space", "space")
        screen = await review(pilot)
        assert "read-only for cleanup until re-checked" in str(
            screen.query_one("#review-notes").render()
        )
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen  # refused: no confirmation
        # a copy vanishes from Jira meanwhile: the re-check leaves it out
        gone = screen.plan.deletions[0]
        import httpx

        with httpx.Client(base_url=site.server.base_url, auth=site.server.auth) as http:
            assert http.delete(
                f"/rest/api/3/attachment/{gone.attachment_id}",
                headers={"X-Atlassian-Token": "no-check"},
            ).status_code in (200, 204)
        files = screen.plan.files
        await pilot.press("R")
        await until(pilot, lambda: screen.rechecked, timeout=30)
        assert screen.plan.files == files - 1
        assert gone.attachment_id in screen.left_out
        # the note stays with the plan (a resumed run's review shows it): it says when
        (note,) = [n for n in screen.plan.notes if n.startswith("Re-checked against Jira on ")]
        assert note.endswith(f"UTC: {files - 1:,} of {files:,} files and their kept copies were "
                             "there as scanned.")  # fmt: skip
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))


@sync
async def test_a_metadata_scan_says_cleanup_needs_an_exact_scan(small_site, tmp_path):
    site = AppSite(small_site, tmp_path, verify="metadata")
    try:
        app = site.app()
        async with app.run_test(size=(120, 36)) as pilot:
            results = await open_results(pilot, site.scan_id)
            await pilot.press("2", "space", "M", "D")
            await pilot.pause()
            assert not results.marks and app.screen is results
            # one notice, not one per key pressed (they stacked over the list)
            said = [n.message for n in app._notifications if "needs an exact scan" in n.message]
            assert len(said) == 1, said
    finally:
        site.close()


def test_recheck_leaves_out_copies_whose_kept_copy_is_gone(site):
    """The service behind R: nothing written, each id asked once, the reasons named."""
    import httpx

    from aa_tui.model.cleanup import PlanFilters
    from aa_tui.service.workspace import Workspace

    workspace = Workspace(Store(site.root), governor_factory=fast_governor)
    try:
        cleanup = workspace.cleanup()
        plan = cleanup.plan(site.scan_id, PlanFilters(limit=6))
        by_group = plan.by_group()
        assert len(by_group) >= 2
        kept_gone = by_group[0][1][0].keep_id
        with httpx.Client(base_url=site.server.base_url, auth=site.server.auth) as http:
            http.delete(
                f"/rest/api/3/attachment/{kept_gone}", headers={"X-Atlassian-Token": "no-check"}
            )
        said: list[tuple[int, int]] = []
        result = cleanup.recheck(plan, site.server.token, progress=lambda *n: said.append(n))
        orphans = {d.attachment_id for d in by_group[0][1]}
        assert set(result.problems) == orphans
        assert all(f"kept copy {kept_gone} is gone" in why for why in result.problems.values())
        assert set(result.present) == {d.attachment_id for d in plan.deletions} - orphans
        assert site.deleted_ids() == {kept_gone}  # the re-check itself wrote nothing
        ids = {d.attachment_id for d in plan.deletions} | {d.keep_id for d in plan.deletions}
        assert result.checked == len(ids)
        assert said == [(n, len(ids)) for n in range(1, len(ids) + 1)]  # the app shows it
    finally:
        workspace.close()


def test_recheck_asks_about_several_files_at_once(site):
    """One at a time, a tester's 535 files took ~85 s: a few reads are in flight at once."""
    import threading
    import time

    from aa_tui.model.cleanup import PlanFilters
    from aa_tui.service.cleanup.recheck import recheck_plan
    from aa_tui.service.workspace import Workspace

    workspace = Workspace(Store(site.root), governor_factory=fast_governor)
    try:
        plan = workspace.cleanup().plan(site.scan_id, PlanFilters(limit=8))
    finally:
        workspace.close()
    auth = ApiToken(site.server.email, site.server.token)
    client = CloudClient(site.server.base_url, auth, governor=fast_governor())
    asked = client.attachment
    lock, active, most = threading.Lock(), [0], [0]

    def attachment(aid):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            time.sleep(0.05)  # a slow answer: the next ones are asked meanwhile
            return asked(aid)
        finally:
            with lock:
                active[0] -= 1

    client.attachment = attachment
    result = recheck_plan(plan, lambda: client)
    assert result.ok and len(result.present) == plan.files
    assert most[0] > 1


@sync
async def test_missing_delete_permission_is_said_and_nothing_is_deleted(small_site, tmp_path):
    from aa_tui.tui.screens.error import ErrorScreen

    site = AppSite(small_site, tmp_path, DemoOptions(delete_permission="none"))
    try:
        app = site.app()
        async with app.run_test(size=(120, 36)) as pilot:
            await open_results(pilot, site.scan_id)
            await pilot.press("2", "space", "space")
            screen = await review(pilot)
            await confirm(pilot, screen.plan.confirmation)
            await until(pilot, lambda: isinstance(app.screen, ErrorScreen), timeout=60)
            message = str(app.screen.message)
            assert '"Delete all attachments"' in message and "nothing was deleted" in message
            apply = app.screen_stack[-2]
            assert isinstance(apply, CleanApplyScreen) and apply.state == "failed"
            assert not site.server.deleted
    finally:
        site.close()


@sync
async def test_quitting_during_a_cleanup_asks_first(app, scanned):
    from aa_tui.model.cleanup import PlanFilters

    async with app.run_test(size=(120, 36)) as pilot:
        plan = app.workspace.cleanup().plan(scanned.exact_id, PlanFilters(limit=2))
        screen = CleanApplyScreen(plan, "token", start=False)
        app.push_screen(screen)
        await pilot.pause()
        screen.state = "running"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # the default: keep cleaning
        await until(pilot, lambda: app.screen is screen)
        assert app.is_running and screen.state == "running"


def _overview(results) -> str:
    from rich.console import Console

    from aa_tui.tui.widgets.overview import Overview

    console = Console(width=160, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(results.query_one(Overview).shown)
    return console.export_text()


@sync
async def test_the_figures_after_a_cleanup_are_net_of_it_and_back_after_a_restore(site):
    """The Overview, Quick wins, the group list, a group's detail and the what-if say what
    the site holds after the cleanup (its own truth), and the scan's figures after a restore."""
    from aa_tui.model.units import size_text
    from aa_tui.tui.screens.insights.screen import InsightsScreen

    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        scanned = results.summary.totals
        top = results.summary.quick_wins[0]
        assert size_text(scanned.total_size) in _overview(results)
        await pilot.press("8", "space")  # every redundant copy of the top quick win
        marked = set(results.marks.ids())
        assert len(marked) == top["copies"] - 1
        screen = await review(pilot)
        archive = site.root.parent / "archive"
        await confirm(pilot, screen.plan.confirmation, archive)
        await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
        await until(pilot, lambda: app.screen.state == "done", timeout=60)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        await until(pilot, lambda: results.summary_shown.cleaned is not None)
        truth = site.server.truth()
        net = results.summary_shown.totals
        assert (net.total_files, net.total_size) == (truth.total_files, truth.total_size)
        assert (net.duplicate_size, net.duplicate_files) == (
            truth.duplicate_size,
            truth.duplicate_files,
        )
        text = _overview(results)
        assert "After cleanup:" in text and f"{len(marked)} files removed" in text
        assert size_text(truth.total_size) in text and size_text(scanned.total_size) not in text
        assert f"{size_text(truth.duplicate_size)} ({truth.waste_pct:.1f}%)" in text
        # Quick wins: the cleaned group is gone from them; the group list says it wastes nothing
        wins = results.query_one("#wins", GroupList)
        assert top["hash"] not in {g["hash"] for g in wins.groups}
        await until(pilot, lambda: results.index is not None and _row_of(results, top) is not None)
        row = _row_of(results, top)
        assert (row["copies"], row["wasted_size"]) == (1, 0)
        await pilot.press("2")
        pane = results.query_one("#groups-pane")
        # the list says how many of its groups are duplicates no more (found trying the app:
        # "220 groups" over an Overview counting 204)
        await until(
            pilot,
            lambda: "(1 cleaned: one copy left)" in str(pane.query_one("#groups-status").render()),
        )
        from aa_tui.tui.group_index import GroupFilter

        pane.set_filter(GroupFilter.parse(top["file_name"]))
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
        head = str(app.screen.query_one("#group-head").render())
        assert "wasted 0 B" in head and "× 1 copy " in head
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        # the what-if starts from what the site holds now
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        insights = app.screen
        await until(pilot, lambda: insights.insights is not None)
        assert insights.insights.table("what_if")[0].remaining_size == truth.total_size
        assert "after cleanup" in str(insights.query_one("#insights-title").render())
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        # History says which scan was cleaned, and what that freed
        assert _history_cleaned(app, pilot, site.scan_id) is None
        await pilot.press("H")
        await until(pilot, lambda: _history_cleaned(app, pilot, site.scan_id) is not None)
        assert _history_cleaned(app, pilot, site.scan_id) == size_text(
            scanned.duplicate_size - net.duplicate_size
        )
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        # a restore puts every file back: the figures are the scan's again
        cleanup = app.workspace.cleanup()
        restore = cleanup.restore_plan(archive)
        assert cleanup.restore(restore, site.server.token).run().uploaded == len(marked)
        await pilot.press("H")  # away and back: the results read the audit again
        await until(pilot, lambda: _history_cleaned(app, pilot, site.scan_id) == "-")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        await until(pilot, lambda: results.summary_shown.cleaned is None)
        assert results.summary_shown.totals == scanned
        assert "cleaned" not in str(results.query_one("#scan-title").render())
        assert size_text(scanned.total_size) in _overview(results)
        await until(pilot, lambda: _row_of(results, top)["copies"] == top["copies"])


def _row_of(results, group):
    index = results.index
    if index is None:
        return None
    return next((g for g in index.groups if g["hash"] == group["hash"]), None)


def _history_cleaned(app, pilot, scan_id):
    """History's Cleaned cell of ``scan_id`` (None: History is not open)."""
    from aa_tui.tui.screens.history import HistoryScreen
    from aa_tui.tui.widgets.tables import VimDataTable

    if not isinstance(app.screen, HistoryScreen):
        return None
    table = app.screen.query_one(VimDataTable)
    labels = [str(c.label) for c in table.columns.values()]
    return str(table.get_row(scan_id)[labels.index("Cleaned")])


@sync
async def test_a_recheck_of_one_file_says_one_file(site):
    """Issue 19 #12: the re-check said "1 files can go"."""
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_results(pilot, site.scan_id, from_history=True)
        await pilot.press("2", "j", "enter")
        await until(pilot, lambda: isinstance(app.screen, GroupDetailScreen))
        await pilot.press("j", "space", "escape")
        await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
        screen = await review(pilot)
        assert screen.plan.files == 1
        await pilot.press("R")
        await until(pilot, lambda: screen.rechecked, timeout=30)
        await pilot.pause()
        said = [n.message for n in app._notifications]
    assert "Re-checked 2 attachments: 1 file can go." in said, said


@sync
async def test_a_run_that_posted_comments_ends_at_100_percent(site):
    """Found trying the app: "Finished." over a full bar read "0%" when comments were posted
    (their count has no total): the figure agrees with the bar."""
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_results(pilot, site.scan_id)
        await pilot.press("2", "space", "space")
        screen = await review(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
        modal = app.screen
        modal.query_one("#confirm-phrase", TextInput).value = screen.plan.confirmation
        modal.query_one("#confirm-comment", Checkbox).value = True
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
        apply = app.screen
        await until(pilot, lambda: apply.state == "done", timeout=60)
        await pilot.pause()
        assert apply.outcome.comments > 0
        assert str(apply.query_one("#apply-phase").render()) == "Finished."
        assert apply.query_one(ProgressBar).percentage == 1
        assert str(apply.query_one("#percentage").render()) == "100%"
