"""The app's policy for marked files (``Cleanup.marked()``), on a real scan of the demo site:
a marked copy whose group keeps an unmarked copy is a redundant copy; every other marked
file is an only copy (archived first); applied on real HTTP, each only copy is in the archive
with equal bytes and the kept copies stay."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from helpers.sites import CleanupSite
from test_clean_apply import apply, ids

from aa_tui.archive import read_manifest
from aa_tui.model.cleanup import (
    OnlyCopy,
    Outcome,
    PlanFilters,
    ProofKind,
    RedundantCopy,
    sha256_hex,
)
from aa_tui.model.dates import parse_jira_time
from aa_tui.service.cleanup.apply import ArchiveRequired
from aa_tui.service.cleanup.marked import Marked
from aa_tui.service.cleanup.policy import Selection, planned


@pytest.fixture
def site(small_site, tmp_path):
    with CleanupSite(small_site, tmp_path) as s:
        yield s


def pick(site: CleanupSite):
    """A proven group (its two copies after the first), a group with every copy, and two
    files in no group."""
    results = site.store.results(site.scan_id)
    groups = [g for g in results.groups() if len(g["locations"]) >= 3]
    some, whole = groups[0], groups[1]
    grouped = {str(loc["attachment_id"]) for g in results.groups() for loc in g["locations"]}
    singles = [
        str(r["attachment_id"])
        for r in sorted(results.attachments(), key=lambda r: r["size"])
        if str(r["attachment_id"]) not in grouped and r["size"] > 0
    ][:2]
    copies = [str(loc["attachment_id"]) for loc in some["locations"][1:]]
    every = [str(loc["attachment_id"]) for loc in whole["locations"]]
    return some, whole, copies, every, singles


def test_each_marked_file_gets_the_proof_its_bytes_allow(site):
    some, whole, copies, every, singles = pick(site)
    marked = copies + every + singles
    plan = site.cleanup.plan(
        site.scan_id, PlanFilters(attachment_ids=tuple(marked)), policy=site.cleanup.marked()
    )
    assert plan.policy == "marked" and ids(plan) == set(marked)
    proofs = {d.attachment_id: d.proof for d in plan.deletions}
    kept = str(some["locations"][0]["attachment_id"])
    for aid in copies:  # an unmarked copy stays: redundant, with that kept copy
        assert isinstance(proofs[aid], RedundantCopy) and proofs[aid].keep_id == kept
    for aid in every:  # every copy marked: each is an only copy, the group's SHA-256 known
        assert proofs[aid] == OnlyCopy(sha256=sha256_hex(whole["hash"]), why=proofs[aid].why)
    for aid in singles:  # no copy at all
        assert isinstance(proofs[aid], OnlyCopy) and proofs[aid].sha256 == ""
    assert kept not in ids(plan)
    assert len(plan.only_copies) == len(every) + len(singles)
    # the review says that no copy of the whole group stays on Jira (a tester marked a
    # duplicate group and a stale row holding its kept copy, and lost every copy unwarned)
    said = [n for n in plan.notes if n.startswith("Every copy of 1 group is marked")]
    assert said and "no copy of it stays on Jira" in said[0]
    fewer = site.cleanup.plan(
        site.scan_id, PlanFilters(attachment_ids=tuple(copies)), policy=site.cleanup.marked()
    )
    assert not any(n.startswith("Every copy of") for n in fewer.notes)


def test_marked_files_on_recently_updated_issues_are_counted_not_held_back(site):
    *_, singles = pick(site)
    results = site.store.results(site.scan_id)
    table_now = max(
        parse_jira_time(str(r.get("issue_updated") or "")) or parse_jira_time("2000-01-01")
        for r in results.attachments()
        if str(r["attachment_id"]) in singles
    )
    filters = PlanFilters(attachment_ids=tuple(singles))
    near = Marked(now=table_now + timedelta(days=1)).select(results, filters, set())
    assert {d.attachment_id for d in near.deletions} == set(singles)  # none held back
    assert any("updated in the last 30 days" in n for n in near.notes)
    far = Marked(now=table_now + timedelta(days=400)).select(results, filters, set())
    assert not any("updated in the last" in n for n in far.notes)


def test_marked_only_copies_need_an_archive_and_are_archived_with_equal_bytes(
    site, small_site, tmp_path
):
    some, whole, copies, every, singles = pick(site)
    marked = copies + every + singles
    plan = site.cleanup.save(
        site.cleanup.plan(
            site.scan_id, PlanFilters(attachment_ids=tuple(marked)), policy=site.cleanup.marked()
        )
    )
    with pytest.raises(ArchiveRequired):
        apply(site, plan)
    assert not site.server.deleted
    archive = tmp_path / "archive"
    _, outcome = apply(site, plan, archive=archive)
    assert outcome.finished and outcome.counts[Outcome.DELETED] == len(marked)
    assert site.deleted_ids() == set(marked)
    assert site.exists(str(some["locations"][0]["attachment_id"]))  # the kept copy stays
    lines = {line["id"]: line for line in read_manifest(archive / "manifest.jsonl")}
    for aid in every + singles:
        assert (archive / lines[aid]["path"]).read_bytes() == small_site.read(aid)


def test_a_marked_file_the_scan_could_not_read_is_left_out_saying_so(site):
    *_, singles = pick(site)
    results = site.store.results(site.scan_id)
    summary = results.summary()
    unreadable = singles[:1]  # as if the scan had been refused its bytes
    said = dataclasses.replace(summary, unreadable=[{"attachment_id": unreadable[0]}])
    results.summary = lambda: said
    filters = PlanFilters(attachment_ids=tuple(singles))
    selection = Marked().select(results, filters, set())
    assert {d.attachment_id for d in selection.deletions} == set(singles[1:])
    assert any("1 marked file could not be read" in n for n in selection.notes)


def test_a_marked_empty_file_is_left_out_saying_so(site):
    """An empty file frees nothing: marked or not, no plan holds one."""
    *_, singles = pick(site)
    results = site.store.results(site.scan_id)
    empty = [str(r["attachment_id"]) for r in results.attachments() if not r.get("size")]
    assert empty
    filters = PlanFilters(attachment_ids=tuple(empty[:1] + singles))
    plan = site.cleanup.plan(site.scan_id, filters, policy=site.cleanup.marked())
    assert {d.attachment_id for d in plan.deletions} == set(singles)
    assert "1 marked file of 0 bytes left out: deleting an empty file frees nothing." in (
        plan.notes
    )


class WithUnreadable:
    """Only copies that include files Jira will not send (as a plan made before they broke)."""

    name = "test-unreadable"
    proofs = frozenset({ProofKind.ONLY_COPY})

    def __init__(self, chosen: list[str]) -> None:
        self.chosen = chosen

    def admit(self, results) -> None:
        pass

    def select(self, results, filters, removed):
        records = {str(r["attachment_id"]): r for r in results.attachments()}
        return Selection(
            [
                planned(records[a], records[a], records[a]["size"], "", OnlyCopy(why="test"))
                for a in self.chosen
            ]
        )


def test_a_file_jira_will_not_send_is_skipped_and_the_run_goes_on(site, tmp_path):
    *_, singles = pick(site)
    unreadable = sorted(site.data.truth.unreadable_403)[:1]
    plan = site.cleanup.save(
        site.cleanup.plan(site.scan_id, policy=WithUnreadable(unreadable + singles))
    )
    _, outcome = apply(site, plan, archive=tmp_path / "archive")
    assert outcome.finished
    assert site.deleted_ids() == set(singles)
    (skipped,) = outcome.skipped
    assert skipped.attachment_id == unreadable[0] and "would not send" in skipped.reason
