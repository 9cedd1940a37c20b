"""Sizes and counts as every face writes them: binary units, like du (``1.5 MiB``, ``512 B``,
``0 B``), and ``1 file`` but ``2 files``."""

from __future__ import annotations

import humanize


def size_text(n: int | float | None) -> str:
    """``0 B``, ``512 B``, ``1.5 MiB``, ``2.7 TiB`` (humanize's, but ``0 B`` not ``0 Bytes``:
    the same short unit on every line)."""
    if abs(n or 0) < 1024:
        return f"{int(n or 0)} B"
    return humanize.naturalsize(n or 0, binary=True, format="%.1f")


def counted(n: int, noun: str, plural: str = "") -> str:
    """``1 file``, ``2 files``, ``1,204 groups`` (``plural`` for nouns that take more than an
    s: ``counted(2, "hash", "hashes")``)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {plural or noun + 's'}"
