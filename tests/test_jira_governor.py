"""Budgets scoped as Jira scopes them: one per endpoint + method for ``jira-burst-based``, the
whole origin for cost/quota reasons (or none); through the real transport on a mock origin."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from aa_tui.jira.buckets import SPENT_HOLD_S
from aa_tui.jira.governor import RateGovernor, RetryPolicy
from aa_tui.jira.transport import Controls, GovernedTransport

SITE = "https://acme.atlassian.net"
CONTENT = f"{SITE}:443 GET /rest/api/3/attachment/content/{{id}}"
BULK = f"{SITE}:443 POST /rest/api/3/issue/bulkfetch"
MEDIA = "https://api.media.atlassian.com:443 GET *"


def throttle(reason: str | None, retry_after: str = "2") -> dict[str, str]:
    headers = {"Retry-After": retry_after, "X-RateLimit-Remaining": "0"}
    if reason:
        headers["RateLimit-Reason"] = reason
    return {k.lower(): v for k, v in headers.items()}


class LooksOnceFirst(threading.Event):
    """A cancel event that reads as unset the first time it is looked at: an acquire that can
    start at once does, however late this thread runs after its timer started (under load a
    50 ms timer could fire first, and a request that could start counted as refused)."""

    def __init__(self) -> None:
        super().__init__()
        self.looked = False

    def is_set(self) -> bool:
        first, self.looked = not self.looked, True
        return False if first else super().is_set()


def starts_within(governor: RateGovernor, scope: str, seconds: float) -> bool:
    cancel = LooksOnceFirst()
    timer = threading.Timer(seconds, cancel.set)
    timer.start()
    try:
        governor.acquire(cancel, scope)
    except Exception:
        return False
    finally:
        timer.cancel()
    governor.release(scope)
    return True


def test_a_burst_limit_on_one_endpoint_pauses_that_endpoint_only():
    gov = RateGovernor()
    gov.on_response(429, throttle("jira-burst-based"), CONTENT)
    assert starts_within(gov, BULK, 0.3)
    assert starts_within(gov, MEDIA, 0.3)
    assert not starts_within(gov, CONTENT, 0.3)
    assert gov.stats.throttled_by == {CONTENT: 1}
    assert gov.backoff_remaining() > 1


@pytest.mark.parametrize("reason", ["jira-cost-based", "jira-quota-tenant-based", None])
def test_a_site_wide_limit_pauses_the_whole_origin_not_the_media_host(reason):
    gov = RateGovernor()
    gov.on_response(429, throttle(reason), CONTENT)
    assert not starts_within(gov, BULK, 0.3)
    assert starts_within(gov, MEDIA, 0.3)


def test_a_throttle_halves_only_that_endpoints_concurrency():
    gov = RateGovernor(max_concurrency=8)
    gov.on_response(429, {}, CONTENT)
    assert gov._budget(CONTENT).limit == 4 and gov._budget(BULK).limit == 8


def test_headers_teach_each_budget():
    gov = RateGovernor(max_concurrency=8)
    near = {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "3"}
    for _ in range(5):
        gov.on_response(200, near, CONTENT)
    slowed = gov._budget(CONTENT)
    assert slowed.limit < 4 and slowed.min_interval > 0
    # Half the bucket is back: pacing lifts at once, the burst is spent.
    gov.on_response(200, {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "30"}, CONTENT)
    assert slowed.min_interval == 0
    for _ in range(40):
        gov.on_response(200, {"x-ratelimit-limit": "40", "x-ratelimit-remaining": "30"}, CONTENT)
    assert slowed.limit == 8
    assert gov._budget(BULK).limit == 8


def test_through_the_transport_a_429_on_content_does_not_hold_bulkfetch():
    """Content answers 429 (burst, Retry-After 1) once; a bulkfetch sent meanwhile is
    answered at once, and the content request is retried after its second."""
    content_calls: list[float] = []

    def origin(request: httpx.Request) -> httpx.Response:
        if "/attachment/content/" in request.url.path:
            content_calls.append(time.monotonic())
            if len(content_calls) == 1:
                return httpx.Response(429, headers=throttle("jira-burst-based", "1"))
            return httpx.Response(206, content=b"x")
        return httpx.Response(200, json={"issues": []})

    policy = RetryPolicy(max_tries=3, base_delay_s=0.01, max_delay_s=0.02)
    controls = Controls(RateGovernor(policy=policy), threading.Event())
    transport = GovernedTransport(
        httpx.MockTransport(origin), controls, site=SITE, per_endpoint=True
    )
    with httpx.Client(base_url=SITE, transport=transport) as client:
        started = time.monotonic()
        reader = threading.Thread(target=client.get, args=("/rest/api/3/attachment/content/7",))
        reader.start()
        while not content_calls:
            time.sleep(0.005)
        client.post("/rest/api/3/issue/bulkfetch", json={})
        bulk_s = time.monotonic() - started
        reader.join(5)
    assert bulk_s < 0.9  # held behind the content's Retry-After it would take >= 1 s
    assert len(content_calls) == 2 and content_calls[1] - content_calls[0] >= 0.95
    assert controls.governor.stats.throttled_by == {CONTENT: 1}


def test_the_refill_rate_is_learned_and_paces_a_draining_bucket(monkeypatch):
    """A bucket of 20 refilling 10/s, asked 20 times a second: the governor learns the 10/s
    from X-RateLimit-Remaining and spaces starts ~0.1 s apart before the bucket is empty."""
    now = [1000.0]
    monkeypatch.setattr("aa_tui.jira.governor.time.monotonic", lambda: now[0])
    gov = RateGovernor()
    tokens = 20.0
    for _ in range(40):
        now[0] += 0.05
        tokens = min(20.0, tokens + 0.5) - 1
        headers = {"x-ratelimit-limit": "20", "x-ratelimit-remaining": str(int(tokens))}
        gov.on_response(200, headers, CONTENT)
        if tokens < 1:
            break
    budget = gov._budget(CONTENT)
    assert 8 <= budget.refill <= 12
    assert 0.09 <= budget.min_interval <= 0.13
    assert gov._budget(BULK).min_interval == 0


def test_an_answer_without_a_count_goes_by_the_estimate_refilled_since(monkeypatch):
    """A download answered with no X-RateLimit-* headers: the bucket is the last count, refilled
    at the learned rate since it was said (never past full), not the last count as it was."""
    now = [1000.0]
    monkeypatch.setattr("aa_tui.jira.governor.time.monotonic", lambda: now[0])
    gov = RateGovernor()
    headers = {  # a stated refill of 20 a second, 10 of 100 left
        "x-ratelimit-limit": "100",
        "x-ratelimit-remaining": "10",
        "x-ratelimit-interval-seconds": "1",
        "x-ratelimit-fillrate": "20",
    }
    gov.on_response(200, headers, CONTENT)
    now[0] += 0.5
    gov.on_response(200, {}, CONTENT)
    assert gov._budget(CONTENT).bucket.spare == pytest.approx(20.0)  # 10 + 0.5 s x 20
    now[0] += 60
    gov.on_response(200, {}, CONTENT)
    assert gov._budget(CONTENT).bucket.spare == 100.0  # full, not past it


def test_a_data_center_bucket_says_its_fill_rate_and_paces_at_once():
    """Data Center's limiter states its refill (FillRate tokens every Interval-Seconds): the
    first answer of a half-empty bucket paces starts at that rate, nothing to measure."""
    gov = RateGovernor()
    headers = {
        "x-ratelimit-limit": "100",
        "x-ratelimit-remaining": "30",
        "x-ratelimit-interval-seconds": "2",
        "x-ratelimit-fillrate": "100",
    }
    gov.on_response(200, headers, CONTENT)
    budget = gov._budget(CONTENT)
    assert budget.refill == 50.0
    assert 0.019 <= budget.min_interval <= 0.021


def test_answers_without_a_count_pace_by_the_estimate_of_the_bucket():
    """Some answers carry no X-RateLimit count (a Data Center site's downloads, on the demo as
    it was): once earlier answers said the bucket and its refill, every start since took a token
    from it, so a bucket spent down to a few tokens paces at the refill rate; without the
    estimate the pacing decayed to none and the scan ran into 429s."""
    scope = "https://jira.example.com:443 GET *"
    gov = RateGovernor(max_concurrency=8, burst_concurrency=64)
    said = {
        "x-ratelimit-limit": "50",
        "x-ratelimit-remaining": "49",
        "x-ratelimit-interval-seconds": "1",
        "x-ratelimit-fillrate": "50",
    }
    gov.acquire(None, scope)
    gov.on_response(200, said, scope)
    gov.release(scope)
    assert gov._budget(scope).min_interval == 0.0  # plenty left: spend the burst
    for _ in range(44):  # the burst: 44 of the 49 tokens, no answer counts them
        gov.acquire(None, scope)
    for _ in range(44):
        gov.on_response(206, {}, scope)
        gov.release(scope)
    budget = gov._budget(scope)
    assert budget.bucket is not None and budget.bucket.spare < 10
    assert 0.024 <= budget.min_interval <= 0.026  # 1.25 / 50: nearly empty, a little slower


def test_answers_without_a_count_and_no_word_of_a_bucket_change_nothing_new():
    """No bucket ever said: the pacing is what it was (adaptive concurrency only)."""
    scope = "https://jira.example.com:443 GET *"
    gov = RateGovernor()
    gov.acquire(None, scope)
    gov.on_response(206, {}, scope)
    gov.release(scope)
    budget = gov._budget(scope)
    assert budget.bucket is None and budget.min_interval == 0.0


# -- the burst while it lasts ------------------------------------------------------------------
def bucket(remaining: int, ceiling: int = 40) -> dict[str, str]:
    return {"x-ratelimit-limit": str(ceiling), "x-ratelimit-remaining": str(remaining)}


def started(governor: RateGovernor, scope: str, tries: int) -> int:
    """How many requests of ``scope`` start at once (none released): each try waits 50 ms."""
    count = 0
    for _ in range(tries):
        cancel = LooksOnceFirst()
        timer = threading.Timer(0.05, cancel.set)
        timer.start()
        try:
            governor.acquire(cancel, scope)
        except Exception:
            return count
        finally:
            timer.cancel()
        count += 1
    return count


def test_without_word_of_the_bucket_max_concurrency_holds():
    gov = RateGovernor(max_concurrency=8)
    gov.on_response(200, {}, BULK)  # no X-RateLimit headers: nothing to spend
    assert started(gov, BULK, 40) == 8


def test_the_burst_spends_what_the_bucket_spares_less_a_reserve():
    gov = RateGovernor(max_concurrency=8)
    gov.on_response(200, bucket(20), BULK)
    # 20 tokens, a reserve of 4 (a tenth of 40): 16 start at once, twice max_concurrency
    assert started(gov, BULK, 40) == 16
    assert gov.stats.peak_in_flight == 16


def test_the_burst_never_lets_more_than_burst_concurrency_out():
    gov = RateGovernor(max_concurrency=8)
    assert gov.burst_concurrency == 32  # 4x, 32 at most
    gov.on_response(200, bucket(100, 100), BULK)
    assert started(gov, BULK, 60) == 32
    small = RateGovernor(max_concurrency=2)
    small.on_response(200, bucket(100, 100), BULK)
    assert small.burst_concurrency == 8 and started(small, BULK, 20) == 8
    # the cap is over every scope: the media host's requests count against it too
    assert started(small, MEDIA, 5) == 0


def test_a_scope_never_answered_goes_by_its_origins_bucket():
    gov = RateGovernor(max_concurrency=4)
    gov.on_response(200, bucket(12), CONTENT)  # site-wide, perhaps: 12 left, reserve 4
    assert started(gov, BULK, 20) == 8
    # one bucket for the site, perhaps: another endpoint's answer says it is nearly empty,
    # so this endpoint's own word (plenty) does not start a burst
    for _ in range(8):
        gov.release(BULK)
    gov.on_response(200, bucket(40), BULK)
    gov.on_response(200, bucket(5), CONTENT)
    assert started(gov, BULK, 20) == 4
    other = RateGovernor(max_concurrency=4)
    other.on_response(200, bucket(12), CONTENT)
    assert started(other, MEDIA, 20) == 4  # another origin: no word of its bucket


def test_after_the_burst_the_rate_holds_again():
    """A burst of 16, then every answer says the bucket is nearly empty: from then on no more
    than max_concurrency start, however many release."""
    gov = RateGovernor(max_concurrency=4)
    gov.on_response(200, bucket(40), BULK)
    assert started(gov, BULK, 40) == 16
    for _ in range(16):
        gov.on_response(200, bucket(1), BULK)
        gov.release(BULK)
    assert 1 <= started(gov, BULK, 40) <= 4
    # the burst's own answers did not count as signs to slow down: only the last few did
    assert gov._budget(BULK).limit > 1.5  # 16 such answers would have brought it to 1


def test_a_429_ends_the_burst_and_retry_after_holds_even_a_full_bucket():
    gov = RateGovernor(max_concurrency=8)
    gov.on_response(200, bucket(40), BULK)
    gov.on_response(503, {"retry-after": "0.4"}, BULK)  # says nothing of the bucket
    assert not starts_within(gov, BULK, 0.2)  # paused although 36 tokens are spare
    time.sleep(0.25)
    assert started(gov, BULK, 40) == 32
    for _ in range(32):
        gov.release(BULK)
    gov.on_response(200, bucket(40), BULK)
    gov.on_response(429, throttle("jira-burst-based", "0.3"), BULK)
    assert not starts_within(gov, BULK, 0.15)
    time.sleep(0.2)
    assert started(gov, BULK, 40) <= 4  # the limit halved, no burst until word of tokens


def test_a_spent_bucket_holds_paced_requests_to_one_in_the_air():
    """A burst that spent the bucket before its refill rate was known: pacing alone let 8 out
    at once (and Jira refused them); now one at a time until an answer says more."""
    gov = RateGovernor(max_concurrency=8)
    first = gov.acquire(scope=BULK)
    gov.on_response(200, bucket(0), BULK, start=first)
    assert started(gov, BULK, 5) == 0
    gov.release(BULK)
    assert started(gov, BULK, 5) == 1
    time.sleep(SPENT_HOLD_S)  # no answer since: pacing alone goes on, as without word
    assert started(gov, BULK, 5) == 5


def test_another_endpoints_spent_bucket_does_not_hold_this_ones_paced_requests():
    """Per-endpoint limits: bulkfetch's answer says its bucket is spent; search's own says 35
    left: search's paced requests go on (only the burst waits for the origin's word)."""
    search = BULK.replace("issue/bulkfetch", "search/jql")
    gov = RateGovernor(max_concurrency=8)
    first = gov.acquire(scope=search)
    gov.on_response(200, bucket(35), search, start=first)
    other = gov.acquire(scope=BULK)
    gov.on_response(200, bucket(0), BULK, start=other)
    assert started(gov, search, 5) == 5
