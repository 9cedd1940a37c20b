"""A report's long tables as streams: rows made again each time they are walked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any


class Rows:
    """A table of a report (groups, a file list) that is read when written, not kept: each
    walk calls ``make`` again, so a JSON file and a folder of CSV files written from one report
    each read it once, and neither holds the whole table."""

    def __init__(self, make: Callable[[], Iterable[dict[str, Any]]]) -> None:
        self._make = make

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._make())
