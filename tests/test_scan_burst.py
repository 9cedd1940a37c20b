"""The listing at its floor, on real HTTP against the demo site: the burst while it lasts
(more requests in flight while the token bucket has room, back to the rate when it drains,
never a 429; a scan's result the same with or without it), and the first id page asked for
beside the sign-in checks when nothing they find can change its JQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from helpers.scanning import FAST_RETRIES, assert_matches_truth, make_client, run_scan

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.errors import AuthError
from aa_tui.jira.governor import RateGovernor
from aa_tui.model.enums import Phase
from aa_tui.model.errors import Cancelled
from aa_tui.model.records import Scope
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


class TimedClient(CloudClient):
    """The real client, noting when each JSON call was sent and answered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.log: list[tuple[str, str, float]] = []
        self._log_lock = threading.Lock()

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        self._note("sent", path)
        try:
            return super()._json(method, path, **kwargs)
        finally:
            self._note("answered", path)

    def _note(self, what: str, path: str) -> None:
        with self._log_lock:
            self.log.append((what, path.rsplit("/rest/api/3/", 1)[-1], time.monotonic()))

    def when(self, what: str, path: str) -> float:
        return next(t for w, p, t in self.log if w == what and p == path)


def timed_client(server) -> TimedClient:
    auth = ApiToken(server.email, server.token)
    return TimedClient(server.base_url, auth, governor=RateGovernor(policy=FAST_RETRIES))


def test_a_whole_site_scan_asks_for_its_first_id_page_beside_the_checks(small_site, store):
    with DemoServer(small_site, DemoOptions(latency_s=0.1)) as server:
        client = timed_client(server)
        outcome = run_scan(server, store, client=client)
    assert client.when("sent", "search/jql") < client.when("answered", "myself")
    assert_matches_truth(outcome, small_site.truth)


def test_a_scope_naming_projects_lists_after_the_project_check(small_site, store):
    scope = Scope(projects=("OPS", "NOPE"))  # NOPE is no project: the JQL loses it
    with DemoServer(small_site, DemoOptions(latency_s=0.05)) as server:
        client = timed_client(server)
        outcome = run_scan(server, store, client=client, scope=scope, verify="metadata")
    assert client.when("sent", "search/jql") > client.when("answered", "project/search")
    assert any("NOPE" in w for w in outcome.warnings)
    assert outcome.summary["totals"]["total_files"] > 0


def test_a_refused_token_fails_on_myself_though_the_listing_began(small_site, store):
    """The first id page is refused too (the same token); the scan fails as a refused
    sign-in does, and leaves nothing behind."""
    with DemoServer(small_site, DemoOptions(latency_s=0.05)) as server:
        client = make_client(server, token="wrong")
        with pytest.raises(AuthError):
            run_scan(server, store, client=client)
        assert server.stats.snapshot()["requests"].get("POST /rest/api/3/search/jql") == 1
    assert store.list_scans() == []  # errors at sign-in leave no scan behind


def test_a_resumed_scan_whose_listing_was_done_asks_for_no_id_page(small_site, store):
    """A resumed scan may hold its whole listing: no page is asked for before it is read."""
    with DemoServer(small_site, DemoOptions()) as server:
        client = make_client(server)

        def listener(event):
            if event.phase == Phase.HEADS and event.done >= 1:
                client.cancel.set()

        with pytest.raises(Cancelled):
            run_scan(server, store, listener=listener, client=client)
        searched = server.stats.snapshot()["requests"]["POST /rest/api/3/search/jql"]
        outcome = run_scan(server, store, resume=True)
        assert server.stats.snapshot()["requests"]["POST /rest/api/3/search/jql"] == searched
    assert_matches_truth(outcome, small_site.truth)
