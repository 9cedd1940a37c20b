"""Marking files in the insight lists and the what-if, on real HTTP against the demo site:
marks from two lists make one plan; the review says which files are archived first; the
confirmation will not go on without an archive when the plan holds an only copy, remembers the
destination per site; the apply archives each only copy with equal bytes before deleting it."""

from __future__ import annotations

import time

import pytest
from helpers.sites import AppSite
from helpers.tui import sync, until
from test_tui_clean import confirm, open_results
from textual.widgets import Static

from aa_tui.archive import read_manifest
from aa_tui.model.cleanup import PlanFilters
from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen
from aa_tui.tui.screens.cleanup.review import CleanConfirmScreen, CleanReviewScreen
from aa_tui.tui.screens.error import ErrorScreen
from aa_tui.tui.screens.insights.files import FilesScreen
from aa_tui.tui.screens.insights.screen import InsightsScreen
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.marks import MarksPane
from aa_tui.tui.widgets.tables import VimDataTable


@pytest.fixture
def site(small_site, tmp_path):
    with AppSite(small_site, tmp_path) as s:
        yield s


async def open_insights(pilot, results) -> InsightsScreen:
    await pilot.press("i")
    await until(pilot, lambda: isinstance(pilot.app.screen, InsightsScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.insights is not None)
    return screen


async def review_a_hygiene_row(pilot, results) -> CleanReviewScreen:
    """Space on the first hygiene row of the insights shown (every file of that kind), then
    D: the review, once its plan is made."""
    await pilot.press("6", "space")
    await until(pilot, lambda: bool(results.marks))
    await pilot.press("D")
    await until(pilot, lambda: isinstance(pilot.app.screen, CleanReviewScreen))
    review = pilot.app.screen
    await until(pilot, lambda: review.review is not None)
    return review


async def mark_two_lists(pilot, results, site: AppSite) -> tuple[set[str], set[str]]:
    """Space on the first hygiene row (every file of that kind), then Space on the first
    file of the stale files; returns (the hygiene kind's files, the stale file)."""
    app = pilot.app
    insights = await open_insights(pilot, results)
    await pilot.press("6")  # hygiene
    kind = insights.insights.table("hygiene")[0].kind
    hygiene = {f.attachment_id for f in app.workspace.files(site.scan_id, "hygiene", kind)}
    assert hygiene
    await pilot.press("space")
    await until(pilot, lambda: results.marks.files == len(hygiene))
    assert set(results.marks.ids()) == hygiene
    pane = insights.query_one(MarksPane)
    assert pane.display and f"Marked {len(hygiene)} files" in str(pane.render())
    await pilot.press("8")  # every number: the third row is the stale files
    table = insights.query_one("#lists-table", VimDataTable)
    table.move_cursor(row=2)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.shown)
    files = app.screen
    first = next(f for f in files.shown if f.attachment_id not in hygiene)
    files.query_one(VimDataTable).move_cursor(row=files.shown.index(first))
    await pilot.press("space")
    assert results.marks.is_marked(first.attachment_id)
    assert str(files.query_one(VimDataTable).get_cell_at((files.shown.index(first), 0))) == (
        f"● {first.issue_key}"
    )
    return hygiene, {first.attachment_id}


