"""The store: an index of scans and site profiles, plus each scan's results in its own files.

Layout under the data dir (every file 0600, every dir 0700)::

    aa-tui.json                 index: schema version, scans, profiles (TinyDB)
    scans/<id>/summary.json     totals, tables, quick wins: what re-opening a scan needs
    scans/<id>/groups.json      every duplicate group with every location (loaded on demand)
    scans/<id>/group_rows.json  one short row per group: what a list, its sorts and filters need,
                                and where the group sits in groups.json (one opens by itself)
    scans/<id>/groups.layer.json  a rescan's groups saved as a layer: its root's groups.json and
                                rows hard-linked, and what changed (aa_tui.store.group_layer)
    scans/<id>/attachments.json every attachment record (loaded on demand)
    scans/<id>/files.json       every file as a short row (what the insight lists open)
    scans/<id>/layer.json       a rescan saved as a layer: its root's attachments and files
                                hard-linked (root.*.json) and what changed (delta.*.json),
                                merged by the readers here (see aa_tui.store.layer)
    scans/<id>/basis.json       what a rescan of it starts from (ids listed, hashes); with
                                members.json, what it counts from (groups by id: store.members)
    scans/<id>/cuts.json        where that rescan's id ranges meet (its listing begins at once)
    scans/<id>/journal.jsonl    checkpoint of a scan that has not finished

One lock guards every TinyDB call: TinyDB itself has none, and a writer thread beside a reader
thread corrupts a file within seconds. The lock also holds across processes
(:mod:`aa_tui.store.lock`: a cron scan or a command-line ``clean`` beside the app), and each
call reads the index afresh: TinyDB's ``Table`` caches the next document id, which another
process's insert makes stale ("Document with ID 3 already exists").
"""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import Query
from tinydb.table import Table

from aa_tui.memory import gc_paused
from aa_tui.model.enums import ScanStatus
from aa_tui.model.group_rows import GroupTable
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile, ScanInfo
from aa_tui.store.atomic import AtomicJSONStorage
from aa_tui.store.basis import BASIS
from aa_tui.store.errors import StoreDamagedError, StoreError
from aa_tui.store.group_files import GroupReader, iter_groups_by_rows, load_group_rows
from aa_tui.store.group_layer import (
    DELTA_GROUP_ROWS,
    DELTA_GROUPS,
    GroupLayer,
    drop_group_layer,
    drop_whole_groups,
    is_group_layer,
    write_group_layer,
)
from aa_tui.store.layer import (
    DELTA_ATTACHMENTS,
    ROOT_ATTACHMENTS,
    Layer,
    merged_rows,
    read_layer,
)

__all__ = ["Store", "StoreError"]
from aa_tui.store.journal import Journal, JournalBusyError, journal_held, read_journal
from aa_tui.store.lock import LOCK_FILE, StoreLock
from aa_tui.store.lock import TIMEOUT as LOCK_TIMEOUT
from aa_tui.store.results import ScanResults
from aa_tui.store.scan_files import SavedGroup, write_groups, write_table_atomic
from aa_tui.store.table_reader import iter_table_slices

if TYPE_CHECKING:
    from aa_tui.store.tables import IndexTable

SCHEMA_VERSION = 1
#: what to do about a layer's damaged groups: a rescan would link the same root files again
_AGAIN_IN_FULL = "run the scan again with --full (a rescan would start from the same files)."
INDEX_FILE = "aa-tui.json"


def _check_index_shape(data: Any, path: Path) -> None:
    """Valid JSON is not enough: TinyDB and the index expect tables of records."""
    if data is None:
        return
    for table, rows in data.items():
        if not isinstance(rows, dict) or not all(isinstance(r, dict) for r in rows.values()):
            raise StoreDamagedError(
                f"The store file {path} has a {table!r} table that is not a set of records.", path
            )
    for row in data.get("scans", {}).values():
        try:
            info = ScanInfo.from_dict(row)
            ok = all(isinstance(getattr(info, k), str) for k in ("id", "site", "started_at"))
        except (TypeError, ValueError, AttributeError):
            ok = False
        if not ok:
            raise StoreDamagedError(f"The store file {path} has a scan that cannot be read.", path)


def new_scan_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(2)


