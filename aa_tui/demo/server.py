"""Real HTTP servers on 127.0.0.1 that behave like a Jira Cloud site and its media host.

Two origins: the **Jira origin** (REST API, Basic auth, rate limits, faults) and the **media
origin** that ``/attachment/content/{id}`` redirects to with a signed short-lived token (it
refuses any request carrying ``Authorization``). See docs of :class:`DemoOptions` for knobs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import socket
import ssl
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

import orjson

from aa_tui.demo import catalog as cat
from aa_tui.demo import faults
from aa_tui.demo.content import iter_spec
from aa_tui.demo.generator import DemoData, mix64
from aa_tui.demo.jql import UNBOUNDED_MESSAGE, JqlError, Query, parse_jql, run_query
from aa_tui.demo.limits import DemoStats, TokenBucket, retry_after_seconds
from aa_tui.demo.media import MediaSigner, RangeError, parse_range
from aa_tui.demo.truth import SiteTruth
from aa_tui.demo.views import (
    ISSUE_FIELDS,
    attachment_json,
    iso_time,
    issue_json,
    jira_time,
    myself_json,
    project_json,
    select_fields,
    status_category_json,
)

INVALID_PAYLOAD = "Invalid request payload. Refer to the REST API documentation and try again."
SEARCH_REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
NOT_VISIBLE = "Issue does not exist or you do not have permission to see it."
SEARCH_KEYS = {
    "jql": str,
    "nextPageToken": str,
    "maxResults": int,
    "fields": list,
    "expand": str,
    "properties": list,
    "fieldsByKeys": bool,
    "reconcileIssues": list,
}
BULK_KEYS = {
    "issueIdsOrKeys": list,
    "fields": list,
    "expand": list,
    "properties": list,
    "fieldsByKeys": bool,
}
MAX_ID_PAGE = 5000
MAX_FIELDS_PAGE = 100
UPLOAD_LIMIT = 1_073_741_824
_JSON_TYPE = "application/json;charset=UTF-8"


@dataclass(frozen=True)
class DemoOptions:
    """How the demo site behaves. Everything is off by default (a fast, perfect site).

    Shares (``fault_*``) are probabilities per request in [0, 1]."""

    latency_s: float = 0.0  # every request, both origins
    per_issue_s: float = 0.0  # per issue returned with fields (search, bulkfetch)
    per_id_s: float = 0.0  # per id on id-only search pages
    rate_limit_rps: float | None = None  # token bucket over Jira-origin requests
    burst: int = 40
    fault_5xx: float = 0.0  # Jira-origin answers replaced by 500/502/503 (+Retry-After)
    fault_429_burst: float = 0.0  # requests that start a ~1 s burst of 429s
    fault_cut_download: float = 0.0  # downloads cut mid-body (full Content-Length sent)
    fault_slow: float = 0.0  # answers delayed by slow_s
    slow_s: float = 1.0
    ignore_range: bool = False  # media answers 200 with everything to a Range request
    attachments_enabled: bool = True  # reported by /attachment/meta
    deployment: str = "Cloud"  # "Server" emulates Data Center in serverInfo
    hidden_projects: tuple[str, ...] = ()  # keys the user cannot browse
    fault_seed: int = 1
    media_token_ttl_s: float = 300.0
    # Response faults (see aa_tui.demo.faults); deterministic given the site's seed.
    id_page_size: int = 0  # cap on id-only search pages (0: Jira's 5000)
    fault_bad_json: float = 0.0  # 200 JSON answers cut in half (still labelled JSON)
    bad_json_paths: tuple[str, ...] = ()  # endpoints whose 200 answers are always cut
    fault_fields: float = 0.0  # share of attachments and issues with missing/null/odd fields
    repeat_ids: bool = False  # each id page repeats the last id of the page before
    empty_pages: bool = False  # an empty page that still carries a token before every id page
    repeat_token: bool = False  # a page asked for with a token hands that same token back
    bulk_not_visible: float = 0.0  # share of issues that search lists but bulkfetch cannot
    not_jira: str = ""  # "html": a web page (200) everywhere; "html404": 404 pages on /rest


class Exchange(NamedTuple):
    """One recorded Jira-origin request and its answer (for contract tests)."""

    method: str
    path: str
    query: dict[str, list[str]]
    request: Any  # parsed JSON body or None
    status: int
    response: Any  # parsed JSON answer or None


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able object, or None
    headers: dict[str, str] | None = None
    raw: bytes | None = None  # non-JSON body
    content_type: str = _JSON_TYPE


def _errors(status: int, *messages: str, **headers: str) -> Reply:
    return Reply(status, {"errorMessages": list(messages), "errors": {}}, headers or None)


class _Rejected(Exception):
    def __init__(self, reply: Reply) -> None:
        self.reply = reply


class _QuietServer(ThreadingHTTPServer):
    """A threading server that does not print tracebacks when clients hang up."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class DemoServer:
    """The two origins of a demo site, each a ``ThreadingHTTPServer`` on 127.0.0.1."""

    def __init__(
        self,
        data: DemoData,
        options: DemoOptions = DemoOptions(),  # noqa: B008 - frozen dataclass
        port: int = 0,
        media_port: int = 0,
        email: str = "demo@example.com",
        token: str = "demo-token",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.data = data
        self.ssl_context = ssl_context  # serve the Jira origin over HTTPS with this context
        self.options = options
        self.email = email
        self.token = token
        self.expired_token = token + "-expired"
        self.stats = DemoStats()
        self.record = False
        self.recorded: list[Exchange] = []
        self.deleted: set[int] = set()  # attachment indices deleted while running
        self._requested_ports = (port, media_port)
        self._lock = threading.Lock()
        self._query_cache: OrderedDict[tuple, Any] = OrderedDict()
        self._version = 0
        self._secret = hashlib.sha256(f"demo:{data.seed}:{time.time_ns()}".encode()).digest()
        self.signer = MediaSigner(self._secret, options.media_token_ttl_s)
        self.hidden = frozenset(
            p for p, info in enumerate(cat.PROJECTS) if info.key in set(options.hidden_projects)
        )
        self.bucket = (
            TokenBucket(options.rate_limit_rps, options.burst) if options.rate_limit_rps else None
        )
        self._fault_rng = random.Random(options.fault_seed)
        self._burst_until = 0.0
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self.base_url = ""
        self.media_url = ""

    # ---- lifecycle -----------------------------------------------------------------------
    def start(self) -> DemoServer:
        if self._servers:
            return self
        for handler, port in (
            (_JiraHandler, self._requested_ports[0]),
            (_MediaHandler, self._requested_ports[1]),
        ):
            httpd = _QuietServer(("127.0.0.1", port), handler)
            httpd.demo = self  # type: ignore[attr-defined]
            if handler is _JiraHandler and self.ssl_context is not None:
                httpd.socket = self.ssl_context.wrap_socket(httpd.socket, server_side=True)
            self._servers.append(httpd)
        scheme = "https" if self.ssl_context is not None else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self._servers[0].server_address[1]}"
        self.media_url = f"http://127.0.0.1:{self._servers[1].server_address[1]}"
        for httpd in self._servers:
            t = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        for httpd in self._servers:
            httpd.shutdown()
            httpd.server_close()
        for t in self._threads:
            t.join(timeout=2)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def auth(self) -> tuple[str, str]:
        return (self.email, self.token)

    def truth(self) -> SiteTruth:
        """The answer key as this server exposes it (hidden projects and deletions removed)."""
        if not self.hidden and not self.deleted:
            return self.data.truth
        visible = [info.key for p, info in enumerate(cat.PROJECTS) if p not in self.hidden]
        with self._lock:
            gone = [self.data.attachment_id(j) for j in self.deleted]
        return self.data.truth_for(visible, exclude=gone)

    # ---- shared helpers used by the handlers ---------------------------------------------
    def fault(self, share: float) -> bool:
        if share <= 0:
            return False
        with self._lock:
            return self._fault_rng.random() < share

    def fault_choice(self, options: list) -> Any:
        with self._lock:
            return self._fault_rng.choice(options)

    def fault_int(self, lo: int, hi: int) -> int:
        with self._lock:
            return self._fault_rng.randint(lo, hi)

    def start_429_burst(self) -> float:
        """Start (or join) a fault burst; returns seconds left in it (0 when none)."""
        now = time.monotonic()
        with self._lock:
            if now < self._burst_until:
                return self._burst_until - now
        if self.fault(self.options.fault_429_burst):
            with self._lock:
                self._burst_until = now + 1.0
            return 1.0
        return 0.0

    def query(self, jql: str) -> tuple[Query, Any]:
        """Parse and run ``jql`` (cached); raises JqlError."""
        key = (jql.strip(), self._version)
        with self._lock:
            hit = self._query_cache.get(key)
            if hit is not None:
                self._query_cache.move_to_end(key)
                return hit
        q = parse_jql(jql, self._visible_project)
        with self._lock:
            deleted = set(self.deleted)
        result = (q, run_query(self.data, q, self.hidden, deleted) if q.bounded else None)
        with self._lock:
            self._query_cache[key] = result
            while len(self._query_cache) > 32:
                self._query_cache.popitem(last=False)
        return result

    def _visible_project(self, text: str) -> int | None:
        p = self.data.project_index(text)
        return None if p is None or p in self.hidden else p

    def delete_attachment(self, j: int) -> None:
        with self._lock:
            self.deleted.add(j)
            self._version += 1

    def unusable_attachments(self) -> set[str]:
        """Ids whose size ``fault_fields`` damages beyond use (a scan cannot count them)."""
        return faults.unusable_attachments(self.data, self.options.fault_fields)

    def bulk_hidden_issues(self) -> set[str]:
        """Issue ids that search lists but bulkfetch answers in ``issueErrors``."""
        return faults.bulk_hidden_issues(self.data, self.options.bulk_not_visible)

    def page_token(self, jql: str, offset: int, tag: str = "") -> str:
        """``tag`` "e": the empty page before this offset was served already."""
        payload = f"{_jql_hash(jql)}:{offset}{tag}"
        sig = hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()[:16]
        return base64.urlsafe_b64encode(f"{payload}:{sig}".encode()).decode().rstrip("=")

    def read_page_token(self, jql: str, token: str) -> int:
        return self.read_page_token_tagged(jql, token)[0]

    def read_page_token_tagged(self, jql: str, token: str) -> tuple[int, str]:
        try:
            text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            qhash, offset, sig = text.split(":")
            payload = f"{qhash}:{offset}"
            good = hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()[:16]
            if not hmac.compare_digest(sig, good):
                raise ValueError
            tag = offset.lstrip("0123456789")
            pos = int(offset[: len(offset) - len(tag)])
        except (ValueError, UnicodeDecodeError):
            raise _Rejected(_errors(400, "The provided nextPageToken is invalid.")) from None
        if qhash != _jql_hash(jql):
            raise _Rejected(
                _errors(400, "The provided nextPageToken does not belong to this query (jql).")
            )
        return pos, tag

    def file_uuid(self, j: int) -> str:
        h = f"{mix64(self.data.seed, j, 0xF11E):016x}{mix64(j, self.data.seed):016x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"

    def media_link(self, j: int) -> str:
        uuid = self.file_uuid(j)
        token = self.signer.sign(uuid, self.data.attachment_id(j))
        return f"{self.media_url}/file/{uuid}/binary?token={quote(token)}&client=demo&dl=true"


