"""Budgets scoped as Jira scopes them: one per endpoint + method for ``jira-burst-based``, the
whole origin for cost/quota reasons (or none); through the real transport on a mock origin."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

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


def starts_within(governor: RateGovernor, scope: str, seconds: float) -> bool:
    cancel = threading.Event()
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
    assert bulk_s < 0.5
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
