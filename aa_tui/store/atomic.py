"""A TinyDB storage that never leaves a half-written file: orjson, temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

import orjson
from tinydb.storages import Storage

from aa_tui.durable import fsync_dir
from aa_tui.store.errors import StoreDamagedError

__all__ = [
    "AtomicJSONStorage",
    "StoreDamagedError",
    "atomic_writer",
    "read_json_file",
    "write_atomic",
]

PRIVATE = 0o600


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or chunks streamed in order) to ``path`` so that a crash
    leaves either the old or the new file: temp file, fsync, rename, fsync the directory."""
    chunks = (data,) if isinstance(data, bytes) else data
    with atomic_writer(path) as handle:
        for chunk in chunks:
            handle.write(chunk)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through, as :func:`write_atomic` does: in place once the
    block ends, never if it ends by an exception (or a generator holding it is closed)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # named as the file asked for, not the temp file's random name
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        os.fchmod(fd, PRIVATE)
        with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):  # a write of ours
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    fsync_dir(path.parent)


def read_json_file(path: Path) -> Any:
    """Parse a store file; raise :class:`StoreDamagedError` naming it when it is not JSON."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        return None if raw == b"" else _damaged(path, "is empty")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        _damaged(path, f"is not valid JSON ({str(exc).splitlines()[0][:80]})")


def _damaged(path: Path, reason: str) -> None:
    raise StoreDamagedError(f"The store file {path} {reason}.", path)


class AtomicJSONStorage(Storage):
    """TinyDB ``Storage``: whole-file reads and atomic whole-file writes, mode 0600."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        data = read_json_file(self.path)
        if data is not None and not isinstance(data, dict):
            _damaged(self.path, "does not hold a JSON object")
        return cast("dict[str, dict[str, Any]] | None", data)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.path, orjson.dumps(data))

    def close(self) -> None:
        pass
