"""Defects a tester found driving the app through a cleanup (round 22): what the screens under
an apply show once it ends, the Data Center migration table, the Clutter marks, the review of an
interrupted plan, the wording and the footers. Keys pressed on the real app, on real HTTP
against the demo site (Cloud and Data Center modes)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from helpers.sites import AppSite
from helpers.tui import run, sync, until, wait_for_workers
from rich.console import Console
from test_tui_clean import open_results, review

from aa_tui.demo.server import DemoOptions
from aa_tui.model.cleanup import ProofKind
from aa_tui.model.cloud_plans import migration_rows
from aa_tui.model.forecast import decimal_size
from aa_tui.model.units import size_text
from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen
from aa_tui.tui.screens.cleanup.review import CleanConfirmScreen
from aa_tui.tui.screens.insights.files import FilesScreen
from aa_tui.tui.screens.insights.screen import InsightsScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.insights_chart import GrowthChart
from aa_tui.tui.widgets.marks import MARK, MarksPane
from aa_tui.tui.widgets.overview import Overview
from aa_tui.tui.widgets.tables import VimDataTable


def rendered(renderable, width: int = 116) -> str:
    """A Rich renderable as the plain text it draws."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


@pytest.fixture
def site(small_site, tmp_path):
    with AppSite(small_site, tmp_path) as s:
        yield s


@pytest.fixture
def dc_site(small_site, tmp_path):
    """A fresh Data Center demo server, scanned with a personal access token."""
    with AppSite(small_site, tmp_path, data_center=True) as s:
        yield s


