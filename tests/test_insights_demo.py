"""Insight tables of a real scan of the demo site, each checked against the site's own truth."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from helpers.scanning import run_scan

from aa_tui.analysis.insights import build_insights, months_of, unreadable_rows
from aa_tui.analysis.lists import select_files
from aa_tui.demo.insights_truth import insight_truth
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.insights import InsightSettings
from aa_tui.model.records import AttachmentRecord
from aa_tui.model.summary import ScanSummary
from aa_tui.service.workspace import Workspace
from aa_tui.store.file_rows import rows_from_saved
from aa_tui.store.store import Store

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
NOW_S = int(NOW.timestamp())


@pytest.fixture(scope="module")
def scanned_store(small_site, tmp_path_factory):
    """One exact scan of the small demo site and the store that keeps it."""
    store = Store(tmp_path_factory.mktemp("insights") / "data")
    with DemoServer(small_site, DemoOptions()) as server:
        outcome = run_scan(server, store, now=NOW)
    yield store, outcome
    store.close()


@pytest.fixture(scope="module")
def scanned(scanned_store, small_site):
    """The scan's outcome, its stored results and the site's insight truth."""
    store, outcome = scanned_store
    return outcome, store.results(outcome.info.id), insight_truth(small_site)


def test_uploads_by_month_match_the_truth(scanned):
    outcome, results, truth = scanned
    months = {
        m["month"]: [m["files"], m["size"], m["wasted_size"]]
        for m in outcome.summary["uploads_by_month"]
    }
    assert months == truth.months
    assert sum(m[2] for m in months.values()) == outcome.summary["totals"]["duplicate_size"]
    assert list(months) == sorted(months)
    # the month's list opens exactly its files
    month, (files, size, _) = next(iter(truth.months.items()))
    listed = select_files(results.file_table(), "uploads_by_month", month, now=NOW)
    assert (len(listed), sum(r.size for r in listed)) == (files, size)


def test_inactive_uploaders_match_the_truth(scanned):
    outcome, results, truth = scanned
    assert truth.inactive  # the site has a departed account with uploads
    rows = {
        u["account_id"]: [u["name"], u["files"], u["size"]]
        for u in outcome.summary["inactive_uploaders"]
    }
    assert rows == truth.inactive
    listed = select_files(results.file_table(), "inactive_uploaders", now=NOW)
    assert len(listed) == sum(v[1] for v in truth.inactive.values())


def test_idle_projects_match_the_truth_at_every_threshold(scanned):
    outcome, results, truth = scanned
    rows = results.file_table()
    ages = sorted((NOW_S - last) // 86400 for last in truth.project_last_update.values())
    assert outcome.summary["insight_settings"]["idle_days"] == 180
    # thresholds that leave some projects idle and some not, and the default one
    for days in {ages[0], ages[len(ages) // 2], ages[-1], 180}:
        settings = InsightSettings(idle_days=days)
        insights = build_insights(rows, now=NOW, settings=settings)
        found = {p.key: [p.files, p.size] for p in insights.table("idle_projects")}
        assert found == truth.idle_projects(NOW_S, days), days
        listed = select_files(rows, "idle_projects", now=NOW, settings=settings)
        assert len(listed) == sum(v[0] for v in found.values())
    found = {p["key"]: [p["files"], p["size"]] for p in outcome.summary["idle_projects"]}
    assert found == truth.idle_projects(NOW_S, 180)
    mid = ages[len(ages) // 2]
    assert 0 < len(truth.idle_projects(NOW_S, mid)) < len(truth.project_last_update)


def test_clutter_matches_the_truth(scanned):
    outcome, results, truth = scanned
    rows = results.file_table()
    copies = sorted((v["copies"] for v in truth.groups.values()), reverse=True)
    assert copies[0] >= 3
    for minimum in (10, copies[0], copies[min(4, len(copies) - 1)]):
        insights = build_insights(rows, now=NOW, settings=InsightSettings(clutter_copies=minimum))
        found = sorted(
            (c.copies, c.issues, c.projects, c.size, c.wasted_size)
            for c in insights.table("clutter")
        )
        want = sorted(
            (v["copies"], v["issues"], v["projects"], v["size"], (v["copies"] - 1) * v["size"])
            for v in truth.clutter(minimum).values()
        )
        assert found == want, minimum
        clutter = insights.table("clutter")
        assert [c.copies for c in clutter] == sorted((c.copies for c in clutter), reverse=True)
        if clutter:
            listed = select_files(rows, "clutter", clutter[0].hash, now=NOW)
            assert len(listed) == clutter[0].copies


def test_stale_empty_largest_and_heat_match_the_truth(scanned):
    outcome, results, truth = scanned
    rows = results.file_table()
    stale = truth.stale(NOW_S, 365)
    assert stale
    assert {r.attachment_id for r in select_files(rows, "stale", now=NOW)} == stale
    assert outcome.summary["totals"]["stale_files"] == len(stale)
    assert outcome.summary["insight_counts"]["stale_files"] == len(stale)
    short = truth.stale(NOW_S, 30)
    listed = select_files(rows, "stale", now=NOW, settings=InsightSettings(stale_days=30))
    assert {r.attachment_id for r in listed} == short and len(short) > len(stale)
    empty = {a for a, s in truth.sizes.items() if s == 0}
    assert {r.attachment_id for r in select_files(rows, "empty", now=NOW)} == empty
    biggest = sorted(truth.sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
    assert [(f["attachment_id"], f["size"]) for f in outcome.summary["largest_files"]] == biggest
    heat = sorted(
        (
            (-size * max(0, (NOW_S - truth.updated[a]) // 86400), -size, a)
            for a, size in truth.sizes.items()
            if size
        )
    )[:50]
    assert [h["attachment_id"] for h in outcome.summary["heat"]] == [a for *_, a in heat]
    assert [h["heat"] for h in outcome.summary["heat"]] == [-h for h, *_ in heat]


def test_workspace_lists_follow_each_setting_and_scan(scanned_store, small_site, tmp_path):
    """The workspace keeps the last file table and what it worked out per settings: a list
    opened with other thresholds, then with the saved ones, and then of another scan, each
    is that setting's and that scan's own."""
    store, outcome = scanned_store
    truth = insight_truth(small_site)
    workspace = Workspace(store, memory_tokens={})
    scan_id = outcome.info.id
    stale = truth.stale(NOW_S, 365)
    short = InsightSettings(stale_days=30)
    for settings, expected in ((None, stale), (short, truth.stale(NOW_S, 30)), (None, stale)):
        listed = workspace.file_list(scan_id, "stale", settings=settings)
        assert {r.attachment_id for r in listed.files} == expected
    other = Store(tmp_path / "other")
    with DemoServer(small_site, DemoOptions(hidden_projects=("OPS",))) as server:
        second = run_scan(server, other, now=NOW)
    fewer = Workspace(other, memory_tokens={}).file_list(second.info.id, "largest")
    assert fewer.count == second.summary["totals"]["total_files"] < len(truth.sizes)
    assert workspace.file_list(scan_id, "largest").count == len(truth.sizes)
    other.close()


def test_a_stated_cap_gives_what_a_rebuild_gives(scanned_store):
    """Only the cap differs from the saved settings: the saved tables with the room under
    the cap, equal to a rebuild of every table with that cap."""
    store, outcome = scanned_store
    workspace = Workspace(store, memory_tokens={})
    cap = outcome.summary["totals"]["total_size"] // 3
    settings = InsightSettings(cap=cap)
    quick = workspace.insights(outcome.info.id, settings)
    rebuilt = build_insights(
        store.results(outcome.info.id).file_table(), now=NOW, settings=settings
    )
    assert quick.settings == settings and quick.table("what_if") == rebuilt.table("what_if")
    assert quick.table("what_if")[0].under_cap == cap - outcome.summary["totals"]["total_size"]
    cleared = workspace.insights(outcome.info.id, InsightSettings())
    assert all(row.under_cap is None for row in cleared.table("what_if"))


def test_each_what_if_row_opens_the_files_it_counts(scanned_store):
    """A what-if step frees files no earlier step counted: its list holds exactly those, so
    its files and bytes are the row's, and together the steps hold every file once."""
    store, outcome = scanned_store
    workspace = Workspace(store, memory_tokens={})
    seen: set[str] = set()
    for row in outcome.summary["what_if"][1:]:
        listed = workspace.file_list(outcome.info.id, "what_if", row["step"])
        assert (listed.count, listed.size) == (row["files"], row["size"]), row["step"]
        ids = {f.attachment_id for f in listed.files}
        assert not ids & seen
        seen |= ids
    everything = workspace.file_list(outcome.info.id, "what_if", "as it is")
    assert everything.count == outcome.summary["totals"]["total_files"]
    assert workspace.file_list(outcome.info.id, "what_if", "no such step").count == 0


