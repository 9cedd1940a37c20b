"""Applying cleanup plans on real HTTP against the demo site: exactly the plan deleted (the
site's own truth says so), kept copies untouched, archive bytes equal, one comment per touched
issue, permissions, limits, lost answers, cancel and resume, restore."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time

import httpx
import pytest
from helpers.sites import CleanupSite

from aa_tui.archive import read_manifest
from aa_tui.demo.server import DemoOptions
from aa_tui.model.cleanup import Outcome, Plan, PlanFilters
from aa_tui.service.cleanup import ApplyOptions, MissingPermission
from aa_tui.service.errors import Cancelled, describe
from aa_tui.store.audit import AuditLog

XSRF = {"X-Atlassian-Token": "no-check"}


@pytest.fixture
def site(small_site, tmp_path):
    with CleanupSite(small_site, tmp_path) as s:
        yield s


def apply(site: CleanupSite, plan: Plan, **options):
    resume = options.pop("resume", False)
    listener = options.pop("listener", None)
    run = site.cleanup.apply(
        plan, site.token, ApplyOptions(**options), resume=resume, listener=listener
    )
    return run, run.run()


def ids(plan: Plan) -> set[str]:
    return {d.attachment_id for d in plan.deletions}


def test_exactly_the_plan_is_deleted_archived_and_commented(site, small_site, tmp_path):
    before = small_site.truth
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id))
    assert plan.files == before.duplicate_files
    events = []
    archive = tmp_path / "archive"
    _, outcome = apply(site, plan, archive=archive, comment=True, listener=events.append)
    assert outcome.finished and outcome.pending == 0
    assert outcome.counts[Outcome.DELETED] == plan.files
    assert outcome.freed == outcome.freed_total == plan.size == before.duplicate_size
    # The site's own truth: exactly the planned copies are gone, every group is down to one.
    assert site.deleted_ids() == ids(plan)
    after = site.server.truth()
    assert after.duplicate_files == 0 and after.duplicate_groups == 0
    assert after.total_files == before.total_files - plan.files
    assert all(site.exists(d.keep_id) for d in plan.deletions)
    # Every archived file is byte for byte the deleted one; one manifest line each.
    lines = read_manifest(archive / "manifest.jsonl")
    assert sorted(line["id"] for line in lines) == sorted(ids(plan))
    for d in plan.deletions:
        path = archive / d.issue_key / f"{d.attachment_id}-{d.file_name}"
        content = path.read_bytes()
        assert hashlib.sha256(content).hexdigest() == d.sha256
        assert content == small_site.read(d.attachment_id)
    line = lines[0]
    assert {"id", "issue", "project", "file_name", "size", "sha256", "author", "uploaded"} <= set(
        line
    )
    assert {"kept_id", "kept_issue", "deleted_at"} <= set(line) and line["deleted_at"]
    assert not list(archive.rglob("*.part"))
    # One comment per touched issue, naming every file removed there and its kept copy.
    touched = {small_site.issue_index(d.issue_key) for d in plan.deletions}
    comments = site.server.changes.comments
    assert set(comments) == touched
    for issue, posted in comments.items():
        assert len(posted) == 1
        text = posted[0].text
        here = [d for d in plan.deletions if small_site.issue_index(d.issue_key) == issue]
        for d in here:
            assert d.file_name in text and d.keep_issue_key in text
        assert f"aa-tui cleanup {plan.id}" in text
        assert posted[0].adf["type"] == "doc"
    assert outcome.comments == len(touched)
    # Typed progress: phases in order, the last result of each file.
    phases = [e.phase.value for e in events]
    assert phases.index("checking permissions") < phases.index("deleting")
    assert phases.index("deleting") < phases.index("commenting") < phases.index("done")
    assert {e.last.attachment_id for e in events if e.last} == ids(plan)
    # The audit and the scan both know.
    audit = site.cleanup.audit()
    assert {e.attachment_id for e in audit} == ids(plan)
    assert all(e.outcome is Outcome.DELETED and e.archive for e in audit)
    removed = site.cleanup.removed(site.scan_id)
    assert removed.deleted == ids(plan) and removed.freed == plan.size
    assert site.cleanup.plans(site.scan_id)[0].status == "done"
    # Nothing is left: the same plan again does nothing, a new plan finds nothing.
    assert site.cleanup.plan(site.scan_id).files == 0


def test_planning_and_reviewing_send_nothing(site):
    requests_before = site.server.stats.total_requests
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id, PlanFilters(limit=4)))
    review = site.cleanup.review(plan)
    assert review.files == 4 and review.size == plan.size
    assert sum(g.freed for g in review.groups) == plan.size
    assert all(g.keep_id not in {d.attachment_id for d in g.removed} for g in review.groups)
    assert site.server.stats.total_requests == requests_before
    assert not site.server.deleted


@pytest.mark.parametrize("who", ["viewer", "no-delete"])
def test_missing_permission_is_one_sentence_and_nothing_is_deleted(small_site, tmp_path, who):
    options = DemoOptions(delete_permission="none" if who == "no-delete" else "all")
    site = CleanupSite(small_site, tmp_path, options, viewer=who == "viewer")
    try:
        plan = dataclasses.replace(site.cleanup.plan(site.scan_id), email=site.email)
        with pytest.raises(MissingPermission) as refused:
            apply(site, plan, comment=True)
        problem = describe(refused.value)
        assert problem.exit_code == 2
        assert '"Delete all attachments"' in problem.message
        for project in plan.projects():
            assert project in problem.message
        assert "nothing was deleted" in problem.message and site.email in problem.message
        assert problem.message.count(". ") == 0  # one sentence
        assert not site.server.deleted and not site.server.changes.comments
        assert not AuditLog(site.store).state(plan.id).started  # nothing half done
        requests = site.server.stats.snapshot()["requests"]
        assert not any(k.startswith("DELETE") for k in requests)
    finally:
        site.close()


def test_a_gone_kept_copy_skips_its_group_and_nothing_else(site):
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id))
    victim_group = next(h for h, ds in plan.by_group() if len(ds) >= 2)
    group = [d for d in plan.deletions if d.group_hash == victim_group]
    already = next(d for d in plan.deletions if d.group_hash != victim_group)
    with site.http() as c:
        assert c.delete(f"/rest/api/3/attachment/{group[0].keep_id}").status_code == 204
        assert c.delete(f"/rest/api/3/attachment/{already.attachment_id}").status_code == 204
    _, outcome = apply(site, plan)
    by_id = {r.attachment_id: r for r in outcome.results}
    for d in group:
        assert by_id[d.attachment_id].outcome is Outcome.SKIPPED
        assert "kept copy" in by_id[d.attachment_id].reason
        assert site.exists(d.attachment_id)  # the last copy of those bytes stays
    assert by_id[already.attachment_id].outcome is Outcome.ALREADY_GONE
    expected = ids(plan) - {d.attachment_id for d in group}
    assert site.deleted_ids() == expected | {group[0].keep_id}
    assert outcome.finished and outcome.counts[Outcome.SKIPPED] == len(group)
    assert outcome.counts[Outcome.ALREADY_GONE] == 1


def test_an_archive_mismatch_stops_that_group_before_any_delete(site, tmp_path):
    plan = site.cleanup.plan(site.scan_id)
    target = plan.deletions[0].group_hash
    wrong = "sha256:" + "0" * 64
    forged = dataclasses.replace(
        plan,
        deletions=[
            dataclasses.replace(d, proof=dataclasses.replace(d.proof, group_hash=wrong))
            if d.group_hash == target
            else d
            for d in plan.deletions
        ],
    )
    site.cleanup.save(forged)
    _, outcome = apply(site, forged, archive=tmp_path / "arch")
    stopped = [r for r in outcome.results if r.outcome is Outcome.SKIPPED]
    assert {r.attachment_id for r in stopped} == {
        d.attachment_id for d in plan.deletions if d.group_hash == target
    }
    assert all("not the group's proof" in r.reason for r in stopped)
    assert site.deleted_ids() == ids(plan) - {r.attachment_id for r in stopped}
    assert not list((tmp_path / "arch").rglob("*.part"))


class LoseFirstAnswer(httpx.BaseTransport):
    """Forwards the request (the server acts on it), then loses the answer, once per match."""

    def __init__(self, inner, method: str, path_part: str, times: int = 1) -> None:
        self.inner, self.method, self.part, self.left = inner, method, path_part, times
        self.lost = 0

    def handle_request(self, request):
        response = self.inner.handle_request(request)
        if self.left and request.method == self.method and self.part in request.url.path:
            self.left -= 1
            self.lost += 1
            response.read()
            response.close()
            raise httpx.ReadError("connection reset after the server answered")
        return response

    def close(self) -> None:
        self.inner.close()


def test_writes_retried_after_a_lost_answer_happen_once(site):
    lost = []

    def wrap_delete(inner):
        lost.append(LoseFirstAnswer(inner, "DELETE", "/attachment/", times=2))
        return lost[-1]

    def wrap_comment(inner):
        lost.append(LoseFirstAnswer(inner, "POST", "/comment", times=1))
        return lost[-1]

    site.wraps = [wrap_delete, wrap_comment]
    plan = site.cleanup.plan(site.scan_id, PlanFilters(limit=6))
    _, outcome = apply(site, plan, comment=True, workers=1)
    assert sum(t.lost for t in lost) == 3  # two DELETE answers and one comment answer lost
    # The retried DELETE got 404 and counts as deleted; the comment was found, not re-posted.
    assert outcome.counts[Outcome.DELETED] == plan.files
    assert site.deleted_ids() == ids(plan)
    assert all(len(c) == 1 for c in site.server.changes.comments.values())
    assert len(site.server.changes.comments) == len({d.issue_key for d in plan.deletions})


def test_429_and_per_issue_write_limits_are_honoured(small_site, tmp_path):
    """Six copies of one file on one issue that allows 1 write a second (with 4 writes of an
    issue in flight, a 429 is certain even on a slow machine; at 2 a second a loaded one sent
    too slowly to meet any), and bursts of 429 on top: every planned copy goes, that issue's
    writes are spaced, one comment each."""
    content = small_site.read(sorted(sorted(g) for g in small_site.truth.groups)[0][0])
    issue = small_site.issue_key(0)

    def upload_copies(s: CleanupSite) -> None:
        limiter, s.server.writes = s.server.writes, None  # setting up: not what is tested
        with s.http() as c:
            for n in range(6):
                while True:
                    r = c.post(
                        f"/rest/api/3/issue/{issue}/attachments",
                        files={"file": (f"copy-{n}.bin", content)},
                        headers=XSRF,
                    )
                    if r.status_code != 429:
                        break
                    time.sleep(float(r.headers["retry-after"]))
                assert r.status_code == 200
        s.server.writes = limiter

    options = DemoOptions(issue_write_limit=(1, 1.0), fault_429_burst=0.01, fault_seed=5)
    site = CleanupSite(small_site, tmp_path, options, before=upload_copies)
    try:
        plan = site.cleanup.plan(site.scan_id)
        on_issue = [d for d in plan.deletions if d.issue_key == issue]
        assert len(on_issue) >= 6

        def per_issue_429s() -> int:
            throttled = site.server.stats.snapshot()["throttled_by"]
            return sum(v for k, v in throttled.items() if k.startswith("jira-per-issue-on-write"))

        uploads_429s = per_issue_429s()
        run, outcome = apply(site, plan, comment=True)
        assert outcome.finished and outcome.counts[Outcome.DELETED] == plan.files
        assert site.deleted_ids() == ids(plan)
        per_issue = per_issue_429s() - uploads_429s
        assert per_issue >= 1 and outcome.issue_throttled == per_issue
        assert run._progress.elapsed_s >= 5.0  # 7 writes to one issue at 1 a second
        assert all(len(c) == 1 for c in site.server.changes.comments.values())
    finally:
        site.close()


def test_cancel_stops_after_the_writes_in_flight_and_resume_finishes_exactly(site):
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id))
    box: dict = {}

    def stop_after_three(event):
        if event.deleted >= 3:
            box["run"].cancel()

    run = site.cleanup.apply(plan, site.token, ApplyOptions(workers=2), listener=stop_after_three)
    box["run"] = run
    with pytest.raises(Cancelled):
        run.run()
    first = set(site.deleted_ids())
    assert 3 <= len(first) < plan.files and first < ids(plan)
    assert site.cleanup.unfinished(site.scan_id).id == plan.id
    with pytest.raises(Exception, match="--resume"):
        apply(site, plan)
    _, outcome = apply(site, plan, resume=True)
    assert outcome.resumed and outcome.finished
    assert site.deleted_ids() == ids(plan)
    assert {r.attachment_id for r in outcome.results} == ids(plan) - first


def test_restore_puts_the_bytes_back_once(site, small_site, tmp_path):
    before = small_site.truth
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id, PlanFilters(limit=5)))
    archive = tmp_path / "archive"
    apply(site, plan, archive=archive)
    assert site.server.truth().duplicate_files == before.duplicate_files - 5
    restore = site.cleanup.restore_plan(archive)
    assert len(restore.pending) == 5 and not restore.problems
    assert restore.site == site.server.base_url and restore.email == site.email
    lost = []

    def wrap(inner):
        lost.append(LoseFirstAnswer(inner, "POST", "/attachments", times=1))
        return lost[-1]

    site.wraps = [wrap]
    outcome = site.cleanup.restore(restore, site.token).run()
    assert outcome.uploaded == 5 and lost[0].lost == 1  # a lost answer, yet one upload each
    after = site.server.truth()
    assert after.duplicate_files == before.duplicate_files
    assert after.duplicate_size == before.duplicate_size
    uploads = site.server.changes.uploads
    assert len(uploads) == 5
    by_name = {(u.filename, small_site.issue_key(u.issue)): u.content for u in uploads.values()}
    for d in plan.deletions:
        assert by_name[(d.file_name, d.issue_key)] == small_site.read(d.attachment_id)
    audit = {e.attachment_id: e for e in site.cleanup.audit()}
    assert all(audit[d.attachment_id].restored_as for d in plan.deletions)
    # Again: everything is restored already, nothing is sent.
    again = site.cleanup.restore_plan(archive)
    assert not again.pending and len(again.done) == 5
    assert site.cleanup.restore(again, site.token).run().uploaded == 0
    assert len(site.server.changes.uploads) == 5


def test_restore_refuses_a_damaged_archive_file(site, tmp_path):
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id, PlanFilters(limit=2)))
    archive = tmp_path / "archive"
    apply(site, plan, archive=archive)
    d = plan.deletions[0]
    path = archive / d.issue_key / f"{d.attachment_id}-{d.file_name}"
    path.write_bytes(b"x" * d.size)
    restore = site.cleanup.restore_plan(archive)
    (bad,) = restore.problems
    assert bad.attachment_id == d.attachment_id and "SHA-256" in bad.problem
    assert len(restore.pending) == 1


def test_one_run_per_plan(site):
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id, PlanFilters(limit=1)))
    journal = AuditLog(site.store).open(plan.id)
    try:
        with pytest.raises(Exception, match="being applied right now"):
            apply(site, plan)
    finally:
        journal.close()


def test_the_scan_knows_what_was_removed_and_its_report_stays_as_it_was(site, tmp_path):
    from aa_tui.service.workspace import Workspace

    workspace = Workspace(site.store)
    before = tmp_path / "before.json"
    workspace.export(site.scan_id, json_path=before)
    plan = site.cleanup.save(site.cleanup.plan(site.scan_id, PlanFilters(limit=4)))
    gone = plan.deletions[-1]
    with site.http() as c:  # one planned copy vanishes before the run: "already gone"
        assert c.delete(f"/rest/api/3/attachment/{gone.attachment_id}").status_code == 204
    apply(site, plan)
    removed = site.cleanup.removed(site.scan_id)
    assert removed.ids == ids(plan)
    assert removed.deleted == ids(plan) - {gone.attachment_id}
    assert removed.freed == plan.size - gone.size
    after = tmp_path / "after.json"
    workspace.export(site.scan_id, json_path=after)
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    section, net_what_if = new.pop("cleanup"), new.pop("what_if_after_cleanup")
    assert net_what_if[0]["remaining_size"] == new["what_if"][0]["remaining_size"] - (
        removed.freed + gone.size
    )
    net, scanned = new.pop("totals_after_cleanup"), old.pop("totals_after_cleanup")
    # the forecast is of the site as it is now: net of the cleanup, and it says so
    forecast, before = new.pop("forecast"), old.pop("forecast")
    assert (forecast["removed"], before["removed"]) == (removed.freed + gone.size, 0)
    assert "net of cleanups" in forecast["sentence"]
    assert new == old  # every aa-tui.report/1 field as it was; the cleanup is additive
    assert scanned == old["totals"]  # nothing removed yet: the same
    truth = site.server.truth()  # after cleanup: what the site holds now
    assert (net["total_files"], net["total_size"]) == (truth.total_files, truth.total_size)
    assert (
        net["duplicate_size"]
        == truth.duplicate_size
        == old["totals"]["duplicate_size"] - (plan.size)
    )
    assert section["removed_files"] == 4 and section["deleted_files"] == 3
    assert section["freed_size"] == removed.freed
    assert set(section["removed"]) == ids(plan)


class FailDeletesAfter(httpx.BaseTransport):
    """Lets ``ok`` DELETEs through, then every DELETE fails to connect (the site went away)."""

    def __init__(self, inner, ok: int) -> None:
        self.inner, self.ok = inner, ok

    def handle_request(self, request):
        if request.method == "DELETE":
            if self.ok <= 0:
                raise httpx.ConnectError("connection refused")
            self.ok -= 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_site_that_fails_mid_run_leaves_a_resumable_plan(site):
    from aa_tui.jira.errors import GaveUpError

    plan = site.cleanup.save(site.cleanup.plan(site.scan_id))
    site.wraps = [lambda inner: FailDeletesAfter(inner, ok=5)]
    run = site.cleanup.apply(plan, site.token, ApplyOptions(workers=1))
    with pytest.raises(GaveUpError) as failed:
        run.run()
    assert describe(failed.value).exit_code == 3  # partly done, resumable
    assert (
        site.deleted_ids() == {r.attachment_id for r in run.outcome.results}
        and len(site.deleted_ids()) == 5
    )
    assert run.outcome.pending == plan.files - 5 and not run.outcome.finished
    assert site.cleanup.unfinished(site.scan_id).id == plan.id
    site.wraps = []
    _, outcome = apply(site, plan, resume=True)
    assert outcome.finished and site.deleted_ids() == ids(plan)


def test_a_copy_of_a_restored_archive_restores_nothing_again(site, small_site, tmp_path):
    """The audit knows which files went back, whichever archive they came from: a copy of the
    archive (or the same files synced to S3) uploads nothing a second time."""
    import shutil

    plan = site.cleanup.save(site.cleanup.plan(site.scan_id, PlanFilters(limit=3)))
    archive = tmp_path / "archive"
    apply(site, plan, archive=archive)
    assert site.cleanup.restore(site.cleanup.restore_plan(archive), site.token).run().uploaded == 3
    copy = tmp_path / "copy"
    shutil.copytree(archive, copy)
    again = site.cleanup.restore_plan(copy)
    assert not again.pending and len(again.done) == 3
    assert site.cleanup.restore(again, site.token).run().uploaded == 0
    assert len(site.server.changes.uploads) == 3