@sync
async def test_marks_from_two_lists_make_one_plan_archived_before_each_delete(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        hygiene, stale = await mark_two_lists(pilot, results, site)
        marked = hygiene | stale
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, CleanReviewScreen))
        review = app.screen
        await until(pilot, lambda: review.review is not None)
        plan = review.plan
        assert {d.attachment_id for d in plan.deletions} == marked
        only = {d.attachment_id for d in plan.only_copies}
        assert only and stale <= only
        totals = str(review.query_one("#review-totals").render())
        assert f"Archived first (no other copy): {len(only)} files" in totals
        table = review.query_one("#review-groups", VimDataTable)
        kept = [str(table.get_cell_at((n, 2))) for n in range(table.row_count)]
        assert kept.count("archived first (no other copy)") == len(only)
        # no destination: refused in one sentence, nothing deleted
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
        modal = app.screen
        assert "an archive is required" in str(modal.query_one("#confirm-required").render())
        modal.query_one("#confirm-phrase", TextInput).value = plan.confirmation
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal and not site.server.deleted
        said = str(modal.query_one("#confirm-problem").render())
        assert said.startswith("Name an archive first") and "no other copy" in said
        # a directory: archived, verified, deleted; remembered for the site
        archive = site.root.parent / "archive"
        modal.query_one("#confirm-archive", TextInput).value = str(archive)
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
        apply = app.screen
        await until(pilot, lambda: apply.state == "done", timeout=90)
        assert site.deleted_ids() == marked  # exactly the plan, the site says
        stats = str(apply.query_one("#apply-stats").render())
        assert f"Archived and verified {len(marked)} files" in stats, stats
        lines = {line["id"]: line for line in read_manifest(archive / "manifest.jsonl")}
        for aid in marked:
            assert (archive / lines[aid]["path"]).read_bytes() == site.data.read(aid)
        assert app.workspace.archive_destination(plan.site) == str(archive)


@sync
async def test_the_review_counts_marked_files_on_recent_issues_by_the_settings_window(site):
    """protect_days in the settings file is the app's window too (it was read, then the
    review counted by a fixed 30 days)."""
    app = site.app()
    app.settings.protect_days = 100_000  # every issue of the demo was updated within it
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await open_insights(pilot, results)
        review = await review_a_hygiene_row(pilot, results)
        files = len(review.plan.deletions)
        said = [n for n in review.plan.notes if "updated in the last" in n]
        assert said == [
            f"{files:,} marked files sit on issues updated in the last 100000 days: kept in "
            "the plan, as marked by hand (unmark what should stay)."
        ]


@sync
async def test_the_confirmation_offers_the_sites_last_destination(site, tmp_path):
    app = site.app()
    app.workspace.remember_archive_destination(site.server.base_url, str(tmp_path / "kept"))
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot, results)
        await review_a_hygiene_row(pilot, results)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
        field = app.screen.query_one("#confirm-archive", TextInput)
        assert field.value == str(tmp_path / "kept")
        await pilot.press("escape", "escape")
        await until(pilot, lambda: app.screen is insights)
        # U unmarks the rows in view, z puts the marks back
        marked = set(results.marks.ids())
        await pilot.press("U")
        await until(pilot, lambda: not results.marks)
        await pilot.press("z")
        assert set(results.marks.ids()) == marked


