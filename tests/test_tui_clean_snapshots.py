"""Snapshots of the cleanup screens at 120x36 on the scanned demo data (no site is touched:
the apply screens are fed progress by hand, as the live scan's snapshot is).

Update with ``pytest tests/test_tui_clean_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from helpers.tui import SITE_LABEL
from helpers.tui import shoot as shoot_after

from aa_tui.model.cleanup import (
    CleanupPhase,
    CleanupProgress,
    ItemResult,
    Outcome,
    PlanFilters,
)
from aa_tui.service.cleanup import CleanupOutcome
from aa_tui.tui.screens.audit import AuditScreen
from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen
from aa_tui.tui.screens.results import ResultsScreen
from aa_tui.tui.widgets.inputs import TextInput

PLAN_ID = "p20261101-093000-demo"
#: longer than the list's cells (cut at 120 characters): the line under the list has it whole
LONG_REASON = (
    "Jira would not send its bytes (Attachment 30661 cannot be read: HTTP 404.), so it is not "
    "archived or deleted: it stays on Jira, and the rest of the plan goes on without it"
)


def shoot(snap_compare, app, *steps) -> bool:
    return shoot_after(snap_compare, app, *steps, pause_after=True)


def results(scan_id: str, **kw):
    async def step(pilot) -> None:
        pilot.app.push_screen(ResultsScreen(scan_id, **kw))
        await pilot.pause()

    return step


def test_marked_groups_and_the_marks_pane(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "2", "space", "space", "j", "space")


def test_group_detail_with_a_marked_copy(snap_compare, app, scanned):
    assert shoot(snap_compare, app, results(scanned.exact_id), "2", "j", "enter", "j", "space")


def test_review(snap_compare, app, scanned):
    steps = ("2", "space", "space", "space", "space", "D")
    assert shoot(snap_compare, app, results(scanned.exact_id), *steps)


def test_review_of_a_past_scan_asks_for_a_recheck(snap_compare, app, scanned):
    steps = ("2", "space", "space", "D")
    assert shoot(snap_compare, app, results(scanned.exact_id, from_history=True), *steps)


def test_type_to_confirm(snap_compare, app, scanned):
    async def type_part(pilot) -> None:
        pilot.app.screen.query_one("#confirm-phrase", TextInput).value = "delete"
        await pilot.pause()

    steps = ("2", "space", "space", "space", "D", "a", type_part)
    assert shoot(snap_compare, app, results(scanned.exact_id), *steps)


def _plan(app, scanned, files: int = 6):
    ids = []
    for group in app.workspace.results(scanned.exact_id).groups()[:files]:
        ids += [str(loc["attachment_id"]) for loc in group["locations"][1:]]
    plan = app.workspace.cleanup().plan(scanned.exact_id, PlanFilters(attachment_ids=tuple(ids)))
    return replace(plan, id=PLAN_ID)


def _results(plan, outcomes):
    return [
        ItemResult(d.attachment_id, d.issue_key, d.project_key, d.file_name, d.size, outcome, why)
        for d, (outcome, why) in zip(plan.deletions, outcomes, strict=False)
    ]


def apply_screen(scanned, feed):
    async def step(pilot) -> None:
        plan = _plan(pilot.app, scanned)
        screen = CleanApplyScreen(plan, "token", start=False, site_label=SITE_LABEL)
        pilot.app.push_screen(screen)
        await pilot.pause()
        feed(screen, plan)
        await pilot.pause()

    return step


def _mid_run(screen, plan) -> None:
    screen.state = "running"
    done = _results(plan, [(Outcome.DELETED, "")] * 3)
    freed = 0
    for n, result in enumerate(done, start=1):
        freed += result.size
        screen.show(
            CleanupProgress(
                phase=CleanupPhase.DELETING,
                done=n,
                total=plan.files,
                deleted=n,
                freed=freed,
                elapsed_s=4.2,
                requests=31,
                throttled=2,
                issue_throttled=3,
                retries=2,
                backoff_s=1.5,
                waiting_issues=2,
                last=result,
            )
        )
    screen.refresh_bindings()


def _finished(screen, plan) -> None:
    outcomes = [(Outcome.DELETED, "")] * (plan.files - 2) + [
        (Outcome.ALREADY_GONE, "gone before aa-tui deleted it"),
        (Outcome.SKIPPED, LONG_REASON),
    ]  # fmt: skip
    results = _results(plan, outcomes)
    freed = sum(r.size for r in results if r.outcome is Outcome.DELETED)
    for n, result in enumerate(results, start=1):
        screen.show(
            CleanupProgress(
                phase=CleanupPhase.DELETING,
                done=n,
                total=plan.files,
                deleted=sum(r.outcome is Outcome.DELETED for r in results[:n]),
                already_gone=sum(r.outcome is Outcome.ALREADY_GONE for r in results[:n]),
                skipped=sum(r.outcome is Outcome.SKIPPED for r in results[:n]),
                freed=sum(r.size for r in results[:n] if r.outcome is Outcome.DELETED),
                elapsed_s=9.0,
                requests=58,
                last=result,
            )
        )
    screen.show(replace(screen.last, phase=CleanupPhase.DONE, last=None))
    counts = {Outcome.DELETED: plan.files - 2, Outcome.ALREADY_GONE: 1, Outcome.SKIPPED: 1}
    outcome = CleanupOutcome(
        plan=plan, results=results, counts=counts, freed=freed, freed_total=freed, pending=0,
        finished=True,
    )  # fmt: skip
    from aa_tui.tui.messages import CleanupEnded

    screen.on_cleanup_ended(CleanupEnded(outcome, None))


def test_apply_mid_run(snap_compare, app, scanned):
    assert shoot(snap_compare, app, apply_screen(scanned, _mid_run))


def test_apply_result(snap_compare, app, scanned):
    assert shoot(snap_compare, app, apply_screen(scanned, _finished))


def test_the_highlighted_files_whole_reason_is_under_the_list(app, scanned):
    asyncio.run(_whole_reason(app, scanned))


async def _whole_reason(app, scanned) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await apply_screen(scanned, _finished)(pilot)
        screen = app.screen
        table = screen.query_one("#apply-files")

        def why() -> str:
            return " ".join(str(screen.query_one("#apply-why").render()).split())

        assert table.cursor_row == table.row_count - 1  # the last file, left alone
        assert why() == f"{table.row_count}: {LONG_REASON}"
        await pilot.press("k")
        await pilot.pause()
        assert why() == f"{table.row_count - 1}: gone before aa-tui deleted it"
        await pilot.press("k")
        await pilot.pause()
        assert why() == ""  # deleted: no reason


def test_the_audit_shows_the_highlighted_files_whole_reason(app):
    asyncio.run(_audit_reason(app))


async def _audit_reason(app) -> None:
    from aa_tui.model.cleanup import AuditEntry
    from aa_tui.tui.messages import AuditRead

    def entry(n: int, outcome: Outcome, reason: str) -> AuditEntry:
        return AuditEntry(
            at=f"2026-11-01T09:3{n}:00+00:00", site="https://demo.example", plan_id=PLAN_ID,
            scan_id="s1", actor="admin@example.com", attachment_id=f"1004{n}",
            issue_key=f"OPS-{n}", project_key="OPS", file_name=f"f{n}.log", size=10, sha256="",
            keep_id="", keep_issue_key="", outcome=outcome, reason=reason,
        )  # fmt: skip

    async with app.run_test(size=(120, 36)) as pilot:
        screen = AuditScreen()
        app.push_screen(screen)
        await pilot.pause()
        await app.workers.wait_for_complete()
        entries = [entry(1, Outcome.DELETED, ""), entry(2, Outcome.SKIPPED, LONG_REASON)]
        screen.on_audit_read(AuditRead(entries))
        await pilot.pause()

        def why() -> str:
            return " ".join(str(screen.query_one("#audit-why").render()).split())

        assert why() == ""  # the first file: deleted, no reason
        await pilot.press("j")
        await pilot.pause()
        assert why() == f"2: {LONG_REASON}"
        table = screen.query_one("#audit")
        kept = [str(table.get_row_at(i)[5]) for i in range(2)]
        assert kept == ["only copy: archived", "only copy: left on Jira"]  # not archived


def test_audit_empty(snap_compare, app):
    async def audit(pilot) -> None:
        pilot.app.push_screen(AuditScreen())
        await pilot.pause()

    assert shoot(snap_compare, app, audit)


def test_audit_restoring(snap_compare, app):
    """The audit of a run with one file restored already, a restore of the run under way."""
    from aa_tui.model.cleanup import AuditEntry
    from aa_tui.tui.messages import AuditRead

    def entry(n: int, name: str, size: int, restored: str = "") -> AuditEntry:
        return AuditEntry(
            at=f"2026-11-01T09:3{n}:00+00:00", site="https://demo.example", plan_id=PLAN_ID,
            scan_id="s1", actor="admin@example.com", attachment_id=f"1004{n}",
            issue_key=f"OPS-{n + 3}", project_key="OPS", file_name=name, size=size, sha256="",
            keep_id="", keep_issue_key="", outcome=Outcome.DELETED,
            archive=f"s3://backups/jira/OPS-{n + 3}/1004{n}-{name}", restored_as=restored,
        )  # fmt: skip

    async def step(pilot) -> None:
        screen = AuditScreen()
        pilot.app.push_screen(screen)
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        entries = [
            entry(1, "server.log", 4_200_000, restored="30211"),
            entry(2, "heap-2024-03.hprof", 210_000_000),
            entry(3, "trace.har", 1_300_000),
        ]
        screen.on_audit_read(AuditRead(entries))
        screen._say("Restoring: 1 of 2 files, 1 uploaded (Esc stops after the uploads in flight)")
        await pilot.pause()

    assert shoot(snap_compare, app, step)


# -- marks from the insight lists (issue 16: files with no other copy are archived first) ------
#: a duplicate group's copies, then every file of the first hygiene kind (only copies)
BOTH_KINDS = ("2", "space", "i", "6", "space")


def test_insight_list_with_marks(snap_compare, app, scanned):
    """A list of files (the stale files) with two files marked (● before the issue) and the
    marks pane counting them."""
    steps = ("i", "8", "j", "j", "enter", "space", "space")
    assert shoot(snap_compare, app, results(scanned.exact_id), *steps)


def test_review_with_redundant_and_only_copies(snap_compare, app, scanned):
    """Redundant copies beside their kept copy, only copies "archived first", and the
    totals saying how much is archived first."""
    assert shoot(snap_compare, app, results(scanned.exact_id), *BOTH_KINDS, "D")


async def _type_confirmation(pilot) -> None:
    modal = pilot.app.screen
    modal.query_one("#confirm-phrase", TextInput).value = modal.phrase
    modal.query_one("#confirm-archive", TextInput).value = "s3://acme-jira-archive/offload"
    await pilot.pause()


def test_confirm_requires_an_archive_for_only_copies(snap_compare, app, scanned):
    """The dialog says an archive is required and holds the destination typed."""
    steps = (*BOTH_KINDS, "D", "a", _type_confirmation)
    assert shoot(snap_compare, app, results(scanned.exact_id), *steps)


def _marked_plan(app, scanned):
    workspace = app.workspace
    kind = workspace.insights(scanned.exact_id).table("hygiene")[0].kind
    ids = [f.attachment_id for f in workspace.files(scanned.exact_id, "hygiene", kind)][:6]
    cleanup = workspace.cleanup()
    filters = PlanFilters(attachment_ids=tuple(ids))
    return replace(cleanup.plan(scanned.exact_id, filters, policy=cleanup.marked()), id=PLAN_ID)


def test_apply_mid_archive(snap_compare, app, scanned):
    """Only copies being offloaded: files and bytes archived and verified beside the
    deletions; each deleted file's kept-copy cell says it was archived first."""

    async def step(pilot) -> None:
        plan = _marked_plan(pilot.app, scanned)
        screen = CleanApplyScreen(plan, "token", start=False, site_label=SITE_LABEL)
        pilot.app.push_screen(screen)
        await pilot.pause()
        screen.state = "running"
        done = _results(plan, [(Outcome.DELETED, "")] * 3)
        for n, result in enumerate(done, start=1):
            screen.show(
                CleanupProgress(
                    phase=CleanupPhase.DELETING,
                    done=n,
                    total=plan.files,
                    deleted=n,
                    freed=sum(r.size for r in done[:n]),
                    archived=n + 1,
                    archived_size=sum(d.size for d in plan.deletions[: n + 1]),
                    elapsed_s=3.1,
                    requests=24,
                    last=result,
                )
            )
        screen.refresh_bindings()
        await pilot.pause()

    assert shoot(snap_compare, app, step)


def test_the_review_title_names_the_copy_each_group_keeps():
    """The duplicates policy keeps its rule's copy; a plan of other files (marked, stale)
    keeps the rule's copy among those it leaves, which need not be the group's oldest."""
    from dataclasses import replace

    from aa_tui.model.cleanup import KeepRule, Plan, PlanFilters
    from aa_tui.tui.screens.cleanup.review_text import keep_rule

    plan = Plan(
        id="p1",
        scan_id="s1",
        site="https://x.atlassian.net",
        email="a@b.c",
        created_at="2026-12-06T08:00:00+00:00",
        filters=PlanFilters(),
        deletions=[],
    )
    assert keep_rule(plan) == "each group keeps its oldest copy (★)"
    newest = replace(plan, filters=PlanFilters(keep=KeepRule.NEWEST))
    assert keep_rule(newest) == "each group keeps its newest copy (★)"
    assert keep_rule(replace(plan, policy="stale")) == "★ kept: the oldest copy not in this plan"
