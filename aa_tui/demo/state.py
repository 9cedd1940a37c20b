"""The state both origins of a demo site share (:class:`SiteState`), apart from the servers
(:mod:`aa_tui.demo.server`): the endpoints read it through their request, so it must not import
them."""

from __future__ import annotations

import copy
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Set
from typing import Any
from urllib.parse import quote

from aa_tui.demo import catalog as cat
from aa_tui.demo import faults
from aa_tui.demo.changes import Changes, truth_with_uploads
from aa_tui.demo.content import iter_spec
from aa_tui.demo.dice import FaultDice
from aa_tui.demo.generator import DemoData, mix64
from aa_tui.demo.issue_view import SiteView, Upload
from aa_tui.demo.jql import Query, parse_jql
from aa_tui.demo.limits import DemoStats, EndpointBuckets, TokenBucket, WriteLimiter
from aa_tui.demo.matches import live_issues, run_query, uses_files
from aa_tui.demo.media import MediaSigner
from aa_tui.demo.options import DemoOptions
from aa_tui.demo.paging import PageTokens
from aa_tui.demo.replies import Exchange, Rejected, throttled
from aa_tui.demo.truth import SiteTruth
from aa_tui.demo.views import Links


class SiteState:
    """What both origins of a demo site share: the data, the options, the deletions, comments
    and uploads made while running, the limits, faults and recorded exchanges."""

    def __init__(
        self,
        data: DemoData,
        options: DemoOptions = DemoOptions(),  # noqa: B008 - frozen dataclass
        email: str = "demo@example.com",
        token: str = "demo-token",
    ) -> None:
        self.data = data
        self.options = options
        self.email = email
        self.token = token
        self.expired_token = token + "-expired"
        self.stats = DemoStats()
        self.record = False
        self.recorded: list[Exchange] = []
        # deletions, comments and uploads made while running
        self.changes = Changes(data, clock=self.now)
        self.viewer_email = "viewer@example.com"  # a read-only user (no delete, comment, upload)
        self.viewer_token = token + "-viewer"
        # Data Center: Basic username:password (the username is the email's local part, and so
        # is the viewer's); a personal access token is sent as Bearer ``token``.
        self.password = token
        self.viewer_password = self.viewer_token
        self._lock = threading.Lock()
        self._query_cache: OrderedDict[tuple[str, int], tuple[Query, Any]] = OrderedDict()
        self._live: tuple[int, bytearray] | None = None  # see _live_issues
        self._building = threading.Lock()  # (apart from _lock: a change never waits on it)
        secret = hashlib.sha256(f"demo:{data.seed}:{time.time_ns()}".encode()).digest()
        self.signer = MediaSigner(secret, options.media_token_ttl_s)
        self.tokens = PageTokens(secret)
        self.hidden = frozenset(
            p for p, info in enumerate(cat.PROJECTS) if info.key in set(options.hidden_projects)
        )
        self.bucket: TokenBucket | None = None  # rate_scope "site"
        self.buckets: EndpointBuckets | None = None  # rate_scope "endpoint"
        self.user_buckets: EndpointBuckets | None = None  # Data Center: one bucket per user
        if options.rate_limit_rps and options.data_center:
            self.user_buckets = EndpointBuckets(options.rate_limit_rps, options.burst)
        elif options.rate_limit_rps and options.rate_scope == "endpoint":
            overrides = {key: (rps, burst) for key, rps, burst in options.endpoint_rates}
            self.buckets = EndpointBuckets(options.rate_limit_rps, options.burst, overrides)
        elif options.rate_limit_rps:
            self.bucket = TokenBucket(options.rate_limit_rps, options.burst)
        limit = options.issue_write_limit
        self.writes = WriteLimiter(limit[0], limit[1]) if limit else None
        self.dice = FaultDice(options.fault_seed)
        self._burst_until = 0.0
        self.base_url = ""
        self.media_url = ""
        self._started = time.time()
        self._own_issues = False  # issue arrays copied before the first change to an issue

    def now(self) -> int:
        """The site's clock: the reference date when it started, then running with real time
        (what relative JQL periods count back from, and what a change stamps ``updated`` with)."""
        return cat.REFERENCE_EPOCH + int(time.time() - self._started)

    @property
    def auth(self) -> tuple[str, str]:
        return (self.email, self.token)

    @property
    def username(self) -> str:
        """The demo user's Data Center login name (``demo``)."""
        return self.email.split("@")[0]

    @property
    def viewer_username(self) -> str:
        return self.viewer_email.split("@")[0]

    @property
    def basic_auth(self) -> tuple[str, str]:
        """Data Center's Basic pair: ``(username, password)``."""
        return (self.username, self.password)

    @property
    def deleted(self) -> set[int]:
        """Attachment indices deleted while running (a copy)."""
        return set(self.changes.snapshot()[0])

    def truth(self) -> SiteTruth:
        """The answer key as this server exposes it: hidden projects and deletions removed,
        uploads added."""
        deleted, _comments, uploads = self.changes.snapshot()
        if not self.hidden and not deleted:
            base = self.data.truth
        else:
            visible = [info.key for p, info in enumerate(cat.PROJECTS) if p not in self.hidden]
            gone = [self.data.attachment_id(j) for j in deleted if j < self.data.attachment_count]
            base = self.data.truth_for(visible, exclude=gone)
        live = [u for group in uploads.values() for u in group]
        return truth_with_uploads(self.data, base, self.hidden, deleted, live)

    def add_exchange(self, exchange: Exchange) -> None:
        with self._lock:
            self.recorded.append(exchange)

    # ---- faults --------------------------------------------------------------------------
    def fault(self, share: float, kind: str) -> bool:
        """Whether the request being served meets fault ``kind`` (see :mod:`aa_tui.demo.dice`)."""
        return self.dice.chance(share, kind)

    def start_429_burst(self) -> float:
        """Start (or join) a fault burst; returns seconds left in it (0 when none)."""
        now = time.monotonic()
        with self._lock:
            if now < self._burst_until:
                return self._burst_until - now
        if self.fault(self.options.fault_429_burst, "429-burst"):
            with self._lock:
                self._burst_until = now + 1.0
            return 1.0
        return 0.0

    def bucket_for(self, key: str) -> TokenBucket | None:
        """The token bucket that request ``key`` ("METHOD template") draws from, if any (on
        a Data Center site ``key`` is the user: its limiter is per user)."""
        if self.user_buckets is not None:
            return self.user_buckets.bucket(key)
        return self.buckets.bucket(key) if self.buckets is not None else self.bucket

    def check_write(self, issue: int, key: str) -> None:
        """Count a write to ``issue``; over the per-issue limit, a 429 raised as Rejected."""
        if self.writes is None:
            return
        allowed, _remaining, wait = self.writes.take(issue)
        if not allowed:
            self.stats.throttle("jira-per-issue-on-write", key)
            raise Rejected(throttled(self.writes.limit, wait, "jira-per-issue-on-write"))

    def unusable_attachments(self) -> set[str]:
        """Ids whose size ``fault_fields`` damages beyond use (a scan cannot count them)."""
        return faults.unusable_attachments(self.data, self.options.fault_fields)

    def bulk_hidden_issues(self) -> set[str]:
        """Issue ids that search lists but bulkfetch answers in ``issueErrors``."""
        return faults.bulk_hidden_issues(self.data, self.options.bulk_not_visible)

    # ---- site state ----------------------------------------------------------------------
    def query(self, jql: str) -> tuple[Query, Any]:
        """Parse and run ``jql`` (cached); raises JqlError."""
        key = (jql.strip(), self.changes.version)
        with self._lock:
            hit = self._query_cache.get(key)
            if hit is not None:
                self._query_cache.move_to_end(key)
                return hit
        q = parse_jql(jql, self._visible_project, self._visible_issue, self.data, self.now())
        deleted, _comments, uploads = self.changes.snapshot()
        # Cloud refuses unbounded JQL (the endpoint says so); Data Center runs it.
        run = q.bounded or self.options.data_center
        found = None
        if run:
            live = self._live_issues(key[1], deleted, set(uploads)) if uses_files(q.where) else None
            found = run_query(self.data, q, self.hidden, deleted, set(uploads), live)
        result = (q, found)
        with self._lock:
            self._query_cache[key] = result
            while len(self._query_cache) > 32:
                self._query_cache.popitem(last=False)
        return result

    def _live_issues(self, version: int, deleted: Set[int], uploaded: Set[int]) -> bytearray:
        """Which issues have files at the changes' ``version``: one table for every query
        until the site changes again, built once however many searches ask at once (a
        rescan's 17 do)."""
        with self._building:
            known = self._live
            if known is None or known[0] != version:
                known = self._live = (version, live_issues(self.data, deleted, uploaded))
            return known[1]

    def _visible_project(self, text: str) -> int | None:
        p = self.data.project_index(text)
        return None if p is None or p in self.hidden else p

    def _visible_issue(self, text: str) -> int | None:
        i = self.data.issue_index(text)
        return None if i is None or self.data.issue_project[i] in self.hidden else i

    def visible_projects(self) -> list[int]:
        return [p for p in range(len(cat.PROJECTS)) if p not in self.hidden]

    def deleted_now(self) -> frozenset[int]:
        """The attachment indices deleted so far (a copy, safe to keep)."""
        with self._lock:
            return frozenset(self.deleted)

    def view(self, api: str = "3") -> SiteView:
        """What answers for REST version ``api`` are built from (a snapshot of the changes)."""
        deleted, comments, uploads = self.changes.snapshot()
        links = self.links(api)
        return SiteView(self.data, links, self.email, deleted, comments, uploads)

    def links(self, api: str = "3") -> Links:
        """Links of answers for REST version ``api`` (Data Center's shapes in that mode)."""
        return Links(self.base_url, api, self.options.data_center)

    def is_deleted(self, j: int) -> bool:
        return self.changes.is_deleted(j)

    def delete_attachment(self, j: int) -> None:
        self.changes.delete(j)
        self.touch(self.attachment_issue(j))

    # ---- changes to issues (as Jira records them: each one sets the issue's ``updated``) ---
    def _issue_arrays(self) -> None:
        """Copy the issue arrays before the first change: the generated data may be shared by
        other sites (a test session's), which must not see this one's changes."""
        with self._lock:
            if self._own_issues:
                return
            data = copy.copy(self.data)
            for name in ("issue_updated", "issue_status", "issue_project", "issue_num"):
                setattr(data, name, copy.copy(getattr(data, name)))
            data.project_issues = [copy.copy(a) for a in data.project_issues]
            self.data = data
            self._own_issues = True

    def touch(self, i: int) -> None:
        """Set issue ``i``'s ``updated`` to now (a change Jira records on the issue)."""
        self._issue_arrays()
        self.data.issue_updated[i] = self.now()
        self.changes.bump()

    def set_status(self, i: int, status: int) -> None:
        """Move issue ``i`` to ``status`` (an index of the catalog's statuses)."""
        self._issue_arrays()
        self.data.issue_status[i] = status
        self.touch(i)

    def move_issue(self, i: int, project: int) -> str:
        """Move issue ``i`` to ``project``: it keeps its id, takes the next key there (its old
        key still finds it, as in Jira); returns the new key."""
        self._issue_arrays()
        data = self.data
        data.issue_project[i] = project
        data.project_issues[project].append(i)
        data.issue_num[i] = len(data.project_issues[project])
        self.touch(i)
        return data.issue_key(i)

    def delete_issue(self, i: int) -> None:
        """Delete issue ``i`` with its attachments: searches stop finding it."""
        data = self.data
        for j in range(data.att_start[i], data.att_start[i + 1]):
            self.changes.delete(j)
        for j, upload in list(self.changes.uploads.items()):
            if upload.issue == i:
                self.changes.delete(j)

    # ---- files: generated ones and uploads alike -----------------------------------------
    def upload(self, j: int) -> Upload | None:
        return self.changes.uploads.get(j) if j >= self.data.attachment_count else None

    def attachment_index(self, text: str | None) -> int | None:
        """The index of a generated or uploaded attachment id (deleted ones included)."""
        j = self.data.attachment_index(text) if text else None
        if j is None and text and text.strip().isdigit():
            k = int(text) - cat.ATTACHMENT_ID_BASE
            j = k if self.upload(k) is not None else None
        return j

    def attachment_issue(self, j: int) -> int:
        upload = self.upload(j)
        return upload.issue if upload else self.data.att_issue[j]

    def file_size(self, j: int) -> int:
        upload = self.upload(j)
        return len(upload.content) if upload else self.data.attachment_size(j)

    def file_mime(self, j: int) -> str:
        upload = self.upload(j)
        return upload.mime if upload else self.data.mime_type(j)

    def file_name(self, j: int) -> str:
        upload = self.upload(j)
        return upload.filename if upload else self.data.att_name[j]

    def download_status(self, j: int) -> int:
        return 200 if self.upload(j) else self.data.download_status(j)

    def iter_file(self, j: int, start: int, end: int) -> Iterator[bytes]:
        upload = self.upload(j)
        if upload is not None:
            yield upload.content[start:end]
            return
        yield from iter_spec(self.data.spec_at(j), start, end)

    def ignores_range(self, j: int) -> bool:
        """Whether file ``j`` is served 200 whole to a Range request (the site's
        ``ignore_range``, or this file's lot under ``ignore_range_share``: fixed per file)."""
        share = self.options.ignore_range_share
        return self.options.ignore_range or (
            share > 0 and mix64(self.data.seed, j, 0x4A2) / float(1 << 64) < share
        )

    def file_uuid(self, j: int) -> str:
        h = f"{mix64(self.data.seed, j, 0xF11E):016x}{mix64(j, self.data.seed):016x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"

    def media_link(self, j: int) -> str:
        uuid = self.file_uuid(j)
        token = self.signer.sign(uuid, str(cat.ATTACHMENT_ID_BASE + j))
        return f"{self.media_url}/file/{uuid}/binary?token={quote(token)}&client=demo&dl=true"
