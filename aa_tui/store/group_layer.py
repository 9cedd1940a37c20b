"""A rescan's duplicate groups saved as a layer: its root's ``groups.json`` and group rows
(hard-linked, no byte written again) less the groups it no longer holds, plus its own.

A weekly rescan of a site where 1% of issues changed holds ~98% of its base's groups as they
were. Writing them again (64 MB of ``groups.json``, their rows and sort orders) was 1.3 s of
a 1,000,000-issue rescan's ~8. A layer writes what changed. Its folder holds::

    root.groups.json        the root's groups.json       } hard links: they outlive the
    root.group_rows.json    the root's group rows        } root's own folder
    delta.groups.json       the groups that are not the root's as it saved them
    delta.group_rows.json   their rows (offsets into delta.groups.json)
    groups.layer.json       the root's id and group count, the hashes of the root's groups
                            this scan does not hold, the delta's hashes, the merged count

Readers see one scan's groups (:mod:`aa_tui.store.group_files` merges): the root's rows it
holds and the delta's, in the groups' order (both files are in it: most waste first, then
copies, name and hash, a total order). A delta row's offset counts from the end of the
root's ``groups.json``, as if the delta's file followed it. A rescan of a layer links the
same root and carries the delta forward; past a share of the root, it saves whole files.

The group root may differ from the file layer's (:mod:`aa_tui.store.layer`): a scan whose
files are a layer may have saved its groups whole (a content rescan regroups every size).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson

from aa_tui.store.atomic import write_atomic
from aa_tui.store.layer import link_all, read_document

GROUP_LAYER = "groups.layer.json"
GROUP_LAYER_FORMAT = "aa-tui.group-layer/1"
WHOLE_GROUPS = "groups.json"
WHOLE_GROUP_ROWS = "group_rows.json"
ROOT_GROUPS = "root.groups.json"
ROOT_GROUP_ROWS = "root.group_rows.json"
DELTA_GROUPS = "delta.groups.json"
DELTA_GROUP_ROWS = "delta.group_rows.json"
#: a layer at most this share of its root's groups (dropped plus delta); past it, whole files
MAX_SHARE = 0.25


@dataclass(frozen=True)
class GroupLayer:
    """What a scan whose groups are a layer holds beside its root's linked groups."""

    root: str  # the scan whose groups are linked (its folder may be gone since)
    root_groups: int  # groups in the root's groups.json
    dropped: frozenset[str]  # hashes of the root's groups this scan does not hold
    delta: frozenset[str]  # hashes of the delta's groups
    count: int  # the scan's groups: the root's held plus the delta's


def worth_a_group_layer(root_groups: int, dropped: int, delta: int) -> bool:
    """Whether groups of ``root_groups``'s root with ``dropped`` and ``delta`` groups are
    saved as a layer (else whole): a layer costs its readers a merge, worth it while small."""
    return root_groups > 0 and dropped + delta <= MAX_SHARE * root_groups


def read_group_layer(folder: Path) -> GroupLayer | None:
    """The group layer saved in ``folder``; ``None`` for groups saved whole."""
    path = folder / GROUP_LAYER
    if not path.exists():
        return None
    return read_document(
        path,
        GROUP_LAYER_FORMAT,
        lambda data: GroupLayer(
            root=str(data["root"]),
            root_groups=int(data["root_groups"]),
            dropped=frozenset(map(str, data["dropped"])),
            delta=frozenset(map(str, data["delta"])),
            count=int(data["count"]),
        ),
    )


def write_group_layer(folder: Path, layer: GroupLayer) -> None:
    """Write ``groups.layer.json`` in ``folder`` atomically (after the delta's files)."""
    document = {
        "format": GROUP_LAYER_FORMAT,
        "root": layer.root,
        "root_groups": layer.root_groups,
        "dropped": sorted(layer.dropped),
        "delta": sorted(layer.delta),
        "count": layer.count,
    }
    write_atomic(folder / GROUP_LAYER, orjson.dumps(document))


def is_group_layer(folder: Path) -> bool:
    """Whether ``folder``'s scan saved its groups as a layer (read by
    :func:`read_group_layer`)."""
    return (folder / GROUP_LAYER).exists()


def group_root_names(folder: Path) -> tuple[Path, Path]:
    """The whole ``groups.json`` and its rows that ``folder``'s scan links or holds: a group
    layer's root files, else its own."""
    if is_group_layer(folder):
        return folder / ROOT_GROUPS, folder / ROOT_GROUP_ROWS
    return folder / WHOLE_GROUPS, folder / WHOLE_GROUP_ROWS


def link_group_root(base_folder: Path, folder: Path) -> bool:
    """Hard-link the whole groups of ``base_folder``'s scan (its own, or its root's when they
    are a layer) into ``folder`` as a group layer's root; ``False`` when there are none or the
    file system refuses links (the groups are then saved whole)."""
    names = zip(group_root_names(base_folder), (ROOT_GROUPS, ROOT_GROUP_ROWS), strict=True)
    return link_all(names, folder)


def drop_group_layer(folder: Path) -> None:
    """Remove a group layer's files from ``folder`` (groups saved whole after all). The layer
    file goes first: without it the others are not read."""
    for name in (GROUP_LAYER, ROOT_GROUPS, ROOT_GROUP_ROWS, DELTA_GROUPS, DELTA_GROUP_ROWS):
        (folder / name).unlink(missing_ok=True)


def drop_whole_groups(folder: Path) -> None:
    """Remove whole groups an earlier try saved in ``folder`` (a layer is saved instead)."""
    for name in (WHOLE_GROUP_ROWS, WHOLE_GROUPS):
        (folder / name).unlink(missing_ok=True)


def dropped_of(
    base_hashes: Iterable[str], held: frozenset[str], base: GroupLayer | None
) -> frozenset[str]:
    """The root's groups a scan does not hold, of its base's groups (``base_hashes``; the
    base's own group layer, or ``None`` when the base is the root) and those it holds
    unchanged (``held``): what the base dropped, and the base's root groups not held."""
    dropped = set(base.dropped) if base is not None else set()
    from_delta = base.delta if base is not None else frozenset()
    dropped.update(h for h in base_hashes if h not in held and h not in from_delta)
    return frozenset(dropped)
