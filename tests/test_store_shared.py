"""One store, several aa-tui processes: a cron scan or a command-line ``clean`` beside the app.

Real processes (``python -c`` and ``python -m aa_tui``) write to one data dir while a store in
the test process stays open, as the app's does. Before the store's lock held across processes
and each call read the index afresh, TinyDB's cached next id made the long-lived store fail
with "ValueError: Document with ID 3 already exists", and two writers lost each other's rows.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import orjson
import pytest
from helpers.cli import aa
from helpers.scanning import fast_governor, run_scan

from aa_tui.model.cleanup import Plan, PlanFilters
from aa_tui.model.records import Scope
from aa_tui.model.scans import ScanInfo
from aa_tui.service.errors import describe
from aa_tui.service.workspace import Workspace
from aa_tui.store import atomic
from aa_tui.store.errors import StoreBusyError, StoreError
from aa_tui.store.lock import LOCK_FILE
from aa_tui.store.plans import PlanStore
from aa_tui.store.store import Store

ROUNDS = 15

WRITER = """
import sys, time
from pathlib import Path
from aa_tui.model.cleanup import Plan, PlanFilters
from aa_tui.model.records import Scope
from aa_tui.model.scans import ScanInfo
from aa_tui.store.plans import PlanStore
from aa_tui.store.store import Store

data, name, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = Store(data)  # one store for the whole run, as a long-lived process keeps it
plans = PlanStore(store)
(data / f"ready-{name}").touch()
while not (data / "go").exists():
    time.sleep(0.005)
for i in range(rounds):
    time.sleep(0.02)  # work between two saves, as a scan or a clean does: the others get a turn
    store.save_scan(ScanInfo(id=f"{name}-{i}", site="https://a.atlassian.net", email="e@x",
                             scope=Scope(), status="complete", started_at=f"2026-01-01T{i:05d}"))
    plans.save(Plan(id=f"p{name}-{i}", scan_id=f"{name}-{i}", site="https://a.atlassian.net",
                    email="e@x", created_at="2026", filters=PlanFilters(), deletions=[]))
