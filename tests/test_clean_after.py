"""Every figure after a cleanup is net of it, and after a restore the figures come back: the
app's summary, the insights (the what-if's start), the file lists and the HTML and JSON
reports, checked against the demo site's own truth and the audit."""

from __future__ import annotations

import json
from csv import DictReader

import pytest
from helpers.scanning import fast_governor
from helpers.sites import DemoSite

from aa_tui.analysis.remaining import remaining_table, stat_tables
from aa_tui.model.insights import InsightSettings
from aa_tui.service.after_cleanup import group_table_after
from aa_tui.service.cleanup import ApplyOptions
from aa_tui.service.insights import scan_facts, scan_now, scan_table
from aa_tui.service.workspace import Workspace


class Site(DemoSite):
    """A fresh demo site (deletions change it), scanned into a fresh workspace."""

    def __init__(self, data, tmp_path) -> None:
        super().__init__(data, tmp_path)
        self.workspace = Workspace(self.store, governor_factory=fast_governor)
        self.cleanup = self.workspace.cleanup()

    def clean(self, archive, **filters):
        from aa_tui.model.cleanup import PlanFilters

        plan = self.cleanup.save(self.cleanup.plan(self.scan_id, PlanFilters(**filters)))
        run = self.cleanup.apply(plan, self.server.token, ApplyOptions(archive=archive))
        assert run.run().finished
        return plan

    def restore(self, archive) -> None:
        plan = self.cleanup.restore_plan(archive)
        assert self.cleanup.restore(plan, self.server.token).run().uploaded == len(plan.pending)


@pytest.fixture
def site(small_site, tmp_path):
    with Site(small_site, tmp_path) as s:
        yield s


def assert_totals_are_the_sites(totals, truth) -> None:
    assert totals.total_files == truth.total_files
    assert totals.total_size == truth.total_size
    assert totals.zero_byte_files == truth.zero_byte_files
    assert totals.duplicate_files == truth.duplicate_files
    assert totals.duplicate_size == truth.duplicate_size
    assert totals.duplicate_groups == truth.duplicate_groups
    assert totals.canonical_files == truth.canonical_files
    assert totals.issues_scanned == truth.issues_with_attachments
    assert totals.waste_pct == round(truth.waste_pct, 2)


def test_the_breakdowns_of_a_scans_files_are_the_ones_it_saved(site):
    """What is counted again after a cleanup is counted by the scan's own rules."""
    results = site.workspace.results(site.scan_id)
    summary = results.summary()
    table = scan_table(results)
    facts = scan_facts(table, scan_now(summary), InsightSettings())
    totals, tables = stat_tables(table, facts, summary.totals)
    assert totals == summary.totals
    assert tables == summary.tables
    assert remaining_table(table, frozenset()) is table


