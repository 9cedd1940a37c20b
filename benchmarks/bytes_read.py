"""Bytes read against the floor (issue 4, target 2).

    python benchmarks/bytes_read.py [--seed 14] [--issues 4000]

Starts a demo site with the "realistic" profile (median ~200 KB, a few files of 50-500 MB, and
its traps: same name and size but other bytes, same head other tail, other head, one middle
byte changed, small near-copies) in its own process, runs aa-tui's exact scan against it and
compares the bytes it read with the floor:

    floor = every byte of every file that truly has a copy
          + one head probe (min(size, 4 KiB)) of each file that shares its size with another
            but has no copy.

No exact method can read less: a file with a copy must be read whole to prove it equal, and a
file sharing its size must be looked at at least once to prove it different. Files with a
unique size are never read.

The default seed gives a site with a copied 500 MB file: the full stage streams it, and the
script reports the memory the full stage used (tracemalloc peak and RSS growth).
"""

from __future__ import annotations

import argparse
import hashlib
import threading
import time
import tracemalloc
from collections import Counter

import _common as c

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanRequest
from aa_tui.scan.staged import HEAD_BYTES
from aa_tui.store.store import Store

TARGET = 1.01
MIB = 1024 * 1024
BYTE_PHASES = ("probing heads", "probing tails", "hashing")


def floor_bytes(sizes: dict[str, int], groups: set[frozenset[str]]) -> tuple[int, int, int]:
    """(floor, bytes of files with a copy, head probes of same-size files without one)."""
    copied = {aid for g in groups for aid in g}
    per_size = Counter(sizes.values())
    whole = sum(sizes[a] for a in copied)
    probes = sum(
        min(size, HEAD_BYTES)
        for aid, size in sizes.items()
        if aid not in copied and per_size[size] > 1
    )
    return whole + probes, whole, probes


class MemoryWatch:
    """Sample RSS while the scan reads bytes (sampling costs nothing measurable)."""

    def __init__(self) -> None:
        self.rss_start = 0
        self.rss_peak = 0
        self.phase = ""
        self.full_s = 0.0
        self._started = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def on_progress(self, event) -> None:
        # The byte phases run together, size group by size group (a group's full reads start
        # while later groups' heads are read): watch from the first head to the last byte.
        reading = event.phase in BYTE_PHASES
        if reading and self._thread is None and not self.full_s:
            self.start()
        elif not reading and self._thread is not None:
            self.stop()
        self.phase = event.phase

    def start(self) -> None:
        self._started = time.perf_counter()
        self.rss_start = self.rss_peak = c.current_rss_bytes()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.rss_peak = max(self.rss_peak, c.current_rss_bytes())

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        self.full_s = time.perf_counter() - self._started