def _is_log(name: str) -> bool:
    """The demo's log files, said apart from the patterns table: ``*.log`` and its zipped
    bundles (``logs.zip``, ``logs-2026-01-01.zip``)."""
    low = name.lower()
    return (
        low.endswith(".log") or low == "logs.zip" or low.startswith("logs-") and low[-4:] == ".zip"
    )


def _is_har(name: str) -> bool:
    """The demo's HAR captures saved as JSON (``har-7.json``; ``payload.json`` is not one)."""
    low = name.lower()
    return low.startswith("har-") and low.endswith(".json")


def test_hygiene_counts_the_log_bundles_and_the_har_files(scanned):
    outcome, results, truth = scanned
    logs = {a for a, name in truth.names.items() if _is_log(name)}
    hars = {a for a, name in truth.names.items() if _is_har(name)}
    assert logs and hars
    assert any(truth.names[a].endswith(".zip") for a in logs)  # a zipped bundle is among them
    rows = {h["kind"]: (h["files"], h["size"]) for h in outcome.summary["hygiene"]}
    assert rows["log"] == (len(logs), sum(truth.sizes[a] for a in logs))
    assert rows["HAR"] == (len(hars), sum(truth.sizes[a] for a in hars))
    assert {k for k, v in rows.items() if v[0]} == {"log", "HAR"}  # the demo makes no other junk
    listed = select_files(results.file_table(), "hygiene", "log", now=NOW)
    assert {r.attachment_id for r in listed} == logs
    listed = select_files(results.file_table(), "hygiene", "HAR", now=NOW)
    assert {r.attachment_id for r in listed} == hars


