"""``aa-tui clean | audit | restore`` as a user runs them: real subprocesses, the demo site."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys

import pytest
from helpers.cli import aa, cli_env
from helpers.scanning import fast_governor, run_scan
from helpers.sites import scan_kept

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.model.units import size_text
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanRequest
from aa_tui.store.store import Store


@pytest.fixture
def server(small_site):
    with DemoServer(small_site, DemoOptions()) as srv:
        yield srv


def scan_into(server, data_dir, *, email=None, token=None, verify="exact") -> str:
    """A scan of ``server`` in ``data_dir``: as the site's own account, its clock stopped, the
    first of a worker's fresh servers kept and the later ones copied
    (:func:`~helpers.sites.scan_kept`); as ``email``, by the wall clock, each its own."""
    if email is None:
        return scan_kept(
            server,
            data_dir,
            ("run_scan", verify),
            lambda store: run_scan(server, store, verify=verify).info.id,
        )
    store = Store(data_dir)
    try:
        client = CloudClient(server.base_url, ApiToken(email, token), governor=fast_governor())
        request = ScanRequest(site=client.site, email=email, verify=verify)
        try:
            return ScanEngine(client, store, request).run().info.id
        finally:
            client.close()
    finally:
        store.close()


def deleted_ids(server, data) -> set[str]:
    return {data.attachment_id(j) for j in server.deleted}


def test_dry_run_prints_the_plan_and_changes_nothing(server, small_site, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    out = tmp_path / "plan.json"
    result = aa(["clean", scan_id, "--json", str(out)], data)
    assert result.returncode == 0, result.stderr
    truth = small_site.truth
    assert f"{truth.duplicate_files:,} files" in result.stdout
    assert "Dry run: nothing was changed" in result.stdout
    assert "First files:" in result.stdout and "keep " in result.stdout
    doc = json.loads(out.read_text())
    assert doc["schema"] == "aa-tui.cleanup/1" and doc["applied"] is False
    assert len(doc["files"]) == truth.duplicate_files
    assert {f["outcome"] for f in doc["files"]} == {"planned"}
    assert sum(f["size"] for f in doc["files"]) == truth.duplicate_size
    # Per project, as the plan counts them.
    for project in {f["project_key"] for f in doc["files"]}:
        assert f"  {project}" in result.stdout
    assert not server.deleted and not server.changes.comments
    requests = server.stats.snapshot()["requests"]
    assert not any(k.startswith("DELETE") for k in requests)


def test_yes_applies_archives_comments_and_the_audit_lists_it(server, small_site, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    archive = tmp_path / "archive"
    run_json = tmp_path / "run.json"
    args = ["clean", scan_id, "--limit", "6", "--yes", "--archive", str(archive), "--comment"]
    result = aa([*args, "--json", str(run_json)], data, token=server.token)
    assert result.returncode == 0, result.stderr
    assert "Deleted 6 files" in result.stdout and "is done" in result.stdout
    # stderr is a pipe here, as in a cron job's log: its last progress line is where the run
    # ended, not the first tick's "0/6"
    phases = [ln.split(" | ")[0] for ln in result.stderr.splitlines() if " | deleted " in ln]
    assert phases == ["deleting: 0/6", "commenting: 0/6 issues", "this run"], result.stderr
    last = result.stderr.splitlines()[-2]  # before "Wrote run.json"
    assert last.startswith("this run | deleted 6 (") and last.endswith(", 6 comments"), last
    assert ", archived 6 (" in last
    doc = json.loads(run_json.read_text())
    planned = {f["attachment_id"] for f in doc["files"]}
    assert len(planned) == 6 and {f["outcome"] for f in doc["files"]} == {"deleted"}
    assert deleted_ids(server, small_site) == planned
    for f in doc["files"]:
        body = (archive / f["issue_key"] / f"{f['attachment_id']}-{f['file_name']}").read_bytes()
        assert hashlib.sha256(body).hexdigest() == f["sha256"] == f["group_hash"][7:]
    touched = {small_site.issue_index(f["issue_key"]) for f in doc["files"]}
    assert set(server.changes.comments) == touched
    assert server.token not in run_json.read_text() and "Traceback" not in result.stderr
    # The audit: every deletion ever made from this store.
    audit_json, audit_csv = tmp_path / "audit.json", tmp_path / "audit.csv"
    listed = aa(["audit", "--json", str(audit_json), "--csv", str(audit_csv)], data)
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(audit_json.read_text())["entries"]
    assert {e["attachment_id"] for e in entries} == planned
    assert all(e["outcome"] == "deleted" and e["actor"] == server.email for e in entries)
    rows = list(csv.DictReader(audit_csv.open(encoding="utf-8")))
    assert {r["attachment_id"] for r in rows} == planned
    # exporting writes the files and says so, as the other exports: no table as well
    assert listed.stdout == "" and f"Wrote {audit_csv}" in listed.stderr
    table = aa(["audit"], data)
    assert "6 files, " in table.stdout and table.stdout.count(" deleted ") == 6 + 1  # + total
    # The next plan of the same scan leaves out what is gone.
    again = aa(["clean", scan_id], data)
    assert f"{small_site.truth.duplicate_files - 6:,} files" in again.stdout
    assert "removed already" in again.stdout
    # `aa-tui scans` says which scan was cleaned, and what that freed
    freed = sum(f["size"] for f in doc["files"])
    scans = aa(["scans"], data)
    assert scans.returncode == 0 and "CLEANED" in scans.stdout.splitlines()[0]
    (line,) = [ln for ln in scans.stdout.splitlines() if ln.startswith(scan_id)]
    assert f" {size_text(freed)} " in line, line
    # Restore: a dry run, then the bytes go back.
    dry = aa(["restore", str(archive / "manifest.jsonl")], data)
    assert dry.returncode == 0 and "Restore to" in dry.stdout and "6 files" in dry.stdout
    assert not server.changes.uploads
    back = aa(["restore", str(archive), "--yes"], data, token=server.token)
    assert back.returncode == 0, back.stderr
    assert "Restored 6 files" in back.stdout
    assert back.stderr.count("Signing in to") <= 1, back.stderr  # said once, not per phase
    # its progress counts uploads (stderr is a pipe: a log), never deletions
    assert "uploading: 0/6 | uploaded 0" in back.stderr and "this run | uploaded 6" in back.stderr
    assert "deleted" not in back.stderr, back.stderr
    again_back = aa(["restore", str(archive), "--yes"], data, token=server.token)
    assert again_back.returncode == 0, again_back.stderr
    assert "6 restored already." in again_back.stdout
    assert "Nothing to upload: every file of it is back on Jira already." in again_back.stdout
    assert server.truth().duplicate_files == small_site.truth.duplicate_files - 6 + 6
    listed = aa(["audit"], data)
    assert listed.stdout.count("restored as") == 6
    (line,) = [ln for ln in aa(["scans"], data).stdout.splitlines() if ln.startswith(scan_id)]
    assert f" {size_text(freed)} " not in line and " - " in line  # every file is back


def test_read_only_user_gets_one_sentence_and_nothing_is_deleted(server, small_site, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data, email=server.viewer_email, token=server.viewer_token)
    result = aa(["clean", scan_id, "--yes"], data, token=server.viewer_token)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("aa-tui:")]
    assert '"Delete all attachments"' in line and server.viewer_email in line
    assert "nothing was deleted" in line
    assert not server.deleted
    assert server.viewer_token not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--projects", 'A" OR 1=1'], "not a Jira project key"),
        (["--limit", "-1"], "--limit must be zero or more"),
        (["--min-size", "-5"], "--min-size must be zero or more"),
        (["--resume", "--yes"], "likely copies, not proven ones"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(server, tmp_path, args, needle):
    data = tmp_path / "data"
    scan_id = scan_into(server, data, verify="metadata")
    result = aa(["clean", scan_id, *args], data, token=server.token)
    assert result.returncode == 2 and needle in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_project_the_scan_does_not_have_is_named(server, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    result = aa(["clean", scan_id, "--projects", "OPS,NOPE"], data, token=server.token)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--projects: NOPE is not a project of scan" in result.stderr
    assert "OPS" in result.stderr.split("its projects:")[1]


def test_metadata_scan_and_unknown_scan_are_refused(server, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data, verify="metadata")
    result = aa(["clean", scan_id, "--yes"], data, token=server.token)
    assert result.returncode == 2 and "likely copies, not proven ones" in result.stderr
    assert not server.deleted
    missing = aa(["clean", "nope"], data)
    assert missing.returncode == 2 and "No scan 'nope'" in missing.stderr
    assert aa(["audit"], data).stdout.startswith("No deletions yet")


def test_prove_cleans_a_metadata_scan_by_bytes(server, small_site, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data, verify="metadata")
    out = tmp_path / "plan.json"
    args = ["clean", scan_id, "--prove", "--limit", "3", "--yes", "--json", str(out)]
    result = aa([*args, "--token-stdin"], data, stdin=server.token + "\n")
    assert result.returncode == 0, result.stderr
    assert "proven by reading" in result.stdout and "Deleted 3 files" in result.stdout
    files = json.loads(out.read_text())["files"]
    assert {f["outcome"] for f in files} == {"deleted"}
    for f in files:
        group = small_site.truth.group_of(f["attachment_id"])
        assert group is not None and f["keep_id"] in group
    assert deleted_ids(server, small_site) == {f["attachment_id"] for f in files}


def _cleaned(server, tmp_path, files: int):
    """A data dir whose scan had ``files`` copies removed into an archive: (data, scan, archive)."""
    data, archive = tmp_path / "data", tmp_path / "archive"
    scan_id = scan_into(server, data)
    args = ["clean", scan_id, "--limit", str(files), "--yes", "--archive", str(archive)]
    result = aa([*args, "--quiet"], data, token=server.token)
    assert result.returncode == 0, result.stderr
    return data, scan_id, archive


def _closed_pipe(args, data_dir):
    """Run ``aa-tui ARGS`` with its standard output a pipe whose reader has gone away at once
    (``aa-tui scans | true``); the exit code and what it said on stderr."""
    import subprocess
    import sys

    from helpers.cli import cli_env

    proc = subprocess.Popen(
        [sys.executable, "-m", "aa_tui", *args],
        env=cli_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdout.close()
    err = proc.stderr.read()
    return proc.wait(timeout=120), err


def test_a_reader_that_goes_away_ends_every_listing_quietly(server, tmp_path):
    """Issue 19 #9: `aa-tui scans | head -1` said "Broken pipe. Check the path and
    permissions." and exited 3; every command that prints ends quietly with 0."""
    data, scan_id, archive = _cleaned(server, tmp_path, 12)
    for args in (
        ["scans"],
        ["audit"],
        ["clean", scan_id],
        ["restore", str(archive / "manifest.jsonl")],
    ):
        code, err = _closed_pipe(args, data)
        assert (code, err) == (0, ""), args


