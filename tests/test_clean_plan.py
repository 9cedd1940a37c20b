"""Cleanup plans from a stored exact scan of the demo site: which copies go, which stays."""

from __future__ import annotations

import hashlib
import json

import pytest
from helpers.scanning import FROZEN_NOW, run_scan

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.cleanup import KeepRule, Outcome, Plan, PlanFilters
from aa_tui.model.dates import parse_jira_time
from aa_tui.service.cleanup.plan import PlanRuleBroken, check_plan
from aa_tui.service.errors import InputError, describe
from aa_tui.service.workspace import Workspace
from aa_tui.store.audit import AuditLog
from aa_tui.store.plans import PlanStore
from aa_tui.store.store import Store


@pytest.fixture(scope="module")
def scanned(small_site, tmp_path_factory):
    """One exact and one metadata scan of the small demo site, in one store."""
    data = tmp_path_factory.mktemp("plans") / "data"
    with DemoServer(small_site, DemoOptions()) as server:
        store = Store(data)
        exact = run_scan(server, store).info.id
        metadata = run_scan(server, store, verify="metadata").info.id
        store.close()
    return data, exact, metadata


@pytest.fixture
def workspace(scanned):
    data, _, _ = scanned
    ws = Workspace(Store(data), clock=lambda: FROZEN_NOW)
    yield ws
    ws.close()


def groups_of(workspace, scan_id):
    return {g["hash"]: g for g in workspace.results(scan_id).groups()}


def assert_rules(plan: Plan, groups: dict) -> None:
    """Never a kept copy, never the last copy, only proven groups, one kept copy per group."""
    by_group: dict[str, set[str]] = {}
    for d in plan.deletions:
        assert d.group_hash.startswith("sha256:")
        assert d.attachment_id != d.keep_id
        by_group.setdefault(d.group_hash, set()).add(d.attachment_id)
    for digest, ids in by_group.items():
        members = {loc["attachment_id"] for loc in groups[digest]["locations"]}
        keeps = {d.keep_id for d in plan.deletions if d.group_hash == digest}
        assert len(keeps) == 1 and keeps < members and ids < members
        assert not keeps & ids


def test_default_plan_removes_every_extra_copy_and_keeps_the_canonical(
    workspace, scanned, small_site
):
    _, scan_id, _ = scanned
    plan = workspace.cleanup().plan(scan_id)
    truth = small_site.truth
    groups = groups_of(workspace, scan_id)
    assert plan.files == truth.duplicate_files
    assert plan.size == truth.duplicate_size
    assert plan.group_count == truth.duplicate_groups
    assert plan.site == workspace.get_scan(scan_id).site and plan.email == "demo@example.com"
    assert_rules(plan, groups)
    for d in plan.deletions:
        canonical = groups[d.group_hash]["locations"][0]
        assert d.keep_id == canonical["attachment_id"] and canonical["is_canonical"]
        assert d.keep_issue_key == canonical["issue_key"]
    # Filled in from the scan's attachment records: what apply and comments need.
    assert all(d.issue_id and d.mime_type for d in plan.deletions)
    assert sum(1 for d in plan.deletions if d.author_id) > plan.files // 2  # some users left
    # Biggest waste first (a group's copies together).
    order = list(dict.fromkeys(d.group_hash for d in plan.deletions))
    wasted = [groups[h]["wasted_size"] for h in order]
    assert wasted == sorted(wasted, reverse=True)
    assert sum(t.files for t in plan.by_project()) == plan.files
    assert plan.confirmation == f"delete {plan.files}"


def test_keep_newest_keeps_the_last_upload(workspace, scanned):
    _, scan_id, _ = scanned
    plan = workspace.cleanup().plan(scan_id, PlanFilters(keep=KeepRule.NEWEST))
    groups = groups_of(workspace, scan_id)
    assert_rules(plan, groups)
    for d in plan.deletions:
        locations = groups[d.group_hash]["locations"]
        newest = max(parse_jira_time(loc["created"]) for loc in locations)
        kept = next(loc for loc in locations if loc["attachment_id"] == d.keep_id)
        assert parse_jira_time(kept["created"]) == newest
        assert parse_jira_time(d.created) <= newest
    assert plan.files == workspace.cleanup().plan(scan_id).files


