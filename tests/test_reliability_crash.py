"""Crashes and interruptions: ``aa-tui scan`` killed (SIGKILL) or interrupted (SIGINT) as a real
subprocess against the demo site, then ``aa-tui scan --resume``.

The kill points are read off the scan's own checkpoint journal (enumerating, fetching details,
hashing) and its progress lines; "while the store is written" is hit exactly by running the CLI
through a small wrapper (test code, not a hook in aa-tui) that stops inside the store's atomic
write, and also by killing at random moments. After every kill the store must open cleanly, and
the resumed scan must end with exactly the site's answer key, re-fetching little: each test
measures the re-fetch from the demo server's counters (bulkfetch calls, search calls, bytes).
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest
from helpers.cli import SLOW, WORKERS, Scan, aa, kinds, wait_for

from aa_tui.demo.limits import DemoStats
from aa_tui.demo.server import DemoServer
from aa_tui.scan.staged import FULL_BATCH_BYTES
from aa_tui.store.store import Store

SEARCH = "POST /rest/api/3/search/jql"
BULK = "POST /rest/api/3/issue/bulkfetch"

#: Runs the CLI, but stops inside the store's atomic write of one file until the test SIGKILLs
#: it. ``CRASH_FILE`` names the file; ``CRASH_WHEN`` is "mid-write" (half the bytes
#: are in the temp file) or "before-rename" (the temp file is whole and fsynced, not renamed);
#: ``CRASH_NEEDS`` is a byte string the new content must hold (to pick one write of many).
WRAPPER = r"""
import os, sys, time

name, when = os.environ["CRASH_FILE"], os.environ["CRASH_WHEN"]
needs = os.environ.get("CRASH_NEEDS", "").encode()
real_fdopen, real_replace = os.fdopen, os.replace

def stop():
    sys.stderr.write("CRASH-POINT reached\n")
    sys.stderr.flush()
    time.sleep(600)

class Half:
    def __init__(self, handle):
        self.handle = handle
    def write(self, data):
        if needs in data:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            stop()
        return self.handle.write(data)
    def __getattr__(self, attr):
        return getattr(self.handle, attr)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)

def fdopen(fd, *args, **kwargs):
    handle = real_fdopen(fd, *args, **kwargs)
    target = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
    if when == "mid-write" and target.startswith(f".{name}."):
        return Half(handle)
    return handle

def replace(src, dst, *args, **kwargs):
    if when == "before-rename" and os.path.basename(dst) == name:
        with open(src, "rb") as f:
            if needs in f.read():
                stop()
    return real_replace(src, dst, *args, **kwargs)

# Whichever store module writes the file, it goes through these (temp file, then rename).
os.fdopen, os.replace = fdopen, replace
from aa_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


def phase_seen(scan: Scan, phase: str) -> bool:
    return any(line.startswith(f"{phase}:") for line in scan.lines)


def assert_store_readable(data_dir: Path) -> None:
    """Opens without a damage warning; every scan's index row, results and journal read back."""
    store = Store(data_dir)
    try:
        assert store.warnings == []
        for info in store.list_scans():
            if store.has_results(info.id):
                store.load_summary(info.id)
                store.load_groups(info.id)
                store.load_attachments(info.id)
            store.read_journal(info.id)
    finally:
        store.close()


def stored_result(data_dir: Path):
    store = Store(data_dir)
    try:
        (info,) = [s for s in store.list_scans() if s.status == "complete"]
        groups = store.load_groups(info.id)
        return info, {frozenset(loc["attachment_id"] for loc in g["locations"]) for g in groups}
    finally:
        store.close()


def take_stats(server) -> dict:
    """The server's counters since the last call (a killed client's last bytes included)."""
    time.sleep(0.15)
    snap = server.stats.snapshot()
    server.stats = DemoStats()
    return {
        "search": snap["requests"].get(SEARCH, 0),
        "bulk": snap["requests"].get(BULK, 0),
        "bytes": snap["media_bytes"],
    }


@pytest.fixture(scope="module")
def crash_server(small_site):
    with DemoServer(small_site, SLOW) as server:
        yield server


