"""A rescan's groups as it saves them: as a layer on its base's (or its base's root's) groups
when it held most of them unchanged (:mod:`aa_tui.store.group_layer`: only the others are
written), else whole, those it held written again as the base saved them
(:mod:`aa_tui.store.saved_groups`) and the others encoded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from aa_tui.model.group_rows import OFFSET, group_row
from aa_tui.model.records import DuplicateGroup
from aa_tui.scan.held import place_files
from aa_tui.scan.since_base import Since
from aa_tui.store.errors import StoreError
from aa_tui.store.group_files import rows_count
from aa_tui.store.group_layer import (
    GroupLayer,
    dropped_of,
    group_root_names,
    link_group_root,
    read_group_layer,
    worth_a_group_layer,
)
from aa_tui.store.saved_groups import SavedGroups
from aa_tui.store.scan_files import SavedGroup
from aa_tui.store.store import Store

#: a saved group is checked against its encoding anew, the first and then one in so many: a
#: base saved by another aa-tui may encode groups otherwise (then all are encoded anew)
CHECK_EVERY = 1000


def groups_as_saved(
    store: Store, scan_id: str, groups: list[DuplicateGroup], since: Since | None
) -> tuple[Iterable[dict[str, Any] | SavedGroup], GroupLayer | None]:
    """What :meth:`Store.save_results` writes of ``groups`` (the rescan ``scan_id``'s): their
    layer's delta and the layer (its root linked already), or them all and ``None``."""
    planned = _group_layer(store, scan_id, groups, since)
    if planned is None:
        return groups_to_save(store, groups, since), None
    layer, delta = planned
    place_files(delta)  # (the base's own delta's groups, held: their files read once)
    return (g.to_dict() for g in delta), layer


def _group_layer(
    store: Store, scan_id: str, groups: list[DuplicateGroup], since: Since | None
) -> tuple[GroupLayer, list[DuplicateGroup]] | None:
    """The group layer of a rescan that held groups from its base, and its delta; ``None``
    when its groups are saved whole (none held, the base's groups not fit to link, or a
    layer past its share of the root)."""
    if since is None or not since.held or since.tally is None:
        return None
    base = store.scan_dir(since.base_id)
    try:
        base_layer = read_group_layer(base)
    except StoreError:
        return None
    root_groups, root_rows = group_root_names(base)
    count = rows_count(root_rows, root_groups)
    # the base's rows must be of the groups it counts from
    if base_layer is None and count != len(since.tally.groups):
        return None
    if base_layer is not None and (count, base_layer.count) != (
        base_layer.root_groups,
        len(since.tally.groups),
    ):
        return None
    held = since.held
    dropped = dropped_of((digest for digest, _ in since.tally.groups), held, base_layer)
    from_delta = base_layer.delta if base_layer is not None else frozenset()
    delta = [g for g in groups if g.hash not in held or g.hash in from_delta]
    if count is None or not worth_a_group_layer(count, len(dropped), len(delta)):
        return None
    if not link_group_root(base, store.scan_dir(scan_id)):
        return None
    root = base_layer.root if base_layer is not None else since.base_id
    layer = GroupLayer(root, count, dropped, frozenset(g.hash for g in delta), len(groups))
    return layer, delta


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
