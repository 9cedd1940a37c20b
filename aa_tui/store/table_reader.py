"""Read a scan's tables a document at a time, from a file read a block at a time.

``json.loads`` or ``orjson.loads`` of a 100,000-group file (~120 MB) is one C call that holds
the GIL for seconds, so the UI thread stalls even when the load runs in a worker thread; and
the whole file, then every document, sit in memory at once. This reader walks the store's
table one document at a time (``JSONDecoder.raw_decode`` over a window of the file): the same
documents, in small slices that let the UI thread run between them, and only the window (about
a megabyte) and the document being read in memory; an export streams them on to its file.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from aa_tui.model.errors import InternalError

_SPACE = re.compile(r"\s*")
_DECODER = json.JSONDecoder()
TABLE = "_default"  # TinyDB's default table, as Store.save_results writes it
BLOCK = 1 << 20  # bytes read at a time


class UnexpectedLayout(InternalError, ValueError):
    """The file is not a one-table TinyDB document: let the store read it."""


class _Window:
    """The part of a file not parsed yet, as text, filled a block at a time."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._decode = codecs.getincrementaldecoder("utf-8")().decode
        self.text = ""
        self.at = 0
        self.ended = False

    def more(self) -> bool:
        """Read the next block (dropping what was parsed); False at the end of the file."""
        if self.ended:
            return False
        block = self._handle.read(BLOCK)
        self.ended = not block
        self.text = self.text[self.at :] + self._decode(block, final=self.ended)
        self.at = 0
        return not self.ended or bool(self.text)

    def skip(self) -> str:
        """Skip white space; the next character ("" at the end of the file)."""
        while True:
            match = _SPACE.match(self.text, self.at)
            self.at = match.end() if match else self.at
            if self.at < len(self.text) or not self.more():
                return self.text[self.at : self.at + 1]

    def expect(self, char: str) -> None:
        if self.skip() != char:
            raise UnexpectedLayout(f"expected {char!r}")
        self.at += 1

    def value(self) -> Any:
        """The next JSON value (an object or a string: a number could end at the window's
        edge and still go on); a block more at a time while it runs past the window."""
        self.skip()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.at)
            except json.JSONDecodeError:
                if self.ended or not self.more():
                    raise
                continue
            self.at = end
            return value


def iter_table(path: Path, table: str = TABLE) -> Iterator[dict[str, Any]]:
    """The documents of one TinyDB table, in stored order, parsed one at a time. Raises
    :class:`UnexpectedLayout` before the first document when the file is not one such table,
    ``ValueError`` when it is damaged further on."""
    with open(path, "rb") as handle:
        window = _Window(handle)
        window.expect("{")
        name = window.value()
        if name != table:
            raise UnexpectedLayout(f"first table is {name!r}, not {table!r}")
        window.expect(":")
        window.expect("{")
        while True:
            if window.skip() == "}":
                return
            window.value()  # the document's number
            window.expect(":")
            yield window.value()
            if window.skip() == ",":
                window.at += 1


_LABEL = re.compile(rb'\d+":\{')
SLICE_BLOCK = 256 << 10  # bytes parsed in one orjson call by iter_table_slices


def iter_table_slices(path: Path, table: str = TABLE) -> Iterator[list[dict[str, Any]]]:
    """The documents of one TinyDB table as the store writes it (no white space, flat
    documents), a slice at a time: each block of the file (:data:`SLICE_BLOCK`) is cut after
    its last ``},"N":{`` and parsed by one ``orjson.loads`` (3x faster than :func:`iter_table`;
    a block's documents in memory at once: 4 MB blocks raised a 200,000-issue base's peak by
    50 MB, 256 KB ones by none). The cut is exact: a quote
    right after a comma is never inside a JSON string (there it is escaped), and one closing
    a string is followed by a comma or a brace, never by a number. The document numbers are
    checked to run 1, 2, 3...: :class:`UnexpectedLayout` or ``ValueError`` when they do not,
    or when the file is another layout (then read it with :func:`iter_table`)."""
    head = b'{"%s":{' % table.encode()
    expected = 1
    with open(path, "rb") as handle:
        if handle.read(len(head)) != head:
            raise UnexpectedLayout(f"not a {table!r} table as the store writes it")
        rest = b""
        while True:
            block = handle.read(SLICE_BLOCK)
            data = rest + block
            if block:
                cut = _last_cut(data)
                if cut < 0:  # one document longer than the block: read on
                    rest = data
                    continue
                piece, rest = data[: cut + 1], data[cut + 2 :]
            elif data.endswith(b"}}"):
                piece, rest = data[:-2], b""
            else:
                raise ValueError(f"{path.name} ends part-way")
            documents = orjson.loads(b"{" + piece + b"}") if piece else {}
            numbers = [str(n) for n in range(expected, expected + len(documents))]
            if list(documents) != numbers or not all(
                isinstance(d, dict) for d in documents.values()
            ):
                raise ValueError(f"{path.name}: documents out of order")
            expected += len(documents)
            if documents:
                yield list(documents.values())
            if not block:
                return


def _last_cut(data: bytes) -> int:
    """Where the last ``},"N":{`` in ``data`` starts (``-1``: none)."""
    end = len(data)
    while True:
        at = data.rfind(b'},"', 0, end)
        if at < 0 or _LABEL.match(data, at + 3):
            return at
        end = at