def traced_full_hash(client: CloudClient, attachment_id: str) -> tuple[int, int, float]:
    """Hash one whole attachment the way the full stage does (``read_content`` feeding a
    SHA-256 state chunk by chunk) under tracemalloc: (bytes, peak traced bytes, seconds)."""
    state = hashlib.sha256()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read = client.read_content(attachment_id, 0, None, state.update)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return read, peak, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14, help="14: a copied 500 MB file")
    parser.add_argument("--issues", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=8, help="the CLI's default is 8")
    args = parser.parse_args()

    print(f"bytes-read benchmark on {c.machine()}")
    site = c.start_site(seed=args.seed, issues=args.issues, profile="realistic", truth="full")
    watch = MemoryWatch()
    try:
        truth = site.truth
        all_sizes: dict[str, int] = site.extra["sizes"]  # every non-empty attachment
        unreadable: set[str] = site.extra["unreadable_ids"]
        sizes = {a: s for a, s in all_sizes.items() if a not in unreadable}
        true_groups: set[frozenset[str]] = site.extra["groups"]
        # Only a file that shares its size is ever read, so only such a file can be found
        # unreadable: the rest of the site's 403/404 files are never touched.
        shared = Counter(all_sizes.values())
        reachable_unreadable = {a for a in unreadable if shared[all_sizes.get(a, 0)] > 1}
        print(f"site: {truth['summary']}; generated in {site.generated_s:.1f} s")
        with c.temp_store_dir("bytes") as tmp:
            store = Store(tmp)
            governor = RateGovernor(max_concurrency=args.workers)
            client = CloudClient(site.base_url, ApiToken(site.email, site.token), governor=governor)
            request = ScanRequest(
                site=client.site, email=site.email, verify="exact", workers=args.workers
            )
            before = site.stats()
            cpu0 = c.cpu_s()
            started = time.perf_counter()
            try:
                outcome = ScanEngine(client, store, request, listener=watch.on_progress).run()
                wall = time.perf_counter() - started
                cpu = c.cpu_s() - cpu0
                after = site.stats()
                biggest_id = max(
                    (aid for g in true_groups for aid in g), key=lambda aid: sizes[aid]
                )
                traced = traced_full_hash(client, biggest_id)
            finally:
                watch.stop()
                client.close()
                store.close()
    finally:
        site.stop()

    totals = outcome.summary["totals"]
    by_stage = totals["bytes_read_by_stage"]
    read = totals["bytes_read"]
    served = (after["media_bytes"] + after["jira_bytes"]) - (
        before["media_bytes"] + before["jira_bytes"]
    )
    floor, whole, probes = floor_bytes(sizes, true_groups)
    ratio = read / floor if floor else float("inf")
    found = {frozenset(loc.attachment_id for loc in g.locations) for g in outcome.groups}
    biggest = sizes[biggest_id]
    traced_read, traced_peak, traced_s = traced

    print()
    print(f"scan: {wall:.1f} s wall, {cpu:.1f} s CPU, {governor.stats.requests:,} requests")
    print(f"total attachment bytes:  {c.mb(totals['total_size']):>12}")
    for stage in ("head", "tail", "full"):
        print(f"  read in {stage:<5} stage:   {c.mb(by_stage.get(stage, 0)):>12}")
    print(f"bytes read (engine):     {c.mb(read):>12}  (the site served {c.mb(served)})")
    print(
        f"floor:                   {c.mb(floor):>12}  = {c.mb(whole)} of files with a copy + "
        f"{c.mb(probes)} of head probes"
    )
    print(f"bytes read / floor:      {ratio:.4f}x ({c.mb(read - floor)} over the floor)")
    print(
        f"byte phases: {watch.full_s:.1f} s; RSS {watch.rss_start / MIB:.0f} -> "
        f"{watch.rss_peak / MIB:.0f} MiB (+{(watch.rss_peak - watch.rss_start) / MIB:.1f} MiB) "
        f"while streaming {c.mb(by_stage.get('full', 0))}; process peak RSS "
        f"{c.peak_rss_bytes() / MIB:.0f} MiB"
    )
    print(
        f"constant memory: attachment {biggest_id} ({biggest / MIB:,.0f} MiB, has a copy) hashed "
        f"again alone under tracemalloc: {c.mb(traced_read)} in {traced_s:.1f} s, peak traced "
        f"memory {traced_peak / MIB:.2f} MiB"
    )

    ok = True
    good = ratio <= TARGET
    ok &= good
    print(c.verdict(good, f"bytes read <= {TARGET:.2f}x floor ({ratio:.4f}x)"))
    good = found == true_groups
    ok &= good
    missing, extra = len(true_groups - found), len(found - true_groups)
    print(
        c.verdict(
            good,
            f"groups equal the truth ({len(found):,} found, {len(true_groups):,} true, "
            f"{missing} missing, {extra} wrong)",
        )
    )
    checks = {
        "total_files": "files",
        "total_size": "size",
        "duplicate_files": "duplicate_files",
        "duplicate_size": "duplicate_size",
        "zero_byte_files": "zero_byte_files",
    }
    wrong = {k: (totals[k], truth[v]) for k, v in checks.items() if totals[k] != truth[v]}
    found_unreadable = {u["attachment_id"] for u in outcome.summary["unreadable"]}
    if found_unreadable != reachable_unreadable:
        wrong["unreadable"] = (len(found_unreadable), len(reachable_unreadable))
    good = not wrong
    ok &= good
    print(
        c.verdict(
            good,
            f"totals equal the truth: {totals['total_files']:,} files, "
            f"{c.mb(totals['total_size'])}, {totals['duplicate_files']:,} copies wasting "
            f"{c.mb(totals['duplicate_size'])}, {totals['zero_byte_files']} zero-byte, "
            f"{len(found_unreadable)} unreadable (= the site's 403/404 files that share a size; "
            f"{len(unreadable) - len(reachable_unreadable)} more have a unique size, never read)"
            + (f"; differ: {wrong}" if wrong else ""),
        )
    )
    grew = watch.rss_peak - watch.rss_start
    good = (
        traced_peak < 16 * MIB and grew < 64 * MIB and biggest >= 400_000_000 and watch.full_s > 0
    )
    ok &= good
    print(
        c.verdict(
            good,
            f"a {biggest / 1e6:,.0f} MB file hashes in constant memory (traced peak "
            f"{traced_peak / MIB:.2f} MiB < 16 MiB; RSS growth reading bytes {grew / MIB:.1f} MiB "
            "< 64 MiB)",
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
