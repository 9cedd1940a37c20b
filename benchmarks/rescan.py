"""Rescans against full scans, whole ``aa-tui scan`` commands as users run them (issue 17).

    python benchmarks/rescan.py [--case exact,large] [--issues N] [--share 0.01] [--repeat 3]

Each case starts a demo site in its own process, runs ``aa-tui scan`` (a subprocess, the token
in ``JIRA_API_TOKEN``, a fresh data dir), changes ``--share`` of the site's issues that have
attachments (uploads of copies, deleted files, status changes, moves, a few deleted issues:
``_common.change_issues``), then runs ``aa-tui scan`` again (a rescan: it starts from the
first scan) ``--repeat`` times, each in a copy of the data dir as the first scan left it
(hard-linked, as ``cp -al``: the store writes every file anew, never in place; only its log
is appended to, shared by the copies) and each against a site that answers as after a change
(nothing of its searches cached, as for a weekly rescan), and
``aa-tui scan --full`` (everything read again). It prints each command's Jira requests, wall
time and peak RSS (``/usr/bin/time``), judges the rescans by their median wall time and their
highest peak, and checks the first rescan's groups and totals against the full scan of the
same changed site.

* ``exact``: 6,000 issues, 20 ms a request, 20 requests/s with a burst of 40 (as
  ``exact_floor.py``); target: the rescan sends at most 5% of the first full scan's requests.
* ``large``: 200,000 issues, ``--verify metadata``, 120 ms a request, 2 ms per issue, 20
  requests/s burst 40 (as ``throughput.py``); the rescan against its floor: the scope's id
  pages, the changed ids' page and their details, at the rate (a rescan lists id ranges side
  by side: the latency of one page per range, and what the id pages would take one after
  another, are printed too); its peak RSS against the full scan's.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import _common as c

from aa_tui.jira.cloud.client import BULKFETCH_MAX, SEARCH_PAGE_SIZE

RATE = 20.0
BURST = 40
CASES = {
    "exact": dict(
        issues=6000, verify="exact", site=dict(latency_s=0.020, rate_limit_rps=RATE, burst=BURST)
    ),
    "large": dict(
        issues=200_000,
        verify="metadata",
        site=dict(
            latency_s=0.120, per_issue_s=0.002, per_id_s=0.00005, rate_limit_rps=RATE, burst=BURST
        ),
    ),
}
TARGET_REQUESTS = 0.05  # the rescan's Jira requests, of the full scan's
TARGET_FLOOR = 1.2
#: what must be equal between the rescan and the full scan of the same changed site
SAME = (
    "total_files",
    "total_size",
    "zero_byte_files",
    "duplicate_files",
    "duplicate_size",
    "duplicate_groups",
    "issues_scanned",
    "unreadable_files",
)


def own_and_linked(folder: Path) -> tuple[int, int]:
    """Bytes of ``folder``'s files that are its own, and of those hard-linked from elsewhere
    (a rescan saved as a layer links its root's attachments and file table)."""
    stats = [p.stat() for p in folder.iterdir() if p.is_file()]
    own = sum(s.st_size for s in stats if s.st_nlink == 1)
    return own, sum(s.st_size for s in stats) - own


def run(site: c.Site, data_dir: Path, verify: str, *extra: str) -> dict:
    """One ``aa-tui scan`` command: its wall time, peak RSS, Jira requests and scan id."""
    env = {k: v for k, v in os.environ.items() if k != "JIRA_API_TOKEN"}
    env.update(AA_TUI_DATA_DIR=str(data_dir), JIRA_API_TOKEN=site.token)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    args = ["scan", "--site", site.base_url, "--email", site.email, "--verify", verify, "--quiet"]
    before = site.stats()
    # what the last command wrote (a full scan: ~450 MB) is on disk first, as it is days
    # before a weekly rescan: its write-back does not run beside this one
    os.sync()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-o", timing.name, "-f", "%M", sys.executable, "-m", "aa_tui"]
            + args
            + list(extra),
            env=env, capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
        wall = time.perf_counter() - started
        peak_kb = int(timing.read().split()[-1])
    if done.returncode != 0:
        raise SystemExit(f"aa-tui scan failed ({done.returncode}): {done.stderr.strip()}")
    after = site.stats()
    served = Counter(after["requests"])
    served.subtract(before["requests"])
    return {
        "wall_s": wall,
        "peak_rss": peak_kb * 1024,
        "jira_requests": sum(served.values()),
        "by_endpoint": {k: v for k, v in served.items() if v},
        "media_requests": after["media_requests"] - before["media_requests"],
        "stdout": done.stdout,
        "scan_id": newest_scan(data_dir),
    }


def newest_scan(data_dir: Path) -> str:
    from aa_tui.service.workspace import Workspace

    workspace = Workspace.open(data_dir)
    try:
        return max(workspace.list_scans(), key=lambda s: s.started_at).id
    finally:
        workspace.close()


def scan_dir(data_dir: Path, scan_id: str) -> Path:
    from aa_tui.store.store import Store

    store = Store(data_dir)
    try:
        return store.scan_dir(scan_id)
    finally:
        store.close()


def results(data_dir: Path, scan_id: str) -> tuple[dict, set, dict, int]:
    """The scan's totals, its groups (as sets of attachment ids), its rescan note, and the
    size of the basis it saved."""
    from aa_tui.service.workspace import Workspace
    from aa_tui.store.basis import BASIS

    workspace = Workspace.open(data_dir)
    try:
        found = workspace.results(scan_id)
        summary = found.summary()
        groups = {frozenset(loc["attachment_id"] for loc in g["locations"]) for g in found.groups()}
        basis = scan_dir(data_dir, scan_id) / BASIS
        size = basis.stat().st_size if basis.exists() else 0
        return summary.raw["totals"], groups, summary.raw.get("rescan") or {}, size
    finally:
        workspace.close()


def line(name: str, got: dict) -> str:
    return (
        f"{name:<22} {got['jira_requests']:>7,} Jira requests  {got['wall_s']:>7.1f} s wall  "
        f"{got['peak_rss'] / 2**20:>7.0f} MiB peak RSS  ({got['media_requests']:,} media requests)"
    )


def linked_copy(source: Path, target: Path) -> Path:
    """``source`` mirrored at ``target``, each file hard-linked: the records' cache names its
    table's inode, so a copy's rescan reads its base as the source's would."""
    return Path(shutil.copytree(source, target, copy_function=os.link))


def measure(name: str, issues: int, share: float, seed: int, repeat: int = 3) -> bool:
    case = CASES[name]
    verify = str(case["verify"])
    print(f"\n[{name}] {issues:,} issues, verify {verify}, site {case['site']}")
    site = c.start_site(seed=seed, issues=issues, server_options=dict(case["site"]))
    ok = True
    try:
        print(f"site: {site.truth['summary']} (generated in {site.generated_s:.1f} s)")
        with c.temp_store_dir("rescan") as tmp:
            data_dir = Path(tmp) / "data"
            time.sleep(BURST / RATE)  # every command starts with a full bucket
            full = run(site, data_dir, verify)
            changed = site.change(share, seed)
            print(f"changed {changed['issues']:,} issues ({share:.1%}): {changed}")
            rescans = []
            for n in range(repeat):
                if n:
                    site.bump()  # (the same searches as the run before: else answered cached)
                time.sleep(BURST / RATE)
                copy = linked_copy(data_dir, Path(tmp) / f"rescan-{n}")
                rescans.append(run(site, copy, verify))
                if n:
                    shutil.rmtree(copy)
            first = Path(tmp) / "rescan-0"
            time.sleep(BURST / RATE)
            again = run(site, first, verify, "--full")
            a_totals, a_groups, note, basis_size = results(first, rescans[0]["scan_id"])
            b_totals, b_groups, _, _ = results(first, again["scan_id"])
            store_size = c.dir_size(scan_dir(data_dir, full["scan_id"]))
            own, linked = own_and_linked(scan_dir(first, rescans[0]["scan_id"]))
    finally:
        site.stop()
    print(line("full scan", full))
    for n, each in enumerate(rescans):
        print(line(f"rescan {n + 1} of {repeat}", each))
    print(line("full scan, changed", again))
    walls = sorted(r["wall_s"] for r in rescans)
    rescan = dict(rescans[0], wall_s=statistics.median(walls))
    rescan["peak_rss"] = max(r["peak_rss"] for r in rescans)
    print(
        f"    rescans: median {rescan['wall_s']:.2f} s (from {walls[0]:.2f} to {walls[-1]:.2f} s),"
        f" highest peak {rescan['peak_rss'] / 2**20:.0f} MiB; requests"
        f" {sorted({r['jira_requests'] for r in rescans})}"
    )
    print(f"    rescan by endpoint: {dict(sorted(rescan['by_endpoint'].items()))}")
    print(f"    rescan says: {[s for s in rescan['stdout'].splitlines() if 'Rescan' in s]}")
    print(f"    basis.json {c.mb(basis_size)}; the first scan's folder {c.mb(store_size)}")
    print(f"    the rescan's folder: {c.mb(own)} of its own, {c.mb(linked)} linked from its root")
    req_ratio = rescan["jira_requests"] / full["jira_requests"]
    wall_ratio = rescan["wall_s"] / full["wall_s"]
    print(
        f"    rescan / full scan: {req_ratio:.2%} of the Jira requests, {wall_ratio:.2%} of the "
        f"wall time; peak RSS {rescan['peak_rss'] / full['peak_rss']:.2f}x"
    )
    same = a_groups == b_groups and {k: a_totals.get(k) for k in SAME} == {
        k: b_totals.get(k) for k in SAME
    }
    ok &= same
    print(c.verdict(same, f"[{name}] the rescan's groups and totals equal the full scan's"))
    print(f"    ({len(a_groups):,} groups; rescan note {note})")
    if name == "exact":
        good = req_ratio <= TARGET_REQUESTS
        ok &= good
        print(
            c.verdict(good, f"[{name}] rescan <= {TARGET_REQUESTS:.0%} of the full scan's requests")
        )
    else:
        with_att = site.truth["issues_with_attachments"]
        id_pages = math.ceil(with_att / SEARCH_PAGE_SIZE)
        reread = int(note.get("reread_issues") or 0)
        floor_requests = id_pages + 1 + math.ceil(reread / BULKFETCH_MAX)
        floor_s = floor_requests / RATE
        site_options = case["site"]
        per_page = site_options["latency_s"] + SEARCH_PAGE_SIZE * site_options["per_id_s"]
        listing_s = (id_pages + 1) * per_page
        per_fetch = site_options["latency_s"] + BULKFETCH_MAX * site_options["per_issue_s"]
        chain_s = site_options["latency_s"] + per_page + per_fetch  # checks, a page, a fetch
        print(
            f"    floor: {id_pages} id pages + 1 changed page + {math.ceil(reread / BULKFETCH_MAX)}"
            f" bulkfetch = {floor_requests} requests = {floor_s:.2f} s at {RATE:g}/s; one after"
            f" another the id pages would take {listing_s:.1f} s of latency; the shortest chain"
            f" (sign-in, one id page, one bulkfetch) {chain_s:.2f} s"
        )
        ratio = rescan["wall_s"] / floor_s
        print(f"    rescan wall = {ratio:.2f}x the rate floor, {rescan['wall_s'] / listing_s:.2f}x "
              "the sequential listing's latency")  # fmt: skip
        good = ratio <= TARGET_FLOOR
        ok &= good
        print(c.verdict(good, f"[{name}] rescan <= {TARGET_FLOOR}x its floor"))
        good = rescan["peak_rss"] <= full["peak_rss"]
        ok &= good
        print(c.verdict(good, f"[{name}] rescan peak RSS <= the full scan's"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="exact,large")
    parser.add_argument("--issues", type=int, default=0, help="default: the case's")
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="rescans of the changed site")
    args = parser.parse_args()
    print(f"rescan benchmark on {c.machine()}, load {c.machine_load()}")
    ok = True
    for name in args.case.split(","):
        issues = args.issues or int(CASES[name]["issues"])  # type: ignore[call-overload]
        ok &= measure(name, issues, args.share, args.seed, max(1, args.repeat))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
