"""Exports: peak memory and time of whole commands (issue 17, "exports that stream").

    python benchmarks/exports.py [--issues 200000] [--baseline REF]

Starts a generated demo site (the scale benchmark's generation; no latency, no rate limit) in
its own process, then runs, each as a fresh ``python -m aa_tui`` process:

- ``scan --verify metadata --json FILE --csv DIR``  (the whole weekly job)
- ``scan --verify metadata``                        (the scan alone)
- ``report --json FILE`` and ``report --csv DIR`` of the first scan

and prints each one's wall time and peak RSS (the child's own ``ru_maxrss`` from ``wait4``).
With ``--baseline REF`` (default: the commit this work started from) the same commands run
with that commit's code (``git archive`` into a temporary folder) against the same site in the
same run, and the two codes' ``report`` outputs of the same stored scan are compared byte for
byte.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import _common as c

MIB = 1024 * 1024
GENERATION = {"copy_share": 0.35, "hot_share": 0.05, "rename_share": 0.2}  # as scale.py
BASELINE = "9191def"  # main when the exports started to stream
TARGET_MIB = 700  # the whole scan + JSON export of a 1,000,000-issue site


@dataclass
class Run:
    label: str
    wall_s: float
    rss_mib: float
    output: str


def run(code: Path, data_dir: Path, token: str, args: list[str], label: str) -> Run:
    """``python -m aa_tui ARGS`` with ``code`` first on the path; its wall time and peak RSS."""
    env = {k: v for k, v in os.environ.items() if k != "JIRA_API_TOKEN"}
    env.update(
        AA_TUI_DATA_DIR=str(data_dir),
        JIRA_API_TOKEN=token,
        PYTHONPATH=str(code),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "aa_tui", *args],
        env=env, cwd=code, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0,):
        raise SystemExit(f"{label} failed ({process.returncode}):\n{output[-2000:]}")
    return Run(label, wall, usage.ru_maxrss / 1024, output)


def last_scan_id(code: Path, data_dir: Path, token: str) -> str:
    done = run(code, data_dir, token, ["scans"], "scans")
    ids = [line.split()[0] for line in done.output.splitlines() if line.strip()]
    scan_ids = [i for i in ids if i[:2].isdigit()]
    if not scan_ids:
        raise SystemExit(f"no scan listed:\n{done.output}")
    return scan_ids[0]


#: tables the CSV export writes since the baseline, on purpose: ``unreadable.csv`` always (a
#: header alone when a scan found none: ded0ac3), so a weekly export into one folder keeps no
#: older scan's list
ADDED_SINCE_BASELINE = {"unreadable.csv"}


def same_tree(a: Path, b: Path) -> bool:
    """Whether folder ``b`` holds every file of ``a`` byte for byte, and besides them only
    the tables added on purpose since the baseline."""
    names = {p.name for p in a.iterdir()}
    if {p.name for p in b.iterdir()} - names - ADDED_SINCE_BASELINE:
        return False
    return all((b / n).exists() and filecmp.cmp(a / n, b / n, shallow=False) for n in names)


def commands(code: Path, site: c.Site, work: Path, name: str) -> tuple[list[Run], str]:
    data = work / f"{name}-store"
    out = work / f"{name}-out"
    out.mkdir()
    scan = ["scan", "--site", site.base_url, "--email", site.email, "--verify", "metadata"]
    runs = [
        run(
            code,
            data,
            site.token,
            [*scan, "--quiet", "--json", str(out / "scan.json"), "--csv", str(out / "scan-csv")],
            "scan --verify metadata --json --csv",
        )
    ]
    scan_id = last_scan_id(code, data, site.token)
    runs.append(
        run(code, work / f"{name}-plain", site.token, [*scan, "--quiet"], "scan --verify metadata")
    )
    runs.append(
        run(
            code,
            data,
            site.token,
            ["report", scan_id, "--json", str(out / "report.json")],
            "report --json",
        )
    )
    runs.append(
        run(
            code,
            data,
            site.token,
            ["report", scan_id, "--csv", str(out / "report-csv")],
            "report --csv",
        )
    )
    return runs, scan_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--attachment-share",
        type=float,
        help="share of issues with attachments (the generator's default: 1/3; 0.5 gives "
        "~810,000 files on 1,000,000 issues, the size of issue 17's figures)",
    )
    parser.add_argument(
        "--baseline",
        default=BASELINE,
        help="a git commit to compare with, a folder holding an aa_tui/ tree, or 'none'",
    )
    parser.add_argument("--keep", metavar="DIR", help="keep stores and outputs in DIR")
    args = parser.parse_args()

    print(f"exports benchmark on {c.machine()}, load {c.machine_load()} at the start")
    generation = dict(GENERATION)
    if args.attachment_share is not None:
        generation["attachment_share"] = args.attachment_share
    site = c.start_site(seed=args.seed, issues=args.issues, generation=generation)
    print(f"site: {site.truth['summary']}")
    work_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="aa-tui-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[Run]] = {}
    try:
        codes = {"this": c.ROOT}
        if Path(args.baseline).is_dir():  # a copy of an aa-tui tree: its aa_tui/ is run
            codes = {"baseline": Path(args.baseline), "this": c.ROOT}
        elif args.baseline != "none":
            base = work_dir / "baseline-code"
            base.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(c.ROOT), "archive", args.baseline, "aa_tui"],
                check=True, capture_output=True,
            )  # fmt: skip
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
            codes = {"baseline": base, "this": c.ROOT}
        scan_id = ""
        for name, code in codes.items():
            results[name], scan_id = commands(code, site, work_dir, name.split()[0])
        if len(codes) == 2:
            # both codes write the same stored scan (this code's): the same bytes?
            data = work_dir / "this-store"
            base_code = codes["baseline"]
            again = work_dir / "baseline-again"
            again.mkdir()
            run(
                base_code,
                data,
                site.token,
                ["report", scan_id, "--json", str(again / "r.json")],
                "",
            )
            run(base_code, data, site.token, ["report", scan_id, "--csv", str(again / "csv")], "")
            ours = work_dir / "this-out"
            same_json = filecmp.cmp(again / "r.json", ours / "report.json", shallow=False)
            same_csv = same_tree(again / "csv", ours / "report-csv")
        else:
            same_json = same_csv = True
        json_size = (work_dir / "this-out" / "report.json").stat().st_size
    finally:
        site.stop()
        if not args.keep:
            subprocess.run(["rm", "-rf", str(work_dir)], check=False)

    print(f"report.json: {c.mb(json_size)}; machine load at the end {c.machine_load()}")
    names = list(results)
    print(f"{'command':<40}" + "".join(f"{n:>34}" for n in names))
    for i, first in enumerate(results[names[0]]):
        cells = [results[n][i] for n in names]
        line = f"{first.label:<40}" + "".join(
            f"{r.rss_mib:>18,.0f} MiB {r.wall_s:>9.1f} s" for r in cells
        )
        if len(cells) == 2:
            line += f"   RSS x{cells[1].rss_mib / cells[0].rss_mib:.2f}"
        print(line)
    ours = results["this"]
    ok = True
    checks = [
        (same_json, "report --json: the same bytes as the baseline's, for the same scan"),
        (
            same_csv,
            "report --csv: the baseline's files, the same bytes (and the tables added since)",
        ),
    ]
    if args.issues >= 1_000_000:
        checks.append(
            (
                ours[0].rss_mib < TARGET_MIB,
                f"scan --json --csv peak RSS < {TARGET_MIB} MiB ({ours[0].rss_mib:,.0f} MiB)",
            )
        )
    for good, label in checks:
        ok &= good
        print(c.verdict(good, label))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