def screen_text(app, width: int = 120) -> str:
    """What the screen shows now, as text."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


async def open_insights(pilot) -> InsightsScreen:
    await pilot.press("i")
    await until(pilot, lambda: isinstance(pilot.app.screen, InsightsScreen))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.insights is not None)
    return screen


async def apply_marked(pilot, archive=None) -> CleanApplyScreen:
    """From a screen with marks: D, a, the typed phrase (and an archive), Enter; waits for
    the run to end."""
    app = pilot.app
    screen = await review(pilot)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
    modal = app.screen
    modal.query_one("#confirm-phrase", TextInput).value = screen.plan.confirmation
    if archive is not None:
        modal.query_one("#confirm-archive", TextInput).value = str(archive)
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
    apply = app.screen
    await until(pilot, lambda: apply.state == "done", timeout=90)
    return apply


# -- 1. the Data Center "Moving to Jira Cloud" table is net of a cleanup ---------------------------
@sync
async def test_the_migration_table_is_net_of_a_cleanup(dc_site):
    app = dc_site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, dc_site.scan_id)
        before = migration_rows(results.summary_shown.what_if)[0].remaining
        await pilot.press("2", "M")
        await until(pilot, lambda: bool(results.marks))
        freed = results.marks.size
        await apply_marked(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        await until(pilot, lambda: results.summary_shown.cleaned is not None)
        await pilot.press("1")
        await pilot.pause()
        shown = rendered(results.query_one(Overview).shown)
        html = app.workspace.after_cleanup(dc_site.scan_id, app.settings.insights).summary
    net = migration_rows(html.what_if)[0].remaining
    assert net == before - freed  # as the HTML report says
    flat = " ".join(shown.split())
    assert f"As it is, {decimal_size(net)} of attachments" in flat
    assert f"as it is {decimal_size(net)}" in flat  # the table's first row


# -- 2. Space on a Clutter row marks the group's redundant copies, never its kept copy -------------
@sync
async def test_space_on_a_clutter_row_marks_its_redundant_copies_and_keeps_one(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        # the small demo site's biggest groups have 5 copies
        app.settings.insights = replace(app.settings.insights, clutter_copies=4)
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot)
        await pilot.press("5")  # clutter
        group = insights.insights.table("clutter")[0]
        every = app.workspace.files(site.scan_id, "clutter", group.hash)
        copies = {f.attachment_id for f in every if f.is_copy}
        kept = {f.attachment_id for f in every} - copies
        assert len(kept) == 1 and len(copies) == group.copies - 1
        await pilot.press("space")
        await until(pilot, lambda: bool(results.marks))
        assert set(results.marks.ids()) == copies
        screen = await review(pilot)
        plan, said = screen.plan, screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is insights)
        # U on the row unmarks every copy of it, the kept one too if it was marked on its list
        results.marks.mark_files({next(iter(kept)): 1})
        await pilot.press("up", "U")
        await until(pilot, lambda: not results.marks)
    assert {d.attachment_id for d in plan.deletions} == copies
    assert all(d.proof.kind == ProofKind.REDUNDANT_COPY for d in plan.deletions)
    assert {d.proof.keep_id for d in plan.deletions} == kept
    assert f"Remove {len(copies)} files" in said and "in 1 group " in said
    assert "archived first" not in said


# -- 3. back from an apply, the marks and the lists underneath are net of it ----------------------
@sync
async def test_back_from_an_apply_the_marks_and_lists_underneath_lose_the_removed_files(
    site, tmp_path
):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot)
        await pilot.press("6", "space")  # every file of the first hygiene kind
        await until(pilot, lambda: bool(results.marks))
        marked = set(results.marks.ids())
        await pilot.press("up", "enter")  # that kind's files
        await until(pilot, lambda: isinstance(app.screen, FilesScreen) and app.screen.shown)
        files = app.screen
        table = files.query_one(VimDataTable)
        assert all(str(table.get_cell_at((n, 0))).startswith(MARK) for n in range(len(marked)))
        await apply_marked(pilot, archive=tmp_path / "archive")
        assert site.deleted_ids() == marked
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is files)
        await until(pilot, lambda: not files.shown)  # every file of the list was removed
        assert not results.marks and not files.query_one(MarksPane).display
        assert "0 files" in str(files.query_one("#files-title").render())
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is insights)
        await until(pilot, lambda: insights.summary.cleaned is not None)
        await pilot.pause()
        pane = str(insights.query_one(MarksPane).render())
        shown = insights.query_one(MarksPane).display
    assert "Marked" not in pane and not shown


@sync
async def test_back_on_insights_from_an_apply_its_marks_are_gone(site, tmp_path):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot)
        await pilot.press("6", "space")
        await until(pilot, lambda: bool(results.marks))
        await apply_marked(pilot, archive=tmp_path / "archive")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is insights)
        await until(pilot, lambda: insights.summary.cleaned is not None)  # read again
        await pilot.pause()
        pane = insights.query_one(MarksPane)
        said, shown = str(pane.render()), pane.display
    assert not results.marks and "Marked" not in said and not shown


# -- 4. the growth chart's title and bars stay one project's after a cleanup -----------------------
@sync
async def test_the_growth_of_a_project_stays_that_projects_after_a_cleanup(site, tmp_path):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        insights = await open_insights(pilot)
        await pilot.press("6", "space")
        await until(pilot, lambda: bool(results.marks))
        await pilot.press("p")  # the growth of the biggest project
        project = insights.project
        chart, table = insights.query_one(GrowthChart), insights.query_one("#growth-table")
        await until(pilot, lambda: f"project {project}" in chart.heading)
        await apply_marked(pilot, archive=tmp_path / "archive")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is insights)
        await until(pilot, lambda: insights.summary.cleaned is not None)
        await wait_for_workers(pilot)
        heading = chart.heading
        shown = [str(table.get_row_at(n)[2]) for n in range(table.row_count)]
        titles = [c.title for c in insights.choices["growth-table"]]
    months = app.workspace.uploads_by_month(site.scan_id, project)
    assert project and f"project {project}" in heading
    assert shown == [size_text(m.size) for m in months]  # its months, after the cleanup
    assert all(t.endswith(f" in {project}") for t in titles)


# -- 5. the delete confirmation names the site's product ------------------------------------------
async def confirmation_text(pilot) -> str:
    await review(pilot)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(pilot.app.screen, CleanConfirmScreen))
    return str(pilot.app.screen.query_one("#confirm-question").render())


@sync
async def test_the_confirmation_of_a_data_center_cleanup_says_jira(dc_site):
    app = dc_site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, dc_site.scan_id)
        await pilot.press("2", "space")
        await until(pilot, lambda: bool(results.marks))
        said = " ".join((await confirmation_text(pilot)).split())
    assert "Jira has no trash for attachments" in said and "Cloud" not in said


@sync
async def test_the_confirmation_of_a_cloud_cleanup_says_jira_cloud(site):
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await pilot.press("2", "space")
        await until(pilot, lambda: bool(results.marks))
        said = " ".join((await confirmation_text(pilot)).split())
    assert "Jira Cloud has no trash for attachments" in said


# -- 6. the review of an interrupted plan counts the groups left ----------------------------------
@sync
async def test_the_review_of_an_interrupted_plan_counts_the_groups_left(small_site, tmp_path):
    site = AppSite(small_site, tmp_path)  # scanned at full speed (with the latency: ~2 s more)
    try:
        site.server.options = DemoOptions(latency_s=0.05)  # writes slow enough to stop between
        app = site.app()
        async with app.run_test(size=(120, 36)) as pilot:
            results = await open_results(pilot, site.scan_id)
            await pilot.press("2", "M")
            await until(pilot, lambda: results.marks.groups == len(results.index))
            groups = results.marks.groups
            screen = await review(pilot)
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, CleanConfirmScreen))
            app.screen.query_one("#confirm-phrase", TextInput).value = screen.plan.confirmation
            await pilot.pause()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, CleanApplyScreen))
            apply = app.screen
            await until(pilot, lambda: len(apply.listed) >= 4, timeout=60)
            await pilot.press("escape")  # stop after the writes in flight
            await until(pilot, lambda: apply.state == "stopped", timeout=60)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is results)
            screen = await review(pilot)
            plan, left = screen.plan, screen.review.pending
            said = str(screen.query_one("#review-totals").render())
            rows = screen.query_one("#review-groups", VimDataTable).row_count
    finally:
        site.close()
    deleted = site.deleted_ids()
    assert screen.resumable and 0 < len(deleted) < plan.files and rows == len(left)
    hashes = {d.proof.group_hash for d in left}  # every one a redundant copy
    assert len(hashes) < groups  # whole groups are done
    assert f"Remove {len(left)} files" in said and f"in {len(hashes)} groups" in said, said


# -- 7. the footers show the keys they have room for ----------------------------------------------
def footer_line(app, width: int) -> str:
    return screen_text(app, width).rstrip("\n").split("\n")[-1]


def test_the_footers_show_insights_the_marks_and_the_audit_at_120_columns(app, scanned):
    from aa_tui.tui.screens.help import HelpScreen
    from aa_tui.tui.screens.history import HistoryScreen

    async def journey():
        footers: dict[str, str] = {}
        async with app.run_test(size=(120, 36)) as pilot:
            app.push_screen(ResultsScreen(scanned.exact_id))
            await wait_for_workers(pilot)
            for key, tab in (("1", "overview"), ("2", "duplicates"), ("8", "quick wins")):
                await pilot.press(key)
                await pilot.pause()
                footers[tab] = footer_line(app, 120)
            await pilot.press("i")
            await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
            await wait_for_workers(pilot)
            footers["insights"] = footer_line(app, 120)
            await pilot.press("question_mark")
            await until(pilot, lambda: isinstance(app.screen, HelpScreen))
            await pilot.pause()
            help_text = {row.binding_id: row.description for row in app.screen.rows}
            await pilot.press("escape", "escape", "H")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen))
            await wait_for_workers(pilot)
            footers["history"] = footer_line(app, 120)
        return footers, help_text

    footers, help_text = run(journey())
    for tab in ("overview", "duplicates", "quick wins"):
        assert "i Insights" in footers[tab] and "D Review" in footers[tab], footers[tab]
        assert "? Help" in footers[tab] and "^p palette" in footers[tab], footers[tab]
    for tab in ("duplicates", "quick wins", "insights"):
        assert "space Mark" in footers[tab], footers[tab]
    assert "D Review" in footers["insights"] and "? Help" in footers["insights"]
    assert "A Audit" in footers["history"] and "? Help" in footers["history"]
    # Help says each key in full (the footer's word is short)
    assert help_text["insights.mark"] == "Mark for cleanup, then move down"
    assert help_text["insights.review"] == "Review the cleanup"


# -- 8. what a width rule can keep whole ----------------------------------------------------------
def test_history_shows_the_whole_site_at_120_columns(app, scanned):
    from aa_tui.tui.screens.history import HistoryScreen

    async def journey():
        async with app.run_test(size=(120, 36)) as pilot:
            app.push_screen(HistoryScreen())
            await wait_for_workers(pilot)
            await pilot.pause()
            return screen_text(app, 120).split("\n")

    lines = run(journey())
    rows = [line for line in lines if "complete" in line]
    assert len(rows) == 3 and all(row.rstrip().endswith("127.0.0.1:8080") for row in rows), rows


@sync
async def test_at_80_by_24_the_apply_title_and_the_insights_footer_are_whole(site):
    app = site.app()
    async with app.run_test(size=(80, 24)) as pilot:
        results = await open_results(pilot, site.scan_id)
        await pilot.press("2", "space")
        await until(pilot, lambda: bool(results.marks))
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen))
        await wait_for_workers(pilot)
        footer = footer_line(app, 80)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is results)
        apply = await apply_marked(pilot)
        title = screen_text(app, 80).split("\n")[1]
        plan = apply.plan
    assert "D Review" in footer and footer.rstrip().endswith("? Help"), footer
    assert f"Cleanup of {plan.files} file" in title and f"{size_text(plan.size)} on" in title


def test_the_duplicates_list_says_which_cleaned_groups_kept_no_copy():
    """'220 groups (116 cleaned: one copy left)' while 2 of them showed 0 copies."""
    from aa_tui.tui.widgets.groups_pane import cleaned_text

    assert cleaned_text(116, 0) == "116 cleaned: one copy left"
    assert cleaned_text(116, 2) == "116 cleaned: one copy left, none in 2"
    assert cleaned_text(3, 3) == "3 cleaned: no copy left"
