"""Archive stores: where a cleanup keeps the bytes of what it removes, and the manifest.

Persistence beside :mod:`aa_tui.store` (it knows only the model). :class:`ArchiveStore` is the
interface; :class:`LocalArchive` (a folder) and :class:`~aa_tui.archive.s3.S3Archive`
(``s3://bucket/prefix``, boto3 imported only then) the stores; :func:`open_archive` opens a
destination as the user or the audit journal names it.
"""

from __future__ import annotations

from pathlib import Path

from aa_tui.archive.local import LocalArchive
from aa_tui.archive.manifest import MANIFEST, MANIFEST_FORMAT, manifest_line, read_manifest
from aa_tui.archive.protocol import (
    ArchiveKey,
    ArchiveStore,
    ArchiveUnavailable,
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
    "ArchiveUnavailable",
    "Check",
    "HashMismatch",
    "LocalArchive",
    "Source",
    "Stored",
    "manifest_line",
    "is_s3",
    "manifest_name",
    "open_archive",
    "open_manifest",
    "read_manifest",
]


def is_s3(destination: str | Path) -> bool:
    """``destination`` names S3-compatible object storage (``s3://bucket/prefix``)."""
    return str(destination).lower().startswith("s3://")


def manifest_name(destination: str | Path) -> str:
    """What lists the files of the archive at ``destination``, as one finds it there: a
    folder's ``manifest.jsonl``, an S3 prefix's ``manifest.d/`` (one object a file)."""
    return "manifest.d/" if is_s3(destination) else MANIFEST


def open_archive(destination: str | Path) -> ArchiveStore:
    """The store at ``destination`` as ``--archive`` or the audit journal names it: a local
    folder, or ``s3://bucket/prefix``. Nothing is sent yet: ``prepare()`` proves it works."""
    if is_s3(destination):
        from aa_tui.archive.s3 import S3Archive

        return S3Archive(str(destination))
    return LocalArchive(Path(destination).expanduser())


def open_manifest(manifest: str | Path) -> ArchiveStore:
    """The store a restore names: an archive folder or ``s3://bucket/prefix``, or the manifest
    in one (``manifest.jsonl``; on S3 also its ``manifest.d/``)."""
    if is_s3(manifest):
        text = str(manifest).rstrip("/")
        for tail in ("/manifest.d", "/" + MANIFEST):
            if text.endswith(tail):
                text = text[: -len(tail)]
        return open_archive(text if is_s3(text) else "s3://")  # "s3://" alone: no bucket
    path = Path(manifest).expanduser()
    if path.is_dir():
        return LocalArchive(path)
    return LocalArchive(path.parent, manifest=path.name)
