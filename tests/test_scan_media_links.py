"""Media links that expire under the scan: one Jira request per file while a link lives,
renewed when the media host refuses it, never a file counted unreadable for it, never a
credential sent there."""

from __future__ import annotations

import pytest
from helpers.scanning import assert_matches_truth, run_scan

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer

CONTENT = "GET /rest/api/3/attachment/content/{id}"


@pytest.fixture(scope="module")
def site():
    return generate_site(seed=5, issues=200)


def candidates(site) -> int:
    sizes = [site.attachment_size(j) for j in range(site.attachment_count)]
    return sum(1 for size in sizes if size > 0 and sizes.count(size) > 1)


def scan(site, store, **options):
    with DemoServer(site, DemoOptions(**options)) as server:
        outcome = run_scan(server, store)
        stats = server.stats.snapshot()
    return outcome, stats


def test_links_that_expire_are_renewed_and_the_result_stays_exact(site, store):
    # 80 ms a request: a file's head, tail and full read span a few hundred ms, and a link
    # lives 0-1 s (the demo signs whole seconds), so many expire between two reads.
    steady, steady_stats = scan(site, store, latency_s=0.08)
    short, short_stats = scan(site, store, latency_s=0.08, media_token_ttl_s=1)
    assert_matches_truth(steady, site.truth)
    assert_matches_truth(short, site.truth)
    # One Jira request per file that shares its size (every file read), however many reads.
    assert steady_stats["requests"][CONTENT] == candidates(site)
    assert steady_stats["media_requests"] > 1.5 * candidates(site)  # tails and fulls reused it
    renewed = short_stats["requests"][CONTENT] - candidates(site)
    print(f"{candidates(site)} files read, {renewed} links renewed")
    assert renewed > 0, "no link expired: the test proves nothing"
    # Each renewal is one refused media read plus one Jira request, and no more.
    assert short_stats["media_requests"] - steady_stats["media_requests"] == renewed
    assert short.summary["unreadable"] == steady.summary["unreadable"]
    assert short_stats["media_auth_header_requests"] == 0