@sync
async def test_what_if_rows_say_how_much_a_confirmed_plan_deletes(site):
    """Planned: what a confirmed plan (applied, unfinished) still deletes; a dry run's saved
    plan is a preview and plans nothing (a few dry runs once read as the whole site)."""
    app = site.app()
    cleanup = app.workspace.cleanup()
    results = app.workspace.results(site.scan_id)
    ids = [str(loc["attachment_id"]) for g in results.groups()[:3] for loc in g["locations"][1:]]
    for _ in range(2):  # dry runs: each saves a plan, none is confirmed
        cleanup.save(cleanup.plan(site.scan_id, PlanFilters()))
    steps = [s.step for s in app.workspace.insights(site.scan_id).table("what_if")]
    assert app.workspace.what_if_planned(site.scan_id, steps) == {}
    plan = cleanup.save(cleanup.plan(site.scan_id, PlanFilters(attachment_ids=tuple(ids))))
    cleanup.apply(plan, site.server.token)  # confirmed; the run is not started: unfinished
    planned = app.workspace.what_if_planned(site.scan_id, steps)
    assert planned[steps[0]] == plan.size > 0  # "as it is": every file
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot, screen)
        await pilot.press("2")
        table = insights.query_one("#what_if-table", VimDataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert "Planned" in labels
        column = labels.index("Planned")
        steps = [s.step for s in insights.insights.table("what_if")]
        cells = {steps[n]: str(table.get_cell_at((n, column))) for n in range(table.row_count)}
        assert insights.planned == planned
        assert any(cell for cell in cells.values())
        # Space on a what-if row marks every file of it
        row = next(n for n, s in enumerate(steps) if s != "as it is")
        table.move_cursor(row=row)
        await pilot.press("space")
        want = {f.attachment_id for f in app.workspace.files(site.scan_id, "what_if", steps[row])}
        await until(pilot, lambda: set(screen.marks.ids()) == want)


@sync
async def test_space_on_two_rows_in_a_row_marks_both(site):
    """Each Space moves down at once and each row's read is applied (the second key once
    cancelled the first read, and the cursor moved when a read ended, not at the key)."""
    app = site.app()
    files = app.workspace.files

    def slow_files(*args, **kwargs):  # a big site's read: the next key comes first
        time.sleep(0.5)
        return files(*args, **kwargs)

    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot, results)
        app.workspace.files = slow_files
        await pilot.press("2", "j", "space", "space")
        steps = [s.step for s in insights.insights.table("what_if")]
        want = set()
        for step in steps[1:3]:
            want |= {f.attachment_id for f in app.workspace.files(site.scan_id, "what_if", step)}
        await until(pilot, lambda: set(results.marks.ids()) == want)
        assert insights.query_one("#what_if-table", VimDataTable).cursor_row == 3


@sync
async def test_back_on_insights_after_a_cleanup_the_figures_are_after_it(site, tmp_path):
    """Found trying the app: after applying from Insights, Escape came back to the figures
    from before the cleanup."""
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot, results)
        before = insights.summary.totals.total_files
        review = await review_a_hygiene_row(pilot, results)
        files = results.marks.files  # what the review plans to delete
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
        modal = app.screen
        modal.query_one("#confirm-phrase", TextInput).value = review.plan.confirmation
        modal.query_one("#confirm-archive", TextInput).value = str(tmp_path / "archive")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
        apply = app.screen
        await until(pilot, lambda: apply.state == "done", timeout=90)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is insights)
        await until(pilot, lambda: insights.summary.totals.total_files == before - files)


@sync
async def test_m_marks_the_rows_in_view_and_the_files_in_view(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot, results)
        await pilot.press("6", "M")  # every hygiene kind
        every = set()
        for row in insights.insights.table("hygiene"):
            every |= {
                f.attachment_id for f in app.workspace.files(site.scan_id, "hygiene", row.kind)
            }
        await until(pilot, lambda: set(results.marks.ids()) == every)
        await pilot.press("U")
        await until(pilot, lambda: not results.marks)
        # a list of files filtered: M marks the files in view only
        await pilot.press("8", "enter")  # every file, largest first
        await until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.shown)
        files = app.screen
        await pilot.press("slash", *"type:pdf", "enter")
        await until(pilot, lambda: files.text == "type:pdf")
        shown = {f.attachment_id for f in files.shown}
        assert 0 < len(shown) < len(files.files)
        await pilot.press("M")
        await until(pilot, lambda: set(results.marks.ids()) == shown)


@sync
async def test_z_undoes_the_last_mark_change_and_help_lists_it(site):
    """Found trying the app: on Insights z undid only U (after M it did nothing, silently),
    and ? did not list it."""
    from aa_tui.tui.screens.help import HelpScreen

    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot, results)
        await pilot.press("6")  # hygiene: a row per kind
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        listed = {row.binding_id: row.keys for row in app.screen.rows}
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is insights)
        assert listed.get("insights.undo_unmark") == "z"
        # M, then z: no mark
        await pilot.press("M")
        await until(pilot, lambda: bool(results.marks))
        every = set(results.marks.ids())
        await pilot.press("z")
        assert not results.marks
        # Space, then z: no mark
        await pilot.press("space")
        await until(pilot, lambda: bool(results.marks))
        one = set(results.marks.ids())
        assert one < every
        await pilot.press("z")
        assert not results.marks
        # M, U, then z: the marks of M again
        await pilot.press("M")
        await until(pilot, lambda: set(results.marks.ids()) == every)
        await pilot.press("U")
        await until(pilot, lambda: not results.marks)
        await pilot.press("z")
        assert set(results.marks.ids()) == every
        # z once more: nothing left to undo, and it says so
        await pilot.press("z")
        assert set(results.marks.ids()) == every
        assert any("Nothing to undo" in n.message for n in app._notifications)


