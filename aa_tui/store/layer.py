"""A rescan saved as a layer: its files are an earlier whole scan's (the *root*, hard-linked
into its folder, no byte written again) less the files that changed, plus the changed files.

A weekly rescan of a site where 1% of issues changed otherwise rewrote every table of the
scan (367 MB at 1,000,000 issues, 8 s of its 14) and kept that much on disk per scan. A
layer writes what changed. Its folder holds::

    root.attachments.json   the root's attachments.json  } hard links: they outlive the
    root.files.json         the root's files.json        } root's own folder
    delta.attachments.json  the attachments that are not the root's as it saved them
    delta.files.json        their file rows (a file table of their own)
    layer.json              the root's id and file count, the root's files this scan no
                            longer holds, the delta's ids, and every duplicate group's files

Which group a file is in can change for a file the scan did not read again (a copy of it was
uploaded): the layer names every group's members, and they replace what the root's rows say.
A rescan of a layer links the same root and carries the delta forward; when the layer grows
past a share of its root, the rescan writes whole files instead (:func:`worth_a_layer`).
Readers never see this: the store and :func:`~aa_tui.store.file_rows.read_file_rows` merge.
The first reader of a layer's file table saves the merged table as the layer's own
``files.json`` (a layer never changes): later readers read it as a whole scan's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import orjson

from aa_tui.memory import gc_paused
from aa_tui.model.file_table import AID, COPY, HASH, I_KEY, ISSUE, MIME, PERSON, FileTable
from aa_tui.store.atomic import write_atomic
from aa_tui.store.errors import StoreError
from aa_tui.store.members import (
    Members,
    Tally,
    counted_time,
    group_chunks,
    groups_intact,
    members_of,
    read_members,
)

_T = TypeVar("_T")

LAYER = "layer.json"
LAYER_FORMAT = "aa-tui.layer/1"
ROOT_ATTACHMENTS = "root.attachments.json"
ROOT_FILES = "root.files.json"
DELTA_ATTACHMENTS = "delta.attachments.json"
DELTA_FILES = "delta.files.json"
WHOLE_ATTACHMENTS = "attachments.json"
WHOLE_FILES = "files.json"
#: a whole scan's records as ``marshal`` writes them, and a layer's link to its root's
#: (:mod:`aa_tui.store.record_cache`)
WHOLE_CACHE = "records.marshal"
ROOT_CACHE = "root.records.marshal"
#: a layer at most this share of its root's files (dropped plus delta); past it, whole files
MAX_SHARE = 0.25


@dataclass
class Layer:
    """What a layered scan holds beside its root's linked files."""

    root: str  # the whole scan whose files are linked (its folder may be gone since)
    root_files: int  # attachment rows in the root's files
    dropped: frozenset[str] = frozenset()  # root attachment ids this scan does not hold
    delta: frozenset[str] = frozenset()  # ids of the delta's attachments
    #: every duplicate group of the scan: its hash and its files' ids, the kept one first
    groups: list[tuple[str, list[str]]] = field(default_factory=list)
    #: when its breakdowns were counted (ISO 8601; "" in a layer saved before it was kept)
    counted_at: str = ""

    def tally(self) -> Tally | None:
        """Its groups and breakdowns' time, as a rescan of it counts from them."""
        try:
            when = counted_time(self.counted_at)
        except ValueError:
            return None
        return Tally(when, self.groups) if when is not None else None  # (read as such already)

    def membership(self) -> dict[str, tuple[str, bool]]:
        """Attachment id -> (its group's hash, whether it is a redundant copy)."""
        member: dict[str, tuple[str, bool]] = {}
        for digest, ids in self.groups:
            kept, copy = (digest, False), (digest, True)
            for i, attachment_id in enumerate(ids):
                member[attachment_id] = copy if i else kept
        return member


def worth_a_layer(root_files: int, dropped: int, delta: int) -> bool:
    """Whether a scan of ``root_files``'s root with ``dropped`` and ``delta`` files is saved as
    a layer (else as whole files): a layer costs its readers a merge, worth it while small."""
    return root_files > 0 and dropped + delta <= MAX_SHARE * root_files


def tally_of(folder: Path, layer: Layer | None) -> Tally | None:
    """The tally the scan saved in ``folder`` kept (its groups by id, when its tables were
    counted): its layer's (``layer``, read already), else its ``members.json``; ``None``
    without one."""
    return layer.tally() if layer is not None else read_members(folder)


def read_layer(folder: Path) -> Layer | None:
    """The layer saved in ``folder``; ``None`` for a scan saved whole."""
    path = folder / LAYER
    if not path.exists():
        return None
    return read_document(
        path,
        LAYER_FORMAT,
        lambda data: Layer(
            root=str(data["root"]),
            root_files=int(data["root_files"]),
            dropped=frozenset(data["dropped"]),
            delta=frozenset(data["delta"]),
            groups=_members(data["groups"]),
            counted_at=str(data.get("counted_at") or ""),
        ),
    )


def _members(groups: object) -> Members:
    found = members_of(groups)
    if found is None:
        raise ValueError("its groups are not hashes and lists of ids")
    return found


def read_document(path: Path, form: str, build: Callable[[dict[str, Any]], _T]) -> _T:
    """What ``build`` makes of the JSON object of format ``form`` in ``path``; a
    :class:`StoreError` that says the scan cannot be re-opened when it cannot (its groups,
    when it has some, checked against their digest: :func:`groups_intact`)."""
    try:
        raw = path.read_bytes()
        with gc_paused():
            data = orjson.loads(raw)
        if not isinstance(data, dict) or data.get("format") != form:
            raise ValueError("another format")
        if not groups_intact(raw, data):
            raise ValueError("its groups are not those written")
        return build(data)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise StoreError(
            f"The store file {path} cannot be read ({exc}); this scan cannot be re-opened: "
            "run the scan again."
        ) from None


