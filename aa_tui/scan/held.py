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
from aa_tui.store.errors import StoreError

_AID = attrgetter("attachment_id")


class KeptFiles:
    """The kept files of a rescan, where its held groups find theirs. It knows the groups by
    their number and ids, not the groups themselves: a group holds it, and a cycle would keep
    every kept record until a full collection (the review's)."""

    def __init__(self, kept: list[AttachmentRecord]) -> None:
        self._kept: list[AttachmentRecord] | None = kept
        self._ids: list[list[str]] = []  # each held group's files' ids, by its number
        self._placed: list[list[AttachmentRecord] | None] = []  # and its records, once placed
        self._unplaced = 0  # held groups whose files are not placed yet

    def hold(self, groups: Iterable[tuple[str, int, list[str]]]) -> list[HeldGroup]:
        """Held groups of these hashes, sizes and files' ids (numbered in that order)."""
        held = [HeldGroup(d, size, ids, self, n) for n, (d, size, ids) in enumerate(groups)]
        self._ids = [g.ids for g in held]
        self._placed = [None] * len(held)
        self._unplaced = len(held)
        return held

    def placed(self, number: int) -> list[AttachmentRecord] | None:
        return self._placed[number]

    def place_among(self, groups: list[HeldGroup], files: list[AttachmentRecord]) -> bool:
        """Place the files of ``groups`` from ``files`` (kept files that include all theirs:
        those of their sizes); ``False``, none placed, when one of theirs is not there."""
        return self._place(list(dict.fromkeys(g.number for g in groups if g.placed is None)), files)

    def place(self, numbers: Iterable[int] | None = None) -> None:
        """Place the files of the held groups ``numbers`` (all when ``None``) not placed yet:
        one pass over the kept files for them all. Once all are, the kept files are let go."""
        asked: Iterable[int] = range(len(self._ids)) if numbers is None else numbers
        todo = [n for n in dict.fromkeys(asked) if self._placed[n] is None]
        if not todo:
            return
        if self._kept is None:
            raise StoreError("A rescan's groups were read after its kept files were let go.")
        wanted = {a for n in todo for a in self._ids[n]}
        if not self._place(todo, having(self._kept, wanted.__contains__, _AID)):
            raise StoreError(
                "The earlier scan's groups name a file it did not keep: its files are damaged. "
                "Run the scan with --full."
            )

    def _place(self, numbers: list[int], files: list[AttachmentRecord]) -> bool:
        """Place the files of the held groups ``numbers`` from ``files``; ``False``, none
        placed, when one of theirs is not among them."""
        by_id = dict(zip(map(_AID, files), files, strict=True))
        try:
            placed = [[by_id[a] for a in self._ids[n]] for n in numbers]
        except KeyError:
            return False
        for n, found in zip(numbers, placed, strict=True):
            self._placed[n] = found
        self._unplaced -= len(numbers)
        if not self._unplaced:
            self._kept = None  # every group's are placed: the kept files are let go
        return True


class HeldGroup(DuplicateGroup):
    """A base's metadata group a rescan holds as it was: its files by id (the kept one
    first), their records placed when first read (every held group's at once)."""

    __slots__ = ("ids", "number", "_files")

    def __init__(
        self, digest: str, size: int, ids: list[str], files: KeptFiles, number: int
    ) -> None:
        self.hash, self.size, self.likely = digest, size, True
        self.ids = ids
        self.number = number  # its number among its rescan's held groups
        self._files = files

    @property
    def placed(self) -> list[AttachmentRecord] | None:
        """Its files' records, once placed."""
        return self._files.placed(self.number)

    @property
    def locations(self) -> list[AttachmentRecord]:
        placed = self._files.placed(self.number)
        if placed is None:
            self._files.place()
            placed = self._files.placed(self.number)
        assert placed is not None
        return placed

    @locations.setter
    def locations(self, files: list[AttachmentRecord]) -> None:
        raise AttributeError("a held group's files are its base's: they are not set")

    @property
    def copies(self) -> int:
        return len(self.ids)

    def member_ids(self) -> list[str]:
        """Its files' ids, without placing them."""
        return self.ids


def place_files(groups: Iterable[DuplicateGroup]) -> None:
    """Place the files of the held groups among ``groups`` (those to be read), a pass over
    the kept files for each rescan's, not one a group."""
    by_files: dict[int, tuple[KeptFiles, list[int]]] = {}
    for group in groups:
        if isinstance(group, HeldGroup) and group.placed is None:
            by_files.setdefault(id(group._files), (group._files, []))[1].append(group.number)
    for files, numbers in by_files.values():
        files.place(numbers)
