"""Scans of a demo site through the real client, engine and store, and checks against its truth."""

from __future__ import annotations

from datetime import datetime, timezone

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.governor import RateGovernor, RetryPolicy
from aa_tui.model.records import Scope
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanOutcome, ScanRequest
from aa_tui.store.saved_groups import SavedGroups

FROZEN_NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
FAST_RETRIES = RetryPolicy(max_tries=8, base_delay_s=0.05, max_delay_s=0.5)


def fast_governor() -> RateGovernor:
    """Eight workers and short retry delays: fast tests against a local demo site."""
    return RateGovernor(max_concurrency=8, policy=FAST_RETRIES)


def make_client(server, token=None, **kw) -> CloudClient:
    governor = kw.pop("governor", None) or fast_governor()
    auth = ApiToken(server.email, token or server.token)
    return CloudClient(server.base_url, auth, governor=governor, **kw)


def run_scan(
    server,
    store,
    *,
    scope=None,
    verify="exact",
    resume=False,
    full=False,
    listener=None,
    client=None,
    now: datetime = FROZEN_NOW,
    email: str | None = None,
) -> ScanOutcome:
    """One scan of ``server`` into ``store``, its clock stopped at ``now``; the client closed."""
    scope = scope or Scope()
    client = client or make_client(server)
    try:
        request = ScanRequest(
            site=client.site,
            email=server.email if email is None else email,
            scope=scope,
            verify=verify,
            resume=resume,
            full=full,
        )
        engine = ScanEngine(client, store, request, listener=listener, clock=lambda: now)
        return engine.run()
    finally:
        client.close()


def group_ids(groups) -> set[frozenset[str]]:
    return {frozenset(loc.attachment_id for loc in g.locations) for g in groups}


def assert_matches_truth(outcome, truth):
    totals = outcome.summary["totals"]
    assert group_ids(outcome.groups) == truth.groups
    assert totals["total_files"] == truth.total_files
    assert totals["total_size"] == truth.total_size
    assert totals["zero_byte_files"] == truth.zero_byte_files
    assert totals["duplicate_files"] == truth.duplicate_files
    assert totals["duplicate_size"] == truth.duplicate_size
    # Only files that share a size are ever read, so only those can be found unreadable.
    found = {u["attachment_id"] for u in outcome.summary["unreadable"]}
    assert found <= truth.unreadable and totals["unreadable_files"] == len(found)
    assert totals["issues_scanned"] == truth.issues_with_attachments


def counted_by_difference(monkeypatch) -> list[str]:
    """What the scans from now on count by difference from their base's (see since_base)."""
    import aa_tui.scan.since_base as since_base

    counted: list[str] = []

    def spy(real, what):
        def counting(*args, **kwargs):
            result = real(*args, **kwargs)
            counted.extend([what] if result is not None else [])
            return result

        return counting

    for name, what in (("groups_since", "groups"), ("aggregate_since", "breakdowns")):
        monkeypatch.setattr(since_base, name, spy(getattr(since_base, name), what))
    real_take = SavedGroups.take

    def take(self, *args):  # the groups saved again as the base saved them
        saved = real_take(self, *args)
        if saved is not None and "saved groups" not in counted:
            counted.append("saved groups")
        return saved

    monkeypatch.setattr(SavedGroups, "take", take)
    import aa_tui.scan.spliced as spliced

    monkeypatch.setattr(spliced, "_group_layer", spy(spliced._group_layer, "group layer"))
    return counted


#: the totals a rescan and a full scan of the same site share (not requests, bytes or times)
SAME_TOTALS = (
    "total_files",
    "total_size",
    "zero_byte_files",
    "duplicate_files",
    "duplicate_size",
    "duplicate_groups",
    "canonical_files",
    "waste_pct",
    "stale_files",
    "stale_size",
)


def assert_reads_same(store, a: str, b: str) -> None:
    """Scans ``a`` and ``b`` read the same through every reader but their ids and times: a
    rescan (a layer, maybe) and a full scan of the same site, at the same clock."""
    from aa_tui.model.group_rows import OFFSET, sort_orders
    from aa_tui.service.insights import insights_of

    one, two = store.results(a), store.results(b)
    assert sorted(map(str, one.attachments())) == sorted(map(str, two.attachments()))
    assert sorted(map(str, store.iter_attachments(a))) == sorted(
        map(str, store.iter_attachments(b))
    )
    files_a, files_b = one.file_table(), two.file_table()
    rows_a = sorted(str(files_a.file(i)) for i in range(len(files_a)))
    assert rows_a == sorted(str(files_b.file(i)) for i in range(len(files_b)))
    assert len(files_a.issues) == len(files_b.issues)  # none kept that no file points at
    assert sorted(map(str, files_a.people)) == sorted(map(str, files_b.people))
    assert insights_of(one).to_summary() == insights_of(two).to_summary()
    sa, sb = store.load_summary(a), store.load_summary(b)
    assert {k: sa["totals"][k] for k in SAME_TOTALS} == {k: sb["totals"][k] for k in SAME_TOTALS}
    for name in ("projects", "file_types", "uploaders", "age_brackets", "status_categories"):
        assert sa[name] == sb[name], name
    assert sa["quick_wins"] == sb["quick_wins"]
    groups = store.load_groups(b)
    assert store.load_groups(a) == groups
    assert list(one.iter_groups()) == groups
    if not store.groups_layered(a):  # the same bytes, some saved again as such
        for name in ("groups.json", "group_rows.json"):
            assert (store.scan_dir(a) / name).read_bytes() == (
                store.scan_dir(b) / name
            ).read_bytes()
    table_a, table_b = one.group_table(), two.group_table()
    # the same rows but where each group lies (a layer's lie in its root's file or its own)
    assert [r[:OFFSET] for r in table_a.rows] == [r[:OFFSET] for r in table_b.rows]
    assert (table_a.orders or sort_orders(table_a.rows)) == table_b.orders
    assert [store.load_group(a, i) for i in range(len(groups))] == groups
