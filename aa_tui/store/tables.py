"""A table of the store's index beside scans and profiles (cleanup plans), behind its lock.

Rows are keyed by their ``id`` field; each call reads the file afresh, under the store's lock
(which holds across processes). The index is one TinyDB file rewritten atomically on every
change, so a table here holds short rows only; bulky data lives in its own files.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from tinydb import Query
from tinydb.table import Table


class IndexTable:
    """``table`` gives the table as the file holds it now; ``locked`` holds the store's lock."""

    def __init__(
        self, table: Callable[[], Table], locked: Callable[[], AbstractContextManager[None]]
    ) -> None:
        self._open = table
        self._lock = locked

    @property
    def _table(self) -> Table:
        return self._open()

    def all(self) -> list[dict[str, Any]]:
        with self._lock():
            return [dict(row) for row in self._table.all()]

    def get(self, row_id: str) -> dict[str, Any] | None:
        with self._lock():
            row = self._table.get(Query().id == row_id)
        return dict(row) if row else None

    def upsert(self, row: dict[str, Any]) -> None:
        with self._lock():
            self._table.upsert(row, Query().id == row["id"])

    def update(self, row_id: str, **changes: Any) -> None:
        with self._lock():
            self._table.update(changes, Query().id == row_id)
