"""Running writes issue by issue: one in flight per issue, busy issues wait alone.

Jira limits writes per issue (``jira-per-issue-on-write``) as well as per endpoint. Work items
are queued by issue, in order; a pool of workers takes the next item of an issue that has
nothing in flight and is not waiting. An item that answers :class:`IssueBusy` goes back to the
front of its issue's queue and that issue waits ``retry_after`` seconds, while the others go
on. Any other error stops new work; the items in flight finish; the error is raised.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from aa_tui.jira.writes import IssueBusy

T = TypeVar("T")


class NotStarted(Exception):
    """The run is stopping: this item was left as it was (nothing written)."""


def run_by_issue(
    items: Iterable[T],
    issue_of: Callable[[T], Hashable],
    work: Callable[[T], Any],
    *,
    workers: int,
    stopping: Callable[[], bool],
    on_result: Callable[[T, Any], None],
    on_tick: Callable[[int], None] = lambda waiting: None,
    tick_s: float = 0.1,
) -> list[T]:
    """Run ``work`` on every item (see the module); ``on_result`` and ``on_tick`` (the number
    of waiting issues) are called in this thread. Returns the items left undone (the run
    stopped); raises the first error after the items in flight finished."""
    queues: OrderedDict[Hashable, deque[T]] = OrderedDict()
    for item in items:
        queues.setdefault(issue_of(item), deque()).append(item)
    ready: deque[Hashable] = deque(queues)
    waiting: list[tuple[float, int, Hashable]] = []
    order = itertools.count()
    running: dict[Future, tuple[Hashable, T]] = {}
    error: BaseException | None = None
    last_tick = 0.0
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="aa-clean") as pool:
        while True:
            now = time.monotonic()
            while waiting and waiting[0][0] <= now:
                ready.append(heapq.heappop(waiting)[2])
            if error is None and not stopping():
                while ready and len(running) < max(1, workers):
                    issue = ready.popleft()
                    item = queues[issue].popleft()
                    running[pool.submit(work, item)] = (issue, item)
            if not running:
                if error is not None or stopping() or not waiting:
                    break
                time.sleep(max(0.0, min(tick_s, waiting[0][0] - time.monotonic())))
                on_tick(len(waiting))
                continue
            timeout = tick_s if not waiting else min(tick_s, max(0.0, waiting[0][0] - now))
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in done:
                issue, item = running.pop(future)
                try:
                    result = future.result()
                except IssueBusy as busy:
                    queues[issue].appendleft(item)
                    due = time.monotonic() + max(0.05, busy.retry_after)
                    heapq.heappush(waiting, (due, next(order), issue))
                    continue
                except NotStarted:
                    queues[issue].appendleft(item)
                    continue
                except BaseException as exc:  # noqa: BLE001 - raised below, after the rest
                    queues[issue].appendleft(item)
                    if error is None:
                        error = exc
                    continue
                on_result(item, result)
                if queues[issue]:
                    ready.append(issue)
            if time.monotonic() - last_tick >= tick_s:
                last_tick = time.monotonic()
                on_tick(len(waiting))
    if error is not None:
        raise error
    return [item for queue in queues.values() for item in queue]
