"""Offload throughput against its floor, and peak memory against file size (issue 16).

    python benchmarks/offload.py [--dest local,s3] [--files 200] [--issues 3000]
                                 [--memory 5MB,500MB] [--comment]

Every figure is of the whole command as users run it, a new process each time (the token in
``JIRA_API_TOKEN``, a fresh data dir, peak RSS from ``/usr/bin/time``):

1. **Throughput.** A demo site in its own process with Jira's limits as ``cleanup.py`` sets
   them (LATENCY_S per request on both origins, a token bucket of RATE requests/s with BURST
   saved per endpoint + method, ISSUE_WRITES writes per ISSUE_WINDOW_S seconds per issue);
   ``aa-tui scan`` (exact, the default), then, from a full bucket, ``aa-tui clean SCAN
   --policy stale --limit FILES --archive DEST --yes`` (DEST a fresh folder, or
   ``s3://bucket/prefix`` on s3rver started on 127.0.0.1), timed. Each destination gets its
   own fresh site and scan, so both offload the same files.

   The floor: the requests the rules need, at the limits. An only copy is one re-check (its
   issue's attachment list, ``GET issue/{id}``), one full read (``GET attachment/content/{id}``
   and its media hop, which Jira's budget does not count) and one DELETE; a redundant copy is
   two ``GET attachment/{id}`` (its kept copy and itself), the full read into the archive and
   one DELETE; ``--comment`` adds one POST per touched issue. Each endpoint + method has its own
   bucket, so

       floor = max( max over buckets b of (n_b - BURST) / RATE,
                    max over issues i of (ceil(w_i / ISSUE_WRITES) - 1) * ISSUE_WINDOW_S )

   with n_b the requests in bucket b and w_i the writes to issue i; for S3, also the plan's
   bytes put once and read back once at the rates the S3 server itself gives boto3 (measured
   beside the run: s3rver is a single Node process on the same loaded cores). The ratio
   wall / floor is
   printed; beside it, the time latency alone takes with the command's files in flight
   (each file's requests go one after another: FILES x requests x LATENCY_S / workers).

2. **Memory.** Another site (no limits) where two stale only copies are given the sizes of
   ``--memory`` (:func:`_common.place_stale_files`), a metadata scan, then one ``clean --policy
   stale --types EXT --archive DEST --yes`` per file and destination (5, 50 and 500 MB by
   default): peak RSS of the whole
   command should not grow with the file (each file streams: Jira -> hash -> archive, read
   back in pieces).
"""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _common as c
import orjson

from aa_tui.model.insights import parse_size

RATE, BURST = 40.0, 40
ISSUE_WRITES, ISSUE_WINDOW_S = 10, 2.0
LATENCY_S = 0.03
TARGET = 1.5  # wall time, of the floor
MEMORY_GROWTH = 32 * 2**20  # peak RSS may grow by this much from the small file to the big one
SITE = {
    "latency_s": LATENCY_S,
    "rate_limit_rps": RATE,
    "burst": BURST,
    "rate_scope": "endpoint",
    "issue_write_limit": (ISSUE_WRITES, ISSUE_WINDOW_S),
}
# the buckets (METHOD + the demo's endpoint template, after the API prefix)
RECHECK = "GET issue/{issueIdOrKey}"
CONTENT = "GET attachment/content/{id}"
META = "GET attachment/{id}"
DELETE = "DELETE attachment/{id}"
COMMENT = "POST issue/{issueIdOrKey}/comment"


