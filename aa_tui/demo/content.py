"""Attachment bytes made on the fly from a content spec; nothing is ever stored.

A spec is ``(blob_seed, size, mutations)``. The blob is an endless pseudo-random stream cut in
64 KiB chunks: chunk ``k`` of seed ``s`` is a 32-byte tag unique to ``(s, k)`` followed by a
slice of a fixed random pool chosen by that tag. So any chunk can be made in microseconds, two
different seeds never share a chunk, and ``mutations`` (``(offset, byte)`` pairs) change single
bytes on top. Equal spec -> equal bytes; different spec -> different bytes.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass

CHUNK = 64 * 1024
TAG = 32
_POOL = random.Random(0xA77AC4).randbytes(2 * 1024 * 1024 + CHUNK)
_POOL_SPAN = len(_POOL) - CHUNK


@dataclass(frozen=True, slots=True)
class ContentSpec:
    """What an attachment's bytes are: equal specs give equal bytes, and only they do."""

    seed: int
    size: int
    mutations: tuple[tuple[int, int], ...] = ()


def chunk_bytes(seed: int, index: int) -> bytes:
    """The 64 KiB chunk ``index`` of the endless stream of ``seed``."""
    tag = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=TAG).digest()
    offset = int.from_bytes(tag[:8], "little") % _POOL_SPAN
    return tag + _POOL[offset : offset + CHUNK - TAG]


def iter_spec(spec: ContentSpec, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """Yield the bytes ``[start, end)`` of ``spec`` in pieces of at most 64 KiB."""
    stop = spec.size if end is None else min(end, spec.size)
    pos = max(0, start)
    while pos < stop:
        index, skip = divmod(pos, CHUNK)
        take = min(CHUNK - skip, stop - pos)
        piece = chunk_bytes(spec.seed, index)[skip : skip + take]
        hits = [(o, b) for o, b in spec.mutations if pos <= o < pos + take]
        if hits:
            buf = bytearray(piece)
            for o, b in hits:
                buf[o - pos] = b
            piece = bytes(buf)
        yield piece
        pos += take


def read_spec(spec: ContentSpec, start: int = 0, end: int | None = None) -> bytes:
    """The bytes ``[start, end)`` of ``spec`` (clipped to its size)."""
    return b"".join(iter_spec(spec, start, end))


def byte_at(spec: ContentSpec, offset: int) -> int:
    """The byte at ``offset`` (mutations included)."""
    return read_spec(spec, offset, offset + 1)[0]
