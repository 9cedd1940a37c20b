"""Sort and filter duplicate groups in plain Python lists (no UI imports).

A view is a list of indices into the groups, so 100,000 groups sort and filter in tens of
milliseconds and the screen shows only the rows it can see. Each sort order comes from the
store (computed when the scan was saved) or is computed once and cached; a filter keeps it.

The index works on the store's group rows (:data:`~aa_tui.model.group_rows.GROUP_ROW_FIELDS`: a
short list per group, no locations), read from ``group_rows.json`` or made from full groups
for a scan saved without them. Each facet is an inverted index (value -> groups), so a filter
costs one pass over the chosen groups, not over every location.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any, overload

from aa_tui.model.classify import UNKNOWN_AGE, age_of_days, file_type
from aa_tui.model.dates import epoch_ms
from aa_tui.model.group_rows import (
    COPIES,
    CREATED,
    GROUP_SORTS,
    HASH,
    ISSUES,
    LIKELY,
    NAME,
    PROJECTS,
    SIZE,
    STATUSES,
    UPLOADERS,
    WASTED,
    GroupTable,
    group_row,
)
from aa_tui.tui.group_filter import FILTER_WORDS, GroupFilter

__all__ = ["FILTER_WORDS", "SORTS", "SORT_LABELS", "GroupFilter", "GroupIndex", "GroupRows"]

SORTS: tuple[str, ...] = tuple(GROUP_SORTS)  # wasted, copies, size, name
SORT_LABELS = {"wasted": "wasted bytes", "copies": "copies", "size": "size", "name": "name"}
#: facet -> the row field holding its values (file type and age are derived)
FACET_FIELDS = {"project": PROJECTS, "uploader": UPLOADERS, "status_category": STATUSES}
FACETS = ("project", "file_type", "uploader", "age", "status_category")
_DAY_MS = 86_400_000


class GroupRows(Sequence[dict[str, Any]]):
    """Group rows seen as the small dicts a list draws: hash, size, file_name, copies,
    wasted_size, likely and projects (no locations). Made on demand, one per visible row."""

    def __init__(self, rows: Sequence[Sequence[Any]]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        r = self.rows[index]
        return {
            "hash": r[HASH],
            "size": r[SIZE],
            "file_name": r[NAME],
            "copies": r[COPIES],
            "wasted_size": r[WASTED],
            "likely": r[LIKELY],
            "projects": r[PROJECTS],
        }


class GroupIndex:
    """The groups of one scan with cached sort orders and facets.

    Built from report-format groups (``GroupIndex(groups)``, kept as :attr:`full_groups`) or
    from the store's group rows and sort orders (:meth:`from_table`: locations are then read
    one group at a time, when a group is opened).
    """

    def __init__(
        self,
        groups: Sequence[dict[str, Any]] | None = None,
        *,
        now: datetime | None = None,
        rows: Sequence[Sequence[Any]] | None = None,
        orders: dict[str, list[int]] | None = None,
    ) -> None:
        self.full_groups = None if groups is None else list(groups)
        if rows is None:
            rows = [group_row(g) for g in self.full_groups or ()]
        self.rows = rows
        self.groups = GroupRows(rows)
        self.now = now
        self._orders: dict[str, list[int]] = dict(orders or {})
        self._postings: dict[str, dict[str, list[int]]] = {}
        self._haystack: list[str] | None = None
        #: every group with its locations, in order (status names are in locations only);
        #: set by whoever can read them (the results screen reads the store)
        self.full_loader: Callable[[], Iterable[dict[str, Any]]] | None = None

    @classmethod
    def from_table(cls, table: GroupTable, *, now: datetime | None = None) -> GroupIndex:
        """From the store's group rows and their stored sort orders."""
        return cls(now=now, rows=table.rows, orders=table.orders)

    def __len__(self) -> int:
        return len(self.rows)

    def full_group(self, index: int) -> dict[str, Any] | None:
        """The group with its locations, when the index holds them."""
        return None if self.full_groups is None else self.full_groups[index]

    # -- sorting --------------------------------------------------------------------------------
    def order(self, sort: str) -> list[int]:
        """Indices in ``sort`` order, biggest first (names A to Z); ties broken by hash."""
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}")
        cached = self._orders.get(sort)
        if cached is None:
            key = GROUP_SORTS[sort]
            keys = [key(r) for r in self.rows]
            cached = self._orders[sort] = sorted(range(len(keys)), key=keys.__getitem__)
        return cached

    def warm(self, facets: tuple[str, ...] = ()) -> None:
        """Compute the text index, every sort order and ``facets`` now (off the UI thread),
        so the first ``/`` or ``s`` costs no more than the next."""
        self._text()
        for sort in SORTS:
            self.order(sort)
        for name in facets:
            self._posting(name)

    # -- filtering ------------------------------------------------------------------------------
    def _posting(self, name: str) -> dict[str, list[int]]:
        """Every value of a facet -> the groups (ascending indices) having it."""
        cached = self._postings.get(name)
        if cached is not None:
            return cached
        posting: defaultdict[str, list[int]] = defaultdict(list)
        rows = self.rows
        if name in FACET_FIELDS:
            field = FACET_FIELDS[name]
            for i, r in enumerate(rows):
                for value in r[field]:
                    posting[value].append(i)
        elif name == "file_type":
            kinds: dict[str, str] = {}
            for i, r in enumerate(rows):
                name_ = r[NAME]
                kind = kinds.get(name_)
                if kind is None:
                    kind = kinds[name_] = file_type(name_)
                posting[kind].append(i)
        elif name == "age":
            if self.now is not None:
                now = self.now if self.now.tzinfo else self.now.replace(tzinfo=timezone.utc)
                now_ms = epoch_ms(now.isoformat())
                assert now_ms is not None
                for i, r in enumerate(rows):
                    brackets = {
                        UNKNOWN_AGE if t is None else age_of_days((now_ms - t) // _DAY_MS)
                        for t in r[CREATED]
                    }
                    for value in brackets:
                        posting[value].append(i)
        else:
            raise ValueError(f"unknown facet {name!r}")
        found = self._postings[name] = dict(posting)  # lookups must not add keys
        return found

    def _text(self) -> list[str]:
        if self._haystack is None:
            self._haystack = [
                " ".join([r[NAME], r[HASH], *r[ISSUES]]).casefold() for r in self.rows
            ]
        return self._haystack

    def view(
        self, sort: str = "wasted", flt: GroupFilter | None = None, *, reverse: bool = False
    ) -> list[int]:
        """Indices of the groups ``flt`` keeps, in ``sort`` order."""
        order = self.order(sort)
        if flt is not None and flt.active:
            keep = self._mask(flt)
            order = [i for i in order if keep[i]]
        return order[::-1] if reverse else list(order)

    def _mask(self, flt: GroupFilter) -> bytearray:
        """1 for each group ``flt`` keeps: a facet matches one of its values, case aside (an
        uploader: part of the name; a status: its category or its name); an excluded value
        drops the groups having it; each size test holds for one copy's size; the text, when
        every word is in the group's name, hash or issue keys."""
        count = len(self.rows)
        chosen: list[int] | None = None  # ascending indices kept so far (None: all)
        for name in FACETS:
            wanted = flt.wanted(name)
            if not wanted:
                continue
            members = self.members(name, wanted)
            chosen = sorted(members) if chosen is None else [i for i in chosen if i in members]
        if flt.exclude:
            dropped: set[int] = set()
            for name, value in flt.exclude:
                dropped |= self.members(name, [value])
            base = range(count) if chosen is None else chosen
            chosen = [i for i in base if i not in dropped]
        if flt.size:
            rows = self.rows
            base = range(count) if chosen is None else chosen
            fits = flt.size_check()
            chosen = [i for i in base if fits(rows[i][SIZE])]
        if flt.text:
            hay = self._text()
            for word in flt.text.casefold().split():
                if chosen is None:
                    chosen = [i for i, text in enumerate(hay) if word in text]
                else:
                    chosen = [i for i in chosen if word in hay[i]]
        keep = bytearray(count) if chosen is not None else bytearray(b"\x01") * count
        for i in chosen or ():
            keep[i] = 1
        return keep

    def members(self, name: str, wanted: list[str]) -> set[int]:
        """The groups having one of ``wanted`` in facet ``name``."""
        folded = [w.casefold() for w in wanted]
        members: set[int] = set()
        postings = [self._posting(name)]
        if name == "status_category":
            postings.append(self._status_names())
        for posting in postings:
            for value, having in posting.items():
                value_folded = value.casefold()
                if name == "uploader":
                    hit = any(w in value_folded for w in folded)
                else:
                    hit = value_folded in folded
                if hit:
                    members.update(having)
        return members

    def _status_names(self) -> dict[str, list[int]]:
        """Status name -> groups, from the locations (read once, when first needed)."""
        cached = self._postings.get("status")
        if cached is not None:
            return cached
        source: Iterable[dict[str, Any]] | None = self.full_groups
        if source is None and self.full_loader is not None:
            source = self.full_loader()
        posting: defaultdict[str, list[int]] = defaultdict(list)
        for i, group in enumerate(source or ()):
            for status in dict.fromkeys(loc.get("status", "") for loc in group["locations"]):
                if status:
                    posting[status].append(i)
        found = self._postings["status"] = dict(posting)
        return found

    def values(self, name: str) -> list[str]:
        """Every value of a facet, most groups first (for hints)."""
        posting = self._posting(name)
        return sorted(posting, key=lambda v: (-len(posting[v]), v))
