"""Integration: the engine scans the demo site over real HTTP into a real store."""

from __future__ import annotations

import pytest
from helpers.scanning import assert_matches_truth, make_client, run_scan

from aa_tui.model.errors import Cancelled
from aa_tui.model.records import Scope
from aa_tui.reports.json_file import full_report
from aa_tui.scan.staged import HEAD_BYTES


def test_exact_scan_finds_exactly_the_truth(demo_server, small_site, store):
    truth = small_site.truth
    assert truth.traps and truth.groups  # the site really has traps and copies
    outcome = run_scan(demo_server, store)
    assert_matches_truth(outcome, truth)
    # No Jira credentials ever reached the media origin.
    assert demo_server.stats.media_auth_header_requests == 0
    # Every group's canonical copy is its oldest upload.
    for group in outcome.groups:
        created = [loc.created for loc in group.locations]
        assert group.canonical.created == min(created, key=lambda c: c)
    by_stage = outcome.summary["totals"]["bytes_read_by_stage"]
    assert set(by_stage) == {"head", "tail", "full"} and by_stage["head"] > 0


def test_bytes_read_stay_close_to_the_floor(demo_server, small_site, store):
    """Floor: every byte of each file that has a copy + one head probe per other candidate."""
    truth = small_site.truth
    outcome = run_scan(demo_server, store)
    sizes = {a["attachment_id"]: a["size"] for a in store.load_attachments(outcome.info.id)}
    in_groups = {aid for g in truth.groups for aid in g}
    by_size: dict[int, list[str]] = {}
    for aid, size in sizes.items():
        if size > 0 and aid not in truth.unreadable:
            by_size.setdefault(size, []).append(aid)
    floor = sum(sizes[a] for a in in_groups)
    floor += sum(
        min(size, HEAD_BYTES)
        for size, ids in by_size.items()
        if len(ids) > 1
        for aid in ids
        if aid not in in_groups
    )
    read = outcome.summary["totals"]["bytes_read"]
    assert floor <= read <= 1.10 * floor, (read, floor)
    assert read < truth.total_size / 2


def test_metadata_mode_reads_nothing_and_says_likely(demo_server, store):
    outcome = run_scan(demo_server, store, verify="metadata")
    assert outcome.groups and all(g.likely for g in outcome.groups)
    assert outcome.summary["totals"]["bytes_read"] == 0
    assert (
        demo_server.stats.snapshot()["media_requests"] == 0
        if hasattr(demo_server.stats, "snapshot")
        else True
    )


def test_project_scope_counts_only_those_projects(demo_server, small_site, store):
    projects = small_site.truth.projects[:2]
    outcome = run_scan(demo_server, store, scope=Scope(projects=projects))
    assert_matches_truth(outcome, small_site.truth_for(projects))
    assert {row["key"] for row in outcome.summary["projects"]} <= set(projects)


def test_results_reopen_from_the_store(demo_server, store):
    outcome = run_scan(demo_server, store)
    scan_id = outcome.info.id
    assert store.get_scan(scan_id).status == "complete"
    report = full_report(store.load_summary(scan_id), store.load_groups(scan_id))
    assert report["schema"] == "aa-tui.report/2"
    assert report["totals"] == outcome.summary["totals"]
    assert [g["hash"] for g in report["duplicate_groups"]] == [g.hash for g in outcome.groups]
    assert not store.has_checkpoint(scan_id)


@pytest.mark.parametrize("stop_in", ["fetching details", "probing heads", "hashing"])
def test_cancelled_scan_resumes_to_the_same_result(demo_server, small_site, store, stop_in):
    client = make_client(demo_server)

    def listener(event):
        if event.phase == stop_in and event.done >= 1:
            client.cancel.set()

    with pytest.raises(Cancelled):
        run_scan(demo_server, store, listener=listener, client=client)
    (interrupted,) = store.list_scans()
    assert interrupted.status == "cancelled"
    resumed_client = make_client(demo_server)
    outcome = run_scan(demo_server, store, resume=True, client=resumed_client)
    assert outcome.info.id == interrupted.id
    # Counters cover both runs, like the duration does.
    this_run = resumed_client.governor.stats.requests
    assert outcome.summary["totals"]["requests"] > this_run
    assert_matches_truth(outcome, small_site.truth)
    assert outcome.reused_issues > 0
    if stop_in != "fetching details":
        assert outcome.reused_hashes > 0


def test_server_that_ignores_range_still_gives_the_truth(small_site, store):
    from aa_tui.demo.server import DemoOptions, DemoServer

    with DemoServer(small_site, DemoOptions(ignore_range=True)) as server:
        outcome = run_scan(server, store)
    assert_matches_truth(outcome, small_site.truth)
