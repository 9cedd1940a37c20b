"""Writes issue by issue: never more than ``per_issue`` in flight on one issue, a busy issue
waits alone, errors stop new work and are raised after the work in flight."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from aa_tui.jira.errors import IssueBusy
from aa_tui.service.cleanup.schedule import NotStarted, run_by_issue


def test_per_issue_cap_busy_issue_waits_alone_and_every_item_runs_once():
    items = [("A", n) for n in range(12)] + [("B", n) for n in range(3)] + [("C", 0)]
    lock = threading.Lock()
    in_flight: Counter = Counter()
    peak: Counter = Counter()
    busy_once = {("A", 4)}
    finished_at: dict = {}
    done: list = []

    def work(item):
        issue = item[0]
        with lock:
            in_flight[issue] += 1
            peak[issue] = max(peak[issue], in_flight[issue])
        try:
            time.sleep(0.01)
            if item in busy_once:
                busy_once.discard(item)
                raise IssueBusy(issue, 1.0)
            return item
        finally:
            with lock:
                in_flight[issue] -= 1

    def on_result(item, result):
        assert item == result
        done.append(item)
        finished_at[item] = time.monotonic()

    started = time.monotonic()
    left = run_by_issue(
        items, lambda i: i[0], work, workers=4, stopping=lambda: False, on_result=on_result,
        per_issue=2,
    )  # fmt: skip
    assert left == [] and sorted(done) == sorted(items) and len(done) == len(items)
    assert max(peak.values()) <= 2
    # A waited 1 s; B and C did not wait for it (their ~20 items of 10 ms take ~0.1 s; the
    # margin is for a loaded machine).
    assert finished_at[("A", 11)] - started >= 1.0
    assert max(finished_at[i] for i in items if i[0] != "A") - started < 1.0
    # Items of one issue keep their order (the busy one went back to the front).
    a_order = [n for issue, n in done if issue == "A"]
    assert a_order.index(4) < a_order.index(11)


def test_an_error_stops_new_work_and_is_raised_after_the_rest():
    items = [(f"I{n}", n) for n in range(20)]
    started: list = []

    def work(item):
        started.append(item)
        if item[1] == 3:
            raise RuntimeError("boom")
        time.sleep(0.02)
        return item

    with pytest.raises(RuntimeError, match="boom"):
        run_by_issue(
            items, lambda i: i[0], work, workers=2, stopping=lambda: False,
            on_result=lambda i, r: None,
        )  # fmt: skip
    assert len(started) < len(items)


def test_stopping_leaves_the_rest_undone():
    stop = threading.Event()
    items = [("A", n) for n in range(10)]

    def work(item):
        if item[1] >= 2:
            stop.set()
            raise NotStarted()
        return item

    done: list = []
    left = run_by_issue(
        items, lambda i: i[0], work, workers=1, stopping=stop.is_set,
        on_result=lambda i, r: done.append(i),
    )  # fmt: skip
    assert done == [("A", 0), ("A", 1)] and left == items[2:]
