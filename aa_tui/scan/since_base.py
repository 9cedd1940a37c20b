"""A rescan's groups and breakdowns counted by difference from its base's, not afresh.

A rescan holds its base's files but for those of the issues that changed or left (*gone*),
plus the changed issues' files as they are now (*new*). Counting every figure afresh walked
all of them twice in Python (2.5 s at 531,000 files, for 1% that changed). By difference:

- **Groups** (``--verify metadata``: size and name). Only the sizes of gone and new files can
  group otherwise; the base's groups of every other size hold, their files known by id
  (:mod:`aa_tui.store.members`). The touched sizes are grouped afresh.
- **Breakdowns.** The base's tables, less what the gone files counted there, plus what the new
  ones count; a kept file whose copy status changed (its group changed) leaves and comes back.
  The age brackets and the stale files also move with the clock: the kept files whose dates
  lie near a bracket's edge, between the base's count and this one, are moved.

Each falls back to counting afresh when the base lacks what it needs (a scan saved before it
was kept) or does not add up. The results equal a full count exactly (the rescan tests check
every figure against a full scan of the changed site).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from operator import attrgetter, itemgetter
from typing import Any

from aa_tui.model.classify import STALE_AFTER_DAYS, age_bracket
from aa_tui.model.group_rows import merged_in_order
from aa_tui.model.records import AttachmentRecord, DuplicateGroup, StatRow, Totals
from aa_tui.scan.base_tally import BaseTally, read_base_tally
from aa_tui.scan.clock_edges import NearEdges, having, near_edges_of
from aa_tui.scan.held import KeptFiles, place_files
from aa_tui.scan.layering import LayerPlan
from aa_tui.scan.likely import metadata_groups
from aa_tui.scan.stats import (
    FIELD_KEYS,
    QUICK_WINS,
    Breakdown,
    aggregate,
    breakdown_of,
    copies_of,
    is_stale,
    quick_win_order,
)
from aa_tui.store.members import Tally
from aa_tui.store.store import Store

_AID, _SIZE = attrgetter("attachment_id"), attrgetter("size")
_IDS = itemgetter(1)


@dataclass
class Since:
    """What a rescan's records differ by from its base's."""

    from_base: int  # the rescan's records start with this many of the base's, unchanged
    gone: list[AttachmentRecord]  # the base's other records (their issues changed or left)
    #: the base's tally (its groups by id, when its tables were counted) and summary
    #: (:mod:`aa_tui.scan.base_tally`); ``None``: a base saved before they were kept. Read
    #: by ``load`` when first needed: after the listing's ids are let go, not beside them at
    #: the scan's peak (~25 MiB at 64,000 groups)
    ahead: BaseTally | None = None
    base_id: str = ""  # the base's scan id
    #: the hashes of the base's groups held unchanged (:func:`groups_since`): left where the
    #: base saved them (:mod:`aa_tui.scan.spliced`)
    held: frozenset[str] = frozenset()
    #: the kept files of the sizes a gone or new file has (:func:`groups_since`): the only
    #: kept ones whose group, and so copy status, can have changed
    touched: list[AttachmentRecord] | None = None
    #: the base's files near a clock's edge, picked while the listing ran
    near: NearEdges | None = None
    #: the hashes of the groups the base's own group layer wrote (:mod:`aa_tui.scan.spliced`)
    group_delta: frozenset[str] = frozenset()

    load: Callable[[], BaseTally | None] | None = None

    def read_ahead(self) -> BaseTally | None:
        """What the base counts from (read now if not yet)."""
        if self.load is not None:
            self.ahead, self.load = self.load(), None
        return self.ahead

    @property
    def tally(self) -> Tally | None:
        ahead = self.read_ahead()
        return ahead.tally if ahead is not None else None

    def base(self) -> tuple[Tally, dict[str, Any]] | None:
        """The base's tally and summary (read now if not yet); ``None`` without them."""
        ahead = self.read_ahead()
        return (ahead.tally, ahead.summary) if ahead is not None else None


def since_base(
    store: Store, plan: LayerPlan, gone: list[AttachmentRecord], near: NearEdges | None = None
) -> Since:
    """What a rescan differs by from the base ``plan`` names (``gone``: the base's records of
    the issues that changed or left; the rescan's first ``plan.from_base`` records are the
    base's others), what it counts from read when first needed; without it (a base saved
    before it was kept) everything is counted afresh."""
    since = Since(plan.from_base, gone, None, plan.base, near=near)
    since.load = lambda: read_base_tally(store, plan.base, plan.base_layer)
    since.group_delta = plan.group_delta
    return since


