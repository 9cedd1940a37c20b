"""Two scans' duplicate groups side by side: which appeared, disappeared, grew or shrank,
and which hold as many copies but other files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aa_tui.model.group_rows import COPIES, HASH, NAME, SIZE, WASTED
from aa_tui.model.insights import GroupChange, GroupChanges

#: a scan's groups' files' ids (the kept one first) by the group's hash
Members = Mapping[str, Sequence[str]]


def group_changes(
    before: Sequence[Sequence[Any]],
    after: Sequence[Sequence[Any]],
    files: tuple[Members, Members] | None = None,
) -> GroupChanges:
    """Compare two scans' group rows (:data:`~aa_tui.model.group_rows.GROUP_ROW_FIELDS`) by
    hash: the same bytes (or, for metadata scans, the same size and name) are the same group.
    ``files``: each scan's groups' files' ids by hash, which tell a group that holds as many
    copies as before but not all the same files."""
    old = {r[HASH]: r for r in before}
    new = {r[HASH]: r for r in after}
    changes = GroupChanges(files_compared=files is not None)
    for digest, row in new.items():
        was = old.get(digest)
        if was is None:
            changes.appeared.append(_change(row, None, row))
        elif row[COPIES] > was[COPIES]:
            changes.grew.append(_change(row, was, row))
        elif row[COPIES] < was[COPIES]:  # copies deleted, or their issues gone from the scope
            changes.shrank.append(_change(row, was, row))
        elif files is not None:
            other = _other_files(files[0].get(digest), files[1].get(digest), row[COPIES])
            if other is None:  # (the lists do not fit the rows: not known for this group)
                changes.files_compared = False
            elif other:
                changes.changed.append(_change(row, was, row))
    for digest, row in old.items():
        if digest not in new:
            changes.disappeared.append(_change(row, row, None))
    for found in (changes.appeared, changes.grew):
        found.sort(key=lambda c: (-c.wasted_change, c.hash))
    for found in (changes.disappeared, changes.shrank):
        found.sort(key=lambda c: (c.wasted_change, c.hash))
    changes.changed.sort(key=lambda c: (-c.wasted_after, c.hash))
    return changes


def _other_files(
    before: Sequence[str] | None, after: Sequence[str] | None, copies: int
) -> bool | None:
    """Whether a group of ``copies`` copies in both scans holds other files in the second;
    ``None`` when a scan's list of them is missing or is not of that many files."""
    if before is None or after is None or len(before) != copies or len(after) != copies:
        return None
    return set(before) != set(after)


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
