"""The cyclic garbage collector, out of the way while millions of objects are built or kept;
the C allocator told to give large blocks back.

A utility below every layer: the store pauses it while it parses, a screen keeps a loaded
scan out of its sight while the screen is open, a scan gives freed answers back.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
import threading
from collections.abc import Iterator

#: glibc's ``mallopt`` parameter, and its default before it starts raising it by itself
M_MMAP_THRESHOLD = -3
LARGE_BLOCK = 128 * 1024


_pauses = 0  # gc_paused blocks open, in every thread
_resume = False  # whether the collector was on when the first of them began
_pausing = threading.Lock()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while parsing or building millions of objects.

    Every few thousand new containers trigger a collection, and the full ones walk every object
    alive: they find nothing here and can double a load's time (and stall a UI thread). Nests,
    in one thread or several (a rescan's base is read in a thread of its own while the scan's
    thread pauses too): collection comes back on when the last pause open ends, and only if
    it was on when the first began."""
    global _pauses, _resume
    with _pausing:
        if not _pauses:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pausing:
            _pauses -= 1
            if not _pauses and _resume:
                gc.enable()


def free_garbage() -> None:
    """Collect what is garbage now (a closed screen's rows): call it before loading what
    :func:`keep_out_of_collections` will freeze, or the freeze pins that garbage too."""
    gc.collect()


def keep_out_of_collections() -> None:
    """Move every object alive now into the permanent generation (``gc.freeze``), so that a
    screen which just loaded millions of rows is not walked by the next collections (a stall
    of ~0.9 s at 100,000 groups). Pair it with :func:`release_to_collections` when that
    screen goes, or its objects are never freed."""
    gc.freeze()


def release_to_collections() -> None:
    gc.unfreeze()


def return_large_blocks() -> None:
    """Have glibc's ``malloc`` map each block of 128 KiB or more apart, so that freeing it
    gives its memory back to the system (nothing elsewhere, where this does nothing).

    By default glibc raises that threshold to the size of each large block freed, up to
    32 MiB: a scan's Jira answers (~0.1-1 MB each, thousands of them) then come from the heap,
    and the small objects kept between them pin the freed space (~75 MB of 84 at 160,000
    files, ~0.45 KiB a file that the scan's peak carried to its end)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):  # not glibc (musl has no mallopt)
        return
    mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)


#: what a command left for the process's end to take back, one object of each kind (a new
#: one replaces the last: a process that runs many commands keeps one)
_left: dict[str, object] = {}


def leave_to_the_end(kind: str, kept: object) -> None:
    """Keep ``kept`` until the process ends: ``aa-tui`` ends it without freeing objects one
    by one (:func:`aa_tui.launch.leave`), where freeing a rescan's groups and records at
    1,000,000 issues took 0.15 s as the command returned."""
    _left[kind] = kept
