"""A rescan's groups held unchanged from its base, known by their files' ids: their records
are placed only when asked for.

A metadata rescan holds most of its base's groups as they were (those of sizes no gone or new
file has). What it counts and saves of them needs their hash, size and copies, and their
files' ids: the layer's members and the groups' layer (:mod:`aa_tui.scan.spliced`) name them
by id. Placing each one's records among the kept files took ~0.5 s of a 1,000,000-issue
rescan (64,000 groups among 531,000 files) for the few that are read: the quick wins, a
group the base's own delta held, or every one when the scan is saved whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.scan.clock_edges import having

_AID = attrgetter("attachment_id")


class KeptFiles:
    """The kept files of a rescan, where its held groups find theirs."""

    def __init__(self, kept: list[AttachmentRecord]) -> None:
        self._kept = kept
        self.held: list[HeldGroup] = []  # every held group: placed at once when one is read

    def place_among(self, groups: list[HeldGroup], files: list[AttachmentRecord]) -> bool:
        """Place the files of ``groups`` from ``files`` (kept files that include all theirs:
        those of their sizes); ``False``, none placed, when one of theirs is not there."""
        by_id = dict(zip(map(_AID, files), files, strict=True))
        try:
            placed = [[by_id[a] for a in group.ids] for group in groups]
        except KeyError:
            return False
        for group, found in zip(groups, placed, strict=True):
            group.placed = found
        return True

    def place(self, groups: Iterable[DuplicateGroup]) -> None:
        """Place the files of the held ones of ``groups`` not placed yet: one pass over the
        kept files for them all."""
        todo = [g for g in groups if isinstance(g, HeldGroup) and g.placed is None]
        if not todo:
            return
        wanted = {a for g in todo for a in g.ids}
        found = having(self._kept, wanted.__contains__, _AID)
        by_id = dict(zip(map(_AID, found), found, strict=True))
        for group in todo:
            group.placed = [by_id[a] for a in group.ids]


class HeldGroup(DuplicateGroup):
    """A base's metadata group a rescan holds as it was: its files by id (the kept one
    first), their records placed when first read (every held group's at once)."""

    __slots__ = ("ids", "placed", "_files")

    def __init__(self, digest: str, size: int, ids: list[str], files: KeptFiles) -> None:
        self.hash, self.size, self.likely = digest, size, True
        self.ids = ids
        self.placed: list[AttachmentRecord] | None = None
        self._files = files

    @property
    def locations(self) -> list[AttachmentRecord]:
        if self.placed is None:
            self._files.place(self._files.held)
        assert self.placed is not None
        return self.placed

    @locations.setter
    def locations(self, files: list[AttachmentRecord]) -> None:
        self.placed = files

    @property
    def copies(self) -> int:
        return len(self.ids)


def place_files(groups: Iterable[DuplicateGroup]) -> None:
    """Place the files of the held groups among ``groups`` (those to be read), a pass over
    the kept files for each rescan's, not one a group."""
    by_files: dict[int, tuple[KeptFiles, list[DuplicateGroup]]] = {}
    for group in groups:
        if isinstance(group, HeldGroup) and group.placed is None:
            by_files.setdefault(id(group._files), (group._files, []))[1].append(group)
    for files, some in by_files.values():
        files.place(some)


def ids_of(group: DuplicateGroup) -> list[str]:
    """A group's files' ids, the kept one first (a held group's without placing them)."""
    if isinstance(group, HeldGroup):
        return group.ids
    return [r.attachment_id for r in group.locations]
