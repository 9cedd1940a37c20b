"""The burst while it lasts, on real HTTP against the demo site's token bucket: more requests
in flight while the bucket has room, back to the rate when it drains, never a 429; a scan's
result is the same with or without it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from helpers.scanning import FAST_RETRIES, assert_matches_truth, make_client, run_scan

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.governor import RateGovernor
from aa_tui.store.store import Store


def test_the_burst_is_spent_then_the_rate_holds_without_a_429(small_site):
    """A bucket of 20 refilling 40/s, 60 requests from 16 threads, 4 in flight at the rate:
    the first ones go out together, far more than 4, and the site never refuses one."""
    options = DemoOptions(latency_s=0.05, rate_limit_rps=40, burst=20)
    governor = RateGovernor(max_concurrency=4, policy=FAST_RETRIES)
    with DemoServer(small_site, options) as server:
        client = make_client(server, governor=governor)
        try:
            client.myself()  # the first answer tells the bucket's size and what is left
            with ThreadPoolExecutor(16) as pool:
                answers = list(pool.map(lambda _: client.myself(), range(60)))
        finally:
            client.close()
        stats = server.stats.snapshot()
    assert len(answers) == 60 and stats["requests"]["GET /rest/api/3/myself"] == 61
    assert stats["throttled"] == 0 and governor.stats.throttled == 0
    # 19 left after the first answer, a reserve of 2: up to 17 at once, 16 the cap (4x 4)
    assert 12 <= governor.stats.peak_in_flight <= governor.burst_concurrency == 16


def test_a_scan_finds_the_same_with_and_without_the_burst(tmp_path):
    """A metadata scan of 4,000 issues (14 bulkfetch calls) on a rate-limited site: with the
    burst the calls go out together; the files, groups and totals are those of a scan that
    never bursts; no 429 either way."""
    site = generate_site(seed=11, issues=4000)
    options = DemoOptions(latency_s=0.05, rate_limit_rps=20, burst=40)
    outcomes, peaks = [], []
    for burst in (None, 8):  # 8: no more than max_concurrency, i.e. no burst
        governor = RateGovernor(max_concurrency=8, policy=FAST_RETRIES, burst_concurrency=burst)
        store = Store(tmp_path / f"data-{burst}")
        try:
            with DemoServer(site, options) as server:
                client = make_client(server, governor=governor)
                outcomes.append(run_scan(server, store, verify="metadata", client=client))
                assert server.stats.snapshot()["throttled"] == 0
        finally:
            store.close()
        peaks.append(governor.stats.peak_in_flight)
    assert peaks[0] > 8 >= peaks[1]
    burst, steady = outcomes
    assert burst.summary["totals"] == steady.summary["totals"] | {
        "requests": burst.summary["totals"]["requests"]
    }
    assert [g.to_dict() for g in burst.groups] == [g.to_dict() for g in steady.groups]
    assert burst.summary["totals"]["total_files"] == site.truth.total_files


def test_an_exact_scan_with_the_burst_on_a_rate_limited_site_matches_the_truth(small_site, store):
    """The burst is the listing's (the reads keep their pools of ``workers``): an exact scan
    through a governor that may burst is still exact, without a 429."""
    options = DemoOptions(latency_s=0.01, rate_limit_rps=200, burst=40)
    governor = RateGovernor(max_concurrency=8, policy=FAST_RETRIES)
    with DemoServer(small_site, options) as server:
        outcome = run_scan(server, store, client=make_client(server, governor=governor))
        assert server.stats.snapshot()["throttled"] == 0
    assert_matches_truth(outcome, small_site.truth)
