"""The archive of a cleanup: every removed file's bytes, checked, before its DELETE is sent.

Layout (the user's folder, not the store)::

    DIR/<issue key>/<attachment id>-<file name>   the bytes, SHA-256 checked against the proof
    DIR/manifest.jsonl                            one line per deleted file (restore reads it)

A file is streamed to ``<name>.part`` while hashed, fsynced, and renamed only when its SHA-256
equals the group's; a mismatch removes the part file and stops that group. Manifest lines are
appended (fsynced) after Jira accepted the DELETE; a run that was killed in between adds the
missing lines when it resumes, and never writes one twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from aa_tui.jira.errors import Cancelled
from aa_tui.model.cleanup import Plan, PlannedDeletion
from aa_tui.store.atomic import fsync_dir

MANIFEST = "manifest.jsonl"
MANIFEST_FORMAT = "aa-tui.archive/1"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-\d+$")
MAX_NAME_BYTES = 200


class HashMismatch(Exception):
    def __init__(self, actual: str) -> None:
        super().__init__(actual)
        self.actual = actual


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


def relative_path(d: PlannedDeletion) -> str:
    issue = d.issue_key if _KEY.match(d.issue_key) else safe_part(d.issue_key, "issue")
    return f"{issue}/{safe_part(d.attachment_id + '-' + d.file_name, d.attachment_id)}"


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser()
        self.manifest = self.root / MANIFEST
        self._lock = threading.Lock()
        self._ids: set[str] | None = None

    def prepare(self) -> None:
        """Create the folder and prove it takes files, before anything is deleted."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = self.root / f".aa-tui-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        self._repair_manifest()

    def path_of(self, d: PlannedDeletion) -> Path:
        return self.root / relative_path(d)

    def present(self, d: PlannedDeletion) -> bool:
        """The file is archived already (a run before this one checked its bytes)."""
        path = self.path_of(d)
        return path.is_file() and path.stat().st_size == d.size

    def store(
        self,
        d: PlannedDeletion,
        read: Callable[[str, int, int | None, Callable[[bytes], None]], int],
        stopping: Callable[[], bool],
    ) -> tuple[Path, str]:
        """Download ``d`` (``read`` is ``JiraClient.read_content``) into the archive; its
        SHA-256 must equal the group's, else :class:`HashMismatch` and nothing is kept."""
        path = self.path_of(d)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        part = path.with_name(path.name + ".part")
        digest = hashlib.sha256()
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        kept = False
        try:
            with os.fdopen(fd, "wb", buffering=1 << 20) as handle:

                def sink(chunk: bytes) -> None:
                    if stopping():
                        raise Cancelled()
                    digest.update(chunk)
                    handle.write(chunk)

                if d.size:
                    read(d.attachment_id, 0, d.size - 1, sink)
                handle.flush()
                os.fsync(handle.fileno())
            actual = digest.hexdigest()
            if actual != d.sha256:
                raise HashMismatch(actual)
            os.replace(part, path)
            kept = True
            fsync_dir(path.parent)
        finally:
            if not kept:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(part)
        return path, digest.hexdigest()

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

    def ids(self) -> set[str]:
        with self._lock:
            if self._ids is None:
                self._ids = {str(line.get("id")) for line in read_manifest(self.manifest)}
            return set(self._ids)

    def record(self, d: PlannedDeletion, plan: Plan, deleted_at: str, actor: str) -> bool:
        """Append ``d``'s manifest line unless it is there already; True when written."""
        line = manifest_line(d, plan, deleted_at, actor, relative_path(d))
        with self._lock:
            if self._ids is None:
                self._ids = {str(x.get("id")) for x in read_manifest(self.manifest)}
            if d.attachment_id in self._ids:
                return False
            fd = os.open(self.manifest, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, orjson.dumps(line) + b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            self._ids.add(d.attachment_id)
        return True


def manifest_line(
    d: PlannedDeletion, plan: Plan, deleted_at: str, actor: str, path: str
) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "id": d.attachment_id,
        "issue": d.issue_key,
        "issue_id": d.issue_id,
        "project": d.project_key,
        "file_name": d.file_name,
        "size": d.size,
        "sha256": d.sha256,
        "mime_type": d.mime_type,
        "author": d.author,
        "uploaded": d.created,
        "kept_id": d.keep_id,
        "kept_issue": d.keep_issue_key,
        "deleted_at": deleted_at,
        "deleted_by": actor,
        "site": plan.site,
        "plan": plan.id,
        "path": path,
    }


def read_manifest(path: Path) -> list[dict[str, Any]]:
    """Every whole line of a manifest (a torn last line is ignored)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    out = []
    for raw in data.split(b"\n")[:-1]:  # the last piece is empty, or a torn line
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(line, dict) and line.get("id") is not None:
            out.append(line)
    return out
