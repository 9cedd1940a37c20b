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

import shlex
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timezone
from typing import Any

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

SORTS: tuple[str, ...] = tuple(GROUP_SORTS)  # wasted, copies, size, name
SORT_LABELS = {"wasted": "wasted bytes", "copies": "copies", "size": "size", "name": "name"}
#: filter words (``project:ABC``) and the :class:`GroupFilter` field each sets
FILTER_WORDS = {
    "project": "project",
    "type": "file_type",
    "uploader": "uploader",
    "age": "age",
    "status": "status_category",
}


@dataclass(frozen=True, slots=True)
class GroupFilter:
    """What a view keeps: free text (in the name, issue keys or hash) and exact facets.

    A facet matches a group when any of its locations matches (a group "contains" it).
    """

    text: str = ""
    project: str = ""
    file_type: str = ""
    uploader: str = ""
    age: str = ""
    status_category: str = ""

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def parse(cls, query: str) -> GroupFilter:
        """``pdf project:ABC uploader:"Ana Lima"``: words with a known prefix set a facet."""
        try:
            words = shlex.split(query)
        except ValueError:  # an unclosed quote: take the words as typed
            words = query.split()
        found: dict[str, str] = {}
        text: list[str] = []
        for word in words:
            prefix, colon, value = word.partition(":")
            target = FILTER_WORDS.get(prefix.lower()) if colon else None
            if target and value:
                found[target] = value
            else:
                text.append(word)
        return cls(text=" ".join(text), **found)

    def to_query(self) -> str:
        """The text form :meth:`parse` reads back."""
        parts = [self.text] if self.text else []
        for word, name in FILTER_WORDS.items():
            value = getattr(self, name)
            if value:
                parts.append(f"{word}:{shlex.quote(value)}")
        return " ".join(parts)

    def with_facet(self, name: str, value: str) -> GroupFilter:
        return replace(self, **{name: value})


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

    def __getitem__(self, index):  # type: ignore[override]
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
        """1 for each group ``flt`` keeps: a facet matches a value equal to it, case aside;
        the text, when every word is in the group's name, hash or issue keys."""
        count = len(self.rows)
        chosen: list[int] | None = None  # ascending indices kept so far (None: all)
        for name in FACETS:
            wanted = getattr(flt, name)
            if not wanted:
                continue
            folded = wanted.casefold()
            members: set[int] = set()
            for value, having in self._posting(name).items():
                if value == wanted or value.casefold() == folded:
                    members.update(having)
            chosen = sorted(members) if chosen is None else [i for i in chosen if i in members]
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

    def values(self, name: str) -> list[str]:
        """Every value of a facet, most groups first (for hints)."""
        posting = self._posting(name)
        return sorted(posting, key=lambda v: (-len(posting[v]), v))
