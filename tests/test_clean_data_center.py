"""Cleanup on a Jira Data Center site (the demo's Data Center mode) over real HTTP: exactly the
plan deleted with its archive and wiki-markup comments, cancel + resume exact, restore back."""

from __future__ import annotations

import hashlib

import pytest
from helpers.sites import CleanupSite

from aa_tui.archive import read_manifest
from aa_tui.jira.datacenter.wiki import wiki_text
from aa_tui.model.cleanup import Outcome, PlanFilters
from aa_tui.service.cleanup import ApplyOptions
from aa_tui.service.errors import Cancelled


@pytest.fixture
def dc(small_site, tmp_path):
    """A fresh Data Center demo server, scanned with a personal access token."""
    with CleanupSite(small_site, tmp_path, data_center=True) as site:
        yield site


def test_exactly_the_plan_is_deleted_archived_and_commented_in_wiki_markup(
    dc, small_site, tmp_path
):
    plan = dc.cleanup.save(dc.cleanup.plan(dc.scan_id))
    assert plan.files == small_site.truth.duplicate_files and plan.email == "pat:"
    archive = tmp_path / "archive"
    run = dc.cleanup.apply(plan, dc.token, ApplyOptions(archive=archive, comment=True))
    outcome = run.run()
    assert outcome.finished and outcome.counts[Outcome.DELETED] == plan.files
    assert dc.deleted_ids() == {d.attachment_id for d in plan.deletions}
    assert dc.server.truth().duplicate_files == 0
    for line in read_manifest(archive / "manifest.jsonl"):
        path = archive / line["path"] if "path" in line else None
        content = path.read_bytes() if path else small_site.read(line["id"])
        assert hashlib.sha256(content).hexdigest() == line["sha256"]
        assert content == small_site.read(line["id"])
    comments = dc.server.changes.comments
    touched = {small_site.issue_index(d.issue_key) for d in plan.deletions}
    assert set(comments) == touched
    for issue, posted in comments.items():
        assert len(posted) == 1 and posted[0].adf is None  # a wiki-markup string, not ADF
        wiki = posted[0].text
        assert f"aa-tui cleanup {plan.id}" not in wiki  # escaped: "aa\\-tui"
        assert f"aa-tui cleanup {plan.id}" in wiki_text(wiki)
        here = [d for d in plan.deletions if small_site.issue_index(d.issue_key) == issue]
        assert all(d.file_name in wiki_text(wiki) for d in here)
        # the marker a retry looks for is found again in what the site gives back
        key = here[0].issue_key
        with dc.connect(dc.server.base_url, "pat:", dc.token) as client:
            assert client.find_comment(key, f"aa-tui cleanup {plan.id}")
    # restore: the same bytes back on their issues, verified
    restore = dc.cleanup.restore_plan(archive)
    assert len(restore.pending) == plan.files and restore.email == "pat:"
    assert dc.cleanup.restore(restore, dc.token).run().uploaded == plan.files
    assert dc.server.truth().duplicate_files == small_site.truth.duplicate_files


def test_cancel_then_resume_deletes_exactly_the_plan(dc):
    plan = dc.cleanup.save(dc.cleanup.plan(dc.scan_id, PlanFilters(limit=12)))
    box: dict = {}

    def stop_after_three(event):
        if event.deleted >= 3:
            box["run"].cancel()

    run = dc.cleanup.apply(plan, dc.token, ApplyOptions(workers=2), listener=stop_after_three)
    box["run"] = run
    with pytest.raises(Cancelled):
        run.run()
    first = dc.deleted_ids()
    assert 3 <= len(first) < plan.files
    outcome = dc.cleanup.apply(plan, dc.token, ApplyOptions(), resume=True).run()
    assert outcome.finished and dc.deleted_ids() == {d.attachment_id for d in plan.deletions}


@pytest.mark.parametrize("policy", ["stale", "hygiene", "inactive"])
def test_an_offload_policy_archives_then_deletes_exactly_its_plan(dc, small_site, tmp_path, policy):
    plan = dc.cleanup.save(dc.cleanup.plan(dc.scan_id, PlanFilters(limit=3), policy=policy))
    assert plan.files == 3 and plan.only_copies
    archive = tmp_path / "archive"
    outcome = dc.cleanup.apply(plan, dc.token, ApplyOptions(archive=archive, comment=True)).run()
    assert outcome.finished and outcome.counts[Outcome.DELETED] == 3
    assert dc.deleted_ids() == {d.attachment_id for d in plan.deletions}
    lines = {line["id"]: line for line in read_manifest(archive / "manifest.jsonl")}
    for d in plan.only_copies:
        content = (archive / lines[d.attachment_id]["path"]).read_bytes()
        assert content == small_site.read(d.attachment_id)
    # an only copy's comment names where its archived copy is (a redundant one, its kept copy)
    only = {small_site.issue_index(d.issue_key) for d in plan.only_copies}
    assert only
    for issue in only:
        assert str(archive) in wiki_text(dc.server.changes.comments[issue][0].text)
