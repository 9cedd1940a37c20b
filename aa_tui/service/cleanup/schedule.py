"""Running writes issue by issue: few in flight per issue, busy issues wait alone.

Jira limits writes per issue (``jira-per-issue-on-write``) as well as per endpoint. Work items
are queued by issue, in order. A pool of workers takes the next item of the issue with the most
items left (that issue bounds the whole run, so it never waits for a worker) among issues with
fewer than ``per_issue`` items in flight that are not waiting. An item that answers
:class:`IssueBusy` goes back to the front of its issue's queue and that issue waits
``retry_after`` seconds, while the others go on. Any other error stops new work; the items in
flight finish; the error is raised.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from aa_tui.jira.errors import IssueBusy
from aa_tui.model.errors import InternalError

T = TypeVar("T")
#: items of one issue in flight at once: the next one's re-checks overlap this one's write
PER_ISSUE = 4


class NotStarted(InternalError):
    """The run is stopping: this item was left as it was (nothing written)."""


class _Issues:
    """Which issue goes next: most items left first; waiting and full issues are out."""

    def __init__(self, queues: OrderedDict[Hashable, deque[Any]], per_issue: int) -> None:
        self.queues = queues
        self.per_issue = max(1, per_issue)
        self.in_flight: Counter[Hashable] = Counter()
        self.waiting: list[tuple[float, int, Hashable]] = []
        self._waiting: set[Hashable] = set()
        self._ready: list[tuple[int, int, Hashable]] = []
        self._queued: set[Hashable] = set()
        self._order = itertools.count()
        for issue in queues:
            self.offer(issue)

    def offer(self, issue: Hashable) -> None:
        """Make ``issue`` eligible again if it has work, room, and is not waiting."""
        if (
            issue in self._queued
            or issue in self._waiting
            or not self.queues[issue]
            or self.in_flight[issue] >= self.per_issue
        ):
            return
        self._queued.add(issue)
        heapq.heappush(self._ready, (-len(self.queues[issue]), next(self._order), issue))

    def take(self) -> Hashable | None:
        while self._ready:
            _, _, issue = heapq.heappop(self._ready)
            self._queued.discard(issue)
            if issue not in self._waiting and self.queues[issue]:
                self.in_flight[issue] += 1
                return issue
        return None

    def done(self, issue: Hashable) -> None:
        self.in_flight[issue] -= 1
        self.offer(issue)

    def wait(self, issue: Hashable, seconds: float) -> None:
        self._waiting.add(issue)
        heapq.heappush(self.waiting, (time.monotonic() + seconds, next(self._order), issue))

    def wake(self, now: float) -> None:
        while self.waiting and self.waiting[0][0] <= now:
            issue = heapq.heappop(self.waiting)[2]
            if not any(i == issue for _, _, i in self.waiting):
                self._waiting.discard(issue)
                self.offer(issue)


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
    per_issue: int = PER_ISSUE,
) -> list[T]:
    """Run ``work`` on every item (see the module); ``on_result`` and ``on_tick`` (the number
    of waiting issues) are called in this thread. Returns the items left undone (the run
    stopped); raises the first error after the items in flight finished."""
    queues: OrderedDict[Hashable, deque[T]] = OrderedDict()
    for item in items:
        queues.setdefault(issue_of(item), deque()).append(item)
    issues = _Issues(queues, per_issue)
    running: dict[Future[Any], tuple[Hashable, T]] = {}
    error: BaseException | None = None
    last_tick = 0.0
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="aa-clean") as pool:
        while True:
            now = time.monotonic()
            issues.wake(now)
            if error is None and not stopping():
                while len(running) < max(1, workers):
                    issue = issues.take()
                    if issue is None:
                        break
                    item = queues[issue].popleft()
                    running[pool.submit(work, item)] = (issue, item)
                    issues.offer(issue)  # room for another of its items?
            waiting = issues.waiting
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
                    issues.wait(issue, max(0.05, busy.retry_after))
                    issues.done(issue)
                    continue
                except NotStarted:
                    queues[issue].appendleft(item)
                    issues.done(issue)
                    continue
                except BaseException as exc:  # noqa: BLE001 - raised below, after the rest
                    queues[issue].appendleft(item)
                    issues.done(issue)
                    if error is None:
                        error = exc
                    continue
                on_result(item, result)
                issues.done(issue)
            if time.monotonic() - last_tick >= tick_s:
                last_tick = time.monotonic()
                on_tick(len(issues.waiting))
    if error is not None:
        raise error
    return [item for queue in queues.values() for item in queue]
