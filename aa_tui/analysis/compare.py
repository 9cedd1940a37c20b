"""Two scans' duplicate groups side by side: which appeared, disappeared, grew or shrank."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aa_tui.model.group_rows import COPIES, HASH, NAME, SIZE, WASTED
from aa_tui.model.insights import GroupChange, GroupChanges


def group_changes(before: Sequence[Sequence[Any]], after: Sequence[Sequence[Any]]) -> GroupChanges:
    """Compare two scans' group rows (:data:`~aa_tui.model.group_rows.GROUP_ROW_FIELDS`) by
    hash: the same bytes (or, for metadata scans, the same size and name) are the same group."""
    old = {r[HASH]: r for r in before}
    new = {r[HASH]: r for r in after}
    changes = GroupChanges()
    for digest, row in new.items():
        was = old.get(digest)
        if was is None:
            changes.appeared.append(_change(row, None, row))
        elif row[COPIES] > was[COPIES]:
            changes.grew.append(_change(row, was, row))
        elif row[COPIES] < was[COPIES]:  # copies deleted, or their issues gone from the scope
            changes.shrank.append(_change(row, was, row))
    for digest, row in old.items():
        if digest not in new:
            changes.disappeared.append(_change(row, row, None))
    for found in (changes.appeared, changes.grew):
        found.sort(key=lambda c: (-c.wasted_change, c.hash))
    for found in (changes.disappeared, changes.shrank):
        found.sort(key=lambda c: (c.wasted_change, c.hash))
    return changes


def _change(
    row: Sequence[Any], was: Sequence[Any] | None, now: Sequence[Any] | None
) -> GroupChange:
    return GroupChange(
        hash=row[HASH],
        file_name=row[NAME],
        size=row[SIZE],
        copies_before=was[COPIES] if was else 0,
        copies_after=now[COPIES] if now else 0,
        wasted_before=was[WASTED] if was else 0,
        wasted_after=now[WASTED] if now else 0,
    )
