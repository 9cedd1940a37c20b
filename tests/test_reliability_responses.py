"""Odd answers from Jira: damaged fields, odd paging, hidden issues and projects, unreadable files.

Each test scans the demo site over real HTTP with one response fault switched on and checks the
exact result against the site's answer key, minus what the fault legitimately hides, plus the
sentence that tells the user what was left out.
"""

from __future__ import annotations

import csv
import json

import pytest
from helpers.cli import aa
from helpers.scanning import assert_matches_truth, group_ids, make_client, run_scan

from aa_tui.demo import catalog as cat
from aa_tui.demo import faults
from aa_tui.demo.generator import GenerationOptions, generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.errors import GaveUpError, QueryRejected
from aa_tui.model.records import UNKNOWN_AUTHOR, Scope
from aa_tui.reports.csv_tables import csv_safe

SEARCH = "/rest/api/3/search/jql"
BULK = "/rest/api/3/issue/bulkfetch"


def assert_same_content(outcome, truth):
    """Groups and totals equal ``truth`` (``issues_scanned`` aside: see the callers)."""
    totals = outcome.summary["totals"]
    assert group_ids(outcome.groups) == truth.groups
    for key in ("total_files", "total_size", "zero_byte_files", "duplicate_files"):
        assert totals[key] == getattr(truth, key), key
    assert totals["duplicate_size"] == truth.duplicate_size


def bodies(server, path):
    return [x.request for x in server.recorded if x.path == path]


def test_missing_null_and_odd_fields(small_site, store):
    options = DemoOptions(fault_fields=0.12)
    with DemoServer(small_site, options) as server:
        unusable = server.unusable_attachments()
        outcome = run_scan(server, store)
    assert unusable, "the fault must hit some sizes"
    # What has no usable size is left out and said so; everything else is scanned exactly.
    assert_same_content(outcome, small_site.truth_for(exclude=unusable))
    assert outcome.summary["totals"]["issues_scanned"] == small_site.truth.issues_with_attachments
    assert any(
        w.startswith(f"{len(unusable)} attachments (or issues) were left out")
        for w in outcome.warnings
    )
    # Tolerated damage: null/absent author, absent or empty name, integer id, null dates.
    records = {a["attachment_id"]: a for a in store.load_attachments(outcome.info.id)}
    assert all(isinstance(aid, str) for aid in records)
    seen = set()
    for j in range(small_site.attachment_count):
        kind = faults.attachment_damage(small_site, options.fault_fields, j)
        aid = small_site.attachment_id(j)
        if kind is None or kind in faults.UNUSABLE:
            continue
        seen.add(kind)
        record = records[aid]
        if kind in ("author_null", "author_and_filename_missing"):
            assert record["author"] == UNKNOWN_AUTHOR
        if kind in ("author_and_filename_missing", "filename_empty"):
            assert record["file_name"] == f"attachment-{aid}"
        if kind == "mime_and_created_null":
            assert record["mime_type"] == "application/octet-stream" and record["created"] == ""
    assert {"author_null", "author_and_filename_missing", "id_integer"} <= seen


def test_issue_repeated_across_pages_is_fetched_and_counted_once(small_site, store):
    with DemoServer(small_site, DemoOptions(id_page_size=25, repeat_ids=True)) as server:
        server.record = True
        outcome = run_scan(server, store)
    assert_matches_truth(outcome, small_site.truth)
    assert len(bodies(server, SEARCH)) > 3  # several pages, each repeating one id
    fetched = [i for body in bodies(server, BULK) for i in body["issueIdsOrKeys"]]
    assert len(fetched) == len(set(fetched)) == small_site.truth.issues_with_attachments


def test_empty_pages_that_carry_a_token_are_followed(small_site, store):
    with DemoServer(small_site, DemoOptions(id_page_size=25, empty_pages=True)) as server:
        server.record = True
        outcome = run_scan(server, store)
    assert_matches_truth(outcome, small_site.truth)
    answers = [x.response for x in server.recorded if x.path == SEARCH]
    assert sum(1 for a in answers if a["issues"] == [] and a.get("nextPageToken")) > 3
    assert not outcome.warnings


