"""The collector's pauses: they nest across threads (a rescan's base is read in a thread of
its own while the scan's thread may pause too), and a scan, a rescan too, runs no collection
while it groups and saves, over real HTTP against the demo site (its listing, of any length,
collects as usual, but while a rescan's base is read back beside it)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from test_scan_rescan import scan

from aa_tui.memory import gc_paused
from aa_tui.scan import rescan


def test_pauses_that_end_in_another_order_than_they_began_keep_the_collector_off():
    assert gc.isenabled()
    first, second = gc_paused(), gc_paused()  # as two threads would open and close them
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second is still open
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # off before the first pause: left off
    finally:
        gc.enable()


def collector_by_phase(server, store, **options) -> dict[str, set[bool]]:
    """Per phase, whether the collector was on at each progress event (taken as on while a
    rescan's base is read back: that pause is its own, whenever the listing's events come)."""
    seen: dict[str, set[bool]] = {}

    def listener(event) -> None:
        # the base's pause is open, or began, while the collector was looked at
        began = pauses_begun[0]
        before, on, after = reading_back.is_set(), gc.isenabled(), reading_back.is_set()
        paused_by_base = before or after or pauses_begun[0] != began
        seen.setdefault(event.phase.name, set()).add(on or paused_by_base)

    scan(server, store, listener=listener, **options)
    return seen


reading_back = threading.Event()
pauses_begun = [0]  # the base's pauses begun so far


@contextmanager
def _marked_pause() -> Iterator[None]:
    """The base's read-back pause, marked from before it begins to after it ends."""
    pauses_begun[0] += 1
    reading_back.set()
    try:
        with gc_paused():
            yield
    finally:
        reading_back.clear()


def test_a_scan_and_a_rescan_collect_nothing_while_they_save(demo_server, store, monkeypatch):
    monkeypatch.setattr(rescan, "gc_paused", _marked_pause)
    full = collector_by_phase(demo_server, store, verify="metadata")
    assert full["ENUMERATING"] == full["FETCHING"] == {True}
    assert full["SAVING"] == {False} and full["DONE"] == {True}
    demo_server.set_status(3, (demo_server.data.issue_status[3] + 1) % 3)
    again = collector_by_phase(demo_server, store, verify="metadata")
    assert again["ENUMERATING"] == {True}
    assert again["SAVING"] == {False} and again["DONE"] == {True}