@pytest.fixture(scope="module")
def reference(crash_server, tmp_path_factory):
    """An uninterrupted CLI scan of the same slow site: what a full run costs."""
    take_stats(crash_server)
    data = tmp_path_factory.mktemp("reference")
    scan = Scan(crash_server, data)
    assert scan.wait() == 0, scan.stderr
    cost = take_stats(crash_server)
    assert cost["search"] > 1 and cost["bulk"] >= 2  # several id pages, several bulkfetches
    return cost


def resume_and_check(server, data_dir: Path, small_site) -> dict:
    scan = Scan(server, data_dir, "--resume")
    assert scan.wait() == 0, scan.stderr
    assert "Traceback" not in scan.stderr
    cost = take_stats(server)
    assert_store_readable(data_dir)
    info, groups = stored_result(data_dir)
    truth = small_site.truth
    assert groups == truth.groups
    assert info.totals["total_files"] == truth.total_files
    assert info.totals["duplicate_size"] == truth.duplicate_size
    assert info.totals["issues_scanned"] == truth.issues_with_attachments
    assert not list(data_dir.glob("scans/*/journal.jsonl"))
    return cost


def count(data_dir: Path, kind: str) -> int:
    return kinds(data_dir).count(kind)


def served_bytes(server) -> int:
    return server.stats.snapshot()["media_bytes"]


def test_sigkill_at_each_phase_then_resume_gives_the_truth_and_refetches_little(
    crash_server, reference, small_site, tmp_path
):
    """One scan, killed in turn while listing ids, fetching details, probing heads and in the
    middle of full hashing, each time resumed with ``--resume``; then left to finish."""
    data = tmp_path / "data"
    full_bytes = reference["bytes"]
    points = [
        ("enumerating", lambda: count(data, "ids") >= 1 and count(data, "enumerated") == 0),
        ("fetching details", lambda: count(data, "issues") >= 1 and count(data, "hash:head") == 0),
        ("probing heads", lambda: count(data, "hash:head") >= 1),
        ("hashing", lambda: served_bytes(crash_server) > 0.7 * full_bytes),
    ]
    take_stats(crash_server)
    segments = []
    for n, (point, reached) in enumerate(points):
        scan = Scan(crash_server, data, *(["--resume"] if n else []))
        wait_for(scan, reached, point)
        scan.kill()
        cost = take_stats(crash_server)
        segments.append((point, cost))
        assert_store_readable(data)
    final = resume_and_check(crash_server, data, small_site)
    segments.append(("resumed to the end", final))
    spent = {k: sum(cost[k] for _, cost in segments) for k in reference}
    refetched = {k: spent[k] - reference[k] for k in reference}
    print(f"\nfull run {reference}; segments {segments}; re-fetched {refetched}")
    costs = dict(segments)
    # Ids are listed again after a kill during listing (the page token died with the process),
    # never after listing finished.
    assert costs["probing heads"]["search"] == costs["hashing"]["search"] == 0
    assert final["search"] == 0
    # Details journaled before a kill are never fetched again: at most the batches in flight.
    assert refetched["bulk"] <= int(WORKERS)
    assert costs["hashing"]["bulk"] == final["bulk"] == 0
    # Bytes: a kill loses only what was read but not yet journaled, the full stage journals
    # every FULL_BATCH_BYTES (8 MiB): killed at 70% of a 27 MiB stage, well under half of it
    # is read again (before that bound, all of it was).
    assert refetched["bytes"] <= FULL_BATCH_BYTES + 0.15 * full_bytes, refetched