def _jql_hash(jql: str) -> str:
    return hashlib.sha1(jql.strip().encode()).hexdigest()[:16]


class _BaseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections are closed after this
    server_version = "demo-jira"
    sys_version = ""

    @property
    def demo(self) -> DemoServer:
        return self.server.demo  # type: ignore[attr-defined]

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
        """Send attachment ``j`` honouring Range (unless ignore_range), maybe cut mid-body."""
        demo, data = self.demo, self.demo.data
        size = data.attachment_size(j)
        start, end, status = 0, size, 200
        extra = dict(headers)
        rng = self.headers.get("Range")
        if rng and not demo.options.ignore_range:
            try:
                start, end = parse_range(rng, size)
                status = 206
                extra["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
            except RangeError as e:
                if e.status == 416:
                    extra["Content-Range"] = f"bytes */{size}"
                reply = _errors(e.status, str(e))
                self.streamed_status = e.status
                self.send_reply(reply, extra)
                return
        length = end - start
        self.streamed_status = status
        self.send_response(status)
        self.send_header("Content-Type", data.mime_type(j))
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "private, max-age=0")
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command == "HEAD":
            return
        cut = -1
        if length > 1 and demo.fault(demo.options.fault_cut_download):
            cut = demo.fault_int(0, min(length - 1, 1 << 20))
        sent = 0
        try:
            for piece in iter_spec(data.spec_at(j), start, end):
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


