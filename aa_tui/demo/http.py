"""HTTP plumbing shared by both origins: the request an endpoint gets, the base handler,
streaming attachment bytes (the replies themselves are in :mod:`aa_tui.demo.replies`)."""

from __future__ import annotations

import socket
import sys
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import orjson

from aa_tui.demo.media import RangeError, parse_range
from aa_tui.demo.replies import Reply, errors
from aa_tui.demo.views import Links

if TYPE_CHECKING:
    from aa_tui.demo.state import SiteState


@dataclass
class Request:
    """What an endpoint gets: the site, the parsed request and the handler (to stream bytes)."""

    handler: BaseHandler
    demo: SiteState
    method: str
    path: str
    params: dict[str, str]  # named parts of the route template
    query: dict[str, list[str]]
    body: Any
    raw: bytes = b""  # the body as sent (multipart uploads)
    anonymous: bool = False  # an expired token or no credentials: an anonymous user
    viewer: bool = False  # the read-only user (browse only)
    route: str = ""  # "METHOD template" of the matched route
    login_failed: bool = False  # credentials that failed (the expired token)
    #: when the site began to work on it (after the network's latency)
    began: float = field(default_factory=time.monotonic)

    def work(self, seconds: float) -> None:
        """Let the answer take ``seconds`` of the site's modelled work since it began: the
        demo's own work so far (finding the issues, shaping them) counts in it, as a real
        site's does in its answer time, rather than being added on top of the model."""
        left = self.began + seconds - time.monotonic()
        if left > 0:
            time.sleep(left)

    @property
    def api(self) -> str:
        """The REST version asked for: "2" (also for ``latest``) or "3"."""
        return "3" if self.path.startswith("/rest/api/3/") else "2"

    @property
    def links(self) -> Links:
        return self.demo.links(self.api)


class QuietServer(ThreadingHTTPServer):
    """A threading server that does not print tracebacks when clients hang up; ``demo`` is
    the site its handlers answer for (set by the server that starts it)."""

    daemon_threads = True
    #: socketserver's default backlog of 5 dropped connections opened side by side (a
    #: client's retry of the SYN waits a second): a real site accepts them
    request_queue_size = 128
    demo: SiteState

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class BaseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections are closed after this
    server_version = "demo-jira"
    sys_version = ""
    streamed_status = 0  # the status of an answer sent by send_file
    #: headers every answer to this request carries (a rate limiter's), streamed files too
    answer_headers: dict[str, str] = {}  # noqa: RUF012 - replaced per request, never mutated
    server: QuietServer  # (socketserver's annotation names any BaseServer)

    @property
    def demo(self) -> SiteState:
        return self.server.demo

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_reply(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        body = reply.raw if reply.raw is not None else b""
        if reply.body is not None:
            body = orjson.dumps(reply.body)
        self.send_response(reply.status)
        if body or reply.body is not None:
            self.send_header("Content-Type", reply.content_type)
        if reply.status != 204:
            self.send_header("Content-Length", str(len(body)))
        for k, v in {**(extra or {}), **(reply.headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def send_file(self, j: int, stat: str, headers: dict[str, str]) -> None:
        """Send attachment ``j`` honouring Range (unless it ignores Range), maybe cut mid-body."""
        demo = self.demo
        size = demo.file_size(j)
        start, end, status = 0, size, 200
        extra = {**self.answer_headers, **headers}
        rng = self.headers.get("Range")
        if rng and not demo.ignores_range(j):
            try:
                start, end = parse_range(rng, size)
                status = 206
                extra["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
            except RangeError as e:
                if e.status == 416:
                    extra["Content-Range"] = f"bytes */{size}"
                self.streamed_status = e.status
                self.send_reply(errors(e.status, str(e)), extra)
                return
        length = end - start
        self.streamed_status = status
        self.send_response(status)
        self.send_header("Content-Type", demo.file_mime(j))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "private, max-age=0")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        cut = -1
        if length > 1 and demo.fault(demo.options.fault_cut_download, "cut"):
            cut = demo.dice.integer(0, min(length - 1, 1 << 20), "cut-at")
        sent = 0
        try:
            for piece in demo.iter_file(j, start, end):
                if cut >= 0 and sent + len(piece) > cut:
                    piece = piece[: cut - sent]
                    self.wfile.write(piece)
                    sent += len(piece)
                    demo.stats.add("cut_downloads")
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    break
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            demo.stats.add(stat, sent)
