"""The fast ``--verify metadata`` mode's groups: equal size and case-folded name."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from itertools import groupby
from operator import attrgetter

from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.scan.staged import canonical_order, sorted_groups

_size = attrgetter("size")


def metadata_groups(records: Iterable[AttachmentRecord]) -> list[DuplicateGroup]:
    """Files of equal size and case-folded name, no bytes read: only *likely* duplicates,
    and labelled so."""
    # By size first (one sorted list): only files that share a size get a key and a list,
    # not every file (~0.2 KiB each, freed among what the scan keeps: 800,000 files).
    groups: list[DuplicateGroup] = []
    for size, run in groupby(sorted((r for r in records if r.size > 0), key=_size), _size):
        same = list(run)
        if len(same) < 2:
            continue
        by_name: dict[str, list[AttachmentRecord]] = defaultdict(list)
        for record in same:
            by_name[record.file_name.casefold()].append(record)
        groups.extend(
            DuplicateGroup(
                hash=f"likely:{size}:{hashlib.sha256(name.encode()).hexdigest()[:16]}",
                size=size,
                locations=canonical_order(members),
                likely=True,
            )
            for name, members in by_name.items()
            if len(members) > 1
        )
    return sorted_groups(groups)
