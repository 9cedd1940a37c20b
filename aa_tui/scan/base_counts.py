"""What a rescan counts from besides its base's records, read in the base's own thread once
its records are (while the listing still waits on Jira, not after it): the base's layer, its
groups by id and the moment its tables were counted (:mod:`aa_tui.store.members`), its
summary, and its ``--verify metadata`` groups made of its records. The rescan's groups and
tables are then counted by difference (:mod:`aa_tui.scan.since_base`) with little left to do
once its listing ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from aa_tui.model.dates import utc_now
from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.scan.clock_edges import near_clock_edges
from aa_tui.store.errors import StoreError
from aa_tui.store.layer import Layer, read_layer
from aa_tui.store.members import Tally, read_members
from aa_tui.store.store import Store

#: how long from now the files near a clock's edge are picked for (a rescan counting later
#: picks them again)
NEAR_FOR = timedelta(days=1)


@dataclass
class BaseCounts:
    """What the base saved beside its records, for a rescan of it."""

    layer: Layer | None = None  # its layer (``None``: saved whole, or not read)
    layer_read: bool = False  # whether its layer.json was read (else it is read when needed)
    tally: Tally | None = None  # its groups by id (``None``: not kept: counted afresh)
    summary: dict[str, Any] | None = None
    #: its ``--verify metadata`` groups of its records, in its order (``None``: not those)
    groups: list[DuplicateGroup] | None = None
    #: its files near a clock's edge between its count and ``near_until`` (a day from now):
    #: the only ones whose age bracket or staleness a rescan may have to move
    near: list[AttachmentRecord] | None = None
    near_until: datetime | None = None


def read_counts(
    store: Store, scan_id: str, records: Callable[[], Iterable[AttachmentRecord]]
) -> BaseCounts:
    """What scan ``scan_id`` kept for a rescan of it (``records``: its records, read)."""
    counts = BaseCounts()
    folder = store.scan_dir(scan_id)
    try:
        counts.layer, counts.layer_read = read_layer(folder), True
        tally = counts.layer.tally() if counts.layer else read_members(folder)
        if tally is None:
            return counts
        counts.summary = store.load_summary(scan_id)
    except StoreError:  # (then read again where it is needed, and said there)
        return counts
    counts.tally = tally
    counts.groups = likely_groups_of(tally, records())
    counts.near_until = max(utc_now(), tally.counted_at) + NEAR_FOR
    counts.near = near_clock_edges(list(records()), tally.counted_at, counts.near_until)
    if counts.groups is not None:  # its files' ids are its records' now: ~20 MB let go
        tally.groups = []
        if counts.layer is not None:
            counts.layer.groups = []
    return counts


def likely_groups_of(
    tally: Tally, records: Iterable[AttachmentRecord]
) -> list[DuplicateGroup] | None:
    """``tally``'s groups made of ``records`` when they are ``--verify metadata`` ones (their
    hash names their size) and every file of them is among ``records``; else ``None``."""
    sizes = [likely_size(digest) for digest, _ in tally.groups]
    if None in sizes:
        return None
    # each file's group by its id (a pair per file, its group and place, was ~10 MB more at
    # 170,000 files, at the scan's peak); its place in the group looked up once found
    group_of = {a: n for n, (_, ids) in enumerate(tally.groups) for a in ids}
    placed: list[list[Any]] = [[None] * len(ids) for _, ids in tally.groups]
    for record in records:
        n = group_of.get(record.attachment_id)
        if n is not None:
            placed[n][tally.groups[n][1].index(record.attachment_id)] = record
    del group_of
    groups: list[DuplicateGroup] = []
    for (digest, _), size, locations in zip(tally.groups, sizes, placed, strict=True):
        if None in locations or size is None:
            return None
        groups.append(DuplicateGroup(digest, size, locations, likely=True))
    return groups


def likely_size(digest: str) -> int | None:
    """The size a ``likely:<size>:<name hash>`` group's hash names; ``None`` for another."""
    kind, _, rest = digest.partition(":")
    size, _, _ = rest.partition(":")
    return int(size) if kind == "likely" and size.isdigit() else None
