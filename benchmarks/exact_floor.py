"""Exact scans at the rate-limit floor (issue 9).

    python benchmarks/exact_floor.py [--issues 6000] [--runs plain,ttl20,faults]

Starts a demo site in its own process (20 ms per request on both origins, a token bucket of
20 requests/s with a burst of 40 over the Jira origin, answering 429 + Retry-After) and runs
aa-tui's exact scan against it, as the CLI does, once per run asked for:

* ``plain``: the site as it is;
* ``ttl20``: media links that expire 20 s after Jira hands them out;
* ``endpoints``: one bucket per endpoint + method (Jira's ``jira-burst-based`` scope), content
  at 10 requests/s burst 20: the floor is the content requests at that rate;
* ``resume``: cancelled half-way through reading bytes, then resumed (exactness, and the
  Jira requests both runs took);
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

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import BULKFETCH_MAX, SEARCH_PAGE_SIZE, CloudClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.model.errors import Cancelled
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanRequest
from aa_tui.store.store import Store

RATE = 20.0
BURST = 40
BASE = dict(latency_s=0.020, rate_limit_rps=RATE, burst=BURST)
RUNS = {
    "plain": ({}, 1.2),
    "ttl20": ({"media_token_ttl_s": 20.0}, 1.15),
    # Jira's jira-burst-based scope: one bucket per endpoint + method, attachment content
    # slower (10/s, burst 20) than the rest (20/s): the floor is then content's.
    "endpoints": (
        {
            "rate_scope": "endpoint",
            "endpoint_rates": (("GET /rest/api/3/attachment/content/{id}", 10.0, 20),),
        },
        1.2,
    ),
    # Cancelled half-way through the byte phases (as Ctrl-C does), then resumed.
    "resume": ({}, None),
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


def scan(site: c.Site, workers: int, interrupt: bool = False) -> dict:
    with c.temp_store_dir("exact") as tmp:
        store = Store(tmp)
        before = site.stats()
        started = time.perf_counter()
        try:
            if interrupt:
                half = site.truth["size"] // 20  # well into the byte phases of this site
                try:
                    _run(site, store, workers, stop_after_bytes=half)
                except Cancelled:
                    pass
            outcome = _run(site, store, workers, resume=interrupt)
        finally:
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


def _run(
    site: c.Site, store: Store, workers: int, *, resume: bool = False, stop_after_bytes: int = 0
):
    governor = RateGovernor(max_concurrency=workers)  # what the CLI builds
    client = CloudClient(site.base_url, ApiToken(site.email, site.token), governor=governor)
    request = ScanRequest(
        site=client.site, email=site.email, verify="exact", workers=workers, resume=resume
    )

    def listener(event) -> None:
        if stop_after_bytes and event.bytes_read >= stop_after_bytes:
            client.cancel.set()

    try:
        return ScanEngine(client, store, request, listener=listener).run()
    finally:
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=8, help="the CLI's default is 8")
    parser.add_argument("--runs", default="plain,ttl20,endpoints,resume,faults")
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
            if name == "endpoints":  # content has its own, slower bucket: its floor rules
                (_, content_rate, _), *_ = extra["endpoint_rates"]
                floor_s = max(candidates / content_rate, (id_pages + bulk) / RATE)
            if name == args.runs.split(",")[0]:
                print(f"site: {site.truth['summary']}")
                print(
                    f"floor: {id_pages} id pages + {bulk} bulkfetch + {candidates} candidate "
                    f"files = {floor} Jira requests = {floor / RATE:.1f} s at {RATE:g}/s"
                )
            if name == "endpoints":
                print(
                    f"[{name}] floor: {candidates} content requests at {content_rate:g}/s = "
                    f"{floor_s:.1f} s"
                )
            time.sleep(BURST / RATE)
            got = scan(site, args.workers, interrupt=name == "resume")
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
