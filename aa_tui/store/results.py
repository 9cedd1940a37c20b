"""One scan's saved results, read on demand: the only way in to a scan's files.

Callers see typed things (a :class:`~aa_tui.model.summary.ScanSummary`, a
:class:`~aa_tui.model.group_rows.GroupTable`, report-format groups and attachments), never a
file name, an offset or TinyDB's layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from aa_tui.memory import gc_paused
from aa_tui.model.file_table import FileTable
from aa_tui.model.group_rows import GroupTable, group_row, sort_orders
from aa_tui.model.summary import ScanSummary
from aa_tui.store.errors import StoreError
from aa_tui.store.file_rows import FILE_ROWS, read_file_rows, rows_from_saved
from aa_tui.store.layer import LAYER, read_layer, tally_of
from aa_tui.store.table_reader import UnexpectedLayout, iter_table


class ScanFiles(Protocol):
    """What results read from the store (:class:`~aa_tui.store.store.Store` is one): a scan's
    tables and its folder. A protocol, so that this module does not import the store's."""

    def scan_dir(self, scan_id: str) -> Path: ...

    def load_summary(self, scan_id: str) -> dict[str, Any]: ...

    def add_to_summary(self, scan_id: str, fields: dict[str, Any]) -> None: ...

    def load_groups(self, scan_id: str) -> list[dict[str, Any]]: ...

    def load_attachments(self, scan_id: str) -> list[dict[str, Any]]: ...

    def load_group_rows(self, scan_id: str) -> GroupTable | None: ...

    def load_group(
        self, scan_id: str, index: int, rows: Sequence[Sequence[Any]] | None = None
    ) -> dict[str, Any]: ...

    def groups_layered(self, scan_id: str) -> bool: ...

    def iter_layer_groups(self, scan_id: str) -> Iterator[dict[str, Any]]: ...


PROGRESS_EVERY = 5000  # groups between two progress calls while reading them one by one


class ScanResults:
    """The results of one finished scan (``Store.results(scan_id)``)."""

    def __init__(self, store: ScanFiles, scan_id: str) -> None:
        self._store = store
        self.scan_id = scan_id
        self._summary: ScanSummary | None = None
        self._rows: list[list[Any]] | None = None
        #: every group with its locations, when they had to be read in full (a scan saved by
        #: an aa-tui that wrote no group rows); else groups are read one at a time
        self._groups: list[dict[str, Any]] | None = None
        self._files: FileTable | None = None

    def summary(self) -> ScanSummary:
        """Totals, tables and quick wins (read once, then kept)."""
        if self._summary is None:
            self._summary = ScanSummary.from_dict(self._store.load_summary(self.scan_id))
        return self._summary

    def keep_in_summary(self, fields: dict[str, Any]) -> None:
        """Save ``fields`` into the scan's summary (tables counted when first read, as a
        layered rescan's insights are: the next reader finds them); a summary that cannot be
        written is left as it is (they are counted again)."""
        try:
            self._store.add_to_summary(self.scan_id, fields)
        except (OSError, StoreError):
            return
        self._summary = None

    def group_table(
        self,
        *,
        progress: Callable[[int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> GroupTable:
        """One short row per group and the sort orders. Saved rows are read in one go; a scan
        without them has its groups read one at a time (``progress(count)`` every few
        thousand; ``cancelled()`` stops early with what was read)."""
        table = self._store.load_group_rows(self.scan_id)
        if table is not None:
            self._rows = table.rows
            return table
        groups = self._read_groups(progress, cancelled)
        self._groups = groups
        rows = [group_row(g) for g in groups]
        self._rows = rows
        return GroupTable(rows=rows, orders=sort_orders(rows))

    def _read_groups(
        self, progress: Callable[[int], None] | None, cancelled: Callable[[], bool]
    ) -> list[dict[str, Any]]:
        path = self._store.scan_dir(self.scan_id) / "groups.json"
        layered = self._store.groups_layered(self.scan_id)
        if not layered and not path.exists():
            return self._store.load_groups(self.scan_id)  # raises the store's own error
        groups: list[dict[str, Any]] = []
        documents = self._store.iter_layer_groups(self.scan_id) if layered else iter_table(path)
        with gc_paused():  # a million new objects would trigger full collections (UI pauses)
            try:
                for document in documents:
                    groups.append(document)
                    if len(groups) % PROGRESS_EVERY == 0:
                        if cancelled():
                            return groups
                        if progress:
                            progress(len(groups))
            except (UnexpectedLayout, ValueError):
                return self._store.load_groups(self.scan_id)
        return groups

    def group(self, index: int) -> dict[str, Any]:
        """The group at ``index`` (the table's order) with every location."""
        if self._groups is not None and 0 <= index < len(self._groups):
            return self._groups[index]
        return self._store.load_group(self.scan_id, index, self._rows)

    def groups(self) -> list[dict[str, Any]]:
        """Every group with every location (for an export)."""
        if self._groups is not None:
            return self._groups
        return self._store.load_groups(self.scan_id)

    def iter_groups(self) -> Iterator[dict[str, Any]]:
        """Every group with every location, in the table's order, read from the file one at a
        time (an export streams them: 100,000 groups never sit in memory together)."""
        if self._groups is not None:
            yield from self._groups
            return
        if self._store.groups_layered(self.scan_id):
            yield from self._store.iter_layer_groups(self.scan_id)
            return
        path = self._store.scan_dir(self.scan_id) / "groups.json"
        documents = iter_table(path) if path.exists() else iter(())
        try:
            first = next(documents, None)
        except (OSError, ValueError):  # not one table (or missing): the store reads it
            yield from self._store.load_groups(self.scan_id)
            return
        if first is None:
            if not path.exists():
                yield from self._store.load_groups(self.scan_id)  # raises the store's error
            return
        yield first
        try:
            yield from documents
        except ValueError:
            raise StoreError(
                f"The store file {path} is damaged (cut short, or not what aa-tui wrote); run "
                "the scan again."
            ) from None

    def members(self) -> dict[str, list[str]] | None:
        """Each duplicate group's files' ids by its hash (the kept one first), as the scan
        counted them; ``None`` for a scan saved without them (by an older aa-tui) or whose
        list cannot be read."""
        folder = self._store.scan_dir(self.scan_id)
        try:
            layer = read_layer(folder)
        except StoreError:
            return None
        tally = tally_of(folder, layer)
        return dict(tally.groups) if tally is not None else None

    def attachments(self) -> list[dict[str, Any]]:
        """Every attachment record the scan saw, as saved."""
        return self._store.load_attachments(self.scan_id)

    def folder_key(self) -> str:
        """What tells this scan's saved files apart from any other's (its folder and when its
        file table was written): a cache of the table is valid while this is unchanged."""
        folder = self._store.scan_dir(self.scan_id)
        stamp = 0
        for name in (LAYER, FILE_ROWS):  # a layer's own file: its root's is older
            try:
                stamp = (folder / name).stat().st_mtime_ns
                break
            except OSError:
                continue
        return f"{folder}:{stamp}"

    def file_table(self) -> FileTable:
        """Every file of the scan (read once, then kept): the saved table, or for a scan
        saved without one, rebuilt from its attachments and groups."""
        if self._files is None:
            table = read_file_rows(self._store.scan_dir(self.scan_id))
            if table is None:
                table = rows_from_saved(self.attachments(), self.groups())
            self._files = table
        return self._files
