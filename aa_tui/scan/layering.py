"""A rescan's files saved as a layer on its base's (:mod:`aa_tui.store.layer`): what the scan
knows once its listing ends, and the save itself."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from aa_tui.analysis.insights import FileRows
from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.scan.rescan import Base
from aa_tui.store.errors import StoreError
from aa_tui.store.file_rows import write_file_rows
from aa_tui.store.group_layer import read_group_layer
from aa_tui.store.layer import (
    DELTA_ATTACHMENTS,
    DELTA_FILES,
    WHOLE_ATTACHMENTS,
    WHOLE_CACHE,
    WHOLE_FILES,
    Layer,
    drop_layer_files,
    link_root,
    worth_a_layer,
    write_layer,
)
from aa_tui.store.members import MEMBERS, write_members
from aa_tui.store.record_cache import link_cache
from aa_tui.store.store import Store


@dataclass
class LayerPlan:
    """What a rescan's layer is made of, known once its listing ends."""

    base: str  # the scan it started from
    root: str  # the whole scan whose files the layer links: the base, or the base's root
    root_files: int  # rows in the root's attachments
    #: root attachment ids the scan does not hold: the base's dropped ones, and those of the
    #: base's issues that changed or left
    dropped: set[str] = field(default_factory=set)
    #: the base's own delta (kept where its issues did not change)
    base_delta: frozenset[str] = frozenset()
    #: the scan's records list starts with this many of the base's, kept
    from_base: int = 0
    base_layer: Layer | None = None  # the base's, when it is a layer
    #: the hashes of the groups the base's own group layer wrote (not its root's)
    group_delta: frozenset[str] = frozenset()


def plan_layer(store: Store, base: Base, gone: list[AttachmentRecord], from_base: int) -> LayerPlan:
    """The layer a rescan from ``base`` makes: the ``gone`` files (of the base's issues that
    changed or left) dropped, the rest's kept (the scan's first ``from_base`` records)."""
    layer = store.layer(base.scan_id)
    if layer is None:
        plan = LayerPlan(base.scan_id, base.scan_id, base.rows)
    else:
        plan = LayerPlan(base.scan_id, layer.root, layer.root_files, set(layer.dropped))
        plan.base_delta = layer.delta
        plan.base_layer = layer
    plan.dropped.update(r.attachment_id for r in gone)
    plan.from_base = from_base
    try:
        group_layer = read_group_layer(store.scan_dir(base.scan_id))
    except StoreError:  # (its groups cannot be read: a rescan of it saves its own whole)
        group_layer = None
    plan.group_delta = group_layer.delta if group_layer is not None else frozenset()
    return plan


def save_layer(
    store: Store,
    scan_id: str,
    records: list[AttachmentRecord],
    groups: list[DuplicateGroup],
    plan: LayerPlan,
    counted_at: datetime,
) -> bool:
    """Save ``records`` as a layer on ``plan``'s root (the list is emptied; ``counted_at``: when
    its breakdowns were counted, see :mod:`aa_tui.store.members`); ``False``, and nothing saved, when a layer is not worth it (:func:`worth_a_layer`) or its root's files
    cannot be linked: then save them whole."""
    delta: list[AttachmentRecord] = []
    if plan.base_delta:  # the base's own delta, where its issues did not change
        kept = islice(records, plan.from_base)
        delta = [r for r in kept if r.attachment_id in plan.base_delta]
    delta += records[plan.from_base :]
    if not worth_a_layer(plan.root_files, len(plan.dropped), len(delta)):
        return False
    folder = store.scan_dir(scan_id)
    if not link_root(store.scan_dir(plan.base), folder):
        return False
    link_cache(store.scan_dir(plan.base), folder)
    for name in (WHOLE_ATTACHMENTS, WHOLE_FILES, WHOLE_CACHE, MEMBERS):  # an earlier try's
        (folder / name).unlink(missing_ok=True)
    store.save_attachments(scan_id, delta, name=DELTA_ATTACHMENTS)
    rows = FileRows([])  # in no group: the layer's members say which (they change for others)
    rows.table.rows.extend(map(rows.row, delta))
    write_file_rows(folder, rows.done(), name=DELTA_FILES)
    layer = Layer(
        root=plan.root,
        root_files=plan.root_files,
        dropped=frozenset(plan.dropped),
        delta=frozenset(r.attachment_id for r in delta),
        counted_at=counted_at.isoformat(),
    )
    write_layer(folder, layer, by_id(groups))
    records.clear()
    return True


def save_whole(
    store: Store,
    scan_id: str,
    groups: list[DuplicateGroup],
    counted_at: datetime,
) -> None:
    """Before a scan's files are saved whole: no layer of an earlier try may stay; the groups
    by id and when the breakdowns were counted (``members.json``) are saved."""
    folder = store.scan_dir(scan_id)
    drop_layer_files(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_members(folder, counted_at, by_id(groups))


def by_id(groups: Iterable[DuplicateGroup]) -> Iterator[tuple[str, list[str]]]:
    """Each group's hash and its files' ids, the kept one first (a held group's without
    placing its files: :meth:`~aa_tui.scan.held.HeldGroup.member_ids`)."""
    for group in groups:
        yield group.hash, group.member_ids()
