"""One read for all three hashes of a file: where each read of bytes is a request to Jira.

On Jira Cloud one media link serves a file's head, tail and full reads, so the staged method
reads a few KiB of most candidates and the rest only of what still matches. On Data Center
each read is a request to Jira under the site's limit: a head, a tail and a full read are three
requests. There a candidate no bigger than :data:`WHOLE_READ_MAX` is read once, in full, and
gives its head, tail and full SHA-256 together (one request per candidate: the floor); a bigger
one has its head read first (a request, a few KiB) and is read in full only while its head
still matches another's, with no tail read (two requests at most). A request costs about as
much time as a couple of MiB at the rates such sites allow, hence the bound.
"""

from __future__ import annotations

import hashlib

#: biggest file read whole at once where reads are requests (bytes)
WHOLE_READ_MAX = 2 * 1024 * 1024


class WholeFile:
    """A sink for a whole file's bytes that hashes its head, its tail and all of it."""

    def __init__(self, size: int, head_bytes: int, tail_bytes: int) -> None:
        self._head_bytes = head_bytes
        self._tail_start = max(head_bytes, size - tail_bytes)
        self._full = hashlib.sha256()
        self._head = hashlib.sha256()
        self._tail = hashlib.sha256()
        self._at = 0

    def __call__(self, chunk: bytes) -> None:
        start, end = self._at, self._at + len(chunk)
        self._full.update(chunk)
        if start < self._head_bytes:
            self._head.update(chunk[: self._head_bytes - start])
        if end > self._tail_start:
            self._tail.update(chunk[max(0, self._tail_start - start) :])
        self._at = end

    def digests(self) -> tuple[str, str, str]:
        """(head, tail, full) SHA-256 hex digests of what was fed."""
        return self._head.hexdigest(), self._tail.hexdigest(), self._full.hexdigest()
