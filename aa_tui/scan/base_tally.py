"""What a rescan counts from: its base's tally (its groups by id, when its tables were
counted), its summary, each group's size and the base's redundant copies, read once the
listing ends.

Not before: read beside the listing (whose end is the rescan's peak of memory), they raised
the peak of a 1,000,000-issue rescan by ~30 MiB, past a full scan's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aa_tui.store.errors import StoreError
from aa_tui.store.layer import Layer, tally_of
from aa_tui.store.members import Tally
from aa_tui.store.store import Store


@dataclass
class BaseTally:
    """A base's tally and summary, and what is worked out of them once."""

    tally: Tally
    summary: dict[str, Any]
    #: each group's size, in the tally's order; ``None`` when they are not metadata groups
    sizes: list[int] | None
    copies: frozenset[str]  # the base's redundant copies (each group's files but its kept one)


def likely_size(digest: str) -> int | None:
    """The size a ``likely:<size>:<name hash>`` group's hash names; ``None`` for another."""
    kind, _, rest = digest.partition(":")
    size, _, _ = rest.partition(":")
    return int(size) if kind == "likely" and size.isdigit() else None


def read_base_tally(store: Store, scan_id: str, layer: Layer | None) -> BaseTally | None:
    """What a rescan of the base ``scan_id`` (``layer``: its layer, when it is one) counts
    from; ``None`` when it kept no tally or summary (a rescan of it counts afresh)."""
    try:
        tally = tally_of(store.scan_dir(scan_id), layer)
        if tally is None:
            return None
        summary = store.load_summary(scan_id)
    except StoreError:
        return None
    return counted_from(tally, summary)


def counted_from(tally: Tally, summary: dict[str, Any]) -> BaseTally:
    """What a base with this ``tally`` and ``summary`` counts from."""
    copies = frozenset(a for _, ids in tally.groups for a in ids[1:])
    return BaseTally(tally, summary, _sizes(tally), copies)


def _sizes(tally: Tally) -> list[int] | None:
    sizes: list[int] = []
    for digest, _ in tally.groups:
        size = likely_size(digest)
        if size is None:
            return None
        sizes.append(size)
    return sizes
