"""Exact scans at the rate-limit floor (issue 9).

    python benchmarks/exact_floor.py [--issues 6000] [--runs plain,ttl20,faults]

Starts a demo site in its own process (20 ms per request on both origins, a token bucket of
20 requests/s with a burst of 40 over the Jira origin, answering 429 + Retry-After) and runs
aa-tui's exact scan against it, as the CLI does, once per run asked for:

* ``plain``: the site as it is;
* ``ttl20``: media links that expire 20 s after Jira hands them out;
* ``faults``: 5xx answers, 429 bursts, cut downloads and slow answers (exactness only).

The floor is the fewest Jira-origin requests any exact method needs: the id pages (5,000 ids
each), the bulkfetch calls (100 issues each) and **one content request per candidate file**
(a non-empty file that shares its size with another: it must be read at least once, and a
media link is only had from Jira). At the rate limit that many requests take
``floor_requests / rate`` seconds (the first ``burst`` can go faster, so a run can come in
under 1.0x). Every run's groups and totals are checked against the site's answer key.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter

import _common as c

from aa_tui.jira.client import BULKFETCH_MAX, SEARCH_PAGE_SIZE, JiraClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.scan.engine import ScanEngine, ScanRequest
from aa_tui.store.store import Store

RATE = 20.0
BURST = 40
BASE = dict(latency_s=0.020, rate_limit_rps=RATE, burst=BURST)
RUNS = {
    "plain": ({}, 1.2),
    "ttl20": ({"media_token_ttl_s": 20.0}, 1.15),
    "faults": (
        {
            "fault_5xx": 0.02,
            "fault_429_burst": 0.002,
            "fault_cut_download": 0.02,
            "fault_slow": 0.01,
            "slow_s": 0.3,
        },
        None,
    ),
}
TARGET_REQUESTS = 1.05


def scan(site: c.Site, workers: int) -> dict:
    with c.temp_store_dir("exact") as tmp:
        store = Store(tmp)
        governor = RateGovernor(max_concurrency=workers)  # what the CLI builds
        client = JiraClient(site.base_url, site.email, site.token, governor=governor)
        request = ScanRequest(site=client.site, email=site.email, verify="exact", workers=workers)
        before = site.stats()
        started = time.perf_counter()
        first_event: list[float] = []

        def listener(event) -> None:
            if not first_event:
                first_event.append(time.perf_counter() - started)

        try:
            outcome = ScanEngine(client, store, request, listener=listener).run()
        finally:
            client.close()
            store.close()
        wall = time.perf_counter() - started
        after = site.stats()
    served = Counter(after["requests"])
    served.subtract(before["requests"])
    return {
        "wall_s": wall,
        "outcome": outcome,
        "jira_requests": sum(served.values()),
        "by_endpoint": {k: v for k, v in served.items() if v},
        "media_requests": after["media_requests"] - before["media_requests"],
        "throttled": after["throttled"] - before["throttled"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=8, help="the CLI's default is 8")
    parser.add_argument("--runs", default="plain,ttl20,faults")
    args = parser.parse_args()
    ok = True
    print(f"exact-floor benchmark on {c.machine()}")
    for name in args.runs.split(","):
        extra, target = RUNS[name]
        site = c.start_site(
            seed=args.seed, issues=args.issues, server_options={**BASE, **extra}, truth="full"
        )
        try:
            sizes: dict[str, int] = site.extra["sizes"]
            per_size = Counter(sizes.values())
            candidates = sum(1 for s in sizes.values() if per_size[s] > 1)
            with_att = site.truth["issues_with_attachments"]
            id_pages = math.ceil(with_att / SEARCH_PAGE_SIZE)
            bulk = math.ceil(with_att / BULKFETCH_MAX)
            floor = id_pages + bulk + candidates
            floor_s = floor / RATE
            if name == args.runs.split(",")[0]:
                print(f"site: {site.truth['summary']}")
                print(
                    f"floor: {id_pages} id pages + {bulk} bulkfetch + {candidates} candidate "
                    f"files = {floor} Jira requests = {floor_s:.1f} s at {RATE:g}/s"
                )
            time.sleep(BURST / RATE)
            got = scan(site, args.workers)
        finally:
            site.stop()
        outcome = got["outcome"]
        totals = outcome.summary["totals"]
        found = {frozenset(loc.attachment_id for loc in g.locations) for g in outcome.groups}
        exact = (
            found == site.extra["groups"]
            and totals["duplicate_size"] == site.truth["duplicate_size"]
            and totals["total_files"] == site.truth["files"]
        )
        req_ratio = got["jira_requests"] / floor
        wall_ratio = got["wall_s"] / floor_s
        print(
            f"[{name}] {got['wall_s']:.1f} s wall ({wall_ratio:.2f}x floor), "
            f"{got['jira_requests']} Jira requests ({req_ratio:.3f}x floor; "
            f"{got['throttled']} answered 429), {got['media_requests']} media requests, "
            f"{totals['retries']} retries"
        )
        print(f"    by endpoint: {dict(sorted(got['by_endpoint'].items()))}")
        good = exact
        ok &= good
        print(c.verdict(good, f"[{name}] groups and totals equal the truth ({len(found)} groups)"))
        if target is not None:
            good = req_ratio <= TARGET_REQUESTS
            ok &= good
            print(c.verdict(good, f"[{name}] Jira requests <= {TARGET_REQUESTS}x floor"))
            good = wall_ratio <= target
            ok &= good
            print(c.verdict(good, f"[{name}] wall <= {target}x floor ({wall_ratio:.2f}x)"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
