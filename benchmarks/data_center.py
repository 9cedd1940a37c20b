"""A Jira Data Center scan at its floor (issue 18): requests and wall time, the whole command.

    python benchmarks/data_center.py [--issues 30000] [--rate 50] [--latency 0.02]

Starts the demo site in its Data Center mode in its own process (REST v2, a token bucket of
``--rate`` requests/s per user with a burst of 2 seconds' worth, ``--latency`` per request,
pages capped at 1,000, a 500 past 10,000 results) and runs ``aa-tui scan --site URL
--token-stdin`` against it as a user does (a personal access token; a fresh store).

The floor on Data Center: every read is a request to Jira itself, so the fewest requests any
exact method needs are the id pages (1,000 ids each, paged by id ranges), the detail searches
(``id in (...)``, 200 issues each) and **one request per candidate file** (a non-empty file
that shares its size with another must be read at least once), plus the few sign-in calls. At
the site's rate that many requests take ``(floor - burst) / rate`` seconds at best. aa-tui
reads a candidate of up to 2 MiB whole in one request; a bigger one has its head read first
and is read in full only while its head matches another's (aa_tui/scan/whole_read.py), so its
requests sit above the floor by the big files whose heads match. The groups and totals are
checked against the site's answer key.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import _common as c

PAGE, DETAILS = 1000, 200
SIGN_IN = 5  # myself, serverInfo, attachment/meta, projects, the count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=30_000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    burst = int(args.rate * 2)
    options = {
        "data_center": True,
        "latency_s": args.latency,
        "rate_limit_rps": args.rate,
        "burst": burst,
    }
    print(f"machine: {c.machine()}, load {c.machine_load()}")
    with c.start_site(
        seed=args.seed, issues=args.issues, server_options=options, truth="full"
    ) as site:
        truth = site.truth
        sizes: dict[str, int] = site.extra["sizes"]
        count = Counter(sizes.values())
        candidates = sum(1 for s in sizes.values() if count[s] > 1)
        with_files = truth["issues_with_attachments"]
        floor = math.ceil(with_files / PAGE) + math.ceil(with_files / DETAILS) + candidates
        floor += SIGN_IN
        floor_s = max(0.0, floor - burst) / args.rate
        print(
            f"site: {truth['issues']:,} issues ({with_files:,} with files), {truth['files']:,} "
            f"files, {c.mb(truth['size'])}; {candidates:,} candidate files; generated in "
            f"{site.generated_s:.1f} s"
        )
        with c.temp_store_dir("dc") as data:
            env = {**os.environ, "AA_TUI_DATA_DIR": data}
            env.pop("JIRA_API_TOKEN", None)
            env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
            before = site.stats()
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "aa_tui", "scan", "--site", site.base_url,
                 "--token-stdin", "--quiet"],
                input=site.token + "\n", env=env, capture_output=True, text=True,
                cwd=Path(__file__).resolve().parent.parent,
            )  # fmt: skip
            wall = time.perf_counter() - started
            after = site.stats()
        if done.returncode != 0:
            sys.exit(f"scan failed: {done.stderr}")
        requests = {
            k: after["requests"].get(k, 0) - before["requests"].get(k, 0) for k in after["requests"]
        }
        total = sum(requests.values())
        reads = sum(n for k, n in requests.items() if "/secure/attachment" in k)
        searches = sum(n for k, n in requests.items() if "/search" in k)
        print(done.stdout.strip().splitlines()[0] if done.stdout.strip() else "")
        print(
            f"requests: {total:,} ({searches:,} searches, {reads:,} file reads, "
            f"{total - searches - reads:,} other); 429s {after.get('throttled', 0):,}"
        )
        print(f"floor:    {floor:,} requests, {floor_s:.1f} s at {args.rate:g}/s")
        print(
            f"ratio:    requests {total / floor:.3f}x the floor; wall {wall:.1f} s = "
            f"{wall / floor_s:.2f}x the floor's time"
            if floor_s
            else f"wall {wall:.1f} s"
        )
        print(
            "the issue's reference (its own site): Attachment Architect's Data Center scanner, "
            "23,984 requests, 601 s, every byte read"
        )


if __name__ == "__main__":
    main()
