"""The governor's estimate of Jira's token buckets: an answer's ``X-RateLimit-Remaining``
counts the requests let out before it, not those let out since; the bucket refills between
answers at the rate two answers tell; on real HTTP against the demo site the burst spends a
site-wide bucket down to its reserve, never a 429."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers.scanning import FAST_RETRIES, make_client

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira import transport
from aa_tui.jira.buckets import ORDER_SLACK_S, Bucket, Sample, Start, refill_between, said
from aa_tui.jira.cloud import search
from aa_tui.jira.cloud.search import LISTING_PRIORITY, id_pages
from aa_tui.jira.governor import RateGovernor

SCOPE = "https://acme.atlassian.net:443 POST /rest/api/3/search/jql"


def headers(remaining: int, ceiling: int = 40) -> dict[str, str]:
    return {"x-ratelimit-limit": str(ceiling), "x-ratelimit-remaining": str(remaining)}


def test_an_answer_counts_the_requests_let_out_since_not_those_before():
    gov = RateGovernor(max_concurrency=16)
    early = [gov.acquire(scope=SCOPE) for _ in range(5)]
    time.sleep(ORDER_SLACK_S * 1.5)
    late = [gov.acquire(scope=SCOPE) for _ in range(5)]
    # the last one let out is answered first: Jira counted the five let out well before it;
    # the four let out just before it may have reached Jira after it
    gov.on_response(200, headers(30), SCOPE, start=late[-1])
    assert gov._budget(SCOPE).bucket.spare == 26
    # the first one's answer: the nine let out after it are not in its count
    gov.on_response(200, headers(30), SCOPE, start=early[0])
    assert gov._budget(SCOPE).bucket.spare == 21
    # without its start, every other request in the air is taken off, as before
    gov.on_response(200, headers(30), SCOPE, start=late[-1])
    gov.on_response(200, headers(30), SCOPE)
    assert gov._budget(SCOPE).bucket.spare == 21


def test_the_bucket_as_an_answer_says_it_refills_from_the_middle_of_the_round_trip():
    start = Start(scope=3, origin=5, at=10.0)
    bucket = said(20, 40, start, later=5, refill=10.0, now=10.4)
    assert bucket.spare == pytest.approx(20 - 5 + 10.0 * 0.2)
    assert said(39, 40, start, later=0, refill=10.0, now=12.0).spare == 40  # never past full
    # full, it stopped filling: the 20 let out since come off what it could hold
    assert said(38, 40, start, later=20, refill=20.0, now=12.0).spare == 20
    assert said(20, 40, start, later=5, refill=0.0, now=10.4).spare == 15  # rate unknown


def test_the_refill_rate_of_two_answers_counts_the_requests_let_out_between():
    a = Sample(30, Start(scope=10, origin=10, at=0.0))
    b = Sample(25, Start(scope=20, origin=30, at=1.0))
    assert refill_between(a, b, 40, by_origin=False) == pytest.approx(5.0)  # (25-30+10)/1
    assert refill_between(a, b, 40, by_origin=True) == pytest.approx(15.0)  # (25-30+20)/1
    near = Sample(25, Start(scope=20, origin=30, at=0.3))
    assert refill_between(a, near, 40, by_origin=False) is None  # too close to tell
    full = Sample(39, Start(scope=20, origin=30, at=1.0))
    assert refill_between(a, full, 40, by_origin=False) is None  # a full bucket stops filling


def test_a_bucket_refills_between_answers_and_says_when_it_has_room():
    bucket = Bucket(spare=3.0, ceiling=40, at=0.0, refill=10.0)  # a reserve of 4
    assert not bucket.room(0.0) and bucket.wait(0.0) == pytest.approx(0.2)
    assert bucket.room(0.2) and bucket.level(100.0) == 40
    bucket.take(0.25)
    assert bucket.spare == pytest.approx(4.5) and bucket.at == 0.25
    assert Bucket(3.0, 40).wait(0.0) >= 3600  # no refill known: no room until an answer


class Watching(RateGovernor):
    """A governor that keeps the ``X-RateLimit-Remaining`` of every answer."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.remaining: list[int] = []

    def on_response(self, status, headers=None, scope="", start=None) -> None:
        if headers is not None and "x-ratelimit-remaining" in headers:
            self.remaining.append(int(headers["x-ratelimit-remaining"]))
        super().on_response(status, headers, scope, start=start)


def test_the_burst_spends_a_site_wide_bucket_to_its_reserve_without_a_429(small_site):
    """A bucket of 40 refilling 20/s for the whole site, 100 requests from 24 threads: the
    answers' counts go down to the reserve (4) and a little below while the estimate refills
    it, and the site never refuses one."""
    options = DemoOptions(latency_s=0.1, rate_limit_rps=20, burst=40)
    governor = Watching(max_concurrency=8, policy=FAST_RETRIES)
    with DemoServer(small_site, options) as server:
        client = make_client(server, governor=governor)
        try:
            with ThreadPoolExecutor(24) as pool:
                answers = list(pool.map(lambda _: client.myself(), range(100)))
        finally:
            client.close()
        stats = server.stats.snapshot()
    assert len(answers) == 100 and stats["throttled"] == 0 and governor.stats.throttled == 0
    assert min(governor.remaining) <= 5, sorted(governor.remaining)[:10]


def test_of_the_requests_that_may_start_the_highest_priority_goes_first():
    """One slot (max_concurrency 1), held; a bulkfetch waits, then a listing page of a higher
    priority: when the slot frees, the page goes first, though it came second (five times:
    woken together, either could take the lock first)."""
    bulk = SCOPE.replace("search/jql", "issue/bulkfetch")
    for _ in range(5):
        gov = RateGovernor(max_concurrency=1)
        gov.acquire(scope=bulk)
        order: list[str] = []

        def wait(name: str, scope: str, priority: int, gov=gov, order=order) -> None:
            gov.acquire(scope=scope, priority=priority)
            order.append(name)
            gov.release(scope)

        low = threading.Thread(target=wait, args=("bulkfetch", bulk, 0))
        low.start()
        time.sleep(0.03)
        high = threading.Thread(target=wait, args=("page", SCOPE, LISTING_PRIORITY))
        high.start()
        time.sleep(0.03)
        gov.release(bulk)
        low.join(2)
        high.join(2)
        assert order == ["page", "bulkfetch"]


def test_a_listings_pages_wait_with_the_listing_priority_later_pages_lower():
    seen: list[int] = []

    def fetch(token):
        seen.append(getattr(transport._priority, "value", 0))
        n = int(token or 0) + 1
        return {"issues": [{"id": str(n)}], "nextPageToken": None if n == 3 else str(n)}

    assert [p for p in id_pages(fetch)] == [["1"], ["2"], ["3"]]
    assert seen == [LISTING_PRIORITY, LISTING_PRIORITY - 1, LISTING_PRIORITY - 2]
    assert getattr(transport._priority, "value", 0) == 0  # this thread's requests: none
    # past its thousandth page a listing still goes before the rest
    assert search._listed(1500, lambda _: transport._priority.value, None) == 1
