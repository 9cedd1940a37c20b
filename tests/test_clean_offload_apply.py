"""Applying each policy beyond duplicates on real HTTP against the demo site: exactly the plan
deleted (the site's own truth), every only copy in the archive with equal bytes before its
DELETE left, comments naming where each archived copy lives, restore puts equal bytes back;
an unwritable destination or a read-only user deletes nothing; an issue whose comments answer
404 is reported and the run still finishes; a kill at a few points then ``--resume`` is exact.
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys

import httpx
import pytest
from helpers.cli import cli_env
from helpers.scanning import run_scan
from helpers.sites import CleanupSite
from test_clean_apply import apply, ids
from test_clean_crash import Clean, state_of
from test_clean_offload import LISTS, filters_for
from test_clean_policies import CheckBeforeDelete

from aa_tui.archive import read_manifest
from aa_tui.demo.catalog import REFERENCE_EPOCH
from aa_tui.demo.insights_truth import insight_truth
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.cleanup import Outcome, Plan, PlanFilters
from aa_tui.service.cleanup import MissingPermission
from aa_tui.service.errors import describe
from aa_tui.store.store import Store

FILES = 4  # per policy: a few files keep the suite short


@pytest.fixture
def site(small_site, tmp_path):
    with CleanupSite(small_site, tmp_path) as s:
        yield s


def offload_plan(site: CleanupSite, policy: str, files: int = FILES) -> Plan:
    plan = site.cleanup.plan(site.scan_id, filters_for(site, policy, limit=files), policy=policy)
    assert plan.files == files and plan.only_copies
    return site.cleanup.save(plan)


@pytest.mark.parametrize("policy", list(LISTS))
def test_each_policy_deletes_exactly_its_plan_archived_first_and_commented(
    site, small_site, tmp_path, policy
):
    plan = offload_plan(site, policy)
    archive = tmp_path / "archive"
    taps: list[CheckBeforeDelete] = []
    site.wraps = [lambda inner: taps.append(CheckBeforeDelete(inner, archive)) or taps[-1]]
    before = site.server.truth().total_files
    _, outcome = apply(site, plan, archive=archive, comment=True)
    assert outcome.finished and outcome.counts[Outcome.DELETED] == plan.files
    # The site's own truth: exactly the plan is gone.
    assert site.deleted_ids() == ids(plan)
    assert site.server.truth().total_files == before - plan.files
    # Each only copy was in the archive, whole, with its manifest line, when its DELETE left.
    (tap,) = taps
    lines = {line["id"]: line for line in read_manifest(archive / "manifest.jsonl")}
    for d in plan.only_copies:
        line, body = tap.seen[d.attachment_id]
        content = small_site.read(d.attachment_id)
        assert body == content and line["sha256"] == hashlib.sha256(content).hexdigest()
    # One comment per touched issue names each only copy, its size, SHA-256 and archived place.
    comments = site.server.changes.comments
    assert set(comments) == {small_site.issue_index(d.issue_key) for d in plan.deletions}
    for d in plan.only_copies:
        (posted,) = comments[small_site.issue_index(d.issue_key)]
        where = str(archive / lines[d.attachment_id]["path"])
        assert where in posted.text and lines[d.attachment_id]["sha256"] in posted.text
        assert d.file_name in posted.text and f"{d.size:,} bytes" in posted.text
    # Restore puts every archived file back: new ids, same bytes, same names.
    restore = site.cleanup.restore_plan(archive)
    assert len(restore.pending) == len(lines) and not restore.problems
    assert site.cleanup.restore(restore, site.token).run().uploaded == len(lines)
    back = {
        (u.filename, small_site.issue_key(u.issue)): u.content
        for u in site.server.changes.uploads.values()
    }
    for d in plan.only_copies:
        assert back[(d.file_name, d.issue_key)] == small_site.read(d.attachment_id)


@pytest.mark.parametrize("policy", list(LISTS))
def test_an_unwritable_destination_deletes_nothing(site, tmp_path, policy):
    plan = offload_plan(site, policy)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(Exception) as refused:  # noqa: PT011 - whatever it is, it is said
        apply(site, plan, archive=blocker / "archive")
    assert describe(refused.value).message
    assert not site.server.deleted
    assert not any(k.startswith("DELETE") for k in site.server.stats.snapshot()["requests"])


@pytest.mark.parametrize("policy", list(LISTS))
def test_a_read_only_user_deletes_nothing(small_site, tmp_path, policy):
    viewer = CleanupSite(small_site, tmp_path, viewer=True)
    try:
        plan = offload_plan(viewer, policy)
        plan = viewer.cleanup.save(dataclasses.replace(plan, id=plan.id + "v", email=viewer.email))
        with pytest.raises(MissingPermission):
            apply(viewer, plan, archive=tmp_path / "archive")
        assert not viewer.server.deleted
        assert not (tmp_path / "archive" / "manifest.jsonl").exists()
    finally:
        viewer.close()


class CommentsGone(httpx.BaseTransport):
    """Jira answers 404 for every comment request of one issue (gone, or hidden)."""

    def __init__(self, inner, issue_key: str) -> None:
        self.inner, self.issue_key, self.refused = inner, issue_key, 0

    def handle_request(self, request):
        if f"/issue/{self.issue_key}/comment" in request.url.path:
            self.refused += 1
            return httpx.Response(404, json={"errorMessages": ["Issue does not exist"]})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("policy", list(LISTS))
def test_an_issue_whose_comments_answer_404_is_reported_and_the_run_finishes(
    site, small_site, tmp_path, policy
):
    plan = offload_plan(site, policy, files=6)
    issues = sorted({d.issue_key for d in plan.deletions})
    assert len(issues) > 1
    gone = issues[0]
    taps: list[CommentsGone] = []
    site.wraps = [lambda inner: taps.append(CommentsGone(inner, gone)) or taps[-1]]
    _, outcome = apply(site, plan, archive=tmp_path / "archive", comment=True)
    assert outcome.finished and site.deleted_ids() == ids(plan)
    assert taps[0].refused and set(outcome.comment_problems) == {gone}
    assert "404" in outcome.comment_problems[gone]
    commented = {small_site.issue_key(i) for i in site.server.changes.comments}
    assert commented == set(issues) - {gone}
    document = site.cleanup.document(plan)
    assert set(document["comment_problems"]) == {gone}
    assert site.cleanup.plans(site.scan_id)[0].status == "done"


GONE_WRAPPER = r"""
import sys, threading
from aa_tui.jira import writes
from aa_tui.jira.errors import RequestRejected