class _MediaHandler(_BaseHandler):
    """``GET /file/<uuid>/binary?token=...``: bytes for a valid token, never with credentials."""

    server_version = "demo-media"

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.handle_media()

    def do_HEAD(self) -> None:  # noqa: N802
        self.handle_media()

    def handle_media(self) -> None:
        demo = self.demo
        demo.stats.add("media_requests")
        if demo.options.latency_s:
            time.sleep(demo.options.latency_s)
        if demo.fault(demo.options.fault_slow):
            demo.stats.add("slow_answers")
            time.sleep(demo.options.slow_s)
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "file" or parts[2] != "binary":
            self.send_reply(Reply(404, {"error": {"code": "NotFound", "title": "Not found"}}))
            return
        if self.headers.get("Authorization") is not None:
            demo.stats.add("media_auth_header_requests")
            self.send_reply(
                Reply(
                    401,
                    {
                        "error": {
                            "code": "Unauthorized",
                            "title": "Authorization header not accepted with a token",
                        }
                    },
                )
            )
            return
        token = (parse_qs(url.query).get("token") or [""])[0]
        aid = demo.signer.verify(parts[1], token)
        j = demo.data.attachment_index(aid) if aid else None
        if j is None or demo.file_uuid(j) != parts[1]:
            self.send_reply(
                Reply(401, {"error": {"code": "Unauthorized", "title": "Bad or expired token"}})
            )
            return
        name = quote(demo.data.att_name[j])
        self.send_file(
            j, "media_bytes", {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
        )


class _JiraHandler(_BaseHandler):
    """The Jira REST API subset (see the module docstring of aa_tui.demo.server)."""

    def do_GET(self) -> None:  # noqa: N802
        self.handle_jira()

    def do_POST(self) -> None:  # noqa: N802
        self.handle_jira()

    def do_DELETE(self) -> None:  # noqa: N802
        self.handle_jira()

    def do_PUT(self) -> None:  # noqa: N802
        self.handle_jira()

    # ---- pipeline ------------------------------------------------------------------------
    def handle_jira(self) -> None:
        demo, opts = self.demo, self.demo.options
        raw = self.read_body()
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query, keep_blank_values=True)
        endpoint = _endpoint_name(self.command, path)
        demo.stats.hit(endpoint)
        if opts.not_jira:
            missing = opts.not_jira == "html404" and path != "/"
            page = faults.HTML_404 if missing else faults.HTML_PAGE
            self.send_reply(Reply(404 if missing else 200, raw=page, content_type="text/html"))
            return
        self.anonymous = False
        self.streamed_status = 0
        body: Any = None
        if raw:
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                body = _BadJson
        if opts.latency_s:
            time.sleep(opts.latency_s)
        if demo.fault(opts.fault_slow):
            demo.stats.add("slow_answers")
            time.sleep(opts.slow_s)
        extra: dict[str, str] = {}
        reply = self.gate(extra)
        if reply is None:
            try:
                reply = self.route(path, query, body)
            except _Rejected as r:
                reply = r.reply
            except Exception as e:  # a bug: answer 500, keep serving
                reply = _errors(500, f"Internal error in the demo site: {e!r}")
        if reply is None:  # the route streamed its own answer
            self.record(path, query, body, self.streamed_status, None)
            return
        if self.anonymous:
            extra["x-seraph-loginreason"] = "AUTHENTICATED_FAILED"
        self.record(path, query, body, reply.status, reply.body)
        if (
            reply.status == 200
            and reply.body is not None
            and (path in opts.bad_json_paths or demo.fault(opts.fault_bad_json))
        ):
            demo.stats.add("bad_json")
            reply = Reply(
                200, raw=faults.broken_json(orjson.dumps(reply.body)), headers=reply.headers
            )
        self.send_reply(reply, extra)

    def record(self, path: str, query: dict, body: Any, status: int | None, resp: Any) -> None:
        demo = self.demo
        if demo.record:
            req = None if body is _BadJson else body
            with demo._lock:
                demo.recorded.append(Exchange(self.command, path, query, req, status or 0, resp))

    def gate(self, extra: dict[str, str]) -> Reply | None:
        """Rate limit, fault injection and authentication; a Reply means stop here."""
        demo, opts = self.demo, self.demo.options
        limit = demo.bucket.burst if demo.bucket else opts.burst
        if demo.bucket is not None:
            allowed, remaining, wait = demo.bucket.take()
            if not allowed:
                return self.throttle(limit, wait)
            extra["X-RateLimit-Limit"] = str(limit)
            extra["X-RateLimit-Remaining"] = str(remaining)
            if remaining < 0.2 * limit:
                extra["X-RateLimit-NearLimit"] = "true"
        burst_left = demo.start_429_burst()
        if burst_left > 0:
            return self.throttle(limit, burst_left)
        if demo.fault(opts.fault_5xx):
            demo.stats.add("errors_5xx")
            status = demo.fault_choice([500, 502, 503])
            if status == 502:
                return Reply(
                    502, raw=b"<html><body>502 Bad Gateway</body></html>", content_type="text/html"
                )
            headers = {"Retry-After": "1"} if status == 503 and demo.fault(0.5) else {}
            return _errors(status, "The demo site failed on purpose (fault injection).", **headers)
        auth = self.headers.get("Authorization") or ""
        expected = base64.b64encode(f"{demo.email}:{demo.token}".encode()).decode()
        expired = base64.b64encode(f"{demo.email}:{demo.expired_token}".encode()).decode()
        if hmac.compare_digest(auth, f"Basic {expected}"):
            return None
        if hmac.compare_digest(auth, f"Basic {expired}"):
            if self.path.split("?")[0].rstrip("/").endswith("/myself"):
                return _errors(401, "Client must be authenticated to access this resource.")
            self.anonymous = True
            return None
        return _errors(401, "Client must be authenticated to access this resource.")

    def throttle(self, limit: int, wait: float) -> Reply:
        demo = self.demo
        demo.stats.add("throttled")
        seconds = retry_after_seconds(wait)
        return _errors(
            429,
            "Rate limit exceeded.",
            **{
                "Retry-After": str(seconds),
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-NearLimit": "true",
                "X-RateLimit-Reset": iso_time(time.time() + seconds),
                "RateLimit-Reason": "jira-burst-based",
            },
        )

    # ---- routing -------------------------------------------------------------------------
    def route(self, path: str, query: dict[str, list[str]], body: Any) -> Reply | None:
        m = self.command
        if path in ("/rest/api/3/search", "/rest/api/2/search"):
            return _errors(410, SEARCH_REMOVED)
        fixed = {
            "/rest/api/3/myself": ("GET", self.myself),
            "/rest/api/3/serverInfo": ("GET", self.server_info),
            "/_edge/tenant_info": ("GET", self.tenant_info),
            "/rest/api/3/statuscategory": ("GET", self.status_categories),
            "/rest/api/3/attachment/meta": ("GET", self.attachment_meta),
            "/rest/api/3/project/search": ("GET", self.project_search),
            "/rest/api/3/search/approximate-count": ("POST", self.approximate_count),
            "/rest/api/3/issue/bulkfetch": ("POST", self.bulkfetch),
        }
        if path in fixed:
            method, fn = fixed[path]
            if m != method:
                return _errors(405, f"Method {m} is not allowed here.")
            return fn(query, body)
        if path == "/rest/api/3/search/jql":
            if m == "GET":
                return self.search(_search_params_from_query(query))
            if m == "POST":
                return self.search(_check_body(body, SEARCH_KEYS))
            return _errors(405, f"Method {m} is not allowed here.")
        prefix = "/rest/api/3/attachment/"
        if path.startswith(prefix + "content/") and m == "GET":
            return self.attachment_content(path[len(prefix + "content/") :], query)
        if path.startswith(prefix) and "/" not in path[len(prefix) :]:
            if m == "GET":
                return self.attachment_get(path[len(prefix) :])
            if m == "DELETE":
                return self.attachment_delete(path[len(prefix) :])
            return _errors(405, f"Method {m} is not allowed here.")
        if path.startswith("/rest/api/3/issue/") and path.count("/") == 4 and m == "GET":
            return self.issue_get(path.rsplit("/", 1)[1], query)
        return _errors(404, "Not found: the demo site has no such resource.")

    # ---- simple resources ----------------------------------------------------------------
    def myself(self, query: dict, body: Any) -> Reply:
        return Reply(200, myself_json(self.demo.base_url, self.demo.email))

    def server_info(self, query: dict, body: Any) -> Reply:
        demo = self.demo
        cloud = demo.options.deployment.lower() == "cloud"
        version = "1001.0.0-SNAPSHOT" if cloud else "9.12.15"
        return Reply(
            200,
            {
                "baseUrl": demo.base_url,
                "displayUrl": demo.base_url,
                "version": version,
                "versionNumbers": [int(x) for x in version.split("-")[0].split(".")],
                "deploymentType": "Cloud" if cloud else "Server",
                "buildNumber": 100270 if cloud else 9120015,
                "buildDate": "2026-10-28T00:00:00.000+0000",
                "serverTime": jira_time(cat.REFERENCE_EPOCH),
                "scmInfo": "0f4e2c1b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f",
                "serverTitle": "Jira",
                "serverTimeZone": "Etc/UTC",
            },
        )

    def tenant_info(self, query: dict, body: Any) -> Reply:
        return Reply(200, {"cloudId": self.demo.data.cloud_id})

    def status_categories(self, query: dict, body: Any) -> Reply:
        base = self.demo.base_url
        return Reply(200, [status_category_json(base, k) for k in cat.STATUS_CATEGORIES])

    def attachment_meta(self, query: dict, body: Any) -> Reply:
        return Reply(
            200, {"enabled": self.demo.options.attachments_enabled, "uploadLimit": UPLOAD_LIMIT}
        )

    def project_search(self, query: dict, body: Any) -> Reply:
        demo = self.demo
        start = _int_param(query, "startAt", 0)
        size = _int_param(query, "maxResults", 50)
        if start < 0 or size < 0:
            return _errors(400, "startAt and maxResults must be zero or positive.")
        size = min(size, 100)
        visible = (
            [] if self.anonymous else [p for p in range(len(cat.PROJECTS)) if p not in demo.hidden]
        )
        visible.sort(key=lambda p: cat.PROJECTS[p].key)
        page = visible[start : start + size]
        last = start + len(page) >= len(visible)
        base = f"{demo.base_url}/rest/api/3/project/search"
        out: dict = {
            "self": f"{base}?startAt={start}&maxResults={size}",
            "maxResults": size,
            "startAt": start,
            "total": len(visible),
            "isLast": last,
            "values": [project_json(demo.base_url, p, full=True) for p in page],
        }
        if not last:
            out["nextPage"] = f"{base}?startAt={start + len(page)}&maxResults={size}"
        return Reply(200, out)

    # ---- search --------------------------------------------------------------------------
    def search(self, params: dict) -> Reply:
        demo, opts = self.demo, self.demo.options
        jql = params.get("jql") or ""
        size = params.get("maxResults", 50)
        if not 1 <= size <= MAX_ID_PAGE:
            return _errors(400, f"The value of maxResults must be between 1 and {MAX_ID_PAGE}.")
        fields, include_key = select_fields(params.get("fields"), ("id",))
        try:
            q, matches = demo.query(jql)
        except JqlError as e:
            return _errors(400, str(e))
        if not q.bounded:
            return _errors(400, UNBOUNDED_MESSAGE)
        start, tag = 0, ""
        given = params.get("nextPageToken")
        if given:
            start, tag = demo.read_page_token_tagged(jql, given)
        if self.anonymous:
            matches = ()
        id_only = not fields
        if id_only and opts.empty_pages and tag != "e" and start < len(matches):
            # An empty page that still carries a token (seen in the wild): follow it.
            return Reply(
                200,
                {"issues": [], "nextPageToken": demo.page_token(jql, start, "e"), "isLast": False},
            )
        limit = size if id_only else min(size, MAX_FIELDS_PAGE)
        if id_only and opts.id_page_size:
            limit = min(limit, opts.id_page_size)
        first = start - 1 if id_only and opts.repeat_ids and start > 0 else start
        page = matches[first : start + limit]
        with demo._lock:
            deleted = set(demo.deleted) if demo.deleted else frozenset()
        issues = [
            issue_json(demo.data, demo.base_url, i, fields, include_key, deleted) for i in page
        ]
        if fields:
            faults.damage_issues(demo.data, opts.fault_fields, issues)
        delay = len(page) * (opts.per_id_s if id_only else opts.per_issue_s)
        if delay:
            time.sleep(delay)
        out: dict = {"issues": issues}
        end = start + len(matches[start : start + limit])
        if end < len(matches):
            repeat = given if opts.repeat_token and given else None
            out["nextPageToken"] = repeat or demo.page_token(jql, end)
            out["isLast"] = False
        else:
            out["isLast"] = True
        return Reply(200, out)

    def approximate_count(self, query: dict, body: Any) -> Reply:
        params = _check_body(body, {"jql": str})
        try:
            q, matches = self.demo.query(params.get("jql") or "")
        except JqlError as e:
            return _errors(400, str(e))
        if not q.bounded:
            return _errors(400, UNBOUNDED_MESSAGE)
        return Reply(200, {"count": 0 if self.anonymous else len(matches)})

    def bulkfetch(self, query: dict, body: Any) -> Reply:
        demo, data = self.demo, self.demo.data
        params = _check_body(body, BULK_KEYS)
        wanted = params.get("issueIdsOrKeys")
        if wanted is None or not all(isinstance(x, str) for x in wanted):
            return _errors(400, INVALID_PAYLOAD)
        if not 1 <= len(wanted) <= 100:
            return _errors(400, "The number of issue ids or keys must be between 1 and 100.")
        fields, include_key = select_fields(params.get("fields"), ("*navigable",))
        found: dict[int, None] = {}
        errors = []
        for item in wanted:
            i = data.issue_index(item)
            if (
                i is None
                or self.anonymous
                or data.issue_project[i] in demo.hidden
                or faults.bulk_hidden(data, demo.options.bulk_not_visible, i)
            ):
                errors.append({"id": item, "errorMessage": NOT_VISIBLE})
            else:
                found[i] = None
        with demo._lock:
            deleted = set(demo.deleted) if demo.deleted else frozenset()
        issues = [issue_json(data, demo.base_url, i, fields, True, deleted) for i in sorted(found)]
        faults.damage_issues(data, demo.options.fault_fields, issues)
        if demo.options.per_issue_s and fields:
            time.sleep(len(issues) * demo.options.per_issue_s)
        return Reply(200, {"issues": issues, "issueErrors": errors})

    def issue_get(self, id_or_key: str, query: dict) -> Reply:
        demo, data = self.demo, self.demo.data
        i = data.issue_index(id_or_key)
        if i is None or self.anonymous or data.issue_project[i] in demo.hidden:
            return _errors(404, NOT_VISIBLE)
        requested = [f for v in query.get("fields", []) for f in v.split(",")] or ["*all"]
        fields, _ = select_fields(requested, ISSUE_FIELDS)
        with demo._lock:
            deleted = set(demo.deleted)
        return Reply(200, issue_json(data, demo.base_url, i, fields, True, deleted))

    # ---- attachments ---------------------------------------------------------------------
    def find_attachment(self, text: str) -> int:
        demo = self.demo
        j = demo.data.attachment_index(text)
        if self.anonymous:
            raise _Rejected(
                _errors(403, f"You do not have permission to view attachment with id: {text}")
            )
        with demo._lock:
            gone = j is not None and j in demo.deleted
        if j is None or gone or demo.data.issue_project[demo.data.att_issue[j]] in demo.hidden:
            raise _Rejected(_errors(404, f"The attachment with id '{text}' does not exist"))
        return j

    def attachment_get(self, text: str) -> Reply:
        j = self.find_attachment(text)
        return Reply(200, attachment_json(self.demo.data, self.demo.base_url, j, int_id=True))

    def attachment_delete(self, text: str) -> Reply:
        j = self.find_attachment(text)
        self.demo.delete_attachment(j)
        return Reply(204)

    def attachment_content(self, text: str, query: dict) -> Reply | None:
        demo = self.demo
        j = self.find_attachment(text)
        status = demo.data.download_status(j)
        if status == 403:
            return _errors(403, f"You do not have permission to view attachment with id: {text}")
        if status == 404:
            return _errors(404, f"The attachment content for id '{text}' could not be found")
        if (query.get("redirect") or ["true"])[0].lower() == "false":
            self.send_file(j, "jira_bytes", {})
            return None
        demo.stats.add("redirects")
        return Reply(303, headers={"Location": demo.media_link(j)})