def test_a_long_listing_cut_by_head_ends_quietly(tmp_path):
    """More than a pipe holds: the write that fails is in the middle of the listing."""
    import subprocess
    import sys

    from helpers.cli import cli_env

    from aa_tui.model.records import Scope
    from aa_tui.model.scans import ScanInfo

    store = Store(tmp_path / "data")
    rows = [  # ~200 KB of lines, more than a pipe's buffer
        ScanInfo(f"s{n:06d}", "https://x.example", "a@b.c", Scope(), status="complete").to_dict()
        for n in range(1500)
    ]
    with store.locked():  # in one write: 1,500 save_scan calls rewrite the index 1,500 times
        store._table("scans").insert_multiple(rows)
    store.close()
    assert len(store.list_scans()) == 1500
    aa_tui = subprocess.Popen(
        [sys.executable, "-m", "aa_tui", "scans"],
        env=cli_env(tmp_path / "data"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    head = subprocess.run(["head", "-1"], stdin=aa_tui.stdout, capture_output=True, timeout=60)
    aa_tui.stdout.close()
    err = aa_tui.stderr.read()
    assert aa_tui.wait(timeout=60) == 0 and err == b""
    assert head.stdout.startswith(b"ID ")


def test_the_restore_dry_run_says_how_many_more_files(server, tmp_path):
    """Issue 19 #12: the dry run listed 10 files and never said how many more."""
    data, _scan_id, archive = _cleaned(server, tmp_path, 12)
    dry = aa(["restore", str(archive / "manifest.jsonl")], data)
    assert dry.returncode == 0, dry.stderr
    assert "12 files" in dry.stdout and "... and 2 more" in dry.stdout


def test_resume_with_nothing_to_resume_applies_nothing_new(server, small_site, tmp_path):
    """A finished plan and ``--resume --yes``: "finish what was started" never starts a new
    plan (a tester's run deleted 310 more files that way)."""
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    first = aa(["clean", scan_id, "--limit", "2", "--yes"], data, token=server.token)
    assert first.returncode == 0, first.stderr
    again = aa(["clean", scan_id, "--resume", "--yes"], data, token=server.token)
    assert again.returncode == 0, again.stderr
    assert "Nothing to resume" in again.stdout and "Traceback" not in again.stderr
    assert len(deleted_ids(server, small_site)) == 2


def test_a_relative_archive_is_kept_as_an_absolute_folder(server, small_site, tmp_path):
    """The journal, the manifest's readers and the comments on Jira name the folder: a
    relative path would mean another folder from another directory."""
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    here = tmp_path / "here"
    here.mkdir()
    args = ["clean", scan_id, "--policy", "stale", "--limit", "1", "--yes", "--archive", "rel"]
    args.append("--comment")
    result = subprocess.run(
        [sys.executable, "-m", "aa_tui", *args],
        env=cli_env(data, server.token),
        cwd=here,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (posted,) = [c for cs in server.changes.comments.values() for c in cs]
    assert str(here / "rel") in posted.text  # where its only copy is archived


def test_an_archive_folder_that_cannot_be_used_is_one_sentence_and_exit_2(
    server, small_site, tmp_path
):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = aa(
        ["clean", scan_id, "--limit", "1", "--yes", "--archive", str(blocker)],
        data,
        token=server.token,
    )
    assert result.returncode == 2, result.stderr
    assert f"The archive folder {blocker} cannot be used" in result.stderr
    assert not deleted_ids(server, small_site)


def test_a_restore_that_exits_3_ends_with_a_sentence_saying_why(server, tmp_path):
    """It ended on "cannot restore" lines (and "0 files ...; N restored already") with no
    closing word on why the exit code was 3."""
    data, _scan_id, archive = _cleaned(server, tmp_path, 3)
    (bad,) = [p for p in archive.rglob("*") if p.is_file() and p.name != "manifest.jsonl"][:1]
    bad.write_bytes(b"x" * bad.stat().st_size)  # damaged: its SHA-256 no longer matches
    closing = (
        'aa-tui: 1 file of the archive cannot be restored (the "cannot restore" lines above '
        "say why): that is why the exit code is 3."
    )
    for _ in range(2):  # the other two go back, then nothing is left but the damaged one
        back = aa(["restore", str(archive), "--yes", "--quiet"], data, token=server.token)
        assert back.returncode == 3, back.stdout + back.stderr
        assert "cannot restore" in back.stdout
        assert back.stderr.strip().splitlines()[-1] == closing, back.stderr
    assert "0 files, " in back.stdout and "2 restored already" in back.stdout


def test_the_archive_a_command_line_run_wrote_to_is_offered_by_the_app(server, tmp_path):
    """The app offers the archive a run of the site last reached and wrote to: the command
    line's runs too (only the app's runs were remembered)."""
    from aa_tui.service.workspace import Workspace

    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    archive = tmp_path / "archive"
    args = ["clean", scan_id, "--policy", "stale", "--limit", "1", "--yes"]
    result = aa([*args, "--archive", str(archive)], data, token=server.token)
    assert result.returncode == 0, result.stderr
    workspace = Workspace.open(data)
    try:
        assert workspace.archive_destination(server.base_url) == str(archive)
    finally:
        workspace.close()


def test_resume_on_another_scan_names_the_interrupted_plan_and_starts_nothing(
    server, small_site, tmp_path
):
    """A tester's `clean NEWER --resume --yes`, meant for the interrupted plan of an older
    scan, planned anew and deleted 205 files without a review."""
    from aa_tui.service.workspace import Workspace

    data = tmp_path / "data"
    older = scan_into(server, data)
    newer = scan_into(server, data)
    workspace = Workspace.open(data)
    try:
        cleanup = workspace.cleanup()
        plan = cleanup.save(cleanup.plan(older))
        cleanup.apply(plan, server.token)  # counted as being applied: killed before a write
    finally:
        workspace.close()
    again = aa(["clean", newer, "--resume", "--yes"], data, token=server.token)
    assert again.returncode == 2, again.stderr
    assert f"the interrupted cleanup of this site is plan {plan.id}, of scan {older}" in (
        again.stderr
    )
    assert f"`aa-tui clean {older} --resume`" in again.stderr
    assert not deleted_ids(server, small_site)


def test_the_audit_totals_say_how_much_a_restore_put_back(server, tmp_path):
    """After every deleted file was restored the audit still ended "2 files, N deleted by
    aa-tui", while every other figure was net of the restore."""
    data, _scan_id, archive = _cleaned(server, tmp_path, 2)
    before = aa(["audit"], data).stdout.splitlines()[-1]
    assert before.startswith("2 files, ") and before.endswith(" deleted by aa-tui.")
    back = aa(["restore", str(archive), "--yes"], data, token=server.token)
    assert back.returncode == 0, back.stderr
    after = aa(["audit"], data).stdout.splitlines()[-1]
    freed = before.split(", ")[1].split(" deleted")[0]
    assert (
        after
        == f"2 files, {freed} deleted by aa-tui; 2 files restored since ({freed} back on Jira)."
    )