class Store:
    def __init__(self, data_dir: Path, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.scans_dir = self.data_dir / "scans"
        self.scans_dir.mkdir(exist_ok=True, mode=0o700)
        self.index_path = self.data_dir / INDEX_FILE
        self._lock = StoreLock(self.data_dir / LOCK_FILE, lock_timeout)
        self.warnings: list[str] = []
        self._storage = AtomicJSONStorage(self.index_path)
        with self.locked():
            self._open_index()

    # -- index file -----------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the index (re-entrant): no other thread or aa-tui process writes it meanwhile.
        A read-then-write of the index (saved already? then save) goes inside one hold."""
        with self._lock.held():
            try:
                yield
            except OSError as exc:  # disk full, a folder made read-only: the user can act
                raise StoreError(
                    f"aa-tui could not save to its store {self.data_dir} ({exc.strerror or exc}); "
                    "free some disk space or make the folder writable, then try again."
                ) from None

    def _table(self, name: str) -> Table:
        """A table of the index as the file holds it now (call with the lock held): a fresh
        ``Table`` each time, since its cached next id goes stale when another process writes."""
        return Table(self._storage, name)

    def _open_index(self) -> None:
        try:
            data = AtomicJSONStorage(self.index_path).read()
            # A newer aa-tui's index may look "wrong" to this one: refuse it before judging it.
            self._refuse_other_schema(data)
            _check_index_shape(data, self.index_path)
        except StoreDamagedError as exc:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            aside = self.index_path.with_name(f"{INDEX_FILE}.damaged-{stamp}")
            number = 1
            while aside.exists():  # never rename over an earlier damaged copy
                number += 1
                aside = self.index_path.with_name(f"{INDEX_FILE}.damaged-{stamp}-{number}")
            self.index_path.rename(aside)
            self.warnings.append(
                f"{exc} It was moved aside to {aside} (nothing deleted) and a new, empty index "
                "was started; past scans in it are not listed. Restore a backup over the new "
                "file to get them back."
            )
        meta = self._table("meta")
        if meta.get(doc_id=1) is None:
            meta.insert({"schema": SCHEMA_VERSION})

    def _refuse_other_schema(self, data: object) -> None:
        meta = data.get("meta") if isinstance(data, dict) else None
        row = meta.get("1") if isinstance(meta, dict) else None
        if isinstance(row, dict) and "schema" in row and row["schema"] != SCHEMA_VERSION:
            raise StoreError(
                f"The store {self.index_path} has schema version {row['schema']!r}, but "
                f"this aa-tui reads version {SCHEMA_VERSION}. Upgrade aa-tui, or choose another "
                "place with --data-dir (the file was left untouched)."
            )

    def close(self) -> None:
        """Nothing stays open between calls (kept for callers that close what they open)."""

    # -- profiles -------------------------------------------------------------------------------
    def list_profiles(self) -> list[Profile]:
        with self.locked():
            rows = self._table("profiles").all()
        return sorted(
            (Profile(r["site"], r["email"], bool(r.get("demo"))) for r in rows),
            key=lambda p: (p.site, p.email),
        )

    def save_profile(self, profile: Profile) -> None:
        q = Query()
        with self.locked():
            self._table("profiles").upsert(
                asdict(profile), (q.site == profile.site) & (q.email == profile.email)
            )

    def delete_profile(self, site: str, email: str) -> None:
        q = Query()
        with self.locked():
            self._table("profiles").remove((q.site == site) & (q.email == email))

    # -- scans index ----------------------------------------------------------------------------
    def save_scan(self, info: ScanInfo) -> None:
        with self.locked():
            self._table("scans").upsert(info.to_dict(), Query().id == info.id)

    def index_stamp(self) -> tuple[int, int]:
        """What changes when the index is written, by any aa-tui (written anew: time, inode)."""
        try:
            stat = self.index_path.stat()
        except OSError:
            return (0, 0)
        return (stat.st_mtime_ns, stat.st_ino)

    def get_scan(self, scan_id: str) -> ScanInfo | None:
        with self.locked():
            row = self._table("scans").get(Query().id == scan_id)
        return self._as_seen(ScanInfo.from_dict(row)) if row else None

    def list_scans(self) -> list[ScanInfo]:
        """Newest first (of two started in the same second, the one saved last)."""
        with self.locked():
            rows = self._table("scans").all()
        scans = [self._as_seen(ScanInfo.from_dict(r)) for r in rows]
        order = sorted(range(len(scans)), key=lambda i: (scans[i].started_at, i), reverse=True)
        return [scans[i] for i in order]

    def _as_seen(self, info: ScanInfo) -> ScanInfo:
        """``info``, "interrupted" when it says "running" but no live process holds its
        journal (a killed scan never wrote its end; ``--resume`` goes on with it). The index
        row stays as written: a resume says "running" again."""
        if info.status is ScanStatus.RUNNING and not journal_held(self._journal_path(info.id)):
            info.status = ScanStatus.INTERRUPTED
        return info

    def find_resumable(
        self, site: str, scope: Scope, verify: str, email: str | None = None
    ) -> ScanInfo | None:
        """The newest unfinished scan of this site, scope, verify mode (and account), when it
        can be resumed."""
        found = self.last_unfinished(site, scope, verify, email)
        return found if found is not None and found.resumable else None

    def last_unfinished(
        self, site: str, scope: Scope, verify: str, email: str | None = None
    ) -> ScanInfo | None:
        """The newest unfinished scan of this site, scope, verify mode (and account) with its
        checkpoint, resumable or not (:attr:`ScanInfo.resumable` says)."""
        for info in self.list_scans():
            if (
                info.unfinished
                and info.site == site
                and info.scope == scope
                and info.verify == verify
                and (email is None or info.email == email)
                and self.has_checkpoint(info.id)
            ):
                return info
        return None

    def last_complete(
        self, site: str, scope: Scope, verify: str, email: str | None = None
    ) -> ScanInfo | None:
        """The newest complete scan of this site, scope, verify mode (and account) that saved
        what a rescan starts from."""
        for info in self.list_scans():
            if (
                info.status is ScanStatus.COMPLETE
                and info.site == site
                and info.scope == scope
                and info.verify == verify
                and (email is None or info.email == email)
                and (self.scan_dir(info.id) / BASIS).exists()
            ):
                return info
        return None

    def can_resume(self, info: ScanInfo) -> bool:
        """The one answer to "can this scan be resumed": unfinished, not stopped by what would
        stop a resume too, with its checkpoint."""
        return info.unfinished and info.resumable and self.has_checkpoint(info.id)

    def has_checkpoint(self, scan_id: str) -> bool:
        return self._journal_path(scan_id).exists()

    def delete_scan(self, scan_id: str) -> None:
        with self.locked():
            self._table("scans").remove(Query().id == scan_id)
        shutil.rmtree(self.scan_dir(scan_id), ignore_errors=True)

    # -- results --------------------------------------------------------------------------------
    def scan_dir(self, scan_id: str) -> Path:
        if not scan_id or "/" in scan_id or scan_id.startswith("."):
            raise StoreError(f"{scan_id!r} is not a scan id.")
        return self.scans_dir / scan_id

    def save_results(
        self,
        scan_id: str,
        summary: dict[str, Any],
        groups: Iterable[dict[str, Any] | SavedGroup],
        attachments: Iterable[Any] | None,
        group_layer: GroupLayer | None = None,
    ) -> None:
        """Write the bulk first and the summary last: a scan whose summary exists is whole.
        ``attachments`` ``None``: written already (:meth:`save_attachments`).

        ``attachments`` are dicts or dataclass records (orjson writes a dataclass as the dict
        of its fields, in order: the same bytes, without making the dicts).

        ``groups`` and ``attachments`` may be any iterables (generators): rows are encoded and
        written a slice at a time, so 500,000 records never sit in memory twice (as dicts and
        as one JSON blob). The bytes are those of ``AtomicJSONStorage.write`` (TinyDB's layout).

        With ``group_layer``, ``groups`` are only its delta's and the root's are linked
        already (:func:`~aa_tui.store.group_layer.link_group_root`).
        """
        folder = self.scan_dir(scan_id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if attachments is not None:
            self.save_attachments(scan_id, attachments)
        if group_layer is None:
            drop_group_layer(folder)  # an earlier try's
            write_groups(folder / "groups.json", folder / "group_rows.json", groups)
        else:
            drop_whole_groups(folder)
            write_groups(folder / DELTA_GROUPS, folder / DELTA_GROUP_ROWS, groups)
            write_group_layer(folder, group_layer)
        write_table_atomic(folder / "summary.json", [summary])

    def save_attachments(
        self, scan_id: str, attachments: Iterable[Any], name: str = "attachments.json"
    ) -> None:
        """Write a scan's ``attachments.json`` (or a layer's delta, ``name``: dicts or records,
        streamed a slice at a time) ahead of :meth:`save_results`."""
        folder = self.scan_dir(scan_id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_table_atomic(folder / name, attachments)

    def _load_table(self, scan_id: str, name: str) -> list[dict[str, Any]]:
        path = self.scan_dir(scan_id) / f"{name}.json"
        if not path.exists():
            raise StoreError(f"Scan {scan_id} has no saved {name} ({path} is missing).")
        # These files are written once and only read back: parse them directly rather than
        # through TinyDB, which would copy every row twice (Document, then dict). The cyclic
        # GC is paused meanwhile: millions of new dicts would trigger full collections that
        # find nothing and doubled the time (102,000 groups: 1.2 s -> 0.65 s).
        try:
            with gc_paused():
                data = AtomicJSONStorage(path).read() or {}
            table = data.get("_default", {})
            if not isinstance(table, dict):
                raise StoreDamagedError(f"The store file {path} has no table.", path)
        except StoreDamagedError as exc:
            raise StoreError(
                f"{exc} This scan cannot be re-opened; run the scan again (the file was left "
                "as it is)."
            ) from None
        return list(table.values())

    def results(self, scan_id: str) -> ScanResults:
        """A finished scan's results (:class:`ScanResults`); a :class:`StoreError` when the
        scan has none (unfinished, or its files are gone)."""
        if not self.has_results(scan_id):
            if self.get_scan(scan_id) is None:
                raise StoreError(f"Scan {scan_id} is no longer in the store: it was deleted.")
            raise StoreError(f"Scan {scan_id} has no saved results (it did not finish).")
        return ScanResults(self, scan_id)

    def has_results(self, scan_id: str) -> bool:
        return (self.scan_dir(scan_id) / "summary.json").exists()

    def add_to_summary(self, scan_id: str, fields: dict[str, Any]) -> None:
        """Add ``fields`` counted after a scan ended (a layered rescan's insights) to its saved
        summary, rewritten atomically; what it held is kept."""
        summary = self.load_summary(scan_id)
        summary.update((k, v) for k, v in fields.items() if k not in summary)
        write_table_atomic(self.scan_dir(scan_id) / "summary.json", [summary])

    def load_summary(self, scan_id: str) -> dict[str, Any]:
        rows = self._load_table(scan_id, "summary")
        if not rows:
            raise StoreError(f"Scan {scan_id} has an empty summary.")
        return rows[0]

    def load_groups(self, scan_id: str) -> list[dict[str, Any]]:
        if not is_group_layer(self.scan_dir(scan_id)):
            return self._load_table(scan_id, "groups")
        return list(self.iter_layer_groups(scan_id))

    def groups_layered(self, scan_id: str) -> bool:
        """Whether a scan saved its groups as a layer (:mod:`aa_tui.store.group_layer`)."""
        return is_group_layer(self.scan_dir(scan_id))

    def iter_layer_groups(self, scan_id: str) -> Iterator[dict[str, Any]]:
        """The groups of a scan that saved them as a layer, read one at a time in order."""
        table = self.load_group_rows(scan_id)
        if table is None:
            raise StoreError(
                f"Scan {scan_id}'s duplicate groups cannot be read (their files are damaged "
                f"or missing); {_AGAIN_IN_FULL}"
            )
        try:
            yield from iter_groups_by_rows(self.scan_dir(scan_id), table.rows)
        except (OSError, ValueError):
            raise StoreError(
                f"Scan {scan_id}'s duplicate groups are damaged; {_AGAIN_IN_FULL}"
            ) from None

    def load_attachments(self, scan_id: str) -> list[dict[str, Any]]:
        layer = read_layer(self.scan_dir(scan_id))
        if layer is None:
            return self._load_table(scan_id, "attachments")
        root = self._load_table(scan_id, ROOT_ATTACHMENTS.removesuffix(".json"))
        delta = self._load_table(scan_id, DELTA_ATTACHMENTS.removesuffix(".json"))
        return list(merged_rows(root, layer, delta))

    def iter_attachments(self, scan_id: str) -> Iterator[dict[str, Any]]:
        """A finished scan's attachment rows parsed a slice at a time (a rescan's base: never
        every row's dict at once). ``UnexpectedLayout`` or ``ValueError``, even part-way: read
        :meth:`load_attachments` instead."""
        folder = self.scan_dir(scan_id)
        layer = read_layer(folder)
        if layer is None:
            return self._iter_table(scan_id, folder / "attachments.json")
        root = self._iter_table(scan_id, folder / ROOT_ATTACHMENTS)
        delta = self._iter_table(scan_id, folder / DELTA_ATTACHMENTS)
        return merged_rows(root, layer, delta)

    def _iter_table(self, scan_id: str, path: Path) -> Iterator[dict[str, Any]]:
        if not path.exists():
            raise StoreError(f"Scan {scan_id} has no saved attachments ({path} is missing).")
        return (row for rows in iter_table_slices(path) for row in rows)

    def layer(self, scan_id: str) -> Layer | None:
        """What a scan saved as a layer holds beside its root's files; ``None``: saved whole."""
        return read_layer(self.scan_dir(scan_id))

    def load_group_rows(self, scan_id: str) -> GroupTable | None:
        """One row per duplicate group (:data:`GROUP_ROW_FIELDS`), in the groups' order, with
        their sort orders (those not saved are computed when asked for).

        ``None`` when the scan has no usable rows (saved by an older aa-tui, or they do not
        match its groups): read :meth:`load_groups` instead.
        """
        return load_group_rows(self.scan_dir(scan_id))

    def load_group(
        self, scan_id: str, index: int, rows: Sequence[Sequence[Any]] | None = None
    ) -> dict[str, Any]:
        """The duplicate group at ``index`` (the groups' order) with every location, read by
        itself when the scan has group rows (pass them if already loaded)."""
        if rows is None:
            table = self.load_group_rows(scan_id)
            rows = table.rows if table is not None else None
        if rows is not None and 0 <= index < len(rows):
            with GroupReader(self.scan_dir(scan_id)) as reader:
                group = reader.group(rows[index])
            if group is not None:
                return group
        groups = self.load_groups(scan_id)
        if not 0 <= index < len(groups):
            raise StoreError(f"Scan {scan_id} has no duplicate group number {index + 1}.")
        return groups[index]

    # -- checkpoints ----------------------------------------------------------------------------
    def _journal_path(self, scan_id: str) -> Path:
        return self.scan_dir(scan_id) / "journal.jsonl"

    def open_journal(self, scan_id: str) -> Journal:
        try:
            return Journal(self._journal_path(scan_id))
        except JournalBusyError:
            raise StoreError(
                f"Scan {scan_id} is running right now (in another window or process); let it "
                "finish, or cancel it there first."
            ) from None

    def drop_unfinished_writes(self, scan_id: str) -> None:
        """Remove the temporary files of writes that a kill cut short in a scan's folder (its
        journal held: nothing else writes there). A resumed scan writes its files anew."""
        for path in self.scan_dir(scan_id).glob(".*.tmp"):
            path.unlink(missing_ok=True)

    def read_journal(self, scan_id: str) -> list[dict[str, Any]]:
        return list(self.iter_journal(scan_id))

    def iter_journal(self, scan_id: str) -> Iterator[dict[str, Any]]:
        """A scan's journal entries, read one at a time (an interrupted big scan's journal
        holds every record it fetched: hundreds of MB)."""
        return read_journal(self._journal_path(scan_id))

    def drop_journal(self, scan_id: str) -> None:
        self._journal_path(scan_id).unlink(missing_ok=True)

    # -- more tables of the index (cleanup plans: aa_tui.store.plans) -----------------------------
    def index_table(self, name: str) -> IndexTable:
        """Another table of the index file (rows keyed by ``id``), behind the store's lock."""
        from aa_tui.store.tables import IndexTable

        if name in ("meta", "scans", "profiles", "_default"):
            raise ValueError(f"{name!r} is the store's own table")
        return IndexTable(lambda: self._table(name), self.locked)