class _BadJsonType:
    pass


_BadJson = _BadJsonType()


def _endpoint_name(method: str, path: str) -> str:
    """A stable name for per-endpoint counters: ids and keys replaced by ``{id}``."""
    parts = path.split("/")
    for k, p in enumerate(parts):
        if k > 3 and (p.isdigit() or ("-" in p and p[-1:].isdigit())):
            parts[k] = "{id}"
    return f"{method} {'/'.join(parts)}"


def _int_param(query: dict, name: str, default: int) -> int:
    values = query.get(name)
    if not values or values[0] == "":
        return default
    try:
        return int(values[0])
    except ValueError:
        raise _Rejected(_errors(400, f"The value '{values[0]}' is not valid for {name}.")) from None


def _search_params_from_query(query: dict[str, list[str]]) -> dict:
    """GET search parameters (``startAt`` and unknown ones are ignored, as Jira does)."""
    out: dict = {}
    if "jql" in query:
        out["jql"] = query["jql"][0]
    if query.get("nextPageToken") and query["nextPageToken"][0]:
        out["nextPageToken"] = query["nextPageToken"][0]
    out["maxResults"] = _int_param(query, "maxResults", 50)
    if "fields" in query:
        out["fields"] = [f for v in query["fields"] for f in v.split(",") if f]
    return out


def _check_body(body: Any, allowed: dict[str, type]) -> dict:
    """A POST body with only known keys of the right types, else 400 Invalid request payload."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise _Rejected(_errors(400, INVALID_PAYLOAD))
    for key, value in body.items():
        kind = allowed.get(key)
        if kind is None:
            raise _Rejected(_errors(400, INVALID_PAYLOAD))
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is list and ok:
            inner = int if key == "reconcileIssues" else str
            ok = all(isinstance(x, inner) and not isinstance(x, bool) for x in value)
        if value is not None and not ok:
            raise _Rejected(_errors(400, INVALID_PAYLOAD))
    return {k: v for k, v in body.items() if v is not None}