def test_projects_min_size_and_limit_narrow_the_plan(workspace, scanned):
    _, scan_id, _ = scanned
    cleanup = workspace.cleanup()
    everything = cleanup.plan(scan_id)
    project = everything.by_project()[0].key
    narrowed = cleanup.plan(scan_id, PlanFilters(projects=(project.lower(),)))
    assert narrowed.files == everything.by_project()[0].files
    assert {d.project_key for d in narrowed.deletions} == {project}
    assert {d.attachment_id for d in narrowed.deletions} <= {
        d.attachment_id for d in everything.deletions
    }
    # The kept copy may live in another project: it is never planned, wherever it is.
    assert all(
        d.keep_id not in {x.attachment_id for x in narrowed.deletions} for d in narrowed.deletions
    )
    threshold = sorted(d.size for d in everything.deletions)[len(everything.deletions) // 2]
    big = cleanup.plan(scan_id, PlanFilters(min_size=threshold))
    assert big.deletions and all(d.size >= threshold for d in big.deletions)
    assert big.files == sum(1 for d in everything.deletions if d.size >= threshold)
    capped = cleanup.plan(scan_id, PlanFilters(limit=5))
    assert [d.attachment_id for d in capped.deletions] == [
        d.attachment_id for d in everything.deletions[:5]
    ]
    assert any("limit of 5" in note for note in capped.notes)
    assert cleanup.plan(scan_id, PlanFilters(limit=0)).files == 0
    with pytest.raises(InputError):
        cleanup.plan(scan_id, PlanFilters(min_size=-1))


def test_marked_copies_go_and_an_unmarked_copy_stays(workspace, scanned):
    _, scan_id, _ = scanned
    cleanup = workspace.cleanup()
    groups = groups_of(workspace, scan_id)
    digest, group = next((h, g) for h, g in groups.items() if len(g["locations"]) >= 3)
    ids = [loc["attachment_id"] for loc in group["locations"]]
    # The canonical copy marked: it goes, and the oldest unmarked copy stays instead.
    plan = cleanup.plan(scan_id, PlanFilters(attachment_ids=(ids[0], ids[2])))
    assert {d.attachment_id for d in plan.deletions} == {ids[0], ids[2]}
    assert {d.keep_id for d in plan.deletions} == {ids[1]}
    # Every copy marked: one of them stays all the same.
    every = cleanup.plan(scan_id, PlanFilters(attachment_ids=tuple(ids)))
    assert every.files == len(ids) - 1 and {d.keep_id for d in every.deletions} == {ids[0]}
    assert any("every copy was marked" in note for note in every.notes)
    assert_rules(every, groups)
    only = cleanup.plan(scan_id, PlanFilters(groups=(digest,)))
    assert {d.group_hash for d in only.deletions} == {digest} and only.files == len(ids) - 1


def test_a_metadata_scan_is_refused_saying_so(workspace, scanned):
    _, _, metadata = scanned
    with pytest.raises(InputError) as refused:
        workspace.cleanup().plan(metadata)
    problem = describe(refused.value)
    assert problem.exit_code == 2
    assert "likely copies, not proven ones" in problem.message
    assert "exact scan" in problem.message


def test_unknown_or_unfinished_scan(workspace):
    with pytest.raises(InputError, match="No scan 'nope'"):
        workspace.cleanup().plan("nope")


def test_plan_is_saved_loaded_and_exported(workspace, scanned, tmp_path):
    _, scan_id, _ = scanned
    cleanup = workspace.cleanup()
    plan = cleanup.save(cleanup.plan(scan_id, PlanFilters(limit=7)))
    again = cleanup.load(plan.id)
    assert again == plan
    (row,) = [r for r in cleanup.plans(scan_id) if r.id == plan.id]
    assert (row.files, row.size, row.status) == (7, plan.size, "saved")
    assert "at most 7 files" in row.filters
    exported = json.loads(json.dumps(plan.to_dict()))
    assert exported["files"] == 7 and len(exported["deletions"]) == 7
    assert Plan.from_dict(exported) == plan
    # The index row sits in the store's own index file; the plan in its own file.
    index = json.loads((workspace.data_dir / "aa-tui.json").read_text())
    assert plan.id in {r["id"] for r in index["plans"].values()}
    assert (workspace.data_dir / "plans" / plan.id / "plan.json").stat().st_mode & 0o777 == 0o600
    with pytest.raises(Exception, match="plans never change"):
        PlanStore(Store(workspace.data_dir)).save(plan)


def test_copies_removed_by_an_earlier_cleanup_are_not_planned_again(workspace, scanned):
    _, scan_id, _ = scanned
    cleanup = workspace.cleanup()
    first = cleanup.save(cleanup.plan(scan_id, PlanFilters(limit=3)))
    journal = AuditLog(Store(workspace.data_dir)).open(first.id)
    for d in first.deletions:
        journal.intent(d.attachment_id)
        journal.outcome(d.attachment_id, Outcome.DELETED)
    journal.close()
    later = cleanup.plan(scan_id)
    gone = {d.attachment_id for d in first.deletions}
    assert not gone & {d.attachment_id for d in later.deletions}
    assert not gone & {d.keep_id for d in later.deletions}
    assert later.files == cleanup.plan(scan_id).files
    assert any("removed already" in note for note in later.notes)
    removed = cleanup.removed(scan_id)
    assert removed.ids == removed.deleted == gone
    assert removed.freed == sum(d.size for d in first.deletions)


def test_removed_already_counts_only_the_plans_projects(workspace, scanned):
    """The note about copies an earlier cleanup removed counts the ones this plan could have
    chosen: a plan for one project does not count another project's."""
    from aa_tui.service.cleanup.duplicates import Duplicates

    _, scan_id, _ = scanned
    results = workspace.results(scan_id)
    copies = [
        loc
        for g in results.groups()
        if str(g["hash"]).startswith("sha256:")
        for loc in g["locations"][1:]
    ]
    projects = sorted({loc["project_key"] for loc in copies})
    assert len(projects) >= 2
    here, there = projects[0], projects[1]
    removed = {str(loc["attachment_id"]) for loc in copies if loc["project_key"] == there}

    def note(project: str) -> str:
        selection = Duplicates().select(results, PlanFilters(projects=(project,)), removed)
        return " ".join(n for n in selection.notes if "removed already" in n)

    assert note(here) == ""
    assert note(there).startswith(f"{len(removed):,} cop")


def test_check_plan_refuses_a_plan_that_breaks_a_rule(workspace, scanned):
    _, scan_id, _ = scanned
    plan = workspace.cleanup().plan(scan_id)
    groups = list(workspace.results(scan_id).groups())
    check_plan(plan, groups, set())
    d = plan.deletions[0]
    kept_too = plan.deletions + [type(d).from_dict({**d.to_dict(), "attachment_id": d.keep_id})]
    with pytest.raises(PlanRuleBroken):
        check_plan(Plan(**{**plan.__dict__, "deletions": kept_too}), groups, set())
    group = next(g for g in groups if g["hash"] == d.group_hash)
    others = {loc["attachment_id"] for loc in group["locations"]} - {d.keep_id}
    with pytest.raises(PlanRuleBroken):  # the kept copy is gone already: nothing may go
        check_plan(plan, groups, {d.keep_id})
    assert others
    # An empty file frees nothing: no plan holds one, whatever its proof.
    empty = type(d).from_dict({**d.to_dict(), "size": 0})
    with pytest.raises(PlanRuleBroken, match="empty"):
        check_plan(Plan(**{**plan.__dict__, "deletions": [empty]}), groups, set())


def test_prove_reads_both_sides_of_likely_groups_and_plans_only_what_bytes_prove(
    small_site, tmp_path
):
    """A metadata scan groups by name and size: --prove hashes every copy in full, so trap
    files (same name and size, other bytes) never reach the plan, and true copies do."""
    data = tmp_path / "data"
    with DemoServer(small_site, DemoOptions()) as server:
        store = Store(data)
        metadata = run_scan(server, store, verify="metadata").info.id
        workspace = Workspace(store, clock=lambda: FROZEN_NOW)
        cleanup = workspace.cleanup()
        likely = [g for g in workspace.results(metadata).groups() if g["likely"]]
        before = server.stats.snapshot()["media_bytes"]
        plan = cleanup.prove_and_plan(metadata, PlanFilters(), server.token)
        read = server.stats.snapshot()["media_bytes"] - before
        workspace.close()
    truth = small_site.truth
    assert plan.deletions and all(d.group_hash.startswith("sha256:") for d in plan.deletions)
    for d in plan.deletions:  # every planned copy and its kept copy: one truth group
        group = truth.group_of(d.attachment_id)
        assert group is not None and d.keep_id in group
        assert hashlib.sha256(small_site.read(d.attachment_id)).hexdigest() == d.sha256
    traps = {t.variant for t in truth.traps} | {t.original for t in truth.traps}
    same_name_traps = {t.variant for t in truth.traps if t.kind == "same_name_size"}
    assert not same_name_traps & {d.attachment_id for d in plan.deletions}
    assert traps  # the site has traps to avoid
    # Both sides were read in full: every copy of every likely group.
    assert read >= sum(g["size"] * len(g["locations"]) for g in likely)
    (note,) = [n for n in plan.notes if "proven by reading" in n]
    in_likely = {loc["attachment_id"] for g in likely for loc in g["locations"]}
    assert same_name_traps & in_likely  # the metadata scan did group a trap...
    assert "0 of them held different files" not in note  # ...and proving split it
