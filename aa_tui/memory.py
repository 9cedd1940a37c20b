"""The cyclic garbage collector, out of the way while millions of objects are built or kept.

A utility below every layer: the store pauses it while it parses, a screen keeps a loaded
scan out of its sight while the screen is open.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while parsing or building millions of objects.

    Every few thousand new containers trigger a collection, and the full ones walk every object
    alive: they find nothing here and can double a load's time (and stall a UI thread). Nests:
    only the outermost pause switches collection back on.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
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