real = writes.SiteWrites.add_comment
first = []
lock = threading.Lock()

def add_comment(self, issue, body, **kw):
    with lock:
        first[:] = first or [issue]
    if first[0] == issue:  # the first issue commented on is gone
        raise RequestRejected(f"POST comment of {issue}: HTTP 404 (Issue does not exist)", 404)
    return real(self, issue, body, **kw)

writes.SiteWrites.add_comment = add_comment
from aa_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_cli_reports_an_issue_that_answers_404_and_exits_0(small_site, tmp_path):
    with DemoServer(small_site, DemoOptions()) as server:
        data = tmp_path / "data"
        store = Store(data)
        try:
            scan_id = run_scan(server, store).info.id
        finally:
            store.close()
        args = ["clean", scan_id, "--policy", "stale", "--limit", "5", "--comment", "--yes"]
        result = subprocess.run(
            [sys.executable, "-c", GONE_WRAPPER, *args, "--archive", str(tmp_path / "a")],
            env=cli_env(data, server.token),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        (line,) = [x for x in result.stdout.splitlines() if "no comment on" in x]
        assert "Jira answered 404" in line and "is done" in result.stdout
        assert len({small_site.attachment_id(j) for j in server.deleted}) == 5


def idle_threshold(data) -> int:
    """Days that leave some of the demo's projects idle (the insight truth's middle age)."""
    last = insight_truth(data).project_last_update.values()
    ages = sorted((REFERENCE_EPOCH - t) // 86400 for t in last)
    return int(ages[len(ages) // 2])


#: kill points per policy: the first policy gets more, the others a few
KILLS = {
    "stale": [("before-manifest", 2), ("before-delete", 2), ("after-delete", 2)],
    "hygiene": [("before-delete", 2), ("after-delete", 2)],
    "idle": [("before-manifest", 3)],
    "inactive": [("after-delete", 3)],
    "largest": [("before-manifest", 1), ("before-delete", 2)],
}


@pytest.mark.parametrize("policy", list(LISTS))
def test_a_kill_at_a_few_points_then_resume_is_exact(small_site, tmp_path, policy):
    with DemoServer(small_site, DemoOptions(latency_s=0.01)) as server:
        data = tmp_path / "data"
        store = Store(data)
        try:
            scan_id = run_scan(server, store).info.id
        finally:
            store.close()
        archive = tmp_path / "archive"
        first = ["--policy", policy, "--limit", "6", "--archive", str(archive), "--comment"]
        first += ["--yes", "--workers", "2", "--quiet"]
        if policy == "idle":
            first += ["--idle-days", str(idle_threshold(small_site))]
        finished = False
        for n, crash in enumerate(KILLS[policy]):
            args = [scan_id, *first] if n == 0 else [scan_id, "--resume", "--yes", "--quiet"]
            run = Clean(server, data, *args, crash=crash)
            if not run.reaches_crash_point():  # the rest was done before the nth point
                finished = True
                break
            run.kill()
            plan, state, _ = state_of(data)
            deleted = {small_site.attachment_id(j) for j in server.deleted}
            assert deleted <= ids(plan)  # never more than the plan
            lines = {line["id"] for line in read_manifest(archive / "manifest.jsonl")}
            assert {d.attachment_id for d in plan.only_copies} & deleted <= lines
        if not finished:
            code, out, err = Clean(server, data, scan_id, "--resume", "--yes").wait()
            assert code == 0, err
        plan, state, row = state_of(data)
        assert plan.policy == policy and plan.files == 6 and row.status == "done"
        assert {small_site.attachment_id(j) for j in server.deleted} == ids(plan)
        lines = read_manifest(archive / "manifest.jsonl")
        assert sorted(line["id"] for line in lines) == sorted(ids(plan))
        for line in lines:
            body = (archive / line["path"]).read_bytes()
            assert body == small_site.read(line["id"])
        comments = server.changes.comments
        assert all(len(posted) == 1 for posted in comments.values())
        assert set(comments) == {small_site.issue_index(d.issue_key) for d in plan.deletions}


def test_planning_a_policy_sends_nothing(site):
    before = site.server.stats.snapshot()["requests"]
    for policy in LISTS:
        site.cleanup.plan(site.scan_id, filters_for(site, policy, limit=3), policy=policy)
    assert site.server.stats.snapshot()["requests"] == before
    assert PlanFilters().protect == 30


def test_a_moved_issue_keeps_its_file_and_a_deleted_issue_means_already_gone(site):
    """Right before each DELETE the only copy is looked up on its issue by the issue's id: an
    issue moved to another project since the scan (a new key) still holds it, so it is
    archived and deleted; an issue deleted since the scan took its file with it."""
    from aa_tui.demo import catalog as cat

    plan = offload_plan(site, "stale", files=4)
    moved, deleted = (
        plan.deletions[0],
        next(d for d in plan.deletions[1:] if d.issue_id != plan.deletions[0].issue_id),
    )
    i = int(moved.issue_id) - cat.ISSUE_ID_BASE
    new_key = site.server.move_issue(i, (site.data.issue_project[i] + 1) % len(cat.PROJECTS))
    assert new_key != moved.issue_key
    site.server.delete_issue(int(deleted.issue_id) - cat.ISSUE_ID_BASE)
    _, outcome = apply(site, plan, archive=site.store.data_dir.parent / "archive")
    by_id = {r.attachment_id: r for r in outcome.results}
    assert by_id[moved.attachment_id].outcome is Outcome.DELETED
    assert by_id[deleted.attachment_id].outcome is Outcome.ALREADY_GONE


class NotOnItsIssue(httpx.BaseTransport):
    """The issue's attachment list answers without one file (the file is not on its issue any
    more), while that file's own metadata still answers."""

    def __init__(self, inner, attachment_id: str) -> None:
        self.inner, self.attachment_id = inner, attachment_id

    def handle_request(self, request):
        response = self.inner.handle_request(request)
        if (
            request.method == "GET"
            and "/issue/" in request.url.path
            and response.status_code == 200
        ):
            data = httpx.Response(200, content=response.read()).json()
            fields = data.get("fields") or {}
            fields["attachment"] = [
                a for a in fields.get("attachment") or [] if str(a.get("id")) != self.attachment_id
            ]
            return httpx.Response(200, json=data, headers={"content-type": "application/json"})
        return response

    def close(self) -> None:
        self.inner.close()


def test_a_file_no_longer_on_its_issue_is_not_deleted(site, tmp_path):
    plan = offload_plan(site, "stale", files=2)
    gone = plan.deletions[0]
    site.wraps = [lambda inner: NotOnItsIssue(inner, gone.attachment_id)]
    _, outcome = apply(site, plan, archive=tmp_path / "archive")
    by_id = {r.attachment_id: r for r in outcome.results}
    assert by_id[gone.attachment_id].outcome is Outcome.ALREADY_GONE
    assert gone.attachment_id not in site.deleted_ids()
    assert by_id[plan.deletions[1].attachment_id].outcome is Outcome.DELETED