def test_sigkill_while_the_store_is_written(crash_server, small_site, tmp_path):
    """Killed inside the atomic write of each results file in turn, then resumed: the store
    reads as it was before each write, and nothing is fetched or read again."""
    data = tmp_path / "data"
    take_stats(crash_server)
    crashes = [
        ("summary.json", "mid-write", '"schema"'),
        ("groups.json", "before-rename", ""),
        ("aa-tui.json", "before-rename", '"status":"complete"'),
    ]
    for n, (file, when, needs) in enumerate(crashes):
        env = {"CRASH_FILE": file, "CRASH_WHEN": when, "CRASH_NEEDS": needs}
        scan = Scan(crash_server, data, *(["--resume"] if n else []), env=env, code=WRAPPER)
        wait_for(scan, lambda s=scan: any("CRASH-POINT" in x for x in s.lines), f"{file} {when}")
        scan.kill()
        cost = take_stats(crash_server)
        if n:  # everything was checkpointed: nothing listed, fetched or read again
            assert cost == {"search": 0, "bulk": 0, "bytes": 0}, (file, cost)
        # The half-written or unrenamed temp file is there; the real one is old or absent...
        assert list(data.rglob(f".{file}.*.tmp")), f"the crash did not happen inside {file}"
        # ...and the store reads as before the write started.
        assert_store_readable(data)
        store = Store(data)
        (info,) = store.list_scans()
        # the index never said "complete" before the crash; no process holds it: interrupted
        assert info.status == "interrupted"
        store.close()
    after = resume_and_check(crash_server, data, small_site)
    assert after == {"search": 0, "bulk": 0, "bytes": 0}


def test_sigkill_at_random_moments_until_done(crash_server, small_site, tmp_path):
    data = tmp_path / "data"
    rng = random.Random(20261127)
    take_stats(crash_server)
    kills = 0
    for attempt in range(3):
        scan = Scan(crash_server, data, *(["--resume"] if attempt else []))
        # The first kill comes once the scan is in the store (before it there is nothing to
        # resume: a loaded machine can take over a second just to start the CLI).
        if attempt == 0:
            wait_for(scan, lambda: any(data.glob("scans/*/*")), "the scan opened")
        time.sleep(rng.uniform(0.1, 1.0))
        if scan.proc.poll() is not None:  # a resumed run with little left may win the race
            assert scan.wait() == 0, scan.stderr
            break
        scan.kill()
        kills += 1
        assert_store_readable(data)
    assert kills >= 1
    if kills == 3:
        resume_and_check(crash_server, data, small_site)
    info, groups = stored_result(data)
    assert groups == small_site.truth.groups
    assert info.totals["duplicate_size"] == small_site.truth.duplicate_size
    take_stats(crash_server)


def test_a_killed_scan_is_listed_as_interrupted_not_running_and_resumes(
    crash_server, small_site, tmp_path
):
    """A scan killed with SIGKILL never writes its end: its index row still says "running".
    It is listed as running only while a live process holds it, then as interrupted (by
    ``aa-tui scans``, and in the app's History, which reads the same list), and resumes."""
    data = tmp_path / "data"
    take_stats(crash_server)
    scan = Scan(crash_server, data)
    wait_for(scan, lambda: "hash:head" in kinds(data), "hashing")
    store = Store(data)
    (live,) = store.list_scans()
    assert live.status == "running" and store.get_scan(live.id).status == "running"
    listed = aa(["scans"], data)
    assert f"{live.id}" in listed.stdout and " running " in listed.stdout, listed.stdout
    scan.kill()
    (killed,) = store.list_scans()
    assert killed.status == "interrupted" and store.get_scan(killed.id).status == "interrupted"
    assert store.can_resume(killed)
    store.close()
    listed = aa(["scans"], data)
    assert " interrupted " in listed.stdout and " running " not in listed.stdout, listed.stdout
    resume_and_check(crash_server, data, small_site)
    store = Store(data)
    (done,) = store.list_scans()
    assert done.id == killed.id and done.status == "complete"
    store.close()
    take_stats(crash_server)


def test_ctrl_c_stops_within_a_second_and_resumes(crash_server, small_site, tmp_path):
    data = tmp_path / "data"
    take_stats(crash_server)
    scan = Scan(crash_server, data)
    wait_for(scan, lambda: "hash:head" in kinds(data), "hashing")
    sent = time.monotonic()
    scan.proc.send_signal(signal.SIGINT)
    code = scan.wait(timeout=10)
    stopped_in = time.monotonic() - sent
    assert code == 130, scan.stderr
    assert stopped_in < 1.5, stopped_in
    assert "--resume" in scan.stderr and "Traceback" not in scan.stderr
    store = Store(data)
    (info,) = store.list_scans()
    assert info.status == "cancelled" and store.has_checkpoint(info.id)
    store.close()
    take_stats(crash_server)
    after = resume_and_check(crash_server, data, small_site)
    assert after["search"] == 0 and after["bulk"] == 0
