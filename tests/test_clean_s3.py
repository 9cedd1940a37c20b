"""A cleanup archived to S3 and restores from either destination, on real HTTP: the demo site
and a real S3-compatible server (s3rver) on 127.0.0.1. Every deleted only copy is in the
bucket, equal bytes, with its manifest line, before its DELETE leaves; a bad destination
deletes nothing; a restore (every file, one issue's, one file) puts equal bytes back, read
back from Jira, and the audit records it."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from helpers.cli import aa
from helpers.s3server import free_port
from helpers.sites import CleanupSite
from test_clean_apply import apply, ids
from test_clean_policies import OnlyCopies

from aa_tui.archive import ArchiveUnavailable, open_archive, open_manifest
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.model.cleanup import Outcome, Plan
from aa_tui.model.units import counted
from aa_tui.service.cleanup import RestoreScope
from aa_tui.service.errors import describe
from aa_tui.store.audit import AuditLog


@pytest.fixture
def site(small_site, tmp_path):
    with CleanupSite(small_site, tmp_path) as s:
        yield s


def only_plan(site: CleanupSite, files: int = 6) -> Plan:
    return site.cleanup.save(site.cleanup.plan(site.scan_id, policy=OnlyCopies(files)))


class BucketAtDelete(httpx.BaseTransport):
    """At each DELETE, what the bucket holds of that file (before the request leaves)."""

    def __init__(self, inner, url: str) -> None:
        self.inner, self.url, self.seen = inner, url, {}

    def handle_request(self, request):
        if request.method == "DELETE":
            aid = request.url.path.rstrip("/").rsplit("/", 1)[-1]
            archive = open_archive(self.url)  # a fresh reader: only what S3 holds
            line = next((x for x in archive.lines() if x["id"] == aid), None)
            body = None
            if line is not None:
                with archive.open(line["path"]) as stream:
                    body = stream.read()
            self.seen[aid] = (line, body)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def uploaded(site: CleanupSite) -> dict[tuple[str, str], bytes]:
    """(file name, issue key) -> bytes of every upload the site took."""
    return {
        (u.filename, site.data.issue_key(u.issue)): u.content
        for u in site.server.changes.uploads.values()
    }


def test_only_copies_are_in_s3_before_their_delete_and_restore_puts_them_back(
    site, small_site, s3_archive, s3_server
):
    plan = only_plan(site)
    taps: list[BucketAtDelete] = []
    site.wraps = [lambda inner: taps.append(BucketAtDelete(inner, s3_archive)) or taps[-1]]
    _, outcome = apply(site, plan, archive=s3_archive, comment=True)
    assert outcome.finished and outcome.counts[Outcome.DELETED] == plan.files
    assert outcome.archive == s3_archive
    assert site.deleted_ids() == ids(plan)  # the site's own truth: exactly the plan
    (tap,) = taps
    assert set(tap.seen) == ids(plan)
    for d in plan.deletions:
        line, body = tap.seen[d.attachment_id]
        content = small_site.read(d.attachment_id)
        assert body == content  # in the bucket, whole, when its DELETE left
        assert line["sha256"] == hashlib.sha256(content).hexdigest()
        assert (
            line["proof"] == "only copy"
            and line["path"] == f"{d.issue_key}/{d.attachment_id}-{d.file_name}"
        )
    # The comment names the archive as the admin gave it.
    assert all(e.archive.startswith(s3_archive + "/") for e in site.cleanup.audit())
    site.wraps = []
    # Restore one file, then one issue's files, then the rest: equal bytes, read back.
    by_issue: dict[str, list[str]] = {}
    for d in plan.deletions:
        by_issue.setdefault(d.issue_key, []).append(d.attachment_id)
    first = plan.deletions[0]
    one = site.cleanup.restore_plan(s3_archive, RestoreScope(file=first.attachment_id))
    assert [i.attachment_id for i in one.pending] == [first.attachment_id]
    assert site.cleanup.restore(one, site.token).run().uploaded == 1
    assert uploaded(site) == {
        (first.file_name, first.issue_key): small_site.read(first.attachment_id)
    }
    issue = next(k for k in by_issue if first.attachment_id not in by_issue[k])
    scoped = site.cleanup.restore_plan(s3_archive, RestoreScope(issue=issue))
    assert {i.attachment_id for i in scoped.pending} == set(by_issue[issue])
    assert site.cleanup.restore(scoped, site.token).run().uploaded == len(by_issue[issue])
    rest = site.cleanup.restore_plan(s3_archive)
    assert len(rest.done) == 1 + len(by_issue[issue])
    outcome = site.cleanup.restore(rest, site.token).run()
    assert outcome.uploaded == plan.files - 1 - len(by_issue[issue])
    back = uploaded(site)
    assert len(site.server.changes.uploads) == plan.files
    for d in plan.deletions:
        assert back[(d.file_name, d.issue_key)] == small_site.read(d.attachment_id)
    audit = {e.attachment_id: e for e in site.cleanup.audit()}
    assert all(audit[d.attachment_id].restored_as for d in plan.deletions)


@pytest.mark.parametrize("broken", ["unreachable", "denied", "no bucket"])
def test_a_bad_s3_destination_deletes_nothing(site, s3_archive, monkeypatch, broken):
    plan = only_plan(site, files=3)
    archive = s3_archive
    if broken == "unreachable":
        monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{free_port()}")
    elif broken == "denied":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "NOT-A-KEY-OF-THIS-STORE")
    else:
        archive = "s3://aa-no-such-bucket/x"
    with pytest.raises(ArchiveUnavailable) as refused:
        apply(site, plan, archive=archive)
    assert describe(refused.value).exit_code == 2
    assert not site.server.deleted
    assert not any(k.startswith("DELETE") for k in site.server.stats.snapshot()["requests"])
    assert not AuditLog(site.store).state(plan.id).started


@pytest.mark.parametrize("where", ["folder", "s3"])
def test_restore_reads_the_upload_back_from_jira(site, tmp_path, s3_archive, monkeypatch, where):
    plan = only_plan(site, files=2)
    archive = str(tmp_path / "archive") if where == "folder" else s3_archive
    apply(site, plan, archive=archive)

    reads: list[str] = []
    real = CloudClient.read_content

    def garbled(self, attachment_id, start, end, sink):
        """Jira giving back other bytes (same length) for what was just uploaded."""
        reads.append(attachment_id)
        return real(self, attachment_id, start, end, lambda chunk: sink(b"x" * len(chunk)))

    monkeypatch.setattr(CloudClient, "read_content", garbled)
    restore = site.cleanup.restore_plan(archive)
    outcome = site.cleanup.restore(restore, site.token).run()
    assert outcome.uploaded == 0 and len(reads) == 2
    assert all(r.outcome is Outcome.SKIPPED and "do not hash" in r.reason for r in outcome.results)
    assert len(site.server.changes.uploads) == 2  # uploaded once each, never again
    assert not site.cleanup.restore_plan(archive).pending


def test_restore_on_the_command_line_from_s3_by_issue_and_file(
    site, small_site, s3_archive, s3_server
):
    plan = only_plan(site, files=4)
    apply(site, plan, archive=s3_archive)
    site.store.close()
    data = site.store.data_dir
    d0, d1 = plan.deletions[0], plan.deletions[1]
    dry = aa(["restore", s3_archive, "--file", d0.attachment_id], data)
    assert dry.returncode == 0, dry.stderr
    assert ": 1 file, " in dry.stdout and d0.file_name in dry.stdout and "Dry run" in dry.stdout
    assert not site.server.changes.uploads
    one = aa(["restore", s3_archive, "--file", d0.attachment_id, "--yes"], data, token=site.token)
    assert one.returncode == 0, one.stderr
    assert "Restored 1 file;" in one.stdout
    issue = aa(
        ["restore", s3_archive + "/manifest.d/", "--issue", d1.issue_key.lower(), "--yes"],
        data,
        token=site.token,
    )
    assert issue.returncode == 0, issue.stderr
    want = {d.attachment_id for d in plan.deletions if d.issue_key == d1.issue_key} - {
        d0.attachment_id
    }
    assert f"Restored {counted(len(want), 'file')};" in issue.stdout
    none = aa(["restore", s3_archive, "--issue", "NOPE-1"], data)
    assert none.returncode == 2 and "lists no file for issue NOPE-1" in none.stderr
    assert "Traceback" not in none.stderr
    audit = aa(["audit"], data)
    assert audit.stdout.count("restored as") == 1 + len(want)
    for u in site.server.changes.uploads.values():
        (d,) = [
            d
            for d in plan.deletions
            if d.file_name == u.filename and d.issue_key == small_site.issue_key(u.issue)
        ]
        assert u.content == small_site.read(d.attachment_id)


def test_open_manifest_reads_a_local_archive_copied_into_s3(site, tmp_path, s3_archive, s3_server):
    """The layout is one: a local archive uploaded under a prefix restores from there."""
    plan = only_plan(site, files=2)
    folder = tmp_path / "archive"
    apply(site, plan, archive=folder)
    bucket = s3_archive.split("/")[2]
    client = s3_server.client()
    for path in folder.rglob("*"):
        if path.is_file():
            client.put_object(
                Bucket=bucket,
                Key=f"copied/{path.relative_to(folder).as_posix()}",
                Body=path.read_bytes(),
            )
    store = open_manifest(f"s3://{bucket}/copied/manifest.jsonl")
    assert {x["id"] for x in store.lines()} == ids(plan)
    restore = site.cleanup.restore_plan(f"s3://{bucket}/copied")
    assert len(restore.pending) == 2 and not restore.problems


def test_clean_on_the_command_line_archives_to_s3(site, small_site, s3_archive, s3_server):
    """``clean --archive s3://...`` keeps the URL as given (a path would make it s3:/...)."""
    site.store.close()
    data = site.store.data_dir
    args = ["clean", site.scan_id, "--limit", "3", "--yes", "--archive", s3_archive + "/"]
    done = aa(args, data, token=site.token)
    assert done.returncode == 0, done.stderr
    assert (
        f"Archive: {s3_archive} (manifest.d/ lists every file; see aa-tui restore)" in done.stdout
    )
    archive = open_archive(s3_archive)
    lines = archive.lines()
    assert len(lines) == 3 and {x["id"] for x in lines} == site.deleted_ids()
    for line in lines:
        with archive.open(line["path"]) as body:
            assert body.read() == small_site.read(line["id"])
