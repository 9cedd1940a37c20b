"""Heads read while the listing still runs (issue 9): only when content has a budget of its
own, and the result stays exact."""

from __future__ import annotations

from helpers.scanning import assert_matches_truth, run_scan

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.enums import Phase
from aa_tui.scan.staged import HEAD_BYTES

CONTENT = "GET /rest/api/3/attachment/content/{id}"


def _listing_bytes(site, options, store) -> tuple[int, object]:
    events = []
    with DemoServer(site, options) as server:
        outcome = run_scan(server, store, listener=events.append)
    listing = [e.bytes_read for e in events if e.phase in (Phase.ENUMERATING, Phase.FETCHING)]
    return max(listing, default=0), outcome


def test_heads_are_read_during_the_listing_when_content_has_its_own_budget(store):
    """Search and bulkfetch at 4 requests/s (7 bulkfetch calls: ~1.5 s of listing), content
    with a bucket of its own: many heads are read before the listing ends; the same answer."""
    site = generate_site(seed=11, issues=2000)
    options = DemoOptions(
        latency_s=0.01,
        rate_limit_rps=4.0,
        burst=2,
        rate_scope="endpoint",
        endpoint_rates=((CONTENT, 200.0, 100),),
    )
    read, outcome = _listing_bytes(site, options, store)
    assert read > 10 * HEAD_BYTES, read
    assert_matches_truth(outcome, site.truth)


def test_one_shared_budget_keeps_the_listing_first(store):
    """One bucket for the whole site: at most the probe's head is read during the listing."""
    site = generate_site(seed=11, issues=2000)
    options = DemoOptions(latency_s=0.01, per_issue_s=0.01, rate_limit_rps=200.0, burst=400)
    read, outcome = _listing_bytes(site, options, store)
    assert read <= HEAD_BYTES, read
    assert_matches_truth(outcome, site.truth)
