"""What a cleanup needs of an archive, whatever holds it: :class:`ArchiveStore`.

An archive keeps the bytes of every file a cleanup removes, each checked by SHA-256, and a
manifest of one JSON line per file (the format: README, "Archive manifest format"). The local
folder (:mod:`aa_tui.archive.local`) is the first store; another destination implements this
protocol and is opened by :func:`aa_tui.archive.open_archive`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

from aa_tui.model.errors import EXIT_USAGE, AaTuiError

#: A stream of a file's bytes: called with a sink, it calls the sink with each chunk, in order
#: (``JiraSite.read_content`` bound to one attachment is one).
Source = Callable[[Callable[[bytes], None]], object]


@dataclass(frozen=True, slots=True)
class ArchiveKey:
    """Which file a put stores: the store names it from these (the layout is the store's)."""

    attachment_id: str
    issue_key: str
    file_name: str


@dataclass(frozen=True, slots=True)
class Stored:
    """A file the archive holds now."""

    path: str  # where in the archive (the manifest's ``path``: relative, ``/``-separated)
    sha256: str  # hex digest of the bytes as they were written
    size: int
    location: str  # where it is, as the audit journal records it (local: the file's path)


class Check(Enum):
    """What re-reading an archived file found."""

    OK = "ok"
    OUTSIDE = "outside"  # the path points outside the archive
    MISSING = "missing"
    SIZE = "size"  # another size than expected
    SHA256 = "sha256"  # the bytes hash to another SHA-256


class HashMismatch(AaTuiError):
    """The bytes of a put did not hash to the SHA-256 they were expected to: nothing was kept."""

    title = "Archived bytes differ"

    def __init__(self, actual: str) -> None:
        super().__init__(actual)
        self.actual = actual


class ArchiveUnavailable(AaTuiError):
    """The archive destination cannot be used (no bucket, no credentials, unreachable, access
    denied): said before anything is deleted, or stops the run before the next delete."""

    title = "Archive unavailable"
    exit_code = EXIT_USAGE


@runtime_checkable
class ArchiveStore(Protocol):
    """An archive destination: bytes in (hashed), read back, verified, listed; the manifest."""

    @property
    def location(self) -> str:
        """Where it is, as the audit journal records it and the faces show it."""
        ...

    @property
    def manifest_location(self) -> str:
        """Where its manifest is (a restore's journal is named from it)."""
        ...

    def same_as(self, location: str) -> bool:
        """Whether ``location`` (as :attr:`location` once recorded it) is this archive."""
        ...

    def prepare(self) -> None:
        """Create it if needed and prove it takes files, before anything is deleted."""
        ...

    def path_for(self, key: ArchiveKey) -> str:
        """Where :meth:`put` keeps ``key``'s bytes."""
        ...

    def put(self, key: ArchiveKey, source: Source, *, sha256: str = "") -> Stored:
        """Store the bytes ``source`` streams, durably, hashing them on the way. With
        ``sha256``, bytes that hash otherwise raise :class:`HashMismatch` and nothing is kept
        (no partial file either way)."""
        ...

    def has(self, path: str, size: int) -> bool:
        """A file is at ``path`` with ``size`` bytes (a quick check; :meth:`verify` reads)."""
        ...

    def open(self, path: str) -> BinaryIO:
        """Read an archived file back."""
        ...

    def local_file(self, path: str) -> AbstractContextManager[Path]:
        """The archived file as a local path for the time of the ``with`` (an upload)."""
        ...

    def verify(self, path: str, sha256: str, size: int) -> Check:
        """Re-read the file at ``path`` in full and say whether it is what it should be."""
        ...

    def where(self, path: str) -> str:
        """How a message names the file at ``path``."""
        ...

    def files(self) -> list[str]:
        """The paths of every archived file (not the manifest, not a partial write)."""
        ...

    def append_line(self, line: dict[str, Any]) -> bool:
        """Append one manifest line, durably (on disk when this returns), unless a line with
        its ``id`` is there already; True when written."""
        ...

    def lines(self) -> list[dict[str, Any]]:
        """Every whole line of the manifest (a line torn by a crash is left out)."""
        ...

    def ids(self) -> set[str]:
        """The attachment ids the manifest lists."""
        ...