def test_a_repeating_token_ends_paging_with_a_warning(small_site, store):
    with DemoServer(small_site, DemoOptions(id_page_size=25, repeat_token=True)) as server:
        server.record = True
        outcome = run_scan(server, store)
    # Page 1, then page 2 hands back the token that asked for it: stop, say so.
    assert len(bodies(server, SEARCH)) == 2
    assert any("handed back a page token" in w for w in outcome.warnings)
    assert outcome.summary["warnings"] == outcome.warnings
    assert 0 < outcome.summary["totals"]["issues_scanned"] <= 50


def test_issues_listed_but_not_returned_by_bulkfetch(small_site, store):
    with DemoServer(small_site, DemoOptions(bulk_not_visible=0.1)) as server:
        hidden = server.bulk_hidden_issues()
        outcome = run_scan(server, store)
    with_files = {
        small_site.issue_id(small_site.att_issue[j]) for j in range(small_site.attachment_count)
    }
    hidden_with_files = hidden & with_files
    assert hidden_with_files
    truth = small_site.truth_for(exclude=faults.attachments_of_issues(small_site, hidden))
    assert_same_content(outcome, truth)
    assert any(
        w.startswith(f"{len(hidden_with_files)} issues were listed but could not be read")
        for w in outcome.warnings
    )


def test_hidden_projects_scan_what_is_visible(small_site, store):
    hidden = ("SEC", "LEGAL")
    visible = [p.key for p in cat.PROJECTS if p.key not in hidden]
    with DemoServer(small_site, DemoOptions(hidden_projects=hidden)) as server:
        server.record = True
        whole = run_scan(server, store)
        # Asking for a hidden project next to a visible one: the visible one is scanned and the
        # hidden one named; Jira would answer the whole search 400 otherwise.
        scoped = run_scan(server, store, scope=Scope(projects=("OPS", "SEC")))
        with pytest.raises(QueryRejected, match="No project among SEC is visible"):
            run_scan(server, store, scope=Scope(projects=("SEC",)))
    assert_matches_truth(whole, small_site.truth_for(visible))
    assert_matches_truth(scoped, small_site.truth_for(["OPS"]))
    assert any(w.startswith("Not scanned: SEC") for w in scoped.warnings)
    sent = [b["jql"] for b in bodies(server, SEARCH)]
    assert 'attachments IS NOT EMPTY AND project in ("OPS") ORDER BY id ASC' in sent
    assert not any("SEC" in jql for jql in sent)


def test_attachments_disabled_is_said_and_files_still_scanned(small_site, store):
    with DemoServer(small_site, DemoOptions(attachments_enabled=False)) as server:
        outcome = run_scan(server, store)
    assert_matches_truth(outcome, small_site.truth)
    assert any("Attachments are disabled" in w for w in outcome.warnings)


def test_unreadable_attachments_are_listed_counted_and_never_grouped(store):
    """5% of files answer 403 and 5% 404 on download, some of them copies of readable files."""
    site = generate_site(seed=11, issues=300, options=GenerationOptions(unreadable_share=0.05))
    truth = site.truth
    with DemoServer(site, DemoOptions()) as server:
        outcome = run_scan(server, store)
    # Exactly the unreadable files that had to be read: those sharing a size with another file.
    sizes: dict[int, int] = {}
    for j in range(site.attachment_count):
        size = site.attachment_size(j)
        sizes[size] = sizes.get(size, 0) + (size > 0)
    expected = {
        site.attachment_id(j)
        for j in range(site.attachment_count)
        if site.attachment_id(j) in truth.unreadable and sizes[site.attachment_size(j)] > 1
    }
    assert expected, "the site must have unreadable copies for this test to mean anything"
    listed = {u["attachment_id"]: u["reason"] for u in outcome.summary["unreadable"]}
    assert set(listed) == expected
    assert {listed[a] for a in expected & truth.unreadable_403} <= {"HTTP 403"}
    assert {listed[a] for a in expected & truth.unreadable_404} <= {"HTTP 404"}
    assert outcome.summary["totals"]["unreadable_files"] == len(expected)
    assert not {loc.attachment_id for g in outcome.groups for loc in g.locations} & expected


