"""A cleanup's own updates are not people's: deleting files and commenting set an issue's
``updated`` in Jira, yet a scan after the cleanup counts the files left there by the update
before it (else they were fresh for a year: not stale, their project not idle), until anyone
changes the issue again. Real HTTP against the demo site, a real store."""

from __future__ import annotations

import time

import httpx
import pytest
from helpers.scanning import fast_governor, make_client, run_scan

from aa_tui.demo.catalog import ISSUE_ID_BASE
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.model.cleanup import PlanFilters
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanRequest
from aa_tui.service.cleanup import ApplyOptions, Cleanup
from aa_tui.store.store import Store


def records_by_issue(store: Store, scan_id: str) -> dict[str, str]:
    """Issue id -> the ``updated`` a scan saved for its files."""
    return {str(r["issue_id"]): str(r["issue_updated"]) for r in store.load_attachments(scan_id)}


def full_scan(server: DemoServer, store: Store) -> str:
    client = make_client(server)
    try:
        request = ScanRequest(site=client.site, email=server.email, full=True)
        return ScanEngine(client, store, request).run().info.id
    finally:
        client.close()


@pytest.fixture
def cleaned(small_site, tmp_path):
    """A scan, a cleanup of some of its copies (with comments), and what Jira says after."""
    server = DemoServer(small_site, DemoOptions()).start()
    store = Store(tmp_path / "data")
    first = run_scan(server, store).info.id
    cleanup = Cleanup(
        store,
        lambda site, email, token: CloudClient(
            site, ApiToken(email, token), governor=fast_governor()
        ),
    )
    plan = cleanup.save(cleanup.plan(first, PlanFilters(limit=6)))
    cleanup.apply(plan, server.token, ApplyOptions(comment=True)).run()
    yield server, store, first, plan
    store.close()
    server.stop()


def jira_updated(server: DemoServer, issue_id: str) -> str:
    with httpx.Client(base_url=server.base_url, auth=server.auth, timeout=10) as http:
        answer = http.get(f"/rest/api/3/issue/{issue_id}", params={"fields": "updated"})
        return str(answer.json()["fields"]["updated"])


def test_a_scan_after_a_cleanup_counts_the_touched_issues_as_before_it(cleaned):
    server, store, first, plan = cleaned
    touched = {d.issue_id for d in plan.deletions}
    before = records_by_issue(store, first)
    # Jira (the demo) moved every touched issue's updated: a scan would see them all as fresh
    assert all(jira_updated(server, i) != before[i] for i in touched)
    rescan = run_scan(server, store).info.id
    full = full_scan(server, store)
    for scan_id in (rescan, full):
        after = records_by_issue(store, scan_id)
        left = touched & set(after)  # issues that still hold files
        assert left and {i: after[i] for i in left} == {i: before[i] for i in left}
    assert records_by_issue(store, rescan) == records_by_issue(store, full)


def test_a_later_change_by_anyone_counts_again(cleaned):
    server, store, first, plan = cleaned
    before = records_by_issue(store, first)
    rescan = records_by_issue(store, run_scan(server, store).info.id)
    issue_id = next(d.issue_id for d in plan.deletions if d.issue_id in rescan)
    time.sleep(1.1)  # the demo's clock counts seconds: a change in a later one
    server.touch(int(issue_id) - ISSUE_ID_BASE)
    now = jira_updated(server, issue_id)
    assert now != before[issue_id]
    again = records_by_issue(store, run_scan(server, store).info.id)
    assert again[issue_id] == now
    assert records_by_issue(store, full_scan(server, store))[issue_id] == now


def test_a_run_records_only_the_issues_it_acted_on(cleaned):
    """A resumed run does not record an issue only an earlier run touched: a person may have
    changed it since, and that update is theirs."""
    from aa_tui.service.cleanup.own_updates import ActedOn, record_updated_after
    from aa_tui.store.audit import AuditLog

    server, store, _, plan = cleaned
    audit = AuditLog(store)
    state = audit.state(plan.id)
    touched = {d.issue_id for d in plan.deletions}
    assert set(state.updated_after) == touched  # the run recorded each issue it touched
    client = make_client(server)
    journal = audit.open(plan.id)
    try:
        assert record_updated_after(plan, client, journal, state, ActedOn.of(state)) == 0
        nothing = ActedOn(frozenset(), frozenset())
        assert record_updated_after(plan, client, journal, state, nothing) == len(touched)
    finally:
        journal.close()
        client.close()
