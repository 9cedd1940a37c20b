"""Jira Data Center and Server, the second implementation of
:class:`~aa_tui.jira.protocol.JiraSite`.

REST v2 on the site's one origin (with its context path, e.g. ``https://jira.example.com/jira``):
``/rest/api/2/search`` paged by id ranges (:mod:`.search`), issue details by ``id in (...)``
searches (there is no bulkfetch), bytes from ``/secure/attachment`` (:mod:`.downloads`), a
cleanup's calls through :class:`~aa_tui.jira.writes.SiteWrites` under ``/rest/api/2`` with
comments in wiki markup. Data Center's rate limiter is one token bucket per user for the whole
site, so the governor keeps one budget for the origin (its ``X-RateLimit-*`` headers feed it).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import httpx

from aa_tui import __version__
from aa_tui.jira.auth import Auth, UserPassword
from aa_tui.jira.datacenter.downloads import SameOriginDownloads
from aa_tui.jira.datacenter.responses import DATA_CENTER_HINT, check_auth
from aa_tui.jira.datacenter.search import id_range_pages
from aa_tui.jira.datacenter.wiki import to_wiki, wiki_text
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

API = "/rest/api/2"
#: ids asked per search page: the server caps it (``jira.search.views.default.max``, 1,000 by
#: default) and answers with the size it used, which the id-range paging does not depend on
SEARCH_PAGE_SIZE = 1000
#: issues per details search (``id in (...)``): a few such searches run in parallel
DETAILS_BATCH = 200
ISSUE_FIELDS = ["attachment", "status", "project", "updated", "created"]
#: the oldest major version whose REST v2 has every call aa-tui makes
MIN_MAJOR = 8


class DataCenterClient(Governed, CleanupCalls):
    """Thread-safe Jira Data Center / Server client; every request through one governor.

    ``auth`` is a :class:`~aa_tui.jira.auth.PersonalAccessToken` (Bearer) or a
    :class:`~aa_tui.jira.auth.UserPassword` (Basic).
    """

    details_batch = DETAILS_BATCH
    #: every read of bytes is a request to Jira (no media link serves several)
    reads_are_requests = True

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
        self.site = normalize_site_url(
            site, allow_insecure_http=allow_insecure_http, keep_path=True
        )
        self.who = auth.user
        self._basic = isinstance(auth, UserPassword)
        self._controls = Controls(governor or RateGovernor(), cancel or threading.Event())
        register_secret(auth.secret)
        inner = httpx.HTTPTransport(
            verify=httpx.create_ssl_context(verify),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self._api = httpx.Client(
            base_url=self.site,
            auth=auth.httpx_auth(),
            headers={"Accept": "application/json", "User-Agent": f"aa-tui/{__version__}"},
            cookies=NoCookies(),
            timeout=httpx.Timeout(timeout_s, connect=10.0),
            follow_redirects=False,
            # One budget for the origin: Data Center limits a user across every endpoint.
            transport=GovernedTransport(
                inner,
                self._controls,
                site=self.site,
                first_contact_fails_fast=True,
                per_endpoint=False,
            ),
        )
        self._downloads = SameOriginDownloads(self._api, self._controls, self.site, self._check)
        self._writes: SiteWrites | None = None
        self._writes_lock = threading.Lock()  # one client's writes are made once

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> DataCenterClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self, response: httpx.Response) -> None:
        check_auth(response, self.site, self.who, basic=self._basic)

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._api.request(method, path, extensions={READ_JSON: True}, **kwargs)
        self._check(response)
        if response.status_code >= 300:
            raise RequestRejected(
                f"Jira refused {method} {path}: HTTP {response.status_code} "
                f"{error_text(response)}".strip(),
                response.status_code,
            )
        return json_of(response, self.site, DATA_CENTER_HINT)

    # -- who, what, where ---------------------------------------------------------------------
    def myself(self) -> Identity:
        try:
            data = self._json("GET", f"{API}/myself")
        except AuthError:
            self._refuse_cloud()  # a Cloud site: the sentence that says how to sign in there
            raise
        except RequestRejected as exc:
            if exc.status in NO_SUCH_API:
                raise NotJiraError(
                    f"{self.site} has no Jira REST API (GET {API}/myself answered HTTP "
                    f"{exc.status}): is this the address of a Jira Data Center or Server site, "
                    "with its path?"
                ) from None
            raise
        if not isinstance(data, dict) or not (data.get("key") or data.get("name")):
            raise NotJiraError(f"{self.site} answered {API}/myself without a user.")
        key = str(data.get("key") or data.get("name"))
        return Identity(
            account_id=key,
            display_name=str(data.get("displayName") or data.get("name") or key),
            email=str(data.get("emailAddress") or ""),
        )

    def _refuse_cloud(self, data: Any = None) -> None:
        """Raise the sentence for a Jira Cloud site (``data``: its serverInfo; None: ask for it
        without credentials, as serverInfo answers anyone)."""
        if data is None:
            try:
                answer = self._api.request("GET", f"{API}/serverInfo", auth=None)
                data = answer.json() if answer.status_code == 200 else {}
            except (httpx.HTTPError, ValueError):
                return
        if isinstance(data, dict) and str(data.get("deploymentType") or "").lower() == "cloud":
            raise NotJiraError(
                f"{self.site} is Jira Cloud: sign in with the account's email and an API token "
                "(a personal access token or a user name is for Data Center and Server)."
            )

    def server_info(self) -> ServerInfo:
        data = server_info_of(self._json("GET", f"{API}/serverInfo"), self.site)
        kind = str(data.get("deploymentType") or "")
        self._refuse_cloud(data)
        version = str(data.get("version") or "")
        numbers = data.get("versionNumbers")
        major = numbers[0] if isinstance(numbers, list) and numbers else None
        if isinstance(major, int) and major < MIN_MAJOR:
            raise NotJiraError(
                f"{self.site} runs Jira {version or major}; aa-tui needs Jira {MIN_MAJOR}.0 or "
                "newer (personal access tokens need 8.14)."
            )
        deployment = Deployment.DATA_CENTER if kind == "DataCenter" else Deployment.SERVER
        return ServerInfo(
            base_url=str(data.get("baseUrl") or ""), deployment=deployment, version=version
        )

    def attachment_settings(self) -> AttachmentSettings:
        data = self._json("GET", f"{API}/attachment/meta")
        enabled = data.get("enabled") if isinstance(data, dict) else None
        limit = data.get("uploadLimit") if isinstance(data, dict) else None
        return AttachmentSettings(
            enabled=enabled if isinstance(enabled, bool) else None,
            upload_limit=limit if isinstance(limit, int) and not isinstance(limit, bool) else None,
        )

    def projects(self) -> list[dict[str, Any]]:
        """Every project the user can browse (``GET /rest/api/2/project``: one list)."""
        data = self._json("GET", f"{API}/project")
        if not isinstance(data, list):
            raise NotJiraError("project answered without a list of projects.")
        return [p for p in data if isinstance(p, dict) and p.get("key")]

    # -- a scan -------------------------------------------------------------------------------
    def _search(self, body: dict[str, Any], first: bool) -> Any:
        try:
            return self._json("POST", f"{API}/search", json=body)
        except RequestRejected as exc:
            if exc.status == 400 and first:
                raise QueryRejected(
                    f"Jira refused the search (HTTP 400: {error_text_of(exc)}): check the "
                    "project keys and the JQL filter."
                ) from None
            raise

    def approximate_count(self, jql: str) -> int | None:
        try:
            data = self._json("POST", f"{API}/search", json={"jql": jql, "maxResults": 0})
        except RequestRejected:
            return None
        total = data.get("total") if isinstance(data, dict) else None
        return total if isinstance(total, int) and total >= 0 else None

    def iter_issue_id_pages(
        self, jql: str, notes: list[str] | None = None, *, page_size: int = SEARCH_PAGE_SIZE
    ) -> Iterator[list[str]]:
        """Issue ids by id ranges (see :mod:`.search`), the next page asked for at once."""
        first = [True]

        def page(page_jql: str) -> Any:
            body = {"jql": page_jql, "startAt": 0, "maxResults": page_size, "fields": ["id"]}
            data = self._search(body, first[0])
            first[0] = False
            return data

        return id_range_pages(page, jql, notes)

    def fetch_issues(self, ids: list[str]) -> tuple[list[dict[str, Any]], list[Any]]:
        """Details of up to :attr:`details_batch` issues by one ``id in (...)`` search; an id
        the search no longer finds (deleted, moved out of sight) is an error for it alone."""
        wanted = [i for i in ids[:DETAILS_BATCH] if i.isdigit()]
        body = {
            "jql": f"id in ({', '.join(wanted)}) ORDER BY id ASC",
            "startAt": 0,
            "maxResults": len(wanted),
            "fields": ISSUE_FIELDS,
            # An id that no longer exists is left out of the answer instead of failing it.
            "validateQuery": False,
        }
        data = self._json("POST", f"{API}/search", json=body) if wanted else {"issues": []}
        if not isinstance(data, dict) or not isinstance(data.get("issues", []), list):
            raise NotJiraError("search answered without a list of issues.")
        issues = [i for i in data.get("issues") or [] if isinstance(i, dict)]
        found = {str(i.get("id")) for i in issues}
        missing = [i for i in ids[:DETAILS_BATCH] if i not in found]
        errors: list[Any] = [{"issueIdsOrKeys": missing, "status": 404}] if missing else []
        return issues, errors

    def read_content(
        self, attachment_id: str, start: int, end: int | None, sink: Sink, name: str = ""
    ) -> int:
        return self._downloads.read(attachment_id, start, end, sink, name)

    def budgets_apart(self, a: Operation, b: Operation) -> bool:
        return False  # one bucket per user for the whole site

    # -- a cleanup's calls --------------------------------------------------------------------
    def _new_writes(self) -> SiteWrites:
        dialect = Dialect(
            api=API, comment_body=to_wiki, comment_text=wiki_text, check_auth=self._check
        )
        return SiteWrites(self._api, self._controls, self.site, dialect)


def error_text_of(exc: RequestRejected) -> str:
    """``Jira refused POST /x: HTTP 400 The value...`` -> ``The value...``."""
    text = str(exc)
    marker = f"HTTP {exc.status} "
    return text.split(marker, 1)[1] if marker in text else text