"""


def scan_info(scan_id: str) -> ScanInfo:
    return ScanInfo(
        id=scan_id,
        site="https://a.atlassian.net",
        email="e@x",
        scope=Scope(),
        status="complete",
        started_at="2026-01-01T00:00:00+00:00",
    )


def plan(plan_id: str) -> Plan:
    return Plan(
        id=plan_id,
        scan_id="s",
        site="https://a.atlassian.net",
        email="e@x",
        created_at="2026",
        filters=PlanFilters(),
        deletions=[],
    )


def writer(data: Path, name: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), name, str(ROUNDS)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_two_processes_and_a_long_lived_store_save_scans_and_plans_without_collisions(tmp_path):
    data = tmp_path / "data"
    store = Store(data)  # the app's: open before, during and after the others write
    plans = PlanStore(store)
    store.save_scan(scan_info("app-0"))
    plans.save(plan("papp-0"))
    procs = [writer(data, "one"), writer(data, "two")]
    wait_until(lambda: all((data / f"ready-{n}").exists() for n in ("one", "two")), "ready")
    (data / "go").touch()
    for i in range(1, ROUNDS):  # the app saves while both processes do
        time.sleep(0.02)
        store.save_scan(scan_info(f"app-{i}"))
        plans.save(plan(f"papp-{i}"))
    ends = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in ends]
    expected = {f"{n}-{i}" for n in ("app", "one", "two") for i in range(ROUNDS)}
    assert {s.id for s in store.list_scans()} == expected  # none lost, none twice
    assert len(store.list_scans()) == len(expected)
    assert {r.id for r in plans.rows()} == {f"p{s}" for s in expected}
    # They did write in turns (the test proves nothing when one wrote after the other).
    order = [
        r["id"].split("-")[0] for r in orjson.loads(store.index_path.read_bytes())["scans"].values()
    ]
    turns = sum(1 for a, b in pairwise(order) if a != b)
    assert turns >= 6, order
    again = Store(data)  # and the file says so too, read by a new process's store
    assert len(again.list_scans()) == len(expected) and len(PlanStore(again).rows()) == len(
        expected
    )


def test_the_testers_sequence_a_cli_dry_run_beside_the_apps_workspace(demo_server, tmp_path):
    """aa-tui open (it scanned and saved a plan), a ``clean --limit 1`` dry run in another
    shell saves a plan, then the app applies one: it saves its plan and marks it."""
    data = tmp_path / "data"
    workspace = Workspace(Store(data), governor_factory=fast_governor)
    scan_id = run_scan(demo_server, workspace._store).info.id
    cleanup = workspace.cleanup(allow_insecure_http=True)
    first = cleanup.save(cleanup.plan(scan_id, PlanFilters(limit=1)))
    result = aa(["clean", scan_id, "--limit", "1"], data)
    assert result.returncode == 0, result.stderr
    assert "Dry run: nothing was changed" in result.stdout
    (theirs,) = {r.id for r in cleanup.plans()} - {first.id}  # the app sees the other's plan
    mine = cleanup.plan(scan_id, PlanFilters(limit=2))
    cleanup.apply(mine, demo_server.token)  # saves it, then marks it as being applied
    rows = {r.id: r for r in cleanup.plans()}
    assert set(rows) == {first.id, theirs, mine.id}
    assert rows[mine.id].status == "applying" and rows[theirs].status == "saved"
    assert cleanup.load(theirs).files == 1 and cleanup.load(mine.id).files == 2


def test_a_cron_scan_beside_the_app_is_listed_and_the_apps_next_scan_saves(demo_server, tmp_path):
    """The tester's scan case: the app scanned, a command-line scan saved another, the app's
    next scan saves (it stopped with "ValueError") and lists all three."""
    data = tmp_path / "data"
    store = Store(data)
    run_scan(demo_server, store)
    args = ["scan", "--site", demo_server.base_url, "--email", demo_server.email, "--full"]
    result = aa(args, data, token=demo_server.token)
    assert result.returncode == 0, result.stderr
    assert len(store.list_scans()) == 2
    run_scan(demo_server, store, verify="metadata")
    assert [s.status for s in store.list_scans()] == ["complete"] * 3


def test_a_store_held_by_another_process_is_one_sentence_not_a_hang(tmp_path):
    data = tmp_path / "data"
    store = Store(data, lock_timeout=0.3)  # the app's, open before the other takes the lock
    store.save_scan(scan_info("s1"))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
            str(data / LOCK_FILE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as caught:
            store.save_scan(scan_info("s2"))
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(10)
    assert 0.3 <= waited < 5
    problem = describe(caught.value)
    assert "another aa-tui process holds it" in problem.message and str(data) in problem.message
    assert problem.message.count(". ") == 0 and not problem.unexpected and problem.exit_code == 2
    store.save_scan(scan_info("s2"))  # once the holder is gone the store is whole and writable
    assert {s.id for s in Store(data).list_scans()} == {"s1", "s2"}


def test_a_full_disk_is_one_sentence_and_leaves_the_index_as_it_was(tmp_path, monkeypatch):
    data = tmp_path / "data"
    store = Store(data)
    store.save_scan(scan_info("s1"))
    before = store.index_path.read_bytes()

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "replace", no_space)  # the rename that ends every write
    with pytest.raises(StoreError) as caught:
        store.save_scan(scan_info("s2"))
    with pytest.raises(StoreError):
        PlanStore(store).save(plan("p1"))
    monkeypatch.undo()
    problem = describe(caught.value)
    assert problem.message == (
        f"aa-tui could not save to its store {data} (No space left on device); free some disk "
        "space or make the folder writable, then try again."
    )
    assert problem.exit_code == 2 and not problem.unexpected
    assert store.index_path.read_bytes() == before  # never half-written
    assert not list(data.rglob("*.tmp"))
    store.save_scan(scan_info("s2"))  # space again: the same store goes on
    assert {s.id for s in store.list_scans()} == {"s1", "s2"}
