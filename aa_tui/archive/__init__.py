"""Archive stores: where a cleanup keeps the bytes of what it removes, and the manifest.

Persistence beside :mod:`aa_tui.store` (it knows only the model). :class:`ArchiveStore` is the
interface; :class:`LocalArchive` (a folder) the first store; :func:`open_archive` opens a
destination as the user or the audit journal names it.
"""

from __future__ import annotations

from pathlib import Path

from aa_tui.archive.local import LocalArchive
from aa_tui.archive.manifest import MANIFEST, MANIFEST_FORMAT, manifest_line, read_manifest
from aa_tui.archive.protocol import (
    ArchiveKey,
    ArchiveStore,
    Check,
    HashMismatch,
    Source,
    Stored,
)

__all__ = [
    "MANIFEST",
    "MANIFEST_FORMAT",
    "ArchiveKey",
    "ArchiveStore",
    "Check",
    "HashMismatch",
    "LocalArchive",
    "Source",
    "Stored",
    "manifest_line",
    "open_archive",
    "open_manifest",
    "read_manifest",
]


def open_archive(destination: str | Path) -> ArchiveStore:
    """The store at ``destination`` as ``--archive`` or the audit journal names it: today a
    local folder. Another destination adds its scheme here (``s3://...``, say)."""
    return LocalArchive(Path(destination).expanduser())


def open_manifest(manifest: str | Path) -> ArchiveStore:
    """The store a restore names: an archive folder, or the manifest file in one."""
    path = Path(manifest).expanduser()
    if path.is_dir():
        return LocalArchive(path)
    return LocalArchive(path.parent, manifest=path.name)