def test_every_figure_after_a_cleanup_is_net_of_it_and_comes_back_after_a_restore(site, tmp_path):
    workspace, scan_id = site.workspace, site.scan_id
    scanned = workspace.results(scan_id).summary()
    groups = [g for g in workspace.results(scan_id).groups() if g["copies"] >= 3]
    top, other = scanned.quick_wins[0], groups[-1]
    assert top["hash"] != other["hash"]
    # every copy but one of the top quick win; in another group the canonical copy goes too
    plan = site.clean(tmp_path / "a1", groups=(top["hash"],))
    newest = site.clean(tmp_path / "a2", groups=(other["hash"],), keep="newest")
    gone = {d.attachment_id for d in plan.deletions + newest.deletions}
    assert other["locations"][0]["attachment_id"] in gone  # the scan's canonical copy
    truth = site.server.truth()
    assert truth.total_files == scanned.totals.total_files - len(gone)

    after = workspace.after_cleanup(scan_id)
    net = after.summary
    assert after.removed.ids == gone and net.cleaned is not None
    assert net.cleaned.files == len(gone) and net.cleaned.freed == plan.size + newest.size
    assert_totals_are_the_sites(net.totals, truth)
    assert net.totals.bytes_read == scanned.totals.bytes_read  # what the proof cost stays
    for name, rows in net.tables.items():  # every breakdown adds up to the totals
        assert sum(r.size for r in rows) == truth.total_size, name
        assert sum(r.wasted_size for r in rows) == truth.duplicate_size, name
    # the quick wins: the cleaned group is no longer one; each says what it wastes now
    assert top["hash"] not in {w["hash"] for w in net.quick_wins}
    assert all(w["wasted_size"] == (w["copies"] - 1) * w["size"] > 0 for w in net.quick_wins)
    rows = group_table_after(workspace.results(scan_id).group_table(), after.removed)
    by_hash = {r[0]: r for r in rows.rows}
    assert by_hash[top["hash"]][3:5] == [1, 0]  # one copy left, nothing wasted
    assert by_hash[other["hash"]][3:5] == [1, 0]
    assert net.quick_wins[0]["wasted_size"] == rows.rows[rows.orders["wasted"][0]][4]
    # the insights start from what is left: the what-if, uploads by month, the file lists
    insights = workspace.insights(scan_id)
    what_if = insights.table("what_if")
    assert what_if[0].remaining_size == truth.total_size
    assert what_if[1].size == truth.duplicate_size
    assert sum(m.size for m in insights.table("uploads_by_month")) == truth.total_size
    assert net.what_if == what_if
    every = workspace.file_list(scan_id, "what_if", "as it is")
    listed = workspace.files(scan_id, "largest")
    assert not gone & {f.attachment_id for f in listed}
    assert (every.count, every.size) == (truth.total_files, truth.total_size)
    assert not gone & {f.attachment_id for f in every.files}
    # the JSON keeps what the scan saw and adds the totals after cleanup; the HTML is net
    json_path, html_path = tmp_path / "r.json", tmp_path / "r.html"
    workspace.export(scan_id, json_path=json_path, html_path=html_path)
    report = json.loads(json_path.read_text())
    assert report["totals"] == scanned.totals.to_dict()
    assert report["totals_after_cleanup"] == net.totals.to_dict()
    assert set(report["totals_after_cleanup"]) == set(report["totals"])
    assert report["cleanup"]["removed_files"] == len(gone)
    # the what-if after cleanup beside the scan's: the forecast is net of cleanups too
    assert report["what_if"][0]["remaining_size"] == scanned.totals.total_size
    assert report["what_if_after_cleanup"][0]["remaining_size"] == truth.total_size
    workspace.export(scan_id, csv_dir=tmp_path / "csv-after")
    with open(tmp_path / "csv-after" / "what_if_after_cleanup.csv", encoding="utf-8") as handle:
        assert int(next(DictReader(handle))["remaining_size"]) == truth.total_size
    html = html_path.read_text()
    from aa_tui.model.units import size_text

    assert "Stored after cleanup" in html and f"{len(gone):,} files removed" in html
    assert f"<b>{size_text(truth.total_size)}</b>" in html
    assert f"<b>{size_text(scanned.totals.total_size)}</b>" not in html
    # the CSV tables too: the scan's totals, and beside them the totals after cleanup
    import csv

    workspace.export(scan_id, csv_dir=tmp_path / "csv")
    with open(tmp_path / "csv" / "totals_after_cleanup.csv", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (int(row["total_files"]), int(row["total_size"])) == (
        truth.total_files,
        truth.total_size,
    )

    # a restore puts every file back: the figures are the scan's again
    site.restore(tmp_path / "a1")
    site.restore(tmp_path / "a2")
    back = workspace.after_cleanup(scan_id)
    assert not back.removed.ids and back.removed.restored == gone
    assert back.summary.cleaned is None
    assert back.summary.totals == scanned.totals
    assert_totals_are_the_sites(back.summary.totals, site.server.truth())
    assert workspace.insights(scan_id).table("what_if")[0].remaining_size == (
        scanned.totals.total_size
    )
    workspace.export(scan_id, json_path=json_path)
    report = json.loads(json_path.read_text())
    assert "cleanup" not in report and report["totals_after_cleanup"] == report["totals"]
    assert "what_if_after_cleanup" not in report


def test_the_stale_threshold_of_the_settings_counts_the_stale_files(site):
    """The Overview's stale line counts as Insights do (``stale_days``), not a year always."""
    workspace, scan_id = site.workspace, site.scan_id
    settings = InsightSettings(stale_days=30)
    summary = workspace.after_cleanup(scan_id, settings).summary
    insights = workspace.insights(scan_id, settings)
    assert summary.totals.stale_files == insights.counts["stale_files"]
    assert summary.totals.stale_size == insights.counts["stale_size"]
    saved = workspace.results(scan_id).summary()
    assert summary.totals.stale_files > saved.totals.stale_files  # a month finds more
    assert workspace.after_cleanup(scan_id).summary == saved  # nothing to count again


def test_a_plan_after_a_restore_says_its_restored_files_are_back_under_new_ids(site, tmp_path):
    """Restored files are back (the figures count them) under ids the scan does not know, so
    no plan can act on them: a policy whose list leaves them out says how many, and a marked
    restored file is said to be restored, not 'removed already'."""
    from aa_tui.model.cleanup import PlanFilters

    cleanup, scan_id = site.cleanup, site.scan_id
    filters = PlanFilters(limit=3, protect_days=0)
    plan = cleanup.save(cleanup.plan(scan_id, filters, policy="largest"))
    run = cleanup.apply(plan, site.server.token, ApplyOptions(archive=tmp_path / "arch"))
    assert run.run().finished
    gone = [d.attachment_id for d in plan.deletions]
    before = cleanup.plan(scan_id, filters, policy="largest")
    assert not [n for n in before.notes if "restored" in n]  # removed, not restored: no note
    site.restore(tmp_path / "arch")
    assert site.workspace.removed(scan_id).ids == frozenset()  # the figures count them back
    again = cleanup.plan(scan_id, filters, policy="largest")
    assert not set(gone) & {d.attachment_id for d in again.deletions}
    assert "3 files restored since the scan are back under new ids: a rescan lists them." in (
        again.notes
    )
    # a policy counts only its own list's restored files (the figures' lists count them back)
    listed = {f.attachment_id for f in site.workspace.files(scan_id, "hygiene")}
    assert not set(gone) & listed  # the three largest are no hygiene files
    hygiene = cleanup.plan(scan_id, PlanFilters(protect_days=0), policy="hygiene")
    assert hygiene.files and not [n for n in hygiene.notes if "restored" in n]
    # the app's review of a marked restored file
    marked = cleanup.plan(scan_id, PlanFilters(attachment_ids=(gone[0],)), cleanup.marked())
    assert not marked.deletions
    assert marked.notes == [
        "1 file restored since the scan is back under a new id: a rescan lists it."
    ]
