"""Media-origin helpers: signed short-lived download tokens and HTTP Range parsing."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class RangeError(ValueError):
    """``status`` is 400 (malformed header) or 416 (not satisfiable)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_range(header: str, size: int) -> tuple[int, int]:
    """``(start, end_exclusive)`` for one ``bytes=a-b`` / ``a-`` / ``-n`` range.

    Several ranges in one header are answered 400 (the demo serves single ranges only)."""
    if "," in header:
        raise RangeError(400, "Multiple ranges are not supported")
    m = _RANGE.match(header)
    if not m or (not m.group(1) and not m.group(2)):
        raise RangeError(400, f"Malformed Range header: {header!r}")
    first, last = m.groups()
    if not first:  # suffix: the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            raise RangeError(416, "Range not satisfiable")
        return max(0, size - n), size
    start = int(first)
    if last and int(last) < start:
        raise RangeError(400, f"Malformed Range header: {header!r}")
    if start >= size:
        raise RangeError(416, "Range not satisfiable")
    end = size if not last else min(int(last) + 1, size)
    return start, end


@dataclass(frozen=True, slots=True)
class MediaSigner:
    """Signs ``(file uuid, attachment id, expiry)`` into an opaque URL token."""

    secret: bytes
    ttl_s: float = 300.0

    def _sig(self, uuid: str, aid: str, exp: int) -> str:
        msg = f"{uuid}|{aid}|{exp}".encode()
        return hmac.new(self.secret, msg, hashlib.sha256).hexdigest()[:32]

    def sign(self, uuid: str, aid: str, now: float | None = None) -> str:
        exp = int((time.time() if now is None else now) + self.ttl_s)
        return f"{aid}.{exp}.{self._sig(uuid, aid, exp)}"

    def verify(self, uuid: str, token: str, now: float | None = None) -> str | None:
        """The attachment id the token grants, or None when bad or expired."""
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        aid, exp = parts[0], int(parts[1])
        if not hmac.compare_digest(parts[2], self._sig(uuid, aid, exp)):
            return None
        if exp < (time.time() if now is None else now):
            return None
        return aid
