"""Search page tokens: opaque, signed, and bound to the query they were made for."""

from __future__ import annotations

import base64
import hashlib
import hmac

from aa_tui.demo.replies import Rejected, errors


def _jql_hash(jql: str) -> str:
    return hashlib.sha1(jql.strip().encode()).hexdigest()[:16]


class PageTokens:
    """``nextPageToken`` values: ``(query hash, offset, tag)`` signed with the site's secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sig(self, payload: str) -> str:
        return hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()[:16]

    def make(self, jql: str, offset: int, tag: str = "") -> str:
        """``tag`` "e": the empty page before this offset was served already."""
        payload = f"{_jql_hash(jql)}:{offset}{tag}"
        token = f"{payload}:{self._sig(payload)}"
        return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")

    def read(self, jql: str, token: str) -> tuple[int, str]:
        """``(offset, tag)`` of a token; a 400 (raised as Rejected) when bad or not for ``jql``."""
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            qhash, offset, sig = text.split(":")
            if not hmac.compare_digest(sig, self._sig(f"{qhash}:{offset}")):
                raise ValueError
            tag = offset.lstrip("0123456789")
            pos = int(offset[: len(offset) - len(tag)])
        except (ValueError, UnicodeDecodeError):
            raise Rejected(errors(400, "The provided nextPageToken is invalid.")) from None
        if qhash != _jql_hash(jql):
            raise Rejected(
                errors(400, "The provided nextPageToken does not belong to this query (jql).")
            )
        return pos, tag
