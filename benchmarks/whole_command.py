"""The whole ``aa-tui scan --verify metadata`` command against the original loop (issue 17).

    python benchmarks/whole_command.py [--issues 8000] [--runs 5] [--baseline-runs 1]

Starts the generated site of ``throughput.py`` in its own process (120 ms per request, 2 ms per
issue returned with fields, a token bucket of 20 requests/s with a burst of 40, 429 +
Retry-After above it), then measures in the same run:

(a) the original design's loop (``throughput.baseline``: pages of 100 issues with fields, one
    at a time, 50 ms apart);
(b) the whole command as a user runs it, a new process each time: interpreter start, imports,
    sign-in, listing, details, saving the scan to a fresh store, printing the summary, exit.
    Each run starts from a full bucket (a pause of burst / rate before it), after one run
    that is not counted (it compiles the modules, as installing aa-tui does).
(c) the start-up alone: ``aa-tui scans`` on an empty store (interpreter, imports, store).

Prints each run, the medians, and the ratio of the baseline's wall time to the command's median
(both walk the same site, so it is the ratio of their issues per second). Target: >= 15x,
aiming at 25x; no run may see more 429 answers than ``--max-429`` (default 0).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import _common as c
import throughput as t

TARGET = 15.0
AIM = 25.0


def command(site: c.Site, data_dir: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "aa_tui", *args, "--data-dir", data_dir]


def command_env(**extra: str) -> dict[str, str]:
    """The environment of a command as an installed aa-tui runs: its modules compiled once
    (pip writes the bytecode at install; a PYTHONDONTWRITEBYTECODE=1 shell would have every
    run compile ~120 modules again, ~0.15 s)."""
    env = {**os.environ, "PYTHONPATH": str(c.ROOT), **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_command(site: c.Site, workers: int | None) -> dict:
    """One whole ``aa-tui scan --verify metadata`` process, timed from outside."""
    env = command_env(JIRA_API_TOKEN=site.token)
    extra = ["--workers", str(workers)] if workers else []
    with c.temp_store_dir("command") as tmp:
        argv = command(site, tmp, "scan", "--site", site.base_url, "--email", site.email)
        argv += ["--verify", "metadata", "--quiet", *extra]
        before = site.stats()
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, cwd=c.ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = site.stats()
    if done.returncode != 0:
        raise SystemExit(f"the command failed ({done.returncode}): {done.stderr.strip()}")
    served = {
        k: after["requests"].get(k, 0) - before["requests"].get(k, 0) for k in after["requests"]
    }
    found = re.search(r"([\d,]+) files,", done.stdout)  # the summary's "4,307 files, ..."
    files = int(found.group(1).replace(",", "")) if found else -1
    return {
        "wall_s": wall,
        "requests": sum(served.values()),
        "throttled": after["throttled"] - before["throttled"],
        "files": files,
    }


def start_up_s(runs: int) -> float:
    """Median wall time of ``aa-tui scans`` on an empty store: what every command pays."""
    env = command_env()
    times = []
    for _ in range(runs):
        with c.temp_store_dir("startup") as tmp:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "aa_tui", "scans", "--data-dir", tmp],
                env=env,
                cwd=c.ROOT,
                capture_output=True,
                check=True,
            )
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5, help="runs of the command")
    parser.add_argument("--baseline-runs", type=int, default=1, help="~30 s each at 8,000")
    parser.add_argument("--workers", type=int, default=None, help="default: the command's")
    parser.add_argument("--max-429", type=int, default=0, help="429 answers a run may see")
    args = parser.parse_args()

    print(f"whole-command benchmark on {c.machine()}")
    site = c.start_site(seed=args.seed, issues=args.issues, server_options=t.SITE)
    try:
        truth = site.truth
        print(f"== {args.issues:,} issues: {truth['summary']}")
        bases = []
        for _ in range(args.baseline_runs):
            time.sleep(t.BURST / t.RATE)  # a full bucket for each run
            bases.append(t.baseline(site))
            print(
                f"(a) original loop: {bases[-1]['wall_s']:.2f} s, {bases[-1]['requests']} "
                f"requests ({bases[-1]['throttled']} answered 429)"
            )
        time.sleep(t.BURST / t.RATE)
        run_command(site, args.workers)  # not counted: writes the bytecode, warms the caches
        runs = []
        for _ in range(args.runs):
            time.sleep(t.BURST / t.RATE)
            load = c.machine_load()
            runs.append(run_command(site, args.workers))
            r = runs[-1]
            print(
                f"(b) aa-tui scan --verify metadata: {r['wall_s']:.2f} s, {r['requests']} "
                f"requests ({r['throttled']} answered 429), load before it {load}"
            )
        boot = start_up_s(args.runs)
    finally:
        site.stop()

    base = statistics.median(b["wall_s"] for b in bases)
    walls = [r["wall_s"] for r in runs]
    ours = statistics.median(walls)
    ratio = base / ours
    print(
        f"(c) start-up (aa-tui scans, empty store): {boot:.2f} s median; "
        f"the command: min {min(walls):.2f} s, median {ours:.2f} s, max {max(walls):.2f} s"
    )
    print(f"speed-up: {base:.2f} s / {ours:.2f} s = {ratio:.1f}x the original loop (aim {AIM:g}x)")
    ok = ratio >= TARGET
    print(c.verdict(ok, f"whole command >= {TARGET:g}x the original loop ({ratio:.1f}x)"))
    worst = max(r["throttled"] for r in runs)
    good = worst <= args.max_429
    ok &= good
    print(c.verdict(good, f"at most {args.max_429} answers 429 in a run ({worst})"))
    found = {r["files"] for r in runs}
    good = found == {truth["files"]}
    ok &= good
    print(c.verdict(good, f"every attachment found in every run ({found} of {truth['files']:,})"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
