"""The archive as a local folder (the user's, not the store): the first :class:`ArchiveStore`.

Layout::

    DIR/<issue key>/<attachment id>-<file name>   the bytes, SHA-256 checked
    DIR/manifest.jsonl                            one line per file (restore reads it)

A file is streamed to ``<name>.part`` while hashed, fsynced, and renamed only when its SHA-256
is the one expected; a mismatch or a failed read removes the part file. Manifest lines are
appended and fsynced one by one; a line torn by a crash is cut when the archive is prepared,
and a line is never written twice for one attachment id.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from aa_tui.archive.manifest import MANIFEST, read_manifest
from aa_tui.archive.protocol import (
    ArchiveKey,
    ArchiveUnavailable,
    Check,
    HashMismatch,
    Source,
    Stored,
)
from aa_tui.durable import fsync_dir
from aa_tui.model.records import ISSUE_KEY

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
MAX_NAME_BYTES = 200
HASH_CHUNK = 1 << 20


def safe_part(text: str, fallback: str) -> str:
    """A name Jira users chose, made safe as one path segment (no separators, no control
    characters, not ``.``/``..``, at most 200 bytes)."""
    name = _UNSAFE.sub("_", text).strip()
    if name in ("", ".", ".."):
        name = fallback
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        tail = ("." + ext) if dot and len(ext.encode()) <= 16 else ""
        room = MAX_NAME_BYTES - len(tail.encode())
        name = (stem if tail else name).encode()[:room].decode("utf-8", "ignore") + tail
    return name


def relative_path(key: ArchiveKey) -> str:
    issue = key.issue_key if ISSUE_KEY.match(key.issue_key) else safe_part(key.issue_key, "issue")
    return f"{issue}/{safe_part(key.attachment_id + '-' + key.file_name, key.attachment_id)}"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class LocalArchive:
    """An archive in a local folder (``--archive DIR``)."""

    def __init__(self, root: Path | str, manifest: str = MANIFEST) -> None:
        # Absolute from the start: the journal, the manifest's readers and the comments on
        # Jira name it, and a relative path means another folder from another directory.
        self.root = Path(root).expanduser().absolute()
        self.manifest = self.root / manifest
        self._lock = threading.Lock()
        self._ids: set[str] | None = None

    def __repr__(self) -> str:
        return f"LocalArchive({str(self.root)!r})"

    @property
    def location(self) -> str:
        return str(self.root)

    @property
    def manifest_location(self) -> str:
        return str(self.manifest)

    def same_as(self, location: str) -> bool:
        return Path(location).expanduser().resolve() == self.root.resolve()

    def prepare(self) -> None:
        """Make the folder and prove it takes a file; a folder that cannot be used is one
        sentence (:class:`ArchiveUnavailable`) before anything is deleted."""
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            probe = self.root / f".aa-tui-probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ArchiveUnavailable(
                f"The archive folder {self.root} cannot be used ({reason}): choose a folder "
                "this account can write."
            ) from None
        self._repair_manifest()

    # -- files ----------------------------------------------------------------------------------
    def path_for(self, key: ArchiveKey) -> str:
        return relative_path(key)

    def _inside(self, path: str) -> Path | None:
        full = (self.root / path).resolve()
        try:
            full.relative_to(self.root.resolve())
        except ValueError:
            return None
        return full

    def _full(self, path: str) -> Path:
        full = self._inside(path)
        if full is None:
            raise FileNotFoundError(f"{path} points outside the archive {self.root}")
        return full

    def put(self, key: ArchiveKey, source: Source, *, sha256: str = "") -> Stored:
        relative = relative_path(key)
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        part = path.with_name(path.name + ".part")
        digest = hashlib.sha256()
        size = 0
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        kept = False
        try:
            with os.fdopen(fd, "wb", buffering=1 << 20) as handle:

                def sink(chunk: bytes) -> None:
                    nonlocal size
                    digest.update(chunk)
                    handle.write(chunk)
                    size += len(chunk)

                source(sink)
                handle.flush()
                os.fsync(handle.fileno())
            actual = digest.hexdigest()
            if sha256 and actual != sha256:
                raise HashMismatch(actual)
            os.replace(part, path)
            kept = True
            fsync_dir(path.parent)
        finally:
            if not kept:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(part)
        return Stored(relative, actual, size, str(path))

    def has(self, path: str, size: int) -> bool:
        full = self._inside(path)
        return full is not None and full.is_file() and full.stat().st_size == size

    def open(self, path: str) -> BinaryIO:
        return open(self._full(path), "rb")

    @contextlib.contextmanager
    def local_file(self, path: str) -> Iterator[Path]:
        yield self._full(path)

    def verify(self, path: str, sha256: str, size: int) -> Check:
        full = self._inside(path)
        if full is None:
            return Check.OUTSIDE
        if not full.is_file():
            return Check.MISSING
        if full.stat().st_size != size:
            return Check.SIZE
        return Check.OK if _sha256_of(full) == sha256 else Check.SHA256

    def where(self, path: str) -> str:
        return str(self._inside(path) or self.root)

    def files(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*")
            if p.is_file()
            and p != self.manifest
            and not p.name.endswith(".part")
            and not p.name.startswith(".aa-tui-probe-")
        )

    # -- the manifest ---------------------------------------------------------------------------
    def _repair_manifest(self) -> None:
        """Cut a line torn by a crash, so the next line starts on its own."""
        try:
            data = self.manifest.read_bytes()
        except FileNotFoundError:
            return
        if data and not data.endswith(b"\n"):
            with open(self.manifest, "r+b") as handle:
                handle.truncate(data.rfind(b"\n") + 1)
                os.fsync(handle.fileno())

    def lines(self) -> list[dict[str, Any]]:
        return read_manifest(self.manifest)

    def ids(self) -> set[str]:
        with self._lock:
            if self._ids is None:
                self._ids = {str(line.get("id")) for line in self.lines()}
            return set(self._ids)

    def append_line(self, line: dict[str, Any]) -> bool:
        aid = str(line["id"])
        with self._lock:
            if self._ids is None:
                self._ids = {str(x.get("id")) for x in self.lines()}
            if aid in self._ids:
                return False
            fd = os.open(self.manifest, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, orjson.dumps(line) + b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            self._ids.add(aid)
        return True