@sync
async def test_z_undoes_a_mark_made_in_a_file_list_after_leaving_it(site):
    """An M in a list, then Escape (the reflex after a wrong M) and z: the marks come back
    (z said "Nothing to undo" once the list was left, and only U, unmarking everything,
    was left)."""
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot, results)
        await pilot.press("6", "space")  # a mark of one's own first
        await until(pilot, lambda: bool(results.marks))
        before = set(results.marks.ids())
        await pilot.press("8")
        table = insights.query_one("#lists-table", VimDataTable)
        table.move_cursor(row=0)  # every file, largest first
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.shown)
        await pilot.press("M")
        await until(pilot, lambda: set(results.marks.ids()) > before)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is insights)
        await pilot.press("z")
        assert set(results.marks.ids()) == before
        await pilot.press("escape")  # and from the results, after a change in the insights
        await until(pilot, lambda: app.screen is results)
        await pilot.press("z")
        assert any("Nothing to undo" in n.message for n in app._notifications)  # undone once


@sync
async def test_a_destination_that_failed_is_not_offered_next_time(site, tmp_path, s3_archive,
                                                                  monkeypatch):  # fmt: skip
    """Found trying the app: an S3 archive with no credentials failed, and the next
    confirmation offered it again; a destination is kept only once a run has prepared it."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    app = site.app()
    kept = str(tmp_path / "kept")
    app.workspace.remember_archive_destination(site.server.base_url, kept)
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await open_insights(pilot, results)
        review = await review_a_hygiene_row(pilot, results)
        plan = review.plan
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
        modal = app.screen
        modal.query_one("#confirm-archive", TextInput).value = s3_archive
        modal.query_one("#confirm-phrase", TextInput).value = plan.confirmation
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ErrorScreen), timeout=60)
        said = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "No AWS credentials" in said, said
        assert not site.server.deleted
        assert app.workspace.archive_destination(plan.site) == kept


@sync
async def test_the_closing_line_of_an_s3_archive_names_what_lists_its_files(site, s3_archive):
    """The app's closing line said "(manifest.jsonl)" of an S3 archive too, whose files are
    listed under its manifest.d/: the rule was mended in the command line's line only."""
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await open_insights(pilot, results)
        review = await review_a_hygiene_row(pilot, results)
        await confirm(pilot, review.plan.confirmation, s3_archive)
        await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
        apply = app.screen
        await until(pilot, lambda: apply.state == "done", timeout=90)
        done = str(apply.query_one("#apply-state").render())
        assert f"A copy of every deleted file is in {s3_archive} (manifest.d/)." in done, done


def test_the_marks_pane_counts_groups_apart_from_files_marked_by_themselves():
    """'Marked 542 files in 2 groups' when 537 of them were a stale row's files."""
    from aa_tui.tui.widgets.marks import Marks

    group = {
        "hash": "sha256:aa",
        "size": 10,
        "locations": [
            {"attachment_id": "1", "is_canonical": True},
            {"attachment_id": "2"},
            {"attachment_id": "3"},
        ],
    }
    marks = Marks()
    marks.mark_group(group)
    assert (marks.groups, marks.loose) == (1, 0)
    marks.mark_files({"7": 5, "8": 5, "2": 10})  # "2" is one of the group's marked copies
    assert (marks.files, marks.groups, marks.loose) == (4, 1, 2)
