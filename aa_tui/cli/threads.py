"""Running a long job (a scan, a cleanup, a restore) for the command line: in a thread, so
that Ctrl-C reaches the main thread and asks the job to stop instead of killing it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol


class Job(Protocol):
    def run(self) -> Any: ...

    def cancel(self) -> None: ...


def run_in_thread(
    job: Job,
    *,
    name: str,
    on_interrupt: Callable[[int], None],
    grace_s: float | None = None,
) -> tuple[Any, BaseException | None, bool]:
    """``(outcome, error, finished)`` of ``job.run()`` run in a thread.

    Each Ctrl-C calls ``job.cancel()`` then ``on_interrupt(count)``. With ``grace_s`` the wait
    ends that long after the first Ctrl-C even if the job still winds down (``finished`` is
    then False); without it, the wait lasts until the job ends.
    """
    box: dict[str, Any] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            box["outcome"] = job.run()
        except BaseException as exc:  # handed to the main thread
            box["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=work, name=name, daemon=True).start()
    interrupts = 0
    deadline: float | None = None
    # Wait on an Event, not Thread.join: a join interrupted by Ctrl-C marks the thread as
    # stopped while it still runs (CPython < 3.13), and the next join returns at once.
    while not finished.is_set():
        try:
            finished.wait(0.2)
        except KeyboardInterrupt:
            interrupts += 1
            job.cancel()
            on_interrupt(interrupts)
            if grace_s is not None and deadline is None:
                deadline = time.monotonic() + grace_s
        if deadline is not None and time.monotonic() >= deadline:
            break
    return box.get("outcome"), box.get("error"), finished.is_set()