def test_what_if_adds_up_without_double_counting(scanned):
    outcome, results, truth = scanned
    rows = results.file_table()
    total = sum(truth.sizes.values())
    cap = total // 2
    insights = build_insights(rows, now=NOW, settings=InsightSettings(idle_days=30, cap=cap))
    steps = insights.table("what_if")
    assert [s.step for s in steps] == [
        "as it is",
        "duplicates",
        "+ stale files",
        "+ hygiene",
        "+ idle projects",
    ]
    dup = truth.copies
    stale = truth.stale(NOW_S, 365) - dup
    hygiene = {a for a, n in truth.names.items() if _is_log(n) or _is_har(n)} - dup - stale
    idle_keys = set(truth.idle_projects(NOW_S, 30))
    idle = (
        {r.attachment_id for r in rows.files() if r.project_key in idle_keys}
        - dup
        - stale
        - hygiene
    )
    want = [set(), dup, stale, hygiene, idle]
    freed = 0
    for step, ids in zip(steps, want, strict=True):
        size = sum(truth.sizes[a] for a in ids)
        freed += size
        assert (step.files, step.size, step.cumulative_size) == (len(ids), size, freed)
        assert step.remaining_size == total - freed
        assert step.under_cap == cap - (total - freed)
    assert steps[1].size == outcome.summary["totals"]["duplicate_size"]


def test_unreadable_rows_name_issue_and_file(scanned, small_site):
    outcome, results, truth = scanned
    # Only files that share a size are read, so a scan finds a subset of the site's unreadable
    # files: the rows are built here for every one of them, as the engine builds its own.
    records = [AttachmentRecord.from_dict(a) for a in results.attachments()]
    reasons = {a: "403 Forbidden" for a in small_site.truth.unreadable}
    rows = unreadable_rows(reasons, records)
    assert len(rows) == len(reasons) > 0
    for row in rows:
        aid = row["attachment_id"]
        assert row["file_name"] == truth.names[aid] and row["size"] == truth.sizes[aid]
        assert row["issue_key"].startswith(row["project_key"] + "-")
    found = {u["attachment_id"] for u in outcome.summary["unreadable"]}
    assert found <= small_site.truth.unreadable
    assert all(u["issue_key"] and u["file_name"] for u in outcome.summary["unreadable"])
    listed = select_files(results.file_table(), "unreadable", now=NOW, unreadable=reasons)
    assert {r.attachment_id for r in listed} == set(reasons)


def test_summary_reads_back_typed(scanned):
    outcome, results, _ = scanned
    summary = results.summary()
    assert summary.has_insights and summary.what_if and summary.uploads_by_month
    assert summary.largest_files[0].size == outcome.summary["largest_files"][0]["size"]
    old = {k: v for k, v in outcome.summary.items() if k not in ("what_if", "heat", "clutter")}
    old["schema"] = "aa-tui.report/1"
    reopened = ScanSummary.from_dict(old)
    assert not reopened.has_insights and reopened.what_if == [] and reopened.heat == []


def test_a_scan_saved_without_file_rows_rebuilds_them(scanned):
    _, results, _ = scanned
    rebuilt = rows_from_saved(results.attachments(), results.groups())
    assert rebuilt == results.file_table()
    old = [{k: v for k, v in a.items() if k != "author_active"} for a in results.attachments()]
    assert {r.author_active for r in rows_from_saved(old, []).files()} == {None}


def test_growth_of_one_project_matches_the_truth(scanned, small_site):
    _, results, _ = scanned
    table = results.file_table()
    for project in small_site.truth.projects[:3]:
        truth = insight_truth(small_site, (project,))
        found = {m.month: [m.files, m.size, m.wasted_size] for m in months_of(table, project)}
        # a copy's canonical may live in another project: waste is where the copy lives
        assert {k: v[:2] for k, v in found.items()} == {k: v[:2] for k, v in truth.months.items()}
        month = next(iter(found))
        listed = select_files(table, "uploads_by_month", f"{month}|{project}", now=NOW)
        assert len(listed) == found[month][0] and {r.project_key for r in listed} == {project}
    every = insight_truth(small_site)
    by_project = [months_of(table, p) for p in small_site.truth.projects]
    wasted = sum(m.wasted_size for rows in by_project for m in rows)
    assert wasted == sum(v[2] for v in every.months.values())
