"""The policy seam: a tiny in-test policy that removes only copies (no other copy on Jira),
applied on real HTTP against the demo site. The engine refuses it without an archive and, with
one, deletes each file only after its bytes are in the archive, read back and verified by
SHA-256, and its manifest line is on disk."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import httpx
import orjson
import pytest
from helpers.sites import CleanupSite
from test_clean_apply import apply, ids

from aa_tui.archive import Check, LocalArchive, read_manifest
from aa_tui.model.cleanup import (
    OnlyCopy,
    Outcome,
    Plan,
    PlanFilters,
    PlannedDeletion,
    ProofKind,
)
from aa_tui.service.cleanup.apply import ArchiveRequired
from aa_tui.service.cleanup.plan import PlanRuleBroken, check_plan
from aa_tui.service.cleanup.policy import Selection, planned
from aa_tui.service.errors import describe
from aa_tui.store.audit import AuditLog
from aa_tui.store.plans import PlanStore


class OnlyCopies:
    """Files in no duplicate group, smallest first (a stand-in for a stale-files policy)."""

    name = "test-only-copies"
    proofs = frozenset({ProofKind.ONLY_COPY})

    def __init__(self, files: int) -> None:
        self.files = files

    def admit(self, results) -> None:
        pass

    def select(self, results, filters: PlanFilters, removed: set[str]) -> Selection:
        grouped = {str(loc["attachment_id"]) for g in results.groups() for loc in g["locations"]}
        singles = sorted(
            (
                r
                for r in results.attachments()
                if str(r["attachment_id"]) not in grouped | removed and r["size"] > 0
            ),
            key=lambda r: (r["size"], r["attachment_id"]),
        )[: self.files]
        return Selection(
            [planned(r, r, r["size"], r["mime_type"], OnlyCopy(why="a test")) for r in singles]
        )


@pytest.fixture
def site(small_site, tmp_path):
    with CleanupSite(small_site, tmp_path) as s:
        yield s


def only_plan(site: CleanupSite, files: int = 4) -> Plan:
    plan = site.cleanup.plan(site.scan_id, policy=OnlyCopies(files))
    assert plan.files == files and plan.policy == "test-only-copies"
    assert all(d.redundant is None and d.keep_id == "" for d in plan.deletions)
    return site.cleanup.save(plan)


def test_an_only_copy_plan_is_refused_without_an_archive_and_nothing_is_written(site):
    plan = only_plan(site)
    with pytest.raises(ArchiveRequired) as refused:
        apply(site, plan)
    problem = describe(refused.value)
    assert problem.exit_code == 2 and "archive" in problem.message
    assert not site.server.deleted
    assert not any(k.startswith("DELETE") for k in site.server.stats.snapshot()["requests"])
    assert not AuditLog(site.store).state(plan.id).started
    assert site.cleanup.plans(site.scan_id)[0].status == "saved"


class CheckBeforeDelete(httpx.BaseTransport):
    """At each DELETE, what the archive holds of that file (before the request leaves)."""

    def __init__(self, inner, archive: Path) -> None:
        self.inner, self.archive, self.seen = inner, archive, {}

    def handle_request(self, request):
        if request.method == "DELETE":
            aid = request.url.path.rstrip("/").rsplit("/", 1)[-1]
            lines = {line["id"]: line for line in read_manifest(self.archive / "manifest.jsonl")}
            line = lines.get(aid)
            body = (self.archive / line["path"]).read_bytes() if line else None
            self.seen[aid] = (line, body)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_each_only_copy_is_archived_verified_and_in_the_manifest_before_its_delete(
    site, small_site, tmp_path, monkeypatch
):
    plan = only_plan(site)
    archive = tmp_path / "archive"
    verified: list[str] = []
    real_verify = LocalArchive.verify

    def verify(self, path, sha256, size):
        verified.append(path)
        return real_verify(self, path, sha256, size)

    monkeypatch.setattr(LocalArchive, "verify", verify)
    taps: list[CheckBeforeDelete] = []
    site.wraps = [lambda inner: taps.append(CheckBeforeDelete(inner, archive)) or taps[-1]]
    _, outcome = apply(site, plan, archive=archive)
    assert outcome.finished and outcome.counts[Outcome.DELETED] == plan.files
    assert site.deleted_ids() == ids(plan)
    (tap,) = taps
    assert set(tap.seen) == ids(plan)
    for d in plan.deletions:
        line, body = tap.seen[d.attachment_id]
        content = small_site.read(d.attachment_id)
        assert body == content  # in the archive, whole, when its DELETE left
        assert line["sha256"] == hashlib.sha256(content).hexdigest()
        assert line["proof"] == "only copy" and line["deleted_at"] == "" and line["kept_id"] == ""
        assert line["path"] in verified  # read back and verified by SHA-256 first
    # The audit has each file's archive; a restore puts every file back (the DELETE happened).
    assert all(e.archive and e.sha256 for e in site.cleanup.audit())
    restore = site.cleanup.restore_plan(archive)
    assert len(restore.pending) == plan.files and not restore.problems
    assert site.cleanup.restore(restore, site.token).run().uploaded == plan.files


def test_a_read_back_that_differs_keeps_the_file_on_jira(site, tmp_path, monkeypatch):
    plan = only_plan(site, files=2)
    monkeypatch.setattr(LocalArchive, "verify", lambda self, path, sha256, size: Check.SHA256)
    _, outcome = apply(site, plan, archive=tmp_path / "archive")
    assert outcome.counts[Outcome.SKIPPED] == plan.files
    assert all("did not read back" in r.reason for r in outcome.results)
    assert not site.server.deleted
    assert not read_manifest(tmp_path / "archive" / "manifest.jsonl")


def test_bytes_that_differ_from_the_scans_sha256_keep_the_file_on_jira(site, tmp_path):
    plan = only_plan(site, files=2)
    forged = dataclasses.replace(
        plan,
        id=plan.id + "x",
        deletions=[dataclasses.replace(d, proof=OnlyCopy(sha256="0" * 64)) for d in plan.deletions],
    )
    _, outcome = apply(site, site.cleanup.save(forged), archive=tmp_path / "a")
    assert outcome.counts[Outcome.SKIPPED] == plan.files
    assert not site.server.deleted
    assert not list((tmp_path / "a").rglob("*.part"))


def test_only_copy_plans_are_saved_in_a_format_older_versions_refuse(site):
    plan = only_plan(site, files=1)
    store = PlanStore(site.store)
    body = orjson.loads((store.plan_dir(plan.id) / "plan.json").read_bytes())
    assert body["format"] == "aa-tui.plan/2" and body["policy"] == "test-only-copies"
    (d,) = body["deletions"]
    assert d["proof"] == "only copy" and "keep_id" not in d
    assert store.load(plan.id) == plan
    # A duplicates plan keeps the first format, without the new keys.
    dup = site.cleanup.save(site.cleanup.plan(site.scan_id, PlanFilters(limit=1)))
    body = orjson.loads((store.plan_dir(dup.id) / "plan.json").read_bytes())
    assert body["format"] == "aa-tui.plan/1" and "policy" not in body
    assert "proof" not in body["deletions"][0]
    with pytest.raises(ValueError):  # an unknown proof never loads as a redundant copy
        PlannedDeletion.from_dict({**d, "proof": "maybe"})


def test_check_plan_keeps_a_kept_copy_out_of_every_proof(site):
    dup = site.cleanup.plan(site.scan_id, PlanFilters(limit=1))
    groups = list(site.store.results(site.scan_id).groups())
    (d,) = dup.deletions
    kept = PlannedDeletion.from_dict(
        {**d.to_dict(), "attachment_id": d.keep_id, "proof": "only copy"}
    )
    mixed = dataclasses.replace(dup, deletions=[d, kept])
    with pytest.raises(PlanRuleBroken, match="kept copy"):
        check_plan(mixed, groups, set())
    with pytest.raises(PlanRuleBroken, match="does not give"):
        check_plan(dup, groups, set(), proofs={ProofKind.ONLY_COPY})
