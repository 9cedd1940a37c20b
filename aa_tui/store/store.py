"""The store: an index of scans and site profiles, plus each scan's results in its own files.

Layout under the data dir (every file 0600, every dir 0700)::

    aa-tui.json                 index: schema version, scans, profiles (TinyDB)
    scans/<id>/summary.json     totals, tables, quick wins: what re-opening a scan needs
    scans/<id>/groups.json      every duplicate group with every location (loaded on demand)
    scans/<id>/attachments.json every attachment record (loaded on demand)
    scans/<id>/journal.jsonl    checkpoint of a scan that has not finished

One lock guards every TinyDB call: TinyDB itself has none, and a writer thread beside a reader
thread corrupts a file within seconds.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson
from tinydb import Query, TinyDB

from aa_tui.scan.records import Scope
from aa_tui.store.atomic import PRIVATE, AtomicJSONStorage, StoreDamagedError, fsync_dir
from aa_tui.store.journal import Journal, read_journal

SCHEMA_VERSION = 1
INDEX_FILE = "aa-tui.json"
RESUMABLE = ("running", "interrupted", "failed", "cancelled")


class StoreError(Exception):
    """A problem with the store, phrased for the user (file and what to do)."""


@dataclass
class ScanInfo:
    """One scan in the index."""

    id: str
    site: str
    email: str
    scope: Scope
    verify: str = "exact"
    started_at: str = ""
    finished_at: str = ""
    status: str = "running"  # running | interrupted | failed | cancelled | complete
    duration_s: float = 0.0
    totals: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    @property
    def resumable(self) -> bool:
        return self.status in RESUMABLE

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = self.scope.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanInfo:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["scope"] = Scope.from_dict(data.get("scope") or {})
        return cls(**known)


@dataclass
class Profile:
    """A saved site (never the token: that lives in the OS keyring)."""

    site: str
    email: str
    last_scan: str = ""

    @property
    def key(self) -> str:
        return f"{self.email}@{self.site}"


_WRITE_SLICE = 2000


def _write_table_atomic(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Stream ``{"_default": {"1": row, ...}}`` to ``path`` atomically (temp, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, PRIVATE)
        with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
            handle.write(b'{"_default":{')
            number = 0
            parts: list[bytes] = []
            for row in rows:
                number += 1
                parts.append(b'"%d":%s' % (number, orjson.dumps(row)))
                if len(parts) == _WRITE_SLICE:
                    handle.write((b"," if number > _WRITE_SLICE else b"") + b",".join(parts))
                    parts.clear()
            if parts:
                handle.write((b"," if number > len(parts) else b"") + b",".join(parts))
            handle.write(b"}}")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


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
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.scans_dir = self.data_dir / "scans"
        self.scans_dir.mkdir(exist_ok=True, mode=0o700)
        self.index_path = self.data_dir / INDEX_FILE
        self._lock = threading.RLock()
        self.warnings: list[str] = []
        self._db = self._open_index()

    # -- index file -----------------------------------------------------------------------------
    def _open_index(self) -> TinyDB:
        try:
            _check_index_shape(AtomicJSONStorage(self.index_path).read(), self.index_path)
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
        db = TinyDB(self.index_path, storage=AtomicJSONStorage)
        meta = db.table("meta")
        found = meta.get(doc_id=1)
        if found is None:
            meta.insert({"schema": SCHEMA_VERSION})
        elif found.get("schema") != SCHEMA_VERSION:
            db.close()
            raise StoreError(
                f"The store {self.index_path} has schema version {found.get('schema')!r}, but "
                f"this aa-tui reads version {SCHEMA_VERSION}. Upgrade aa-tui, or choose another "
                "place with --data-dir (the file was left untouched)."
            )
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- profiles -------------------------------------------------------------------------------
    def list_profiles(self) -> list[Profile]:
        with self._lock:
            rows = self._db.table("profiles").all()
        return sorted(
            (Profile(r["site"], r["email"], r.get("last_scan", "")) for r in rows),
            key=lambda p: (p.site, p.email),
        )

    def save_profile(self, profile: Profile) -> None:
        q = Query()
        with self._lock:
            self._db.table("profiles").upsert(
                asdict(profile), (q.site == profile.site) & (q.email == profile.email)
            )

    def delete_profile(self, site: str, email: str) -> None:
        q = Query()
        with self._lock:
            self._db.table("profiles").remove((q.site == site) & (q.email == email))

    # -- scans index ----------------------------------------------------------------------------
    def save_scan(self, info: ScanInfo) -> None:
        with self._lock:
            self._db.table("scans").upsert(info.to_dict(), Query().id == info.id)

    def get_scan(self, scan_id: str) -> ScanInfo | None:
        with self._lock:
            row = self._db.table("scans").get(Query().id == scan_id)
        return ScanInfo.from_dict(row) if row else None

    def list_scans(self) -> list[ScanInfo]:
        """Newest first."""
        with self._lock:
            rows = self._db.table("scans").all()
        return sorted(
            (ScanInfo.from_dict(r) for r in rows), key=lambda s: s.started_at, reverse=True
        )

    def find_resumable(self, site: str, scope: Scope, verify: str) -> ScanInfo | None:
        for info in self.list_scans():
            if (
                info.resumable
                and info.site == site
                and info.scope == scope
                and info.verify == verify
                and self.journal_path(info.id).exists()
            ):
                return info
        return None

    def delete_scan(self, scan_id: str) -> None:
        with self._lock:
            self._db.table("scans").remove(Query().id == scan_id)
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
        groups: Iterable[dict[str, Any]],
        attachments: Iterable[dict[str, Any]],
    ) -> None:
        """Write the bulk first and the summary last: a scan whose summary exists is whole.

        ``groups`` and ``attachments`` may be any iterables (generators): rows are encoded and
        written a slice at a time, so 500,000 records never sit in memory twice (as dicts and
        as one JSON blob). The bytes are those of ``AtomicJSONStorage.write`` (TinyDB's layout).
        """
        folder = self.scan_dir(scan_id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name, rows in (
            ("attachments", attachments),
            ("groups", groups),
            ("summary", [summary]),
        ):
            _write_table_atomic(folder / f"{name}.json", rows)

    def _load_table(self, scan_id: str, name: str) -> list[dict[str, Any]]:
        path = self.scan_dir(scan_id) / f"{name}.json"
        if not path.exists():
            raise StoreError(f"Scan {scan_id} has no saved {name} ({path} is missing).")
        # These files are written once and only read back: parse them directly rather than
        # through TinyDB, which would copy every row twice (Document, then dict). The cyclic
        # GC is paused meanwhile: millions of new dicts would trigger full collections that
        # find nothing and doubled the time (102,000 groups: 1.2 s -> 0.65 s).
        collecting = gc.isenabled()
        gc.disable()
        try:
            data = AtomicJSONStorage(path).read() or {}
            table = data.get("_default", {})
            if not isinstance(table, dict):
                raise StoreDamagedError(f"The store file {path} has no table.", path)
        except StoreDamagedError as exc:
            raise StoreError(
                f"{exc} This scan cannot be re-opened; run the scan again (the file was left "
                "as it is)."
            ) from None
        finally:
            if collecting:
                gc.enable()
        return list(table.values())

    def has_results(self, scan_id: str) -> bool:
        return (self.scan_dir(scan_id) / "summary.json").exists()

    def load_summary(self, scan_id: str) -> dict[str, Any]:
        rows = self._load_table(scan_id, "summary")
        if not rows:
            raise StoreError(f"Scan {scan_id} has an empty summary.")
        return rows[0]

    def load_groups(self, scan_id: str) -> list[dict[str, Any]]:
        return self._load_table(scan_id, "groups")

    def load_attachments(self, scan_id: str) -> list[dict[str, Any]]:
        return self._load_table(scan_id, "attachments")

    # -- checkpoints ----------------------------------------------------------------------------
    def journal_path(self, scan_id: str) -> Path:
        return self.scan_dir(scan_id) / "journal.jsonl"

    def open_journal(self, scan_id: str) -> Journal:
        return Journal(self.journal_path(scan_id))

    def read_journal(self, scan_id: str) -> list[dict[str, Any]]:
        return list(read_journal(self.journal_path(scan_id)))

    def drop_journal(self, scan_id: str) -> None:
        self.journal_path(scan_id).unlink(missing_ok=True)