def likely_groups(records: list[AttachmentRecord], since: Since | None) -> list[DuplicateGroup]:
    """The ``--verify metadata`` groups of ``records``: by difference when ``since``."""
    groups = groups_since(since, records) if since is not None else None
    return metadata_groups(records) if groups is None else groups


def breakdown(
    records: list[AttachmentRecord],
    groups: list[DuplicateGroup],
    since: Since | None,
    *,
    now: datetime,
    issues_scanned: int,
    unreadable: int,
) -> Breakdown:
    """Every table of a scan (:func:`~aa_tui.scan.stats.aggregate`): by difference when
    ``since``."""
    counted = None
    if since is not None:
        counted = aggregate_since(
            since, records, groups, now=now, issues_scanned=issues_scanned, unreadable=unreadable
        )
    if counted is None:
        counted = aggregate(
            records, groups, now=now, issues_scanned=issues_scanned, unreadable=unreadable
        )
    return counted


def groups_since(since: Since, records: list[AttachmentRecord]) -> list[DuplicateGroup] | None:
    """The ``--verify metadata`` groups of ``records``: the base's groups of sizes no gone or
    new file has (held by id, :mod:`aa_tui.scan.held`), plus the touched sizes grouped
    afresh; ``None`` when the base's groups do not fit (not metadata ones, not its summary's,
    or a file of those read here not kept)."""
    base = since.base()
    if base is None:
        return None
    tally, summary = base
    kept, new = records[: since.from_base], records[since.from_base :]
    touched = set(map(_SIZE, since.gone))
    touched.update(map(_SIZE, new))
    ahead = since.read_ahead()
    sizes = ahead.sizes if ahead is not None else None
    if sizes is None:
        return None  # not metadata groups
    files = KeptFiles(kept)
    members = sum(map(len, map(_IDS, tally.groups)))
    # (none of a held group's files is gone: its size would be touched)
    held = files.hold(
        (digest, size, ids)
        for (digest, ids), size in zip(tally.groups, sizes, strict=True)
        if size not in touched
    )
    totals = summary.get("totals") or {}
    if members != totals.get("duplicate_files", -1) + totals.get("duplicate_groups", 0):
        return None  # not the groups its figures count
    # One pass over the kept files finds the touched sizes' and the files of the held groups
    # read for certain: the quick-win candidates and those the base's own group delta holds
    # (written again): reading them apart was a pass each (~0.15 s at 531,000 files).
    read = heapq.nsmallest(QUICK_WINS, held, key=quick_win_order)
    read += [g for g in held if g.hash in since.group_delta]
    looked = having(kept, touched.union(g.size for g in read).__contains__, _SIZE)
    if not files.place_among(read, looked):
        return None  # the base's tally names a file it did not keep: grouped afresh
    since.touched = having(looked, touched.__contains__, _SIZE)
    since.held = frozenset(g.hash for g in held)
    # The few regrouped ones put in place among the held ones, in the base's order. A held
    # group never has a regrouped one's size, so their waste and copies alone tell them
    # apart (no held group's name is read).
    groups: list[DuplicateGroup] = list(held)
    return merged_in_order(groups, metadata_groups(since.touched + new), _waste_and_copies)


def _waste_and_copies(group: DuplicateGroup) -> tuple[int, int]:
    return (-group.wasted_size, -group.copies)


def aggregate_since(
    since: Since,
    records: list[AttachmentRecord],
    groups: list[DuplicateGroup],
    *,
    now: datetime,
    issues_scanned: int,
    unreadable: int,
) -> Breakdown | None:
    """What :func:`~aa_tui.scan.stats.aggregate` counts of ``records`` and ``groups`` at
    ``now``, by difference from the base's summary; ``None`` when it cannot be (the base's
    figures are not those of its files, or the clock went back since they were counted)."""
    base = since.base()
    if base is None:
        return None
    tally, summary = base
    then = tally.counted_at
    counts = _Counts.of(summary, then, now)
    if counts is None or since.from_base + len(since.gone) != counts.totals.total_files:
        return None
    ahead = since.read_ahead()
    were = ahead.copies if ahead is not None else frozenset()  # the base's copies
    # the copies now of the groups not held (a held group's are the base's): a file's copy
    # status changed where the two differ
    held = since.held
    copies = copies_of(g for g in groups if g.hash not in held)
    was = {a for d, ids in tally.groups if d not in held for a in ids[1:]} if held else were
    flipped = was.symmetric_difference(copies)
    kept = records[: since.from_base]
    for record in since.gone:
        counts.add(record, -1, record.attachment_id in were, then)
    maybe = since.touched if since.touched is not None else kept
    for record in having(maybe, flipped.__contains__, _AID) if flipped else ():
        counts.add(record, -1, record.attachment_id in were, then)
        counts.add(record, 1, record.attachment_id in copies, now)
    for record in islice(records, since.from_base, None):
        counts.add(record, 1, record.attachment_id in copies, now)
    counts.move_with_clock(near_edges_of(since.near, kept, since.gone, then, now), flipped, were)
    if not counts.sound():
        return None
    counts.totals.issues_scanned = issues_scanned
    counts.totals.unreadable_files = unreadable
    counted = breakdown_of(counts.totals, counts.rows, groups)
    place_files(counted.quick_wins)  # (read whole into the summary)
    return counted


