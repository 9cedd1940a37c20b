"""The Jira Cloud API calls aa-tui makes, on one ``httpx.Client`` per origin.

Requests go through :class:`~aa_tui.jira.transport.GovernedTransport` (governor, retries,
``Retry-After``); attachment bytes through :class:`~aa_tui.jira.downloads.Downloads`. The
media origin's client carries no credentials and keeps no cookies.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from aa_tui import __version__
from aa_tui.jira.downloads import Downloads
from aa_tui.jira.errors import (
    AuthError,
    JiraError,
    NetworkError,
    NotJiraError,
    QueryRejected,
    RequestRejected,
)
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.responses import check_auth, error_text, json_of
from aa_tui.jira.search import MAX_EMPTY_PAGES, id_pages
from aa_tui.jira.site import normalize_site_url
from aa_tui.jira.transport import READ_JSON, Controls, GovernedTransport, NoCookies
from aa_tui.logs import register_secret

log = logging.getLogger(__name__)

SEARCH_PAGE_SIZE = 5000  # ids only: Jira's largest page
BULKFETCH_MAX = 100
ISSUE_FIELDS = ["attachment", "status", "project", "updated", "created"]
MAX_MEDIA_REDIRECTS = 2  # media host -> one more hop (a CDN), then another at most


@dataclass(frozen=True)
class Identity:
    account_id: str
    display_name: str
    email: str


class JiraClient:
    """Thread-safe Jira Cloud client; every request goes through one :class:`RateGovernor`.

    ``site`` is ``https://<site>.atlassian.net`` (classic token) or
    ``https://api.atlassian.com/ex/jira/<cloudId>`` (scoped token).
    """

    def __init__(
        self,
        site: str,
        email: str,
        token: str,
        *,
        governor: RateGovernor | None = None,
        timeout_s: float = 30.0,
        allow_insecure_http: bool = False,
        cancel: threading.Event | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.site = normalize_site_url(site, allow_insecure_http=allow_insecure_http)
        self.email = email
        self._controls = Controls(governor or RateGovernor(), cancel or threading.Event())
        register_secret(token)
        timeout = httpx.Timeout(timeout_s, connect=10.0)
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)

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
            auth=httpx.BasicAuth(email, token),
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

    @property
    def governor(self) -> RateGovernor:
        return self._controls.governor

    @governor.setter
    def governor(self, governor: RateGovernor) -> None:
        self._controls.governor = governor

    @property
    def cancel(self) -> threading.Event:
        return self._controls.cancel

    @cancel.setter
    def cancel(self, cancel: threading.Event) -> None:
        self._controls.cancel = cancel

    # -- for the write calls (aa_tui.jira.writes): the same governed path, nothing else ---------
    @property
    def http(self) -> httpx.Client:
        """The Jira origin's client (credentials, the governed transport)."""
        return self._api

    @property
    def controls(self) -> Controls:
        """What every request consults (governor, cancel): for :func:`retrying` loops."""
        return self._controls

    def close(self) -> None:
        self._api.close()
        self._media.close()

    def __enter__(self) -> JiraClient:
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
        except RequestRejected as exc:
            if exc.status in (404, 405, 410):
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

    def server_info(self) -> dict:
        data = self._json("GET", "/rest/api/3/serverInfo")
        if not isinstance(data, dict):
            raise NotJiraError(f"{self.site} did not answer serverInfo like Jira.")
        deployment = str(data.get("deploymentType") or "")
        if deployment and deployment.lower() != "cloud":
            raise NotJiraError(
                f"{self.site} is Jira {deployment} (Data Center/Server), not Jira Cloud: aa-tui "
                "speaks the Cloud API only for now."
            )
        return data

    def attachment_settings(self) -> dict:
        return self._json("GET", "/rest/api/3/attachment/meta")

    def approximate_count(self, jql: str) -> int | None:
        try:
            data = self._json("POST", "/rest/api/3/search/approximate-count", json={"jql": jql})
        except RequestRejected:
            return None
        count = data.get("count") if isinstance(data, dict) else None
        return count if isinstance(count, int) and count >= 0 else None

    def projects(self) -> list[dict]:
        """Every project the user can browse (``project/search`` pages with startAt)."""
        out: list[dict] = []
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
        self, jql: str, page_size: int = SEARCH_PAGE_SIZE, notes: list[str] | None = None
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

    def bulkfetch(self, ids: list[str], fields: list[str] | None = None) -> tuple[list[dict], list]:
        """Details of up to 100 issues; returns (issues, issueErrors)."""
        body = {"issueIdsOrKeys": ids[:BULKFETCH_MAX], "fields": fields or ISSUE_FIELDS}
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
        sink: Callable[[bytes], None],
    ) -> int:
        """Feed bytes ``start..end`` (inclusive; ``end=None`` to the end) of an attachment to
        ``sink`` in order, exactly once each; returns the number of bytes read off the network
        (see :mod:`aa_tui.jira.downloads`)."""
        return self._downloads.read(attachment_id, start, end, sink)


def _after_status(message: str) -> str:
    """``Jira refused POST /x: HTTP 400 The value...`` -> ``HTTP 400: The value...``."""
    head, _, rest = message.partition(": ")
    return rest or head


__all__ = [
    "MAX_EMPTY_PAGES",
    "AuthError",
    "Identity",
    "JiraClient",
    "JiraError",
    "NetworkError",
]
