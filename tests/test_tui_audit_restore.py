"""The Audit screen restores a file (r), an issue's files (i) or a whole run (R) from the run's
archive, a folder or S3: a confirmation first (No is the default), then progress and the
outcome on the screen; on real HTTP against the demo site (and s3rver for S3)."""

from __future__ import annotations

import asyncio

import pytest
from helpers.scanning import fast_governor
from helpers.sites import AppSite
from helpers.tui import sync, until
from test_clean_policies import OnlyCopies
from test_clean_s3 import uploaded

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.model.cleanup import Plan
from aa_tui.model.units import counted
from aa_tui.service.cleanup import ApplyOptions, Cleanup, RestoreScope
from aa_tui.store.store import Store
from aa_tui.tui.screens.audit import AuditScreen
from aa_tui.tui.screens.confirm import ConfirmScreen
from aa_tui.tui.widgets.tables import VimDataTable


@pytest.fixture
def site(small_site, tmp_path):
    with AppSite(small_site, tmp_path) as s:
        yield s


def offload(site: AppSite, archive: str, files: int = 5) -> Plan:
    """An only-copy plan applied with ``archive``, through the service (as the CLI would)."""
    store = Store(site.root)
    try:

        def connect(url, email, token):
            return CloudClient(url, ApiToken(email, token), governor=fast_governor())

        cleanup = Cleanup(store, connect)
        plan = cleanup.save(cleanup.plan(site.scan_id, policy=OnlyCopies(files)))
        outcome = cleanup.apply(plan, site.server.token, ApplyOptions(archive=archive)).run()
        assert outcome.finished and len(site.deleted_ids()) == files
        return plan
    finally:
        store.close()


def said(screen: AuditScreen) -> str:
    return str(screen.query_one("#audit-restore").render())


async def restore(pilot, screen: AuditScreen, key: str, answer: str = "y") -> str:
    """Press ``key``, answer the question (returned) with ``answer``."""
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), timeout=30)
    question = pilot.app.screen.question
    await pilot.press(answer)
    await until(pilot, lambda: pilot.app.screen is screen)
    if answer == "y":
        await until(pilot, lambda: said(screen).startswith("Restored"), timeout=60)
        await until(pilot, lambda: screen.job is None)
    return question


@pytest.mark.parametrize("where", ["folder", "s3"])
@sync
async def test_restore_a_file_an_issue_and_the_run_from_the_audit(
    site, small_site, tmp_path, where, request
):
    archive = (
        str(tmp_path / "archive") if where == "folder" else request.getfixturevalue("s3_archive")
    )
    plan = offload(site, archive)
    by_id = {d.attachment_id: d for d in plan.deletions}
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = AuditScreen()
        app.push_screen(screen)
        await until(pilot, lambda: len(screen.entries) == plan.files)
        first = by_id[screen.entries[0].attachment_id]
        # n (the default) uploads nothing
        question = await restore(pilot, screen, "r", answer="n")
        assert question.startswith("Upload 1 file (")
        assert "cancelled" in said(screen) and not site.server.changes.uploads
        # r: this file
        await restore(pilot, screen, "r")
        assert uploaded(site) == {
            (first.file_name, first.issue_key): small_site.read(first.attachment_id)
        }
        assert "Restored 1 file, each read back and verified." in said(screen)
        await until(pilot, lambda: screen.entries and screen.entries[0].restored_as)
        # i: the files of the issue under the cursor (the restored one is not sent again)
        second = next(e for e in screen.entries if e.issue_key != first.issue_key)
        screen.query_one("#audit").move_cursor(row=screen.entries.index(second))
        await pilot.pause()
        await restore(pilot, screen, "i")
        same_issue = [d for d in plan.deletions if d.issue_key == second.issue_key]
        assert f"Restored {counted(len(same_issue), 'file')}," in said(screen)
        # R: the rest of the run
        await restore(pilot, screen, "R")
        assert len(site.server.changes.uploads) == plan.files
        back = uploaded(site)
        for d in plan.deletions:
            assert back[(d.file_name, d.issue_key)] == small_site.read(d.attachment_id)
        await until(pilot, lambda: all(e.restored_as for e in screen.entries))
        # the totals say it: every file deleted came back
        head = str(screen.query_one("#audit-head").render())
        assert f"; {counted(plan.files, 'file')} restored since (" in head, head
        # everything is back: R again says so and asks nothing
        await pilot.press("R")
        await until(pilot, lambda: said(screen).startswith("Nothing to restore"))
        assert not isinstance(app.screen, ConfirmScreen)


@sync
async def test_a_run_without_an_archive_says_there_is_nothing_to_restore(site):
    store = Store(site.root)
    try:
        cleanup = Cleanup(
            store,
            lambda url, email, token: CloudClient(
                url, ApiToken(email, token), governor=fast_governor()
            ),
        )
        from aa_tui.model.cleanup import PlanFilters

        plan = cleanup.save(cleanup.plan(site.scan_id, PlanFilters(limit=1)))
        cleanup.apply(plan, site.server.token, ApplyOptions()).run()
    finally:
        store.close()
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = AuditScreen()
        app.push_screen(screen)
        await until(pilot, lambda: len(screen.entries) == 1)
        await pilot.press("r")
        await until(pilot, lambda: not isinstance(app.screen, AuditScreen), timeout=30)
        modal = app.screen
        assert "without an archive" in str(modal.query_one("#message").render())
        assert not site.server.changes.uploads


def restore_file(site: AppSite, plan_id: str, attachment_id: str) -> None:
    """One file put back from its run's archive through the service, as another aa-tui
    (the command line) would."""
    store = Store(site.root)
    try:

        def connect(url, email, token):
            return CloudClient(url, ApiToken(email, token), governor=fast_governor())

        cleanup = Cleanup(store, connect)
        plan = cleanup.audit_restore_plan(plan_id, RestoreScope(file=attachment_id))
        outcome = cleanup.restore(plan, site.server.token).run()
        assert outcome.uploaded == 1
    finally:
        store.close()


@sync
async def test_the_audit_follows_cleanups_and_restores_another_aa_tui_makes(site, tmp_path):
    """As History follows the scans: a cleanup and a restore run elsewhere (a weekly job, the
    command line) show without leaving the screen, the cursor kept on its file."""
    app = site.app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = AuditScreen()
        app.push_screen(screen)
        await until(pilot, lambda: bool(screen.query("#audit-head")))  # (composed)
        head = screen.query_one("#audit-head")
        await until(pilot, lambda: "No deletions yet" in str(head.render()))
        plan = await asyncio.to_thread(offload, site, str(tmp_path / "archive"))
        await until(pilot, lambda: len(screen.entries) == plan.files, timeout=20)
        table = screen.query_one(VimDataTable)
        table.move_cursor(row=3)
        on = screen.entries[3]
        gone = screen.entries[1]
        await asyncio.to_thread(restore_file, site, plan.id, gone.attachment_id)
        await until(pilot, lambda: bool(screen.entries[1].restored_as), timeout=20)
        assert app.screen is screen  # never left
        now = screen.entries[table.cursor_row]
        assert (now.plan_id, now.attachment_id) == (on.plan_id, on.attachment_id)
        assert table.cursor_row == 3
