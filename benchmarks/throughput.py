"""Metadata throughput against the rate-limit floor (issue 4, target 1).

    python benchmarks/throughput.py [--issues 20000] [--skip-baseline]

Starts a demo site in its own process that behaves like a Jira Cloud tenant (120 ms per
request, 2 ms per issue returned with fields, 0.05 ms per id on id-only pages, a token bucket
of 20 requests/s with a burst of 40 answering 429 + Retry-After) and measures, in this run:

(a) the original design's loop, written here as the baseline: one request at a time,
    ``POST /rest/api/3/search/jql`` pages of up to 100 issues with every field the scan needs,
    following ``nextPageToken``, 50 ms between pages, walking every issue of the site;
(b) aa-tui's engine, metadata phase only (``verify="metadata"``), with the CLI's defaults.

The floor is the fewest requests that can enumerate the site (id pages of 5,000 + bulkfetch
calls of 100 over the issues that have attachments) divided by the rate limit.
"""

from __future__ import annotations

import argparse
import math
import time

import _common as c
import httpx

from aa_tui.jira.client import BULKFETCH_MAX, ISSUE_FIELDS, SEARCH_PAGE_SIZE, JiraClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.governor import parse_retry_after as _retry_after
from aa_tui.scan.engine import ScanEngine, ScanRequest
from aa_tui.store.store import Store

RATE = 20.0
BURST = 40
SITE = dict(latency_s=0.120, per_issue_s=0.002, per_id_s=0.00005, rate_limit_rps=RATE, burst=BURST)
TARGET_RATIO = 15.0
TARGET_FLOOR = 1.3
TARGET_429 = 0.05


def baseline(site: c.Site) -> dict:
    """The original design: one page of 100 issues with fields at a time, 50 ms apart."""
    jql = 'created >= "2000-01-01" ORDER BY id ASC'  # bounded, matches every issue
    issues = requests = throttled = attachments = 0
    token = None
    started = time.perf_counter()
    with httpx.Client(base_url=site.base_url, auth=(site.email, site.token), timeout=60) as http:
        while True:
            body = {"jql": jql, "maxResults": 100, "fields": ISSUE_FIELDS}
            if token:
                body["nextPageToken"] = token
            response = http.post("/rest/api/3/search/jql", json=body)
            requests += 1
            if response.status_code == 429:
                throttled += 1
                time.sleep(_retry_after(response.headers.get("retry-after")) or 1.0)
                continue
            response.raise_for_status()
            data = response.json()
            page = data.get("issues") or []
            issues += len(page)
            attachments += sum(len(i["fields"].get("attachment") or []) for i in page)
            token = data.get("nextPageToken")
            if not token or not page:
                break
            time.sleep(0.050)
    wall = time.perf_counter() - started
    return {
        "wall_s": wall,
        "issues": issues,
        "attachments": attachments,
        "requests": requests,
        "throttled": throttled,
    }


def engine(site: c.Site, workers: int) -> dict:
    """aa-tui's engine, metadata phase only, as ``aa-tui scan --verify metadata`` runs it."""
    with c.temp_store_dir("throughput") as tmp:
        store = Store(tmp)
        governor = RateGovernor(max_concurrency=workers)  # what the CLI builds
        client = JiraClient(site.base_url, site.email, site.token, governor=governor)
        request = ScanRequest(
            site=client.site, email=site.email, verify="metadata", workers=workers
        )
        before = site.stats()
        cpu0 = c.cpu_s()
        started = time.perf_counter()
        try:
            outcome = ScanEngine(client, store, request).run()
        finally:
            client.close()
            store.close()
        wall = time.perf_counter() - started
        cpu = c.cpu_s() - cpu0
        after = site.stats()
    served = {
        k: after["requests"].get(k, 0) - before["requests"].get(k, 0) for k in after["requests"]
    }
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "files": outcome.summary["totals"]["total_files"],
        "issues_fetched": outcome.summary["totals"]["issues_scanned"],
        "requests": governor.stats.requests,
        "throttled": governor.stats.throttled,
        "server_requests": sum(served.values()),
        "server_throttled": after["throttled"] - before["throttled"],
        "by_endpoint": served,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=8, help="the CLI's default is 8")
    parser.add_argument("--skip-baseline", action="store_true", help="for tuning only: FAILs")
    args = parser.parse_args()

    print(f"throughput benchmark on {c.machine()}")
    site = c.start_site(seed=args.seed, issues=args.issues, server_options=SITE)
    try:
        truth = site.truth
        print(f"site: {truth['summary']}")
        print(
            f"site: 120 ms/request, 2 ms/issue with fields, 0.05 ms/id on id pages, token bucket "
            f"{RATE:g} req/s burst {BURST} (429 + Retry-After); generated in {site.generated_s:.1f} s"
        )
        if args.skip_baseline:
            base = None
        else:
            time.sleep(BURST / RATE)  # a full bucket for each run
            base = baseline(site)
        time.sleep(BURST / RATE)
        ours = engine(site, args.workers)
    finally:
        site.stop()

    n = truth["issues"]
    with_att = truth["issues_with_attachments"]
    id_pages = math.ceil(with_att / SEARCH_PAGE_SIZE)
    bulk_calls = math.ceil(with_att / BULKFETCH_MAX)
    floor_s = (id_pages + bulk_calls) / RATE
    ours_rate = n / ours["wall_s"]
    share_429 = ours["server_throttled"] / max(1, ours["server_requests"])

    print()
    if base:
        base_rate = n / base["wall_s"]
        print(
            f"(a) baseline: {base['wall_s']:.1f} s, {base['requests']} requests "
            f"({base['throttled']} answered 429), {base['issues']:,} issues walked, "
            f"{base['attachments']:,} attachments -> {base_rate:,.0f} issues/s"
        )
    print(
        f"(b) aa-tui:   {ours['wall_s']:.2f} s wall, {ours['cpu_s']:.2f} s CPU, "
        f"{ours['server_requests']} requests ({ours['server_throttled']} answered 429 = "
        f"{share_429:.1%}), {ours['issues_fetched']:,} issues fetched, {ours['files']:,} "
        f"attachments -> {ours_rate:,.0f} issues/s"
    )
    print(f"    requests by endpoint: {dict(sorted(ours['by_endpoint'].items()))}")
    print(
        f"floor: ({id_pages} id pages + {bulk_calls} bulkfetch calls) / {RATE:g} req/s = "
        f"{floor_s:.2f} s; aa-tui / floor = {ours['wall_s'] / floor_s:.2f}x"
    )
    ok = True
    if base:
        ratio = ours_rate / base_rate
        print(f"speed-up: {ratio:.1f}x the baseline's issues/s")
        good = ratio >= TARGET_RATIO and base["attachments"] == ours["files"]
        ok &= good
        print(c.verdict(good, f"aa-tui >= {TARGET_RATIO:g}x baseline issues/s ({ratio:.1f}x)"))
    else:
        ok = False
        print(c.verdict(False, "baseline skipped (--skip-baseline)"))
    good = ours["wall_s"] <= TARGET_FLOOR * floor_s
    ok &= good
    print(c.verdict(good, f"aa-tui <= {TARGET_FLOOR}x floor ({ours['wall_s'] / floor_s:.2f}x)"))
    good = share_429 <= TARGET_429
    ok &= good
    print(c.verdict(good, f"<= {TARGET_429:.0%} of requests answered 429 ({share_429:.1%})"))
    good = ours["files"] == truth["files"]
    ok &= good
    print(c.verdict(good, f"every attachment found ({ours['files']:,} of {truth['files']:,})"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
