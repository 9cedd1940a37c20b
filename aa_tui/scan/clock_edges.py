"""The files whose age bracket or staleness may differ between two moments: only those dated
near an edge (a bracket's limit, the stale cut-off) moved back by either moment. Picked by the
date their time's text starts with, with no time parsed but for odd texts, so that a rescan
moves those alone, not every file (:mod:`aa_tui.scan.since_base`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

from aa_tui.model.classify import AGE_BRACKETS, STALE_AFTER_DAYS
from aa_tui.model.records import AttachmentRecord

_DAY = timedelta(days=1)
#: a time whose text starts with a date lies within this much of that date's midnight (UTC)
#: either way: a UTC offset is under a day, the time of day under another
_SPAN = (timedelta(days=2), timedelta(days=3))
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CREATED, _UPDATED = attrgetter("created"), attrgetter("issue_updated")
_DAY_TEXT = itemgetter(slice(None, 10))  # the date a time's text starts with


def near_clock_edges(
    records: list[AttachmentRecord], then: datetime, now: datetime
) -> list[AttachmentRecord]:
    """The ``records`` whose age bracket (by upload time) or staleness (by their issue's last
    update) may differ between ``then`` and ``now``, and a few more: each is then looked at
    as a time."""
    picker = NearPicker(then, now)
    picker.pick(records)
    return picker.records


class NearPicker:
    """:func:`near_clock_edges` of records given a batch at a time (:meth:`pick`): a rescan's
    base's, as its rows are read back, not in a walk of them all after (0.17 s at 531,000
    files, beside the listing)."""

    def __init__(self, then: datetime, now: datetime, *, quiet: bool = False) -> None:
        self.then, self.now = then, now
        self.records: list[AttachmentRecord] = []  # picked so far
        #: ``quiet``: a batch that cannot be picked from (a text that is no time) raises
        #: nothing, and the picker is :attr:`failed` (a head start, never a read's failure)
        self.quiet, self.failed = quiet, False
        self._no_edges = False  # its moments have none (failed for good, even restarted)
        self._ages = self._stale = _NearEdge([])
        try:  # (a moment within a year of 0001-01-01 has no edges before it)
            self._ages = _NearEdge(
                [(then - n * _DAY, now - n * _DAY) for _, n in AGE_BRACKETS if n]
            )
            stale = STALE_AFTER_DAYS * _DAY
            self._stale = _NearEdge([(then - stale, now - stale)])
        except OverflowError:
            if not quiet:
                raise
            self.failed = self._no_edges = True

    def pick(self, records: list[AttachmentRecord]) -> None:
        if self.failed:
            return
        try:
            self._pick(records)
        except Exception:
            if not self.quiet:
                raise
            self.failed = True

    def picked(self) -> NearEdges | None:
        """What it picked, for any two moments between its own; ``None`` once it failed."""
        return None if self.failed else NearEdges(self.records, self.then, self.now)

    def _pick(self, records: list[AttachmentRecord]) -> None:
        near = having(records, self._ages.__getitem__, _CREATED, _DAY_TEXT)
        seen = {id(r) for r in near}
        stale = having(records, self._stale.__getitem__, _UPDATED, _DAY_TEXT)
        near += [r for r in stale if id(r) not in seen]
        self.records += near

    def restart(self) -> None:
        """Forget what was picked (the records are read again from the start)."""
        self.records, self.failed = [], self._no_edges


@dataclass
class NearEdges:
    """Files :func:`near_clock_edges` picked for any two moments between ``since`` and
    ``until``: a rescan picks its base's beside its listing, not after it."""

    records: list[AttachmentRecord]
    since: datetime
    until: datetime


def near_edges_of(
    picked: NearEdges | None,
    kept: list[AttachmentRecord],
    gone: list[AttachmentRecord],
    then: datetime,
    now: datetime,
) -> list[AttachmentRecord]:
    """:func:`near_clock_edges` of ``kept`` (a base's files but ``gone``) for ``then`` and
    ``now``: those ``picked`` of the base but the gone ones, when ``then`` and ``now`` lie
    within the span they were picked for (a wider span picks more, each then looked at as a
    time), else picked now."""
    if picked is None or not picked.since <= then <= now <= picked.until:
        return near_clock_edges(kept, then, now)
    left = {id(r) for r in gone}
    return [r for r in picked.records if id(r) not in left]


def having(
    records: list[AttachmentRecord], test: Callable[[Any], object], *path: Callable[[Any], Any]
) -> list[AttachmentRecord]:
    """The ``records`` whose field (reached by ``path``) passes ``test``."""
    values: Iterable[Any] = records
    for step in path:
        values = map(step, values)
    return list(compress(records, map(test, values)))


class _NearEdge(dict[str, bool]):
    """Whether a time whose text starts with a given 10 characters may lie within one of
    ``edges`` (spans of time): anything but a date is taken to (it is read as a time then)."""

    def __init__(self, edges: list[tuple[datetime, datetime]]) -> None:
        super().__init__()
        self.edges = edges

    def __missing__(self, prefix: str) -> bool:
        near = True
        if _DATE.fullmatch(prefix):
            try:
                day = datetime.combine(
                    date.fromisoformat(prefix), datetime.min.time(), timezone.utc
                )
                low, high = day - _SPAN[0], day + _SPAN[1]
            except (ValueError, OverflowError):  # (no such day; the first or last days)
                pass
            else:
                near = any(start <= high and low <= end for start, end in self.edges)
        self[prefix] = near
        return near
