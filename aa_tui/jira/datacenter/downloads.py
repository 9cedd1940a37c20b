"""Data Center attachment bytes: ``GET /secure/attachment/{id}/{filename}`` on the site itself.

No media host and no redirect to another origin: every read is a request to Jira under the
site's rate limit. ``Range`` is used where the server answers 206; where it answers 200 the
bytes before the range are skipped and the stream is closed once the range is complete
(:func:`~aa_tui.jira.byte_feed.feed`). Without the file's name, its ``content`` link is asked
of ``/rest/api/2/attachment/{id}`` once and kept.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import quote, urljoin, urlsplit

import httpx

from aa_tui.jira.byte_feed import DOWNLOAD_BACKOFF, ReadState, Sink, feed, range_header
from aa_tui.jira.errors import NotJiraError, RequestRejected
from aa_tui.jira.responses import json_of
from aa_tui.jira.site import same_origin
from aa_tui.jira.transport import NO_RETRY, READ_JSON, Controls, Retry, retrying

MAX_LINKS = 4096


class SameOriginDownloads:
    """Reads of attachment bytes on the Jira origin (thread-safe)."""

    def __init__(
        self,
        api: httpx.Client,
        controls: Controls,
        site: str,
        check_auth: Callable[[httpx.Response], None],
    ) -> None:
        self._api = api
        self._controls = controls
        self._site = site
        self._check_auth = check_auth
        self._links: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def read(
        self, attachment_id: str, start: int, end: int | None, sink: Sink, name: str = ""
    ) -> int:
        """Feed bytes ``start..end`` (inclusive; ``None``: to the end) of an attachment to
        ``sink`` in order, exactly once each; returns the bytes read off the network."""
        url = self._url(attachment_id, name)
        state = ReadState(start, end)
        retrying(
            self._controls,
            f"reading attachment {attachment_id}",
            lambda: self._attempt(attachment_id, url, state, sink),
        )
        return state.network

    def _url(self, attachment_id: str, name: str) -> str:
        if name:
            return f"{self._site}/secure/attachment/{quote(attachment_id)}/{quote(name)}"
        with self._lock:
            known = self._links.get(attachment_id)
        if known is not None:
            return known
        path = f"/rest/api/2/attachment/{attachment_id}"
        response = self._api.request("GET", path, extensions={READ_JSON: True})
        self._check_auth(response)
        if response.status_code >= 400:
            raise RequestRejected(
                f"Attachment {attachment_id} cannot be read: HTTP {response.status_code}.",
                response.status_code,
            )
        data = json_of(response, self._site)
        content = data.get("content") if isinstance(data, dict) else None
        if not isinstance(content, str) or not content:
            raise NotJiraError(f"{self._site} answered {path} without the file's content link.")
        link = urljoin(self._site + "/", content)
        if not same_origin(link, self._site):
            raise NotJiraError(
                f"{self._site} gave attachment {attachment_id} a content link on another origin "
                f"({urlsplit(link).hostname}); aa-tui sends the site's credentials nowhere else."
            )
        with self._lock:
            self._links[attachment_id] = link
            while len(self._links) > MAX_LINKS:
                self._links.popitem(last=False)
        return link

    def _attempt(self, attachment_id: str, url: str, state: ReadState, sink: Sink) -> None:
        request = self._api.build_request(
            "GET", url, headers=range_header(state), extensions={NO_RETRY: True}
        )
        try:
            response = self._api.send(request, stream=True)
        except Retry as exc:
            exc.backoff = DOWNLOAD_BACKOFF if exc.retry_after is None else 1.0
            raise
        with contextlib.closing(response):
            status = response.status_code
            if 300 <= status < 400 or status >= 400:
                with contextlib.suppress(httpx.HTTPError):
                    response.read()
                self._check_auth(response)  # a redirect to the login page says why
            if 300 <= status < 400:
                raise RequestRejected(
                    f"Attachment {attachment_id} cannot be read: the site redirected it "
                    f"(HTTP {status}).",
                    status,
                )
            if status >= 400:
                raise RequestRejected(
                    f"Attachment {attachment_id} cannot be read: HTTP {status}.", status
                )
            feed(response, state, sink, self._controls.cancel)
