"""Jira Cloud, the first implementation of :class:`~aa_tui.jira.protocol.JiraSite`.

The REST v3 calls aa-tui makes, on one ``httpx.Client`` per origin. Requests go through
:class:`~aa_tui.jira.transport.GovernedTransport` (governor, retries, ``Retry-After``);
attachment bytes through :class:`~aa_tui.jira.cloud.downloads.Downloads`; a cleanup's calls
through :class:`~aa_tui.jira.writes.SiteWrites`. The media origin's client carries no
credentials and keeps no cookies.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import httpx

from aa_tui import __version__
from aa_tui.jira.auth import Auth
from aa_tui.jira.cloud.adf import adf_text, to_adf
from aa_tui.jira.cloud.downloads import Downloads
from aa_tui.jira.cloud.responses import check_auth
from aa_tui.jira.cloud.search import id_pages
from aa_tui.jira.errors import (
    NO_SUCH_API,
    AuthError,
    NotJiraError,
    QueryRejected,
    RequestRejected,
)
from aa_tui.jira.governed import Governed
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.protocol import (
    AttachmentSettings,
    Deployment,
    Identity,
    Operation,
    ServerInfo,
    Sink,
)
from aa_tui.jira.responses import error_text, json_of, server_info_of
from aa_tui.jira.site import normalize_site_url
from aa_tui.jira.transport import READ_JSON, Controls, GovernedTransport, NoCookies
from aa_tui.jira.writes import CleanupCalls, Dialect, SiteWrites
from aa_tui.logs import register_secret

log = logging.getLogger(__name__)

SEARCH_PAGE_SIZE = 5000  # ids only: Jira's largest page
BULKFETCH_MAX = 100
ISSUE_FIELDS = ["attachment", "status", "project", "updated", "created"]
MAX_MEDIA_REDIRECTS = 2  # media host -> one more hop (a CDN), then another at most
#: the governor's scopes (``"<origin> <METHOD> <path template>"``) end so for each operation
SCOPE_ENDS = {
    Operation.CONTENT_READS: " GET /rest/api/3/attachment/content/{id}",
    Operation.DETAIL_FETCHES: " POST /rest/api/3/issue/bulkfetch",
}


class CloudClient(Governed, CleanupCalls):
    """Thread-safe Jira Cloud client; every request goes through one :class:`RateGovernor`.

    ``site`` is ``https://<site>.atlassian.net`` (classic token) or
    ``https://api.atlassian.com/ex/jira/<cloudId>`` (scoped token); ``auth`` an
    :class:`~aa_tui.jira.auth.ApiToken` (email + API token, HTTP Basic).
    """

    details_batch = BULKFETCH_MAX
    #: one media link serves every read of a file: a file costs Jira one request
    reads_are_requests = False

    def __init__(
        self,
        site: str,
        auth: Auth,
        *,
        governor: RateGovernor | None = None,
        timeout_s: float = 30.0,
        allow_insecure_http: bool = False,
        cancel: threading.Event | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.site = normalize_site_url(site, allow_insecure_http=allow_insecure_http)
        self.email = email = auth.user
        self._controls = Controls(governor or RateGovernor(), cancel or threading.Event())
        register_secret(auth.secret)
        timeout = httpx.Timeout(timeout_s, connect=10.0)
        # A connection for each request the governor may let out at once (32 by default).
        pool = max(32, self._controls.governor.burst_concurrency)
        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)

        # One TLS context for both origins: loading the CA bundle is ~30 ms each time.
        context = httpx.create_ssl_context(verify)

        def transport(jira: bool) -> GovernedTransport:
            inner = httpx.HTTPTransport(verify=context, limits=limits)
            return GovernedTransport(
                inner,
                self._controls,
                site=self.site,
                first_contact_fails_fast=jira,
                per_endpoint=jira,
            )

        agent = {"User-Agent": f"aa-tui/{__version__}"}
        self._api = httpx.Client(
            base_url=self.site,
            auth=auth.httpx_auth(),
            headers={"Accept": "application/json", **agent},
            cookies=NoCookies(),
            timeout=timeout,
            follow_redirects=False,  # a redirect is read, never followed with the credentials
            transport=transport(True),
        )
        # The media host is another origin: no credentials, no cookies, ever. What it
        # redirects to gets nothing more, so httpx may follow its redirects.
        self._media = httpx.Client(
            headers=agent,
            cookies=NoCookies(),
            timeout=timeout,
            follow_redirects=True,
            max_redirects=MAX_MEDIA_REDIRECTS,
            transport=transport(False),
        )
        self._downloads = Downloads(self._api, self._media, self._controls, self.site, email)
        self._writes: SiteWrites | None = None
        self._writes_lock = threading.Lock()  # one client's writes are made once

    def close(self) -> None:
        self._api.close()
        self._media.close()

    def __enter__(self) -> CloudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        """One JSON call (retried by the transport); a final 4xx is a RequestRejected."""
        response = self._api.request(method, path, extensions={READ_JSON: True}, **kwargs)
        check_auth(response, self.site, self.email)
        if response.status_code >= 400:
            raise RequestRejected(
                f"Jira refused {method} {path}: HTTP {response.status_code} "
                f"{error_text(response)}".strip(),
                response.status_code,
            )
        return json_of(response, self.site)

    # -- endpoints ----------------------------------------------------------------------------
    def myself(self) -> Identity:
        """Validate the credentials: ``GET /rest/api/3/myself``."""
        try:
            data = self._json("GET", "/rest/api/3/myself")
        except AuthError:
            self._refuse_self_managed()  # a Data Center site: say how to sign in there
            raise
        except RequestRejected as exc:
            if exc.status in NO_SUCH_API:
                self._refuse_self_managed()
                raise NotJiraError(
                    f"{self.site} has no Jira Cloud REST API (GET /rest/api/3/myself answered "
                    f"HTTP {exc.status}): is this the address of a Jira Cloud site "
                    "(https://<name>.atlassian.net)?"
                ) from None
            raise
        if not isinstance(data, dict) or not data.get("accountId"):
            raise NotJiraError(
                f"{self.site} answered /rest/api/3/myself without an account: is it a Jira "
                "Cloud site?"
            )
        return Identity(
            account_id=str(data["accountId"]),
            display_name=str(data.get("displayName") or data["accountId"]),
            email=str(data.get("emailAddress") or self.email),
        )

    def _refuse_self_managed(self, data: Any = None) -> None:
        """Raise the sentence for a Data Center or Server site (``data``: its serverInfo;
        None: ask for it without credentials, as serverInfo answers anyone)."""
        if data is None:
            try:
                answer = self._api.request("GET", "/rest/api/2/serverInfo", auth=None)
                data = answer.json() if answer.status_code == 200 else {}
            except (httpx.HTTPError, ValueError):
                return
        deployment = str(data.get("deploymentType") or "") if isinstance(data, dict) else ""
        if deployment and deployment.lower() != "cloud":
            raise NotJiraError(
                f"{self.site} is Jira {deployment} (Data Center/Server), which signs in with a "
                "personal access token (no email) or a user name and password, not with an "
                "email and API token."
            )

    def server_info(self) -> ServerInfo:
        data = server_info_of(self._json("GET", "/rest/api/3/serverInfo"), self.site)
        self._refuse_self_managed(data)
        return ServerInfo(
            base_url=str(data.get("baseUrl") or ""),
            deployment=Deployment.CLOUD,
            version=str(data.get("version") or ""),
        )

    def attachment_settings(self) -> AttachmentSettings:
        data = self._json("GET", "/rest/api/3/attachment/meta")
        enabled = data.get("enabled") if isinstance(data, dict) else None
        limit = data.get("uploadLimit") if isinstance(data, dict) else None
        return AttachmentSettings(
            enabled=enabled if isinstance(enabled, bool) else None,
            upload_limit=limit if isinstance(limit, int) and not isinstance(limit, bool) else None,
        )

    def approximate_count(self, jql: str) -> int | None:
        try:
            data = self._json("POST", "/rest/api/3/search/approximate-count", json={"jql": jql})
        except RequestRejected:
            return None
        count = data.get("count") if isinstance(data, dict) else None
        return count if isinstance(count, int) and count >= 0 else None

    def projects(self) -> list[dict[str, Any]]:
        """Every project the user can browse (``project/search`` pages with startAt)."""
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            data = self._json(
                "GET", "/rest/api/3/project/search", params={"startAt": start, "maxResults": 100}
            )
            values = data.get("values") if isinstance(data, dict) else None
            if not isinstance(values, list):
                raise NotJiraError("project/search answered without a list of projects.")
            out.extend(v for v in values if isinstance(v, dict) and v.get("key"))
            if data.get("isLast", True) or not values:
                return out
            start += len(values)

    def iter_issue_id_pages(
        self, jql: str, notes: list[str] | None = None, *, page_size: int = SEARCH_PAGE_SIZE
    ) -> Iterator[list[str]]:
        """Page through issue ids with ``nextPageToken`` (see :func:`search.id_pages`: the
        next page is asked for while the caller works on this one)."""

        def page(token: str | None) -> Any:
            body: dict[str, Any] = {"jql": jql, "maxResults": page_size, "fields": ["id"]}
            if token:
                body["nextPageToken"] = token
            try:
                return self._json("POST", "/rest/api/3/search/jql", json=body)
            except RequestRejected as exc:
                if exc.status == 400 and token is None:
                    raise QueryRejected(
                        f"Jira refused the search ({_after_status(str(exc))}): check the "
                        "project keys and the JQL filter."
                    ) from None
                raise

        return id_pages(page, notes)

    def fetch_issues(self, ids: list[str]) -> tuple[list[dict[str, Any]], list[Any]]:
        """``POST /rest/api/3/issue/bulkfetch`` of up to 100 issues: (issues, issueErrors)."""
        body = {"issueIdsOrKeys": ids[:BULKFETCH_MAX], "fields": ISSUE_FIELDS}
        data = self._json("POST", "/rest/api/3/issue/bulkfetch", json=body)
        if not isinstance(data, dict) or not isinstance(data.get("issues", []), list):
            raise NotJiraError("issue/bulkfetch answered without a list of issues.")
        issues = [i for i in data.get("issues") or [] if isinstance(i, dict)]
        errors = data.get("issueErrors") or []
        return issues, errors if isinstance(errors, list) else []

    def read_content(
        self,
        attachment_id: str,
        start: int,
        end: int | None,
        sink: Sink,
        name: str = "",
    ) -> int:
        """Feed bytes ``start..end`` (inclusive; ``end=None`` to the end) of an attachment to
        ``sink`` in order, exactly once each; returns the number of bytes read off the network
        (see :mod:`aa_tui.jira.downloads`)."""
        return self._downloads.read(attachment_id, start, end, sink)

    def budgets_apart(self, a: Operation, b: Operation) -> bool:
        """Whether Jira's answers show the endpoints of ``a`` and ``b`` to be two buckets."""
        return self.governor.apart(SCOPE_ENDS[a], SCOPE_ENDS[b])

    # -- a cleanup's calls (aa_tui.jira.writes) -------------------------------------------------
    def _new_writes(self) -> SiteWrites:
        dialect = Dialect(
            api="/rest/api/3",
            comment_body=to_adf,
            comment_text=adf_text,
            check_auth=lambda response: check_auth(response, self.site, self.email),
        )
        return SiteWrites(self._api, self._controls, self.site, dialect)


def _after_status(message: str) -> str:
    """``Jira refused POST /x: HTTP 400 The value...`` -> ``HTTP 400: The value...``."""
    head, _, rest = message.partition(": ")
    return rest or head