def write_layer(
    folder: Path, layer: Layer, groups: Iterable[tuple[str, Sequence[str]]] | None = None
) -> None:
    """Write ``layer.json`` in ``folder`` atomically (after the delta's files); ``groups``
    (else ``layer.groups``) encoded a slice at a time (:func:`group_chunks`)."""
    head: dict[str, object] = {
        "format": LAYER_FORMAT,
        "root": layer.root,
        "root_files": layer.root_files,
        "dropped": sorted(layer.dropped),
        "delta": sorted(layer.delta),
        "counted_at": layer.counted_at,
    }
    write_atomic(folder / LAYER, group_chunks(head, layer.groups if groups is None else groups))


def root_names(folder: Path) -> tuple[Path, Path]:
    """The whole attachments and file table that ``folder``'s scan links or holds: a layer's
    root files, else its own."""
    if (folder / LAYER).exists():
        return folder / ROOT_ATTACHMENTS, folder / ROOT_FILES
    return folder / WHOLE_ATTACHMENTS, folder / WHOLE_FILES


def link_root(base_folder: Path, folder: Path) -> bool:
    """Hard-link the whole files of ``base_folder``'s scan (its own, or its root's when it is a
    layer) into ``folder`` as a layer's root files; ``False`` when there are none or the file
    system refuses links (the scan is then saved whole)."""
    return link_all(
        zip(root_names(base_folder), (ROOT_ATTACHMENTS, ROOT_FILES), strict=True), folder
    )


def link_all(sources: Iterable[tuple[Path, str]], folder: Path) -> bool:
    """Hard-link each source file into ``folder`` under its name; ``False``, and none left
    linked, when one cannot be."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    linked: list[Path] = []
    try:
        for source, name in sources:
            target = folder / name
            target.unlink(missing_ok=True)  # a resumed scan's earlier try
            os.link(source, target)
            linked.append(target)
    except OSError:
        for target in linked:
            target.unlink(missing_ok=True)
        return False
    return True


def drop_layer_files(folder: Path) -> None:
    """Remove a layer's files from ``folder`` (a scan saved whole after all)."""
    for name in (LAYER, ROOT_ATTACHMENTS, ROOT_FILES, ROOT_CACHE, DELTA_ATTACHMENTS, DELTA_FILES):
        (folder / name).unlink(missing_ok=True)


def merged_rows(
    root: Iterable[dict[str, Any]], layer: Layer, delta: Iterable[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """A layer's attachment rows: the root's it still holds, then the delta's."""
    dropped = layer.dropped
    for row in root:
        if row["attachment_id"] not in dropped:
            yield row
    yield from delta


_NO_GROUP = ("", False)


def merged_table(root: FileTable, layer: Layer, delta: FileTable) -> FileTable:
    """A layer's file table: the root's rows it still holds, then the delta's, each in the
    group the layer names (or none). Issues, uploaders and file types are kept once by value
    and only while a row points at them (a moved issue's old project must not keep that project
    alive), as a table saved whole would hold them. The rows read are reused.

    Passes over the root's rows that each do one thing, not one Python loop doing everything
    per row: at 531,000 files that loop took 0.8 s, as long as reading the table."""
    dropped = layer.dropped
    rows = [r for r in root.rows if r[AID] not in dropped] if dropped else root.rows
    member = layer.membership()
    for r in [r for r in rows if r[HASH] or r[AID] in member]:  # a group then or now
        r[HASH], r[COPY] = member.get(r[AID], _NO_GROUP)
    merged = FileTable(rows=rows)
    merged.issues = _still_pointed_at(rows, ISSUE, root.issues)
    merged.people = _still_pointed_at(rows, PERSON, root.people)
    merged.mimes = _still_pointed_at(rows, MIME, root.mimes)
    keys = {issue[I_KEY] for issue in delta.issues}  # (few): the root's issues of their keys
    issues = {tuple(i[:5]): n for n, i in enumerate(merged.issues) if i[I_KEY] in keys}
    people = {tuple(person): n for n, person in enumerate(merged.people)}
    mimes = {mime: n for n, mime in enumerate(merged.mimes)}
    for r in delta.rows:  # into the merged lists, each kept once by value
        issue, person = delta.issues[r[ISSUE]], delta.people[r[PERSON]]
        r[ISSUE] = _kept(issues, tuple(issue[:5]), merged.issues, issue)
        r[PERSON] = _kept(people, tuple(person), merged.people, person)
        mime = delta.mimes[r[MIME]]
        r[MIME] = _kept(mimes, mime, merged.mimes, mime)
        r[HASH], r[COPY] = member.get(r[AID], _NO_GROUP)
        rows.append(r)
    return merged.seal()


def _still_pointed_at(rows: list[list[Any]], column: int, items: list[Any]) -> list[Any]:
    """``items`` without those no row points at by ``column``: the last ones pointed at move
    into the holes, and only their rows are pointed anew (not every row)."""
    used = {r[column] for r in rows}
    if len(used) == len(items):
        return items
    size = len(used)
    holes = sorted(i for i in range(size) if i not in used)
    moved = dict(zip(sorted(i for i in used if i >= size), holes, strict=True))
    kept = items[:size]
    for old, new in moved.items():
        kept[new] = items[old]
    for r in [r for r in rows if r[column] >= size]:
        r[column] = moved[r[column]]
    return kept


def _kept(index: dict[Any, int], key: Any, items: list[Any], item: Any) -> int:
    """The position of ``key``'s item in ``items``, ``item`` appended when new."""
    at = index.get(key)
    if at is None:
        at = index[key] = len(items)
        items.append(item)
    return at