def test_broken_json_that_never_heals_fails_clearly_and_resumes(small_site, store):
    with DemoServer(small_site, DemoOptions(bad_json_paths=(BULK,))) as server:
        with pytest.raises(GaveUpError, match="kept answering with broken JSON"):
            run_scan(server, store)
        (failed,) = store.list_scans()
        assert failed.status == "failed" and "broken JSON" in failed.message
        server.options = DemoOptions()  # the site heals
        outcome = run_scan(server, store, resume=True)
    assert outcome.info.id == failed.id
    assert_matches_truth(outcome, small_site.truth)


def test_broken_json_on_every_answer_at_first_is_retried(small_site, store):
    """Every JSON answer is cut for a while: sign-in included, the client retries and gets on."""
    with DemoServer(small_site, DemoOptions(fault_bad_json=0.5, fault_seed=9)) as server:
        client = make_client(server)
        outcome = run_scan(server, store, client=client)
        assert server.stats.snapshot()["bad_json"] > 0
    assert_matches_truth(outcome, small_site.truth)


#: File names real sites hold; each must come out of JSON exactly as Jira gave it, and of CSV
#: the same, except that a name a spreadsheet would run as a formula gets a leading "'".
ODD_NAMES = (
    "Ünïcödé résumé — 报告 📎.pdf",
    "a" * 246 + ".pdf",  # 250 characters
    "文" * 246 + ".txt",  # 250 characters, 742 bytes of UTF-8
    "quotes \"double\" 'single', commas; and semicolons.csv",
    '=HYPERLINK("http://example.invalid","click").xlsx',
    "right-to-left \u202egnp.exe",
    "e\u0301 decomposed, \u00e9 composed.txt",
    "tab\there and \\backslash.log",
)


def test_unicode_and_long_file_names_survive_into_json_and_csv(tmp_path):
    site = generate_site(seed=11, issues=300)
    names: dict[str, str] = {}
    for k, group in enumerate(sorted(sorted(g) for g in site.truth.groups)[: len(ODD_NAMES)]):
        for n, aid in enumerate(group):
            name = ODD_NAMES[(k + n) % len(ODD_NAMES)]
            site.att_name[site.attachment_index(aid)] = name
            names[aid] = name
    data, out = tmp_path / "data", tmp_path / "out"
    with DemoServer(site, DemoOptions()) as server:
        args = ["scan", "--site", server.base_url, "--email", server.email]
        extra = ["--json", str(out / "r.json"), "--csv", str(out / "csv")]
        result = aa([*args, *extra], data, token=server.token)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    exported = {
        loc["attachment_id"]: loc["file_name"]
        for g in report["duplicate_groups"]
        for loc in g["locations"]
    }
    assert {aid: exported[aid] for aid in names} == names
    for group in report["duplicate_groups"]:
        assert group["file_name"] == group["locations"][0]["file_name"]
    with open(out / "csv" / "locations.csv", newline="", encoding="utf-8") as handle:
        rows = {row["attachment_id"]: row["file_name"] for row in csv.DictReader(handle)}
    assert {aid: rows[aid] for aid in names} == {aid: csv_safe(n) for aid, n in names.items()}
    formula = ODD_NAMES[4]
    assert csv_safe(formula) == "'" + formula and csv_safe(ODD_NAMES[0]) == ODD_NAMES[0]
    with open(out / "csv" / "duplicate_groups.csv", newline="", encoding="utf-8") as handle:
        group_names = [row["file_name"] for row in csv.DictReader(handle)]
    assert group_names == [csv_safe(g["file_name"]) for g in report["duplicate_groups"]]
    assert max(len(n) for n in group_names) == 250
