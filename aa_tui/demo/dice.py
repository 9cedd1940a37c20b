"""Fault draws that do not depend on which thread asked first.

A shared ``random.Random`` hands its numbers out in arrival order, so with parallel clients the
same seed gives a different mix of faults each run (a test that needs "at least one cut download"
then fails now and then). Here a draw is a hash of the seed, the fault kind, the request's
identity (method, path without query, Range) and how many times that identity has drawn that kind:
the same scan meets the same faults however its requests interleave.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Sequence
from typing import TypeVar

_SCALE = float(1 << 64)
T = TypeVar("T")


class FaultDice:
    """Deterministic per-request fault draws; :meth:`begin` names the request being served."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._local = threading.local()
        self._lock = threading.Lock()
        self._draws: Counter[tuple[str, str]] = Counter()

    def begin(self, identity: str) -> None:
        """Name the request this thread now serves (e.g. ``"GET /file/1/binary bytes=0-9"``)."""
        self._local.identity = identity

    def unit(self, kind: str) -> float:
        """A number in [0, 1) for the ``kind``-th draw of this request identity."""
        identity = getattr(self._local, "identity", "")
        with self._lock:
            self._draws[kind, identity] += 1
            n = self._draws[kind, identity]
        digest = hashlib.blake2b(
            f"{self._seed}\0{kind}\0{identity}\0{n}".encode(), digest_size=8
        ).digest()
        return int.from_bytes(digest, "big") / _SCALE

    def chance(self, share: float, kind: str) -> bool:
        return share > 0 and self.unit(kind) < share

    def choice(self, options: Sequence[T], kind: str) -> T:
        return options[int(self.unit(kind) * len(options))]

    def integer(self, lo: int, hi: int, kind: str) -> int:
        """A whole number in ``lo..hi`` (both included)."""
        return lo + int(self.unit(kind) * (hi - lo + 1))
