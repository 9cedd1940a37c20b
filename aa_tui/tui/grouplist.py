"""Sort and filter duplicate groups in plain Python lists (no UI imports).

A view is a list of indices into the groups, so 100,000 groups sort and filter in tens of
milliseconds and the screen shows only the rows it can see. Each sort order is computed once
and cached; a filter keeps that order.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from aa_tui.scan.stats import age_bracket, file_type

SORTS: tuple[str, ...] = ("wasted", "copies", "size", "name")
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


class GroupIndex:
    """The groups of one scan (report-format dicts) with cached sort orders and facets."""

    def __init__(self, groups: Sequence[dict[str, Any]], *, now: datetime | None = None) -> None:
        self.groups = groups
        self.now = now
        self._orders: dict[str, list[int]] = {}
        self._facets: dict[str, list[frozenset[str]]] = {}
        self._haystack: list[str] | None = None

    def __len__(self) -> int:
        return len(self.groups)

    # -- sorting --------------------------------------------------------------------------------
    def order(self, sort: str) -> list[int]:
        """Indices in ``sort`` order, biggest first (names A to Z); ties broken by hash."""
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}")
        cached = self._orders.get(sort)
        if cached is None:
            g = self.groups
            key: Callable[[int], Any]
            if sort == "wasted":
                key = lambda i: (-g[i]["wasted_size"], -g[i]["copies"], g[i]["hash"])  # noqa: E731
            elif sort == "copies":
                key = lambda i: (-g[i]["copies"], -g[i]["wasted_size"], g[i]["hash"])  # noqa: E731
            elif sort == "size":
                key = lambda i: (-g[i]["size"], -g[i]["copies"], g[i]["hash"])  # noqa: E731
            else:
                key = lambda i: (g[i]["file_name"].casefold(), g[i]["hash"])  # noqa: E731
            cached = self._orders[sort] = sorted(range(len(g)), key=key)
        return cached

    def warm(self, facets: tuple[str, ...] = ("project", "file_type")) -> None:
        """Compute every sort order, the text index and common facets now (off the UI
        thread), so the first ``s`` or ``/`` after opening costs no more than the next."""
        for sort in SORTS:
            self.order(sort)
        self._text()
        for name in facets:
            self._facet(name)

    # -- filtering ------------------------------------------------------------------------------
    def _facet(self, name: str) -> list[frozenset[str]]:
        cached = self._facets.get(name)
        if cached is None:
            cached = self._facets[name] = [self._facet_of(group, name) for group in self.groups]
        return cached

    def _facet_of(self, group: dict[str, Any], name: str) -> frozenset[str]:
        locations = group.get("locations") or ()
        if name == "file_type":
            return frozenset({file_type(group["file_name"])})
        if name == "project":
            return frozenset(loc["project_key"] for loc in locations)
        if name == "uploader":
            return frozenset(loc["author"] for loc in locations)
        if name == "status_category":
            return frozenset(loc["status_category"] for loc in locations)
        if name == "age":
            if self.now is None:
                return frozenset()
            return frozenset(age_bracket(loc["created"], self.now) for loc in locations)
        raise ValueError(f"unknown facet {name!r}")

    def _text(self) -> list[str]:
        if self._haystack is None:
            self._haystack = [
                " ".join(
                    [
                        g["file_name"],
                        g["hash"],
                        *(loc["issue_key"] for loc in g.get("locations", ())),
                    ]
                ).casefold()
                for g in self.groups
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

    def _mask(self, flt: GroupFilter) -> list[bool]:
        keep = [True] * len(self.groups)
        for name in ("project", "file_type", "uploader", "age", "status_category"):
            wanted = getattr(flt, name)
            if not wanted:
                continue
            values = self._facet(name)
            folded = wanted.casefold()
            for i, facet in enumerate(values):
                if keep[i] and wanted not in facet and all(v.casefold() != folded for v in facet):
                    keep[i] = False
        if flt.text:
            words = flt.text.casefold().split()
            hay = self._text()
            for i, text in enumerate(hay):
                if keep[i] and not all(w in text for w in words):
                    keep[i] = False
        return keep

    def values(self, name: str) -> list[str]:
        """Every value of a facet, most groups first (for hints)."""
        counts: dict[str, int] = {}
        for facet in self._facet(name):
            for value in facet:
                counts[value] = counts.get(value, 0) + 1
        return sorted(counts, key=lambda v: (-counts[v], v))
