"""The Jira origin's request pipeline: count, gate (rate limit, faults, auth), route, record."""

from __future__ import annotations

import base64
import hmac
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from aa_tui.demo import faults
from aa_tui.demo.endpoints import jira_router
from aa_tui.demo.http import BaseHandler, Request
from aa_tui.demo.replies import (
    BAD_JSON,
    Exchange,
    Rejected,
    Reply,
    dc_rate_headers,
    errors,
    throttled,
    throttled_dc,
)
from aa_tui.demo.router import Match

ROUTER = jira_router()
DC_ROUTER = jira_router(data_center=True)
UNAUTHENTICATED = "Client must be authenticated to access this resource."


class JiraHandler(BaseHandler):
    """The Jira REST API subset of the demo site (the table is in aa_tui.demo.endpoints)."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self.handle_jira()

    def do_POST(self) -> None:  # noqa: N802
        self.handle_jira()

    def do_DELETE(self) -> None:  # noqa: N802
        self.handle_jira()

    def do_PUT(self) -> None:  # noqa: N802
        self.handle_jira()

    def do_HEAD(self) -> None:  # noqa: N802
        self.handle_jira()

    def handle_jira(self) -> None:
        demo, opts = self.demo, self.demo.options
        raw = self.read_body()
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query, keep_blank_values=True)
        match = (DC_ROUTER if opts.data_center else ROUTER).match(self.command, path)
        key = f"{self.command} {match.name if match else '(no route)'}"
        demo.stats.hit(key)
        demo.dice.begin(f"{self.command} {path} {self.headers.get('Range', '')}")
        if opts.not_jira:
            missing = opts.not_jira == "html404" and path != "/"
            page = faults.HTML_404 if missing else faults.HTML_PAGE
            self.send_reply(Reply(404 if missing else 200, raw=page, content_type="text/html"))
            return
        self.streamed_status = 0
        body: Any = None
        if raw:
            try:
                body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                body = BAD_JSON
        if opts.latency_s:
            time.sleep(opts.latency_s)
        if demo.fault(opts.fault_slow, "slow"):
            demo.stats.add("slow_answers")
            time.sleep(opts.slow_s)
        req = Request(self, demo, self.command, path, {}, query, body, raw)
        extra: dict[str, str] = {}
        reply = self.gate(req, extra, key, public=bool(match and match.route.public))
        self.answer_headers = extra  # a streamed file carries the limiter's headers too
        if reply is None:
            try:
                reply = self.dispatch(req, match)
            except Rejected as r:
                reply = r.reply
            except Exception as e:  # a bug: answer 500, keep serving
                reply = errors(500, f"Internal error in the demo site: {e!r}")
        if reply is None:  # the endpoint streamed its own answer
            self.record(req, self.streamed_status, None)
            return
        if req.login_failed:
            extra["x-seraph-loginreason"] = "AUTHENTICATED_FAILED"
        self.record(req, reply.status, reply.body)
        if (
            reply.status == 200
            and reply.body is not None
            and (path in opts.bad_json_paths or demo.fault(opts.fault_bad_json, "bad-json"))
        ):
            demo.stats.add("bad_json")
            reply = Reply(
                200, raw=faults.broken_json(orjson.dumps(reply.body)), headers=reply.headers
            )
        self.send_reply(reply, extra)

    @staticmethod
    def dispatch(req: Request, match: Match | None) -> Reply | None:
        if match is None:
            return errors(404, "Not found: the demo site has no such resource.")
        if match.endpoint is None:
            return errors(405, f"Method {req.method} is not allowed here.")
        req.params = match.params
        req.route = f"{req.method} {match.name}"
        return match.endpoint(req)

    def record(self, req: Request, status: int, resp: Any) -> None:
        demo = self.demo
        if demo.record:
            body = None if req.body is BAD_JSON else req.body
            demo.add_exchange(Exchange(req.method, req.path, req.query, body, status, resp))

    def gate(self, req: Request, extra: dict[str, str], key: str, public: bool) -> Reply | None:
        """Rate limit, fault injection and authentication; a Reply means stop here.

        ``key`` is the endpoint and method ("GET /rest/api/3/search/jql"): the scope of a
        bucket when the site limits per endpoint, as Jira's jira-burst-based limit does."""
        demo, opts = self.demo, self.demo.options
        if opts.data_center:
            return self.gate_dc(req, extra, key, public)
        bucket = demo.bucket_for(key)
        limit = bucket.burst if bucket else opts.burst
        if bucket is not None:
            allowed, remaining, wait = bucket.take()
            if not allowed:
                return self.throttle(limit, wait, key)
            extra["X-RateLimit-Limit"] = str(limit)
            extra["X-RateLimit-Remaining"] = str(remaining)
            if remaining < 0.2 * limit:
                extra["X-RateLimit-NearLimit"] = "true"
        burst_left = demo.start_429_burst()
        if burst_left > 0:
            return self.throttle(limit, burst_left, key)
        return self.fault_5xx() or self.authenticate(req, public)

    def gate_dc(self, req: Request, extra: dict[str, str], key: str, public: bool) -> Reply | None:
        """Data Center: who is asking first (its limiter keeps a token bucket per user and
        leaves anonymous requests alone), then that user's bucket, fault bursts, 5xx."""
        demo, opts = self.demo, self.demo.options
        refused = self.authenticate_dc(req, public)
        if refused is not None:
            return refused
        rps = opts.rate_limit_rps or 1.0
        bucket = None if req.anonymous else demo.bucket_for("viewer" if req.viewer else "user")
        limit = bucket.burst if bucket else opts.burst
        if bucket is not None:
            allowed, remaining, wait = bucket.take()
            if not allowed:
                demo.stats.throttle("data-center-user", key)
                return throttled_dc(limit, wait, rps)
            extra.update(dc_rate_headers(limit, remaining, rps))
        burst_left = demo.start_429_burst()
        if burst_left > 0:
            demo.stats.throttle("data-center-user", key)
            return throttled_dc(limit, burst_left, rps)
        return self.fault_5xx()

    def fault_5xx(self) -> Reply | None:
        """A 500, 502 or 503 (some with Retry-After) when the 5xx fault strikes this request."""
        demo, opts = self.demo, self.demo.options
        if demo.fault(opts.fault_5xx, "5xx"):
            demo.stats.add("errors_5xx")
            status = demo.dice.choice([500, 502, 503], "5xx-status")
            if status == 502:
                return Reply(
                    502, raw=b"<html><body>502 Bad Gateway</body></html>", content_type="text/html"
                )
            headers = (
                {"Retry-After": "1"} if status == 503 and demo.fault(0.5, "retry-after") else {}
            )
            return errors(status, "The demo site failed on purpose (fault injection).", **headers)
        return None

    def authenticate(self, req: Request, public: bool) -> Reply | None:
        """Basic ``email:token``; the expired token is anonymous (401 on ``/myself`` only);
        no credentials at all is anonymous on public resources (``/serverInfo``), else 401."""
        demo = self.demo
        auth = self.headers.get("Authorization") or ""
        if not auth and public:
            req.anonymous = True
            return None
        expected = base64.b64encode(f"{demo.email}:{demo.token}".encode()).decode()
        expired = base64.b64encode(f"{demo.email}:{demo.expired_token}".encode()).decode()
        viewer = f"{demo.viewer_email}:{demo.viewer_token}".encode()
        if hmac.compare_digest(auth, f"Basic {expected}"):
            return None
        if hmac.compare_digest(auth, f"Basic {base64.b64encode(viewer).decode()}"):
            req.viewer = True
            return None
        if hmac.compare_digest(auth, f"Basic {expired}"):
            if req.path.endswith("/myself"):
                return errors(401, UNAUTHENTICATED)
            req.anonymous = req.login_failed = True
            return None
        return errors(401, UNAUTHENTICATED)

    def authenticate_dc(self, req: Request, public: bool) -> Reply | None:
        """Data Center: a personal access token as ``Bearer`` (the expired one is a 401), or
        Basic ``username:password`` (the email works as the login too, as Cloud clients send
        it); anything else a 401. No credentials: anonymous on public resources only."""
        demo = self.demo
        auth = self.headers.get("Authorization") or ""
        if not auth and public:
            req.anonymous = True
            return None
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer":
            if hmac.compare_digest(value.strip(), demo.token):
                return None
            if hmac.compare_digest(value.strip(), demo.viewer_token):
                req.viewer = True
                return None
            return errors(401, UNAUTHENTICATED)
        if scheme.lower() == "basic":
            try:
                login, _, secret = base64.b64decode(value.strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                login, secret = "", ""
            if login in (demo.username, demo.email) and hmac.compare_digest(secret, demo.password):
                return None
            if login in (demo.viewer_username, demo.viewer_email) and hmac.compare_digest(
                secret, demo.viewer_password
            ):
                req.viewer = True
                return None
            return errors(401, UNAUTHENTICATED, **{"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"})
        return errors(401, UNAUTHENTICATED)

    def throttle(self, limit: int, wait: float, key: str) -> Reply:
        self.demo.stats.throttle("jira-burst-based", key)
        return throttled(limit, wait, "jira-burst-based")
