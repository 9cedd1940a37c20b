"""``aa-tui clean --yes`` killed with SIGKILL at the worst moments, then ``--resume``: the site
ends with exactly the planned deletions, the audit records every one, the archive manifest has
one line per deleted file and every issue one comment.

The kill points are hit exactly by running the CLI through a small wrapper (test code, not a
hook in aa-tui) that stops inside one call until the test kills it: after the intent is
journaled and before the DELETE leaves; after Jira accepted a DELETE and before its outcome is
journaled; before a manifest line; after a comment was posted and before it is journaled. Then
random moments.
"""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers.cli import cli_env
from helpers.scanning import run_scan

from aa_tui.archive import read_manifest
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.store.audit import AuditLog
from aa_tui.store.plans import PlanStore
from aa_tui.store.store import Store

WRAPPER = r"""
import os, sys, time

point, nth = os.environ["CRASH_AT"], int(os.environ.get("CRASH_NTH", "1"))
calls = [0]

def stop():
    sys.stderr.write("CRASH-POINT reached\n")
    sys.stderr.flush()
    time.sleep(600)

def hit():
    calls[0] += 1
    return calls[0] == nth

from aa_tui.archive import local
from aa_tui.jira import writes

def before(cls, name):
    real = getattr(cls, name)
    def patched(self, *args, **kwargs):
        if hit():
            stop()
        return real(self, *args, **kwargs)
    setattr(cls, name, patched)

def after(cls, name):
    real = getattr(cls, name)
    def patched(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        if hit():
            stop()
        return result
    setattr(cls, name, patched)

if point == "before-delete":
    before(writes.SiteWrites, "delete_attachment")
elif point == "after-delete":
    after(writes.SiteWrites, "delete_attachment")
elif point == "before-manifest":
    before(local.LocalArchive, "append_line")
elif point == "after-comment":
    after(writes.SiteWrites, "add_comment")

from aa_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


class Clean:
    """One ``aa-tui clean`` subprocess, its stderr read line by line."""

    def __init__(self, server, data_dir: Path, *args: str, crash: tuple[str, int] | None = None):
        env = cli_env(data_dir, server.token)
        if crash:
            env |= {"CRASH_AT": crash[0], "CRASH_NTH": str(crash[1])}
        cmd = [sys.executable, "-c", WRAPPER] if crash else [sys.executable, "-m", "aa_tui"]
        self.proc = subprocess.Popen(
            [*cmd, "clean", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)

    def wait_for_crash_point(self, timeout: float = 60) -> None:
        if not self.reaches_crash_point(timeout):
            pytest.fail(f"ended before the crash point: {''.join(self.lines)[-2000:]}")

    def reaches_crash_point(self, timeout: float = 60) -> bool:
        """Whether the run stopped at its crash point (``False``: it ended first, exit 0: with
        two files in flight the other worker can finish what was left before the nth point)."""
        deadline = time.monotonic() + timeout
        while not any("CRASH-POINT" in line for line in self.lines):
            code = self.proc.poll()
            if code is not None:
                if code != 0:
                    pytest.fail(f"failed before the crash point: {''.join(self.lines)[-2000:]}")
                self._reader.join(5)
                return False
            if time.monotonic() > deadline:
                pytest.fail("the crash point was never reached")
            time.sleep(0.005)
        return True

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._reader.join(5)

    def wait(self, timeout: float = 120) -> tuple[int, str, str]:
        out = self.proc.stdout.read()
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code, out, "".join(self.lines)


@pytest.fixture
def crash_site(small_site, tmp_path):
    """A slow demo site (each request ~15 ms), scanned into a fresh store."""
    with DemoServer(small_site, DemoOptions(latency_s=0.015)) as server:
        data = tmp_path / "data"
        store = Store(data)
        scan_id = run_scan(server, store).info.id
        store.close()
        yield server, data, scan_id


def state_of(data: Path):
    store = Store(data)
    try:
        # Newest first; a plan killed before it began is "saved". A run killed after its plan
        # was done, then run again with --resume, plans anew: an empty plan (every copy is
        # gone already), applied. The plan that did the work is the newest with deletions.
        plans = PlanStore(store)
        rows = [(r, plans.load(r.id)) for r in plans.rows()]
        row, plan = next(((r, p) for r, p in rows if r.status != "saved" and p.deletions), rows[0])
        return plan, AuditLog(store).state(row.id), row
    finally:
        store.close()


def site_deleted(server, site) -> set[str]:
    return {site.attachment_id(j) for j in server.deleted}


def check_end(server, small_site, data: Path, archive: Path) -> None:
    plan, state, row = state_of(data)
    planned = {d.attachment_id for d in plan.deletions}
    assert planned and site_deleted(server, small_site) == planned  # exactly the plan
    assert all(small_site.attachment_id(j) not in {d.keep_id for d in plan.deletions}
               for j in server.deleted)  # fmt: skip
    assert {aid for aid, r in state.outcomes.items() if r.outcome == "deleted"} == planned
    assert row.status == "done" and state.finished_at
    lines = read_manifest(archive / "manifest.jsonl")
    assert sorted(line["id"] for line in lines) == sorted(planned)  # one line each, no twins
    for d in plan.deletions:
        body = (archive / d.issue_key / f"{d.attachment_id}-{d.file_name}").read_bytes()
        assert hashlib.sha256(body).hexdigest() == d.sha256
    comments = server.changes.comments
    touched = {small_site.issue_index(d.issue_key) for d in plan.deletions}
    assert set(comments) == touched
    assert all(len(posted) == 1 for posted in comments.values())


def test_sigkill_at_each_write_point_then_resume_is_exact(crash_site, small_site, tmp_path):
    server, data, scan_id = crash_site
    archive = tmp_path / "archive"
    first = ["--yes", "--archive", str(archive), "--comment", "--workers", "2", "--quiet"]
    points = [
        ("before-delete", 3),
        ("after-delete", 2),
        ("before-manifest", 2),
        ("after-delete", 4),
    ]
    for n, crash in enumerate(points):
        args = [scan_id, *first] if n == 0 else [scan_id, "--resume", "--yes", "--quiet"]
        run = Clean(server, data, *args, crash=crash)
        run.wait_for_crash_point()
        run.kill()
        plan, state, _ = state_of(data)
        planned = {d.attachment_id for d in plan.deletions}
        assert site_deleted(server, small_site) <= planned  # never more than the plan
        if crash[0] == "after-delete":
            # Jira accepted a DELETE whose outcome was never written: the intent is on record.
            assert site_deleted(server, small_site) - set(state.outcomes) <= set(state.intents)
    # Deletions done: now die after posting a comment, before it is journaled.
    run = Clean(server, data, scan_id, "--resume", "--yes", "--quiet", crash=("after-comment", 2))
    run.wait_for_crash_point()
    run.kill()
    code, out, err = Clean(server, data, scan_id, "--resume", "--yes").wait()
    assert code == 0, err
    assert "Traceback" not in err and "is done" in out
    check_end(server, small_site, data, archive)


def test_sigkill_at_random_moments_until_done(crash_site, small_site, tmp_path):
    server, data, scan_id = crash_site
    archive = tmp_path / "archive"
    # The same command every time: --resume goes on with the plan, or plans anew when the
    # kill came before a plan was saved.
    args = [scan_id, "--resume", "--yes", "--archive", str(archive), "--comment", "--quiet"]
    rng = random.Random(20261201)
    for _ in range(4):
        run = Clean(server, data, *args)
        time.sleep(rng.uniform(0.3, 1.6))  # the CLI takes ~0.4 s to start
        if run.proc.poll() is not None:
            code, _, err = run.wait()
            assert code == 0, err
            break
        run.kill()
    else:
        code, _, err = Clean(server, data, *args).wait()
        assert code == 0, err
    check_end(server, small_site, data, archive)


def test_resume_after_a_finished_cleanup_deletes_nothing_more(crash_site, small_site, tmp_path):
    """What a kill between the end of the work and the exit leaves: the same --resume command
    again finds no interrupted plan and a finished one: it says so and starts nothing new."""
    server, data, scan_id = crash_site
    archive = tmp_path / "archive"
    args = [scan_id, "--resume", "--yes", "--archive", str(archive), "--comment", "--quiet"]
    code, _, err = Clean(server, data, *args).wait()
    assert code == 0, err
    assert "no interrupted cleanup; planning anew" in err  # killed before its plan was saved
    code, out, err = Clean(server, data, *args).wait()
    assert code == 0, err
    assert "Nothing to resume" in out
    check_end(server, small_site, data, archive)


def test_ctrl_c_stops_after_the_writes_in_flight_and_resumes(crash_site, small_site, tmp_path):
    server, data, scan_id = crash_site
    run = Clean(server, data, scan_id, "--yes", "--workers", "2")
    deadline = time.monotonic() + 30
    while len(server.deleted) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    sent = time.monotonic()
    run.proc.send_signal(signal.SIGINT)
    code, out, err = run.wait(timeout=20)
    assert code == 130, err
    assert time.monotonic() - sent < 5
    assert "--resume" in err and "Traceback" not in err
    plan, state, row = state_of(data)
    assert row.status == "applying" and not state.uncertain()  # each write in flight finished
    assert site_deleted(server, small_site) == {
        aid for aid, r in state.outcomes.items() if r.outcome == "deleted"
    }
    code, out, err = Clean(server, data, scan_id, "--resume", "--yes").wait()
    assert code == 0, err
    assert site_deleted(server, small_site) == {d.attachment_id for d in plan.deletions}
    # The token is never written: not in the store, the log or anything aa-tui wrote.
    for path in data.rglob("*"):
        if path.is_file():
            assert server.token.encode() not in path.read_bytes(), path
