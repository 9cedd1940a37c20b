"""A breakdown row's share of each duplicate group (no UI imports).

A breakdown row (a project, a file type, an uploader...) counts as its waste every copy beyond
the canonical one that lives there (``aa_tui.scan.stats.aggregate``). Drilling into a row shows
the groups with a copy there; :func:`share_of` says how many of a group's copies are there and
how many bytes of its waste that row carries, so the groups' shares add up to the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from aa_tui.model.classify import age_bracket, file_type


@dataclass(frozen=True, slots=True)
class Share:
    """One group seen from one breakdown row."""

    copies: int  # the group's copies that live in the row (the canonical one included)
    extra: int  # of them, copies beyond the canonical one: the row's redundant copies
    wasted: int  # extra x size: the row's share of the group's waste


def _keyer(facet: str, now: datetime | None) -> Callable[[dict[str, Any]], str]:
    """What a location is called in a facet's table, as the scan's breakdown names it."""
    if facet == "project":
        return lambda loc: loc["project_key"]
    if facet == "file_type":
        return lambda loc: file_type(loc["file_name"])
    if facet == "uploader":
        return lambda loc: loc["author"]
    if facet == "status_category":
        return lambda loc: loc["status_category"]
    if facet == "age":
        when = now or datetime.now(timezone.utc)
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return lambda loc: age_bracket(loc["created"], when)
    raise ValueError(f"unknown facet {facet!r}")


def share_of(
    group: dict[str, Any], facet: str, value: str, *, now: datetime | None = None
) -> Share:
    """How much of ``group`` (report format, locations canonical first) lives in ``value``."""
    key = _keyer(facet, now)
    folded = value.casefold()
    copies = extra = 0
    for position, loc in enumerate(group.get("locations") or ()):
        if key(loc).casefold() == folded:
            copies += 1
            if position:  # the first location is the canonical copy: not waste
                extra += 1
    return Share(copies=copies, extra=extra, wasted=extra * int(group.get("size") or 0))


@dataclass(frozen=True)
class Drill:
    """The breakdown row a group list was opened from, and each listed group's share of it."""

    facet: str
    value: str
    noun: str  # what the row is called ("Project")
    row_copies: int  # the row's redundant copies, as its table says
    row_wasted: int
    shares: dict[int, Share] | None = None  # group index -> share (None until computed)

    @property
    def ready(self) -> bool:
        return self.shares is not None

    def subtotal(self) -> tuple[int, int]:
        """The listed groups' redundant copies and wasted bytes in the row."""
        shares = (self.shares or {}).values()
        return sum(s.extra for s in shares), sum(s.wasted for s in shares)
