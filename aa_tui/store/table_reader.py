"""Read a scan's duplicate groups without freezing the UI (no UI imports).

``json.loads`` or ``orjson.loads`` of a 100,000-group file (~120 MB) is one C call that holds
the GIL for seconds, so the UI thread stalls even when the load runs in a worker thread. This
reader walks the store's table one group at a time (``JSONDecoder.raw_decode``): the same
result, in small slices that let the UI thread run between them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from aa_tui.store.atomic import gc_paused
from aa_tui.store.store import Store

_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()
TABLE = "_default"  # TinyDB's default table, as Store.save_results writes it
PROGRESS_EVERY = 5000


class UnexpectedLayout(ValueError):
    """The file is not a one-table TinyDB document: let the store read it."""


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()


def _expect(text: str, at: int, char: str) -> int:
    at = _skip(text, at)
    if text[at : at + 1] != char:
        raise UnexpectedLayout(f"expected {char!r} at {at}")
    return at + 1


def iter_table(path: Path, table: str = TABLE) -> Iterator[dict[str, Any]]:
    """The documents of one TinyDB table, in stored order, parsed one at a time."""
    text = Path(path).read_bytes().decode("utf-8")
    at = _expect(text, 0, "{")
    name, at = _DECODER.raw_decode(text, _skip(text, at))
    if name != table:
        raise UnexpectedLayout(f"first table is {name!r}, not {table!r}")
    at = _expect(text, at, ":")
    at = _expect(text, at, "{")
    while True:
        at = _skip(text, at)
        if text[at : at + 1] == "}":
            return
        _key, at = _DECODER.raw_decode(text, at)
        at = _expect(text, at, ":")
        document, at = _DECODER.raw_decode(text, _skip(text, at))
        yield document
        at = _skip(text, at)
        if text[at : at + 1] == ",":
            at += 1


def load_groups(
    store: Store,
    scan_id: str,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[dict[str, Any]]:
    """Every group of a scan; falls back to ``store.load_groups`` for any other layout (it
    also raises the store's own error for a missing or damaged file)."""
    path = store.scan_dir(scan_id) / "groups.json"
    if not path.exists():
        return store.load_groups(scan_id)
    groups: list[dict[str, Any]] = []
    # a million new objects would trigger full collections (UI pauses)
    with gc_paused():
        try:
            for document in iter_table(path):
                groups.append(document)
                if len(groups) % PROGRESS_EVERY == 0:
                    if cancelled():
                        return groups
                    if progress:
                        progress(len(groups))
        except (UnexpectedLayout, ValueError):
            return store.load_groups(scan_id)
    return groups
