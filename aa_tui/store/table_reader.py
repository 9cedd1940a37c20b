"""Read a scan's duplicate groups a few at a time, so a UI thread beside the reader runs.

``json.loads`` or ``orjson.loads`` of a 100,000-group file (~120 MB) is one C call that holds
the GIL for seconds, so the UI thread stalls even when the load runs in a worker thread. This
reader walks the store's table one group at a time (``JSONDecoder.raw_decode``): the same
result, in small slices that let the UI thread run between them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aa_tui.model.errors import InternalError

_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()
TABLE = "_default"  # TinyDB's default table, as Store.save_results writes it


class UnexpectedLayout(InternalError, ValueError):
    """The file is not a one-table TinyDB document: let the store read it."""


def _skip(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


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
