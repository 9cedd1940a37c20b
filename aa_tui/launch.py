"""The process's entry point (``aa-tui``, ``python -m aa_tui``).

Ctrl-C is held back while the command's modules load, and handled once they have: a
``KeyboardInterrupt`` raised inside an import leaves half-made modules behind (a traceback, an
odd error such as a dataclass's ``__set_name__`` failing, once a crash), where a Ctrl-C a moment
later is one sentence and exit code 130.

Once the command has finished, the process ends without taking the interpreter apart: after
a rescan of a 1,000,000-issue site, freeing its millions of objects one by one (its groups,
then the interpreter's teardown) took 0.15-0.35 s of an 8 s command, memory the system takes
back at once anyway. The exit handlers run and the output is flushed first; while a thread
not marked daemon still runs (work that an ordinary exit waits for), it exits the ordinary
way.

httpx imports its own command line (``httpx.main``: click, rich and pygments) whenever it is
imported, ~0.1 s of every command's start; aa-tui never runs it, and a stand-in keeps those
imports out of the process (:func:`without_httpx_command_line`).
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from types import FrameType, ModuleType

#: the Ctrl-Cs that came while the modules loaded
held: list[int] = []


def _hold_back(signum: int, frame: FrameType | None) -> None:
    held.append(signum)


def hold() -> None:
    """From now on, a Ctrl-C is noted in :data:`held` rather than raised."""
    signal.signal(signal.SIGINT, _hold_back)


def run() -> int:
    """The command line, told of the Ctrl-Cs held back (it lets them through once loaded)."""
    from aa_tui.cli.entry import main as command_line

    return command_line(held=held)


def main() -> int:
    """``aa-tui``: Ctrl-C held back from the start, then the command line; the process ends
    with its exit code (see :func:`leave`)."""
    hold()
    without_httpx_command_line()
    return leave(run())


def without_httpx_command_line() -> None:
    """Stand in for ``httpx._main`` before httpx is imported: httpx then offers a ``main``
    that says it is not loaded, instead of importing its command line's libraries."""
    if "httpx" in sys.modules:
        return

    def main(*_: object, **__: object) -> None:
        raise SystemExit("httpx's command line is not loaded in aa-tui: run it on its own.")

    stand_in = ModuleType("httpx._main")
    stand_in.main = main  # type: ignore[attr-defined]
    sys.modules.setdefault("httpx._main", stand_in)


def leave(code: int) -> int:
    """End the process with ``code`` now, its exit handlers run and its output flushed, but
    its objects not freed one by one; ``code`` returned (an ordinary exit follows) while a
    thread that is not a daemon still runs."""
    main_thread = threading.main_thread()
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not main_thread):
        return code
    atexit._run_exitfuncs()  # (logging's flush among them)
    for stream in (sys.stdout, sys.stderr):
        if stream is None or stream.closed:  # (an ordinary exit passes them over too)
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone: what was left to say is lost
            code = code or 120  # (Python's own code when its exit's flush fails)
    os._exit(code)