# -- running aa-tui --------------------------------------------------------------------------------
def aa_tui(site: c.Site, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> dict:
    """One whole ``aa-tui`` command: wall time, peak RSS, what the site served meanwhile."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    environ.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled once, as an installed aa-tui
    environ.update(
        PYTHONPATH=str(c.ROOT),
        AA_TUI_DATA_DIR=str(data_dir),
        JIRA_API_TOKEN=site.token,
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        **(env or {}),
    )
    before = site.stats()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-o", timing.name, "-f", "%M", sys.executable, "-m", "aa_tui", *args],
            env=environ, cwd=c.ROOT, capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
        wall = time.perf_counter() - started
        peak_kb = int(timing.read().split()[-1])
    after = site.stats()
    if done.returncode != 0:
        raise SystemExit(
            f"aa-tui {args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}"
        )
    served = Counter(after["requests"])
    served.subtract(before["requests"])
    throttled = Counter(after["throttled_by"])
    throttled.subtract(before["throttled_by"])
    return {
        "wall_s": wall,
        "peak_rss": peak_kb * 1024,
        "served": {_bucket(k): v for k, v in served.items() if v},
        "throttled": {_bucket(k): v for k, v in throttled.items() if v},
        "media_requests": after["media_requests"] - before["media_requests"],
        "media_bytes": after["media_bytes"] - before["media_bytes"],
        "stdout": done.stdout,
    }


def _bucket(key: str) -> str:
    """``GET /rest/api/3/issue/{issueIdOrKey}`` -> ``GET issue/{issueIdOrKey}``."""
    method, _, path = key.partition(" ")
    for marker in ("/api/3/", "/api/2/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{method} {path}".replace("jira-per-issue-on-write ", "per-issue ")


def scan(site: c.Site, data_dir: Path, verify: str) -> str:
    aa_tui(site, data_dir, "scan", "--site", site.base_url, "--email", site.email,
           "--verify", verify, "--quiet")  # fmt: skip
    from aa_tui.service.workspace import Workspace

    workspace = Workspace.open(data_dir)
    try:
        return max(workspace.list_scans(), key=lambda s: s.started_at).id
    finally:
        workspace.close()


# -- destinations ---------------------------------------------------------------------------------
class Destinations:
    """A fresh archive destination per call: a folder, or a prefix in a bucket on s3rver."""

    def __init__(self, root: Path, kinds: list[str]) -> None:
        self.root = root
        self.s3: Any = None
        self.count = 0
        if "s3" in kinds:
            sys.path.insert(0, str(c.ROOT / "tests"))
            from helpers.s3server import S3Server  # the tests' s3rver (npm), on 127.0.0.1

            self.s3 = S3Server(root / "s3rver")
            self.bucket = self.s3.new_bucket()

    def new(self, kind: str) -> tuple[str, dict[str, str]]:
        self.count += 1
        if kind == "local":
            return str(self.root / f"archive-{self.count}"), {}
        return f"s3://{self.bucket}/run-{self.count}", self.s3.env()

    def s3_rates(self, size: int = 64 * 2**20) -> tuple[float, float]:
        """Bytes/s the S3 server takes and gives (one object of ``size``, boto3, 8 MiB parts):
        what the archive side allows, whoever the client is."""
        from boto3.s3.transfer import TransferConfig

        client = self.s3.client()
        config = TransferConfig(multipart_chunksize=8 * 2**20)
        body = os.urandom(size)
        started = time.perf_counter()
        client.upload_fileobj(io.BytesIO(body), self.bucket, "probe/rate", Config=config)
        put = size / (time.perf_counter() - started)
        started = time.perf_counter()
        sink = io.BytesIO()
        client.download_fileobj(self.bucket, "probe/rate", sink, Config=config)
        get = size / (time.perf_counter() - started)
        client.delete_object(Bucket=self.bucket, Key="probe/rate")
        return put, get

    def stop(self) -> None:
        if self.s3 is not None:
            self.s3.stop()


@contextmanager
def destinations(kinds: list[str]) -> Iterator[Destinations]:
    with tempfile.TemporaryDirectory(prefix="aa-tui-bench-offload-") as tmp:
        found = Destinations(Path(tmp), kinds)
        try:
            yield found
        finally:
            found.stop()


# -- the floor ---------------------------------------------------------------------------------
def needed(files: list[dict], comment: bool) -> tuple[Counter, Counter, int]:
    """Requests per bucket, writes per issue, and media hops the rules need for ``files``."""
    buckets: Counter = Counter()
    writes: Counter = Counter()
    for f in files:
        if f.get("proof") == "only copy":
            buckets[RECHECK] += 1
        else:
            buckets[META] += 2
        buckets[CONTENT] += 1
        buckets[DELETE] += 1
        writes[f["issue_key"]] += 1
    if comment:
        buckets[COMMENT] += len(writes)
        for issue in writes:
            writes[issue] += 1
    return buckets, writes, len(files)


def floor_s(buckets: Counter, writes: Counter) -> tuple[float, dict[str, float]]:
    parts = {b: max(0.0, (n - BURST) / RATE) for b, n in buckets.items()}
    parts["per-issue writes"] = max(
        ((math.ceil(w / ISSUE_WRITES) - 1) * ISSUE_WINDOW_S for w in writes.values()), default=0
    )
    return max(parts.values()), parts


# -- the two measurements ----------------------------------------------------------------------
def throughput(args: argparse.Namespace, kind: str, dests: Destinations) -> bool:
    print(f"\n[throughput, {kind}] {args.issues:,} issues, offload of {args.files} stale files")
    site = c.start_site(seed=args.seed, issues=args.issues, server_options=SITE)
    try:
        with c.temp_store_dir("offload") as tmp:
            data_dir = Path(tmp) / "data"
            scanned = time.perf_counter()
            scan_id = scan(site, data_dir, "exact")
            print(
                f"site: {site.truth['summary']}; exact scan {time.perf_counter() - scanned:.1f} s"
            )
            dest, env = dests.new(kind)
            plan_json = Path(tmp) / "plan.json"
            argv = ["clean", scan_id, "--policy", "stale", "--limit", str(args.files),
                    "--archive", dest, "--yes", "--quiet", "--json", str(plan_json),
                    "--workers", str(args.workers)]  # fmt: skip
            if args.comment:
                argv.append("--comment")
            time.sleep(max(BURST / RATE, ISSUE_WINDOW_S) + 0.5)  # full buckets
            load = c.machine_load()
            run = aa_tui(site, data_dir, *argv, env=env)
            doc = orjson.loads(plan_json.read_bytes())
    finally:
        site.stop()
    files = doc["files"]
    outcomes = Counter(f["outcome"] for f in files)
    only = sum(1 for f in files if f.get("proof") == "only copy")
    size = sum(f["size"] for f in files)
    buckets, writes, hops = needed(files, args.comment)
    floor, parts = floor_s(buckets, writes)
    if kind == "s3":
        # the archive side: every byte put once and read back once, at the server's own rates
        put, get = dests.s3_rates()
        parts["S3 server: put + read back"] = size / put + size / get
        floor = max(parts.values())
        print(f"S3 server alone (boto3, one 64 MiB object): put {c.mb(put)}/s, get {c.mb(get)}/s")
    latency = len(files) * (sum(buckets.values()) / len(files) + 1) * LATENCY_S / args.workers
    print(
        f"plan: {len(files)} files ({only} only copies, {len(files) - only} redundant copies), "
        f"{c.mb(size)}, on {len(writes)} issues (busiest {writes.most_common(1)})"
    )
    print("needed: " + ", ".join(f"{b} {n}" for b, n in sorted(buckets.items()))
          + f", media hops {hops}")  # fmt: skip
    print("served: " + ", ".join(f"{b} {n}" for b, n in sorted(run["served"].items()))
          + f", media {run['media_requests']} ({c.mb(run['media_bytes'])})")  # fmt: skip
    print(f"answered 429: {run['throttled'] or 0}")
    print("floor: " + "; ".join(f"{b} {s:.2f} s" for b, s in sorted(parts.items()) if s)
          + f" -> {floor:.2f} s; latency alone with {args.workers} in flight {latency:.2f} s")  # fmt: skip
    wall = run["wall_s"]
    print(
        f"aa-tui clean (whole command, load {load} before it): {wall:.2f} s, "
        f"{outcomes.get('deleted', 0) / wall:.1f} files/s, {c.mb(size / wall)}/s, "
        f"peak RSS {run['peak_rss'] / 2**20:.0f} MiB"
    )
    ok_all = outcomes.get("deleted", 0) == len(files)
    ratio = wall / floor if floor else float("inf")
    print(c.verdict(ok_all, f"[{kind}] every planned file archived and deleted ({dict(outcomes)})"))
    print(c.verdict(ratio <= TARGET, f"[{kind}] {ratio:.2f}x the floor (target <= {TARGET}x)"))
    return ok_all and ratio <= TARGET


def memory(args: argparse.Namespace, kinds: list[str], dests: Destinations) -> bool:
    sizes = [parse_size(s) for s in args.memory.split(",")]
    # one stale file per destination and size (a file offloaded once is gone from the site);
    # each its own extension, so that ``--types`` plans exactly it
    wanted = [(kind, n, size) for kind in kinds for n, size in enumerate(sizes)]
    big = tuple((f"offload-probe.{kind}{n}", size) for kind, n, size in wanted)
    print(f"\n[memory] {', '.join(c.mb(s) for s in sizes)} stale files, {', '.join(kinds)}")
    site = c.start_site(seed=args.seed, issues=args.issues, big_files=big)
    ok = True
    try:
        placed = site.extra["big_files"]
        with c.temp_store_dir("offload-memory") as tmp:
            data_dir = Path(tmp) / "data"
            scan_id = scan(site, data_dir, "metadata")
            base = aa_tui(site, data_dir, "scans")["peak_rss"]
            print(f"start-up alone (aa-tui scans): peak RSS {base / 2**20:.0f} MiB")
            peaks: dict[str, list[int]] = {}
            for (kind, n, size), p in zip(wanted, placed, strict=True):
                dest, env = dests.new(kind)
                run = aa_tui(site, data_dir, "clean", scan_id, "--policy", "stale",
                             "--types", f"{kind}{n}", "--archive", dest, "--yes", "--quiet",
                             env=env)  # fmt: skip
                # (the command says "Deleted 1 file": it said "1 files" when this was written)
                deleted = re.search(r"\bDeleted 1 file\b", run["stdout"]) is not None
                ok &= deleted
                peaks.setdefault(kind, []).append(run["peak_rss"])
                print(
                    f"[{kind}] {c.mb(size)} file ({p['issue']}): {run['wall_s']:.2f} s "
                    f"({c.mb(size / run['wall_s'])}/s), peak RSS "
                    f"{run['peak_rss'] / 2**20:.0f} MiB"
                )
                print(c.verdict(deleted, f"[{kind}] the {c.mb(size)} file archived and deleted"))
            for kind, found in peaks.items():
                growth = max(found) - min(found)
                good = growth <= MEMORY_GROWTH
                ok &= good
                print(c.verdict(good, f"[{kind}] peak RSS constant in file size: "
                                      f"+{growth / 2**20:.1f} MiB (at most "
                                      f"{MEMORY_GROWTH / 2**20:.0f})"))  # fmt: skip
    finally:
        site.stop()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default="local,s3", help="local, s3 or both")
    parser.add_argument("--issues", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--files", type=int, default=200, help="--limit of the offload")
    parser.add_argument("--workers", type=int, default=8, help="the command's default: 8")
    parser.add_argument("--comment", action="store_true", help="offload with --comment")
    parser.add_argument("--memory", default="5MB,50MB,500MB", help="file sizes ('' skips it)")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    kinds = [k for k in args.dest.split(",") if k]
    print(f"offload benchmark on {c.machine()}, load {c.machine_load()}")
    print(
        f"site: {LATENCY_S * 1000:.0f} ms/request, {RATE:g} req/s burst {BURST} per endpoint "
        f"+ method, {ISSUE_WRITES} writes per {ISSUE_WINDOW_S:g} s per issue"
    )
    ok = True
    with destinations(kinds) as dests:
        if not args.skip_throughput:
            for kind in kinds:
                ok &= throughput(args, kind, dests)
        if args.memory:
            ok &= memory(args, kinds, dests)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
