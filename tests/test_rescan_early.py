"""A rescan asks for its changed issues' details as soon as their ids are listed, while its
base is still read back, over real HTTP against the demo site; the scan's issues stay its
listing's (an issue asked for early that the scope's listing does not hold is dropped)."""

from __future__ import annotations

import threading
import time

from helpers.scanning import FROZEN_NOW, make_client
from test_scan_rescan import assert_same, detail_fetches, issue_with_files, scan

from aa_tui.demo import catalog as cat
from aa_tui.model.errors import Cancelled
from aa_tui.model.records import Scope
from aa_tui.scan import base_read, details, rescan
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanRequest

#: how long the gate below waits for a details call before letting the base load anyway
#: (only a broken engine waits it out: a working one asks at once)
GATE_S = 30


def change_statuses(server, count: int) -> list[int]:
    changed = issue_with_files(server, count)
    for i in changed:
        server.set_status(i, (server.data.issue_status[i] + 1) % 3)
    return changed


def test_the_changed_issues_details_are_asked_for_before_the_base_is_read(
    demo_server, store, monkeypatch
):
    base = scan(demo_server, store)
    changed = change_statuses(demo_server, 3)
    before = detail_fetches(demo_server)
    real = rescan.read_rows
    seen: list[int] = []

    def gated(*args, **kwargs):
        """The base is read back only once a details call reached the site (or never)."""
        deadline = time.monotonic() + GATE_S
        while detail_fetches(demo_server) == before and time.monotonic() < deadline:
            time.sleep(0.005)
        seen.append(detail_fetches(demo_server) - before)
        return real(*args, **kwargs)

    monkeypatch.setattr(rescan, "read_rows", gated)
    again = scan(demo_server, store)
    assert seen == [1]  # the changed issues' one batch reached the site before the base loaded
    assert again.rescan is not None and again.rescan.base == base.info.id
    assert again.rescan.reread_issues == len(changed)
    assert detail_fetches(demo_server) == before + 1  # and nothing asked for twice
    full = scan(demo_server, store, full=True)
    assert_same(store, again, full)


def test_an_issue_asked_for_early_that_the_listing_does_not_hold_is_not_scanned(
    demo_server, store, monkeypatch
):
    """The changed listing holds an issue the scope's listing does not (as when it leaves
    the scope between the two listings): its details are asked for early, then dropped."""
    scan(demo_server, store)
    change_statuses(demo_server, 2)
    data = demo_server.data
    empty = next(i for i in range(data.issue_count) if data.att_start[i + 1] == data.att_start[i])
    outside = cat.ISSUE_ID_BASE + empty  # an issue with no file: outside the scope
    real = rescan.changed_jql

    def with_outsider(jql: str, minutes: int) -> str:
        where, _, order = real(jql, minutes).rpartition(" ORDER BY ")
        return f"({where}) OR id = {outside} ORDER BY {order}"

    monkeypatch.setattr(rescan, "changed_jql", with_outsider)
    asked: list[str] = []
    real_fetch = details.fetch_parsed

    def fetch(client, batch, own=None):
        asked.extend(batch)
        return real_fetch(client, batch, own)

    monkeypatch.setattr(details, "fetch_parsed", fetch)
    again = scan(demo_server, store)
    assert str(outside) in asked  # the outsider's details were asked for and came
    assert again.rescan is not None and again.rescan.reread_issues == 2
    full = scan(demo_server, store, full=True)
    assert_same(store, again, full)  # issues_scanned included: the outsider is not counted


def test_the_listing_ends_before_the_base_files_are_waited_for(demo_server, store, monkeypatch):
    """The listing needs only the issues the base read (its basis): it goes on while the
    base's files are read back, here held back until the engine first waits for them."""
    first = scan(demo_server, store)
    change_statuses(demo_server, 2)
    waiting = threading.Event()
    journal_then: list[str] = []
    real_read, real_rows = rescan.Base.read, rescan.read_rows

    def read(self, cancel=None):
        if not waiting.is_set():
            running = next(s for s in store.list_scans() if s.id != first.info.id)
            journal_then.extend(e.get("k") for e in store.read_journal(running.id))
            waiting.set()
        return real_read(self, cancel)

    def rows(*args, **kwargs):
        waiting.wait(GATE_S)
        return real_rows(*args, **kwargs)

    monkeypatch.setattr(rescan.Base, "read", read)
    monkeypatch.setattr(rescan, "read_rows", rows)
    again = scan(demo_server, store)
    assert "enumerated" in journal_then  # listed to the end before the files were asked for
    assert journal_then.count("issues") == 1  # and the changed issues' details were read
    assert again.rescan is not None and again.rescan.reread_issues == 2
    full = scan(demo_server, store, full=True)
    assert_same(store, again, full)


def test_a_rescan_cancelled_while_its_base_is_read_back_stops_reading_it(
    demo_server, store, monkeypatch
):
    """Cancelled while it waits for its base's files (read back slowly here, without end),
    a rescan ends at once, stops reading them, and resumes to a full scan's result."""
    scan(demo_server, store)
    change_statuses(demo_server, 2)
    real = base_read.read_cached_records
    filler = threading.Event()  # the base's real files are read: an endless tail of others

    def slow(folder, own, take):
        real(folder, own, take)
        filler.set()
        while True:  # slices of no file, each told to the base as read
            time.sleep(0.01)
            take([])

    monkeypatch.setattr(base_read, "read_cached_records", slow)
    client = make_client(demo_server)
    request = ScanRequest(site=client.site, email=demo_server.email, scope=Scope())
    engine = ScanEngine(client, store, request, clock=lambda: FROZEN_NOW)
    ended: list[BaseException] = []

    def run() -> None:
        try:
            engine.run()
        except BaseException as exc:  # noqa: BLE001 - what the run ended with, looked at below
            ended.append(exc)

    runner = threading.Thread(target=run)
    runner.start()
    assert filler.wait(GATE_S)
    time.sleep(0.3)  # the listing has ended (a few pages): the engine waits for the files
    client.cancel.set()
    runner.join(GATE_S)
    assert not runner.is_alive() and isinstance(ended[0], Cancelled)
    deadline = time.monotonic() + GATE_S
    while any(t.name == "aa-base" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the base is still read back"
        time.sleep(0.05)
    client.close()
    monkeypatch.setattr(base_read, "read_cached_records", real)
    resumed = scan(demo_server, store, resume=True)
    full = scan(demo_server, store, full=True)
    assert_same(store, resumed, full)
