"""Cleanup deletions per second against Jira's limits, as a ratio to the floor (issue 10).

    python benchmarks/cleanup.py [--seed 7] [--issues 1000] [--workers 4]

Starts a demo site in its own process with Jira's two write limits: a token bucket per endpoint
+ method (``jira-burst-based``: RATE requests/s, BURST saved) and a per-issue write limit
(``jira-per-issue-on-write``: ISSUE_WRITES per ISSUE_WINDOW_S seconds), every request taking
LATENCY_S. Before the scan, COPIES_ON_ONE copies of one file are uploaded to one issue (and
COPIES_ON_TWO to another), so that one issue holds far more deletions than its limit lets
through at once. Then an exact scan, a plan of every redundant copy, and ``aa-tui clean --yes``
as the CLI runs it (the re-check of both copies before each DELETE included), timed.

The floor is the least time the limits allow for the requests the rules need: each deletion is
one DELETE and two GETs of ``attachment/{id}`` (the kept copy and the copy), so

    floor = max( (2D - BURST) / RATE,            GET attachment/{id} bucket
                 (D - BURST) / RATE,             DELETE attachment/{id} bucket
                 max over issues (ceil(k_i / ISSUE_WRITES) - 1) * ISSUE_WINDOW_S )

with D deletions in all and k_i on issue i. Nothing can finish sooner; the ratio says how much
of the limits a run leaves unused (a scheduler that paused every write for one busy issue
would add that issue's waits to everyone's).
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections import Counter

import _common as c
import httpx

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.model.cleanup import Outcome
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanRequest
from aa_tui.service.cleanup import ApplyOptions, Cleanup
from aa_tui.store.store import Store

RATE, BURST = 40.0, 40
ISSUE_WRITES, ISSUE_WINDOW_S = 10, 2.0
LATENCY_S = 0.03
COPIES_ON_ONE, COPIES_ON_TWO = 60, 30
TARGET = 1.5
SITE = {
    "latency_s": LATENCY_S,
    "rate_limit_rps": RATE,
    "burst": BURST,
    "rate_scope": "endpoint",
    "issue_write_limit": (ISSUE_WRITES, ISSUE_WINDOW_S),
}


def upload_copies(site: c.Site, issue: str, count: int, content: bytes) -> None:
    """``count`` uploads of ``content`` to ``issue``, waiting out the limits (setup)."""
    with httpx.Client(base_url=site.base_url, auth=(site.email, site.token), timeout=30) as h:
        for n in range(count):
            while True:
                r = h.post(
                    f"/rest/api/3/issue/{issue}/attachments",
                    files={"file": (f"export-{n}.csv", content, "text/csv")},
                    headers={"X-Atlassian-Token": "no-check"},
                )
                if r.status_code != 429:
                    break
                time.sleep(float(r.headers.get("retry-after") or 1))
            r.raise_for_status()


def floor_s(per_issue: Counter) -> tuple[float, dict[str, float]]:
    d = sum(per_issue.values())
    parts = {
        "GET attachment/{id} bucket": max(0.0, (2 * d - BURST) / RATE),
        "DELETE attachment/{id} bucket": max(0.0, (d - BURST) / RATE),
        "per-issue writes": max(
            (math.ceil(k / ISSUE_WRITES) - 1) * ISSUE_WINDOW_S for k in per_issue.values()
        ),
    }
    return max(parts.values()), parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=4, help="the CLI's default is 4")
    args = parser.parse_args()

    print(f"cleanup benchmark on {c.machine()}")
    site = c.start_site(seed=args.seed, issues=args.issues, server_options=SITE)
    try:
        print(f"site: {site.truth['summary']}")
        print(
            f"site: {LATENCY_S * 1000:.0f} ms/request, {RATE:g} req/s burst {BURST} per endpoint "
            f"+ method, {ISSUE_WRITES} writes per {ISSUE_WINDOW_S:g} s per issue"
        )
        content = os.urandom(20_000)
        upload_copies(site, "OPS-1", COPIES_ON_ONE, content)
        upload_copies(site, "OPS-2", COPIES_ON_TWO, content)
        with c.temp_store_dir("cleanup") as tmp:
            store = Store(tmp)
            try:
                client = CloudClient(site.base_url, ApiToken(site.email, site.token))
                try:
                    request = ScanRequest(site=client.site, email=site.email)
                    scan_id = ScanEngine(client, store, request).run().info.id
                finally:
                    client.close()
                cleanup = Cleanup(
                    store,
                    lambda s, e, t: CloudClient(s, ApiToken(e, t), governor=RateGovernor()),
                )
                plan = cleanup.save(cleanup.plan(scan_id))
                per_issue = Counter(d.issue_key for d in plan.deletions)
                time.sleep(max(BURST / RATE, ISSUE_WINDOW_S) + 0.5)  # full buckets
                before = site.stats()
                started = time.perf_counter()
                run = cleanup.apply(plan, site.token, ApplyOptions(workers=args.workers))
                outcome = run.run()
                wall = time.perf_counter() - started
                after = site.stats()
            finally:
                store.close()
    finally:
        site.stop()

    deleted = outcome.counts[Outcome.DELETED]
    floor, parts = floor_s(per_issue)
    throttled = {
        k: v - before["throttled_by"].get(k, 0)
        for k, v in after["throttled_by"].items()
        if v - before["throttled_by"].get(k, 0)
    }
    busiest = per_issue.most_common(2)
    print(
        f"plan: {plan.files} deletions on {len(per_issue)} issues "
        f"(busiest {', '.join(f'{k}: {n}' for k, n in busiest)})"
    )
    print("floor: " + "; ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
    print(
        f"aa-tui: {deleted} deleted in {wall:.2f} s = {deleted / wall:.1f} deletions/s "
        f"(floor {floor:.2f} s = {plan.files / floor:.1f}/s); 429s answered: {throttled or 0}"
    )
    ratio = wall / floor
    ok_all = deleted == plan.files
    print(c.verdict(ok_all, f"every planned copy deleted ({deleted}/{plan.files})"))
    print(c.verdict(ratio <= TARGET, f"{ratio:.2f}x the floor (target <= {TARGET}x)"))
    return 0 if ok_all and ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
