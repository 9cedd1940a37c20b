"""The media origin: ``GET /file/<uuid>/binary?token=...``, bytes for a valid signed token.

It never accepts Jira credentials: a request carrying ``Authorization`` is a 401, and so is a
bad or expired token (the client should ask Jira for a new link).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, quote, urlsplit

from aa_tui.demo.http import BaseHandler
from aa_tui.demo.replies import Reply


def _media_error(status: int, code: str, title: str) -> Reply:
    return Reply(status, {"error": {"code": code, "title": title}})


class MediaHandler(BaseHandler):
    server_version = "demo-media"

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.handle_media()

    def do_HEAD(self) -> None:  # noqa: N802
        self.handle_media()

    def handle_media(self) -> None:
        demo = self.demo
        demo.stats.add("media_requests")
        demo.dice.begin(
            f"{self.command} {urlsplit(self.path).path} {self.headers.get('Range', '')}"
        )
        if demo.options.latency_s:
            time.sleep(demo.options.latency_s)
        if demo.fault(demo.options.fault_slow, "slow"):
            demo.stats.add("slow_answers")
            time.sleep(demo.options.slow_s)
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "file" or parts[2] != "binary":
            self.send_reply(_media_error(404, "NotFound", "Not found"))
            return
        if self.headers.get("Authorization") is not None:
            demo.stats.add("media_auth_header_requests")
            title = "Authorization header not accepted with a token"
            self.send_reply(_media_error(401, "Unauthorized", title))
            return
        token = (parse_qs(url.query).get("token") or [""])[0]
        aid = demo.signer.verify(parts[1], token)
        j = demo.attachment_index(aid) if aid else None
        if j is None or demo.file_uuid(j) != parts[1]:
            self.send_reply(_media_error(401, "Unauthorized", "Bad or expired token"))
            return
        name = quote(demo.file_name(j))
        self.send_file(
            j, "media_bytes", {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
        )
