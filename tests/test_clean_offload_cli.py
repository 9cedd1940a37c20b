"""``aa-tui clean --policy ...`` as a user runs it: real subprocesses, the demo site."""

from __future__ import annotations

import hashlib
import json

import pytest
from helpers.cli import aa
from test_clean_cli import deleted_ids, scan_into

from aa_tui.archive import read_manifest
from aa_tui.demo.generator import GenerationOptions, generate_site
from aa_tui.demo.insights_truth import insight_truth
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.store.store import Store


@pytest.fixture
def server(small_site):
    with DemoServer(small_site, DemoOptions()) as srv:
        yield srv


def test_a_stale_dry_run_says_what_is_archived_first_and_changes_nothing(server, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    out = tmp_path / "plan.json"
    result = aa(["clean", scan_id, "--policy", "stale", "--json", str(out)], data)
    assert result.returncode == 0, result.stderr
    assert "(stale)" in result.stdout and "archived first" in result.stdout
    assert "no other copy on Jira: apply it with --yes --archive DEST" in result.stdout
    doc = json.loads(out.read_text())
    assert doc["plan"]["policy"] == "stale" and doc["applied"] is False
    assert doc["plan"]["filters"]["keep"] == "oldest"
    assert {f["outcome"] for f in doc["files"]} == {"planned"}
    assert any(f.get("proof") == "only copy" for f in doc["files"])
    assert not server.deleted
    # The duplicates document names its policy too.
    dup = aa(["clean", scan_id, "--json", str(out)], data)
    assert dup.returncode == 0 and json.loads(out.read_text())["plan"]["policy"] == "duplicates"


def test_only_copies_without_an_archive_are_refused_in_one_sentence_before_anything(
    server, tmp_path
):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    # No token is given: the refusal comes before one is even asked for.
    result = aa(["clean", scan_id, "--policy", "hygiene", "--yes"], data)
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "--archive DEST" in line and "nothing was changed" in line
    assert not server.deleted
    assert not any(k.startswith("DELETE") for k in server.stats.snapshot()["requests"])


def test_an_offload_with_an_archive_deletes_exactly_the_plan_and_comments_name_the_archive(
    server, small_site, tmp_path
):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    archive = tmp_path / "arch"
    out = tmp_path / "done.json"
    args = ["clean", scan_id, "--policy", "stale", "--limit", "6", "--archive", str(archive)]
    result = aa([*args, "--comment", "--yes", "--json", str(out), "--quiet"], data, server.token)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    planned = {f["attachment_id"] for f in doc["files"]}
    assert len(planned) == 6 and {f["outcome"] for f in doc["files"]} == {"deleted"}
    assert deleted_ids(server, small_site) == planned
    lines = {line["id"]: line for line in read_manifest(archive / "manifest.jsonl")}
    only = [f for f in doc["files"] if f.get("proof") == "only copy"]
    assert only
    for f in only:
        body = (archive / lines[f["attachment_id"]]["path"]).read_bytes()
        assert body == small_site.read(f["attachment_id"])
        assert lines[f["attachment_id"]]["sha256"] == hashlib.sha256(body).hexdigest()
    # Each touched issue's comment names each only copy's archived place and SHA-256.
    texts = [c.text for posted in server.changes.comments.values() for c in posted]
    for f in only:
        line = lines[f["attachment_id"]]
        where = str(archive / line["path"])
        assert any(where in t and line["sha256"] in t for t in texts)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--policy", "everything"], "no cleanup policy called 'everything'"),
        (["--limit", "lots"], "--limit is a number of files or a size"),
        (["--limit", "-3"], "--limit must be zero or more"),
        (["--min-size", "5XB"], "--min-size:"),
        (["--older-than", "-1"], "--older-than must be 0 or more days"),
        (["--protect-days", "-2"], "--protect-days must be 0 or more days"),
        (["--policy", "largest"], "would take every file of the site: give --limit"),
        (["--policy", "stale", "--prove"], "--prove proves duplicate groups"),
        (["--idle-days", "5"], "--idle-days says when a project is idle: it goes with --policy"),
        (["--policy", "stale", "--idle-days", "5"], "it goes with --policy idle"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(server, tmp_path, args, words):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    result = aa(["clean", scan_id, *args], data)
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert words in line and "Traceback" not in result.stderr


def test_limit_takes_a_size_and_min_size_takes_units(server, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    out = tmp_path / "plan.json"
    args = ["clean", scan_id, "--policy", "largest", "--limit", "5MB", "--min-size", "100KB"]
    result = aa([*args, "--protect-days", "0", "--json", str(out)], data)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    filters = doc["plan"]["filters"]
    assert filters["max_bytes"] == 5_000_000 and filters["limit"] is None
    assert filters["min_size"] == 100_000 and filters["protect_days"] == 0
    sizes = [f["size"] for f in doc["files"]]
    assert sizes and sum(sizes) <= 5_000_000 and min(sizes) >= 100_000


def test_jql_is_asked_of_jira_when_the_plan_is_made(server, tmp_path):
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    out = tmp_path / "plan.json"
    args = ["clean", scan_id, "--policy", "stale", "--jql", "project = OPS", "--json", str(out)]
    result = aa(args, data, server.token)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert doc["plan"]["filters"]["jql"] == "project = OPS"
    assert doc["plan"]["filters"]["issue_ids"]
    assert doc["files"] and {f["project_key"] for f in doc["files"]} == {"OPS"}
    bad = aa(["clean", scan_id, "--policy", "stale", "--jql", "project ==== x"], data, server.token)
    assert bad.returncode == 2
    (line,) = bad.stderr.strip().splitlines()
    assert line.startswith("aa-tui: --jql: Jira refused")


def test_no_policy_plans_an_empty_file_and_the_notes_say_how_many_were_left_out(
    server, small_site, tmp_path
):
    """A byte cap is filled biggest first: without the rule, the 0-byte files always fit
    (the tester's `largest --limit 100MB` planned .gitkeep and placeholder.txt)."""
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    empty = {a for a, size in insight_truth(small_site).sizes.items() if size == 0}
    assert empty  # the demo has empty files to leave out
    out = tmp_path / "plan.json"
    for policy in ("largest", "idle", "stale", "hygiene", "inactive"):
        args = ["clean", scan_id, "--policy", policy, "--protect-days", "0"]
        if policy == "largest":
            args += ["--limit", "100MB"]
        result = aa([*args, "--json", str(out)], data)
        assert result.returncode == 0, result.stderr
        files = json.loads(out.read_text())["files"]
        assert all(f["size"] > 0 for f in files), policy
        assert not {f["attachment_id"] for f in files} & empty, policy
    # largest: every empty file of the site is on its list, and the note says so
    assert (
        f"note: {len(empty)} empty files (0 bytes) left out"
        in aa(["clean", scan_id, "--policy", "largest", "--limit", "100MB"], data).stdout
    )


def test_a_file_the_scan_could_not_read_is_left_out_of_the_plan_saying_how_many(tmp_path):
    """The scan knew the file answered 403: planning it only to skip it at apply is a plan
    that cannot be kept, so it is left out (as the app's review leaves it out)."""
    site = generate_site(seed=11, issues=400, options=GenerationOptions(unreadable_share=0.05))
    with DemoServer(site, DemoOptions()) as srv:
        data = tmp_path / "data"
        scan_id = scan_into(srv, data)
    store = Store(data)
    unreadable = {str(u["attachment_id"]) for u in store.results(scan_id).summary().unreadable}
    store.close()
    assert unreadable  # the scan was refused some bytes
    out = tmp_path / "plan.json"
    result = aa(
        ["clean", scan_id, "--policy", "largest", "--limit", "100000", "--protect-days", "0",
         "--json", str(out)],
        data,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    planned = {f["attachment_id"] for f in json.loads(out.read_text())["files"]}
    assert planned and not planned & unreadable
    n = len(unreadable)
    assert f"note: {n} files could not be read by the scan (Jira refused the bytes)" in (
        result.stdout
    )


def test_one_file_is_said_in_the_singular(server, tmp_path):
    """The tester read `WEB 1 files` and `... 1 files that have no other copy`."""
    data = tmp_path / "data"
    scan_id = scan_into(server, data)
    args = ["clean", scan_id, "--policy", "largest", "--limit", "1", "--protect-days", "0"]
    dry = aa(args, data)
    assert dry.returncode == 0, dry.stderr
    assert "at most 1 file, no protection window" in dry.stdout  # 0 turns it off: said so
    assert "within 0 days" not in dry.stdout and "note: Stopped at the limit: 1 file." in dry.stdout
    assert "): 1 file, " in dry.stdout
    (project,) = [line for line in dry.stdout.splitlines() if line.endswith(("B", "iB"))][:1]
    assert " 1 file " in project and "files" not in project, dry.stdout
    refused = aa([*args, "--yes"], data)
    assert refused.returncode == 2
    assert "removes 1 file that has no other copy on Jira" in refused.stderr
