"""A rescan's groups as it saves them: those it held unchanged from its base written again as
the base saved them (:mod:`aa_tui.store.saved_groups`), the others encoded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from aa_tui.model.group_rows import OFFSET, group_row
from aa_tui.model.records import DuplicateGroup
from aa_tui.scan.since_base import Since
from aa_tui.store.saved_groups import SavedGroups
from aa_tui.store.scan_files import SavedGroup
from aa_tui.store.store import Store

#: a saved group is checked against its encoding anew, the first and then one in so many: a
#: base saved by another aa-tui may encode groups otherwise (then all are encoded anew)
CHECK_EVERY = 1000


def groups_to_save(
    store: Store, groups: list[DuplicateGroup], since: Since | None
) -> Iterator[dict[str, Any] | SavedGroup]:
    """Each of ``groups`` as :meth:`Store.save_results` writes it."""
    held = since.held if since is not None else frozenset()
    saved = _open(store, since.base_id) if since is not None and held else None
    taken = 0
    try:
        for group in groups:
            item = None
            if saved is not None and saved.usable and group.hash in held:
                locations, size = group.locations, group.size  # (the group's properties, inline)
                copies = len(locations)
                head = (group.hash, size, locations[0].file_name, copies, (copies - 1) * size)
                item = saved.take(group.hash, head)
                if item is not None and not taken % CHECK_EVERY and not _same(item, group):
                    saved.usable, item = False, None
                taken += 1
            yield item if item is not None else group.to_dict()
    finally:
        if saved is not None:
            saved.close()


def _same(item: SavedGroup, group: DuplicateGroup) -> bool:
    """Whether ``item`` holds the bytes ``group`` and its row are encoded as now."""
    encoded = group.to_dict()
    row = orjson.dumps(group_row(encoded)[:OFFSET])  # "[hash, ..., issue keys]"
    return item.raw == orjson.dumps(encoded) and item.row == row[:-1] + b","


def _open(store: Store, scan_id: str) -> SavedGroups | None:
    try:
        return SavedGroups(store.scan_dir(scan_id))
    except OSError:  # its groups or rows are gone: encoded anew
        return None
