"""A scheduled scan keeps its history to the newest N (``scan --keep-scans N``): only the
complete scans of its own site, scope, verify mode and account are pruned, never one a cleanup
plan was made from. Real ``aa-tui`` subprocesses against the demo site, a real store."""

from __future__ import annotations

import signal

from helpers.cli import Scan, aa, kinds, wait_for

from aa_tui.demo import catalog as cat
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.store.store import Store


def scan(server, data, *extra):
    args = ["scan", "--site", server.base_url, "--email", server.email, "--verify", "metadata"]
    return aa([*args, *extra], data, token=server.token)


def stored(data) -> list[tuple[str, str, str]]:
    """(id, verify, scope) of each stored scan, newest first."""
    store = Store(data)
    try:
        return [(s.id, s.verify, s.scope.describe()) for s in store.list_scans()]
    finally:
        store.close()


def test_older_scans_of_the_same_line_past_the_newest_n_are_deleted(demo_server, tmp_path):
    data = tmp_path / "data"
    project = cat.PROJECTS[0].key
    for extra in ([], ["--projects", project], ["--verify", "exact"], [], []):
        assert scan(demo_server, data, *extra).returncode == 0
    before = stored(data)
    whole = [s for s, verify, scope in before if verify == "metadata" and scope == "whole site"]
    assert len(whole) == 3
    result = scan(demo_server, data, "--keep-scans", "2")
    assert result.returncode == 0, result.stderr
    assert "Deleted 2 older scans of this site and scope (" in result.stdout
    assert "the newest 2 kept." in result.stdout
    after = stored(data)
    assert [s for s, *_ in after[1:]] == [s for s, *_ in before if s not in whole[1:]]
    for scan_id in whole[1:]:
        assert not (data / "scans" / scan_id).exists()
    # the rescan after it starts from the newest, as before
    again = scan(demo_server, data, "--keep-scans", "2")
    assert again.returncode == 0 and "Rescan from scan " + after[0][0] in again.stdout


def test_a_scan_a_cleanup_plan_was_made_from_is_kept(demo_server, tmp_path):
    data = tmp_path / "data"
    exact = ("--verify", "exact")  # aa-tui plans only proven copies
    assert scan(demo_server, data, *exact).returncode == 0
    ((first, *_),) = stored(data)
    planned = aa(["clean", first], data, token=demo_server.token)  # a dry run: the plan saved
    assert planned.returncode == 0, planned.stderr
    assert scan(demo_server, data, *exact).returncode == 0
    result = scan(demo_server, data, *exact, "--keep-scans", "1")
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 older scan of this site and scope" in result.stdout
    assert "Kept 1 older scan that cleanup plans were made from." in result.stdout
    ids = [s for s, *_ in stored(data)]
    assert len(ids) == 2 and first in ids


def test_keeping_no_scan_is_refused_before_the_scan(tmp_path):
    site = ["--site", "http://127.0.0.1:9", "--email", "a@b.c"]  # nothing listens: never reached
    result = aa(["scan", *site, "--keep-scans", "0"], tmp_path / "data", token="t")
    assert result.returncode == 2, result.stderr
    assert "--keep-scans 0: keep at least 1 scan" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_scan_an_interrupted_rescan_started_from_is_kept(small_site, tmp_path):
    data = tmp_path / "data"
    slow = DemoOptions(latency_s=0.004, per_id_s=0.004, per_issue_s=0.004, id_page_size=50)
    with DemoServer(small_site, slow) as server:
        for _ in range(2):
            assert scan(server, data).returncode == 0
        (newer, *_), (older, *_) = stored(data)
        running = Scan(server, data, "--verify", "metadata")  # a rescan of the newer one
        wait_for(running, lambda: "base" in kinds(data), "the rescan to name its base")
        running.proc.send_signal(signal.SIGINT)
        assert running.wait() == 130, running.stderr
        result = scan(server, data, "--keep-scans", "1")  # a fresh scan, from the newer one
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 older scan of this site and scope" in result.stdout
    assert "Kept 1 older scan that an interrupted scan resumes from." in result.stdout
    ids = [s for s, *_ in stored(data)]
    assert newer in ids and older not in ids