class _Counts:
    """A summary's totals and tables, counted into by difference."""

    def __init__(
        self, totals: Totals, rows: dict[str, dict[str, StatRow]], then: datetime, now: datetime
    ) -> None:
        self.totals, self.rows, self.then, self.now = totals, rows, then, now
        self.stale_then = then - timedelta(days=STALE_AFTER_DAYS)
        self.stale_now = now - timedelta(days=STALE_AFTER_DAYS)

    @classmethod
    def of(cls, summary: dict[str, Any], then: datetime, now: datetime) -> _Counts | None:
        if now < then:
            return None
        try:
            saved = summary["totals"]
            totals = Totals(
                total_files=int(saved["total_files"]),
                total_size=int(saved["total_size"]),
                zero_byte_files=int(saved["zero_byte_files"]),
                stale_files=int(saved["stale_files"]),
                stale_size=int(saved["stale_size"]),
            )
            rows = {
                name: {str(r["key"]): StatRow(**r) for r in summary[name]}
                for name in (*FIELD_KEYS, "age_brackets")
            }
        except (KeyError, TypeError, ValueError):
            return None
        return cls(totals, rows, then, now)

    def add(self, record: AttachmentRecord, sign: int, copy: bool, clock: datetime) -> None:
        """Count ``record`` in (``sign`` 1) or out (-1) as a copy or not, its age at ``clock``."""
        size = sign * record.size
        totals = self.totals
        totals.total_files += sign
        totals.total_size += size
        if not record.size:
            totals.zero_byte_files += sign
        for name, keyer in FIELD_KEYS.items():
            self._count(name, keyer(record), sign, size, copy)
        self._count("age_brackets", age_bracket(record.created, clock), sign, size, copy)
        stale = clock - timedelta(days=STALE_AFTER_DAYS)
        if record.status_category == "Done" and is_stale(record, stale):
            totals.stale_files += sign
            totals.stale_size += size

    def _count(self, name: str, key: str, sign: int, size: int, copy: bool) -> None:
        table = self.rows[name]
        row = table.get(key)
        if row is None:
            row = table[key] = StatRow(key)
        row.files += sign
        row.size += size
        if copy:
            row.duplicate_files += sign
            row.wasted_size += size

    def move_with_clock(
        self, near: list[AttachmentRecord], flipped: AbstractSet[str], copies: AbstractSet[str]
    ) -> None:
        """Move the kept files (those whose copy status held: ``copies``, the base's) whose
        age bracket or staleness changed between the base's count and this one: only files
        near a clock's edge can (``near``: those kept files, and maybe some more, of
        :func:`~aa_tui.scan.clock_edges.near_clock_edges`)."""
        then, now = self.then, self.now
        for record in near:
            if record.attachment_id in flipped:
                continue
            before, after = age_bracket(record.created, then), age_bracket(record.created, now)
            if before != after:
                copy = record.attachment_id in copies
                self._count("age_brackets", before, -1, -record.size, copy)
                self._count("age_brackets", after, 1, record.size, copy)
            if record.status_category == "Done":
                change = is_stale(record, self.stale_now) - is_stale(record, self.stale_then)
                self.totals.stale_files += change
                self.totals.stale_size += change * record.size

    def sound(self) -> bool:
        """Whether the figures are possible ones (none below zero, an empty row empty); the
        empty rows go, as a table counted afresh has none."""
        for name, table in self.rows.items():
            for row in table.values():
                counts = (row.files, row.size, row.duplicate_files, row.wasted_size)
                if min(counts) < 0 or (not row.files and any(counts)):
                    return False
            self.rows[name] = {k: r for k, r in table.items() if r.files}
        totals = self.totals
        return min(totals.total_files, totals.total_size, totals.stale_files) >= 0
