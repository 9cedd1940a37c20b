"""The collector's pauses: they nest across threads (a rescan's base is read in a thread of
its own while the scan's thread pauses too), and a rescan runs no collection from its base's
reading to its saving, over real HTTP against the demo site."""

from __future__ import annotations

import gc

from test_scan_rescan import scan

from aa_tui.memory import gc_paused


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
    seen: dict[str, set[bool]] = {}

    def listener(event) -> None:
        seen.setdefault(event.phase.name, set()).add(gc.isenabled())

    scan(server, store, listener=listener, **options)
    return seen


def test_a_rescan_collects_nothing_from_its_base_to_its_saving(demo_server, store):
    full = collector_by_phase(demo_server, store, verify="metadata")
    # a scan with no base: its listing (of any length) collects, its saving does not
    assert full["ENUMERATING"] == full["FETCHING"] == {True}
    assert full["SAVING"] == {False} and full["DONE"] == {True}
    demo_server.set_status(3, (demo_server.data.issue_status[3] + 1) % 3)
    again = collector_by_phase(demo_server, store, verify="metadata")
    assert again["ENUMERATING"] == again["SAVING"] == {False}
    assert again.get("FETCHING", {False}) == {False}
    assert again["DONE"] == {True}
