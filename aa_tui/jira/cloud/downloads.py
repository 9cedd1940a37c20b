"""Attachment bytes: Range reads that feed the hash exactly the bytes asked for.

``GET /rest/api/3/attachment/content/{id}`` answers 303 to a media host (another origin with a
short-lived signed link). The link is fetched by the Jira client, which never follows a
redirect; the bytes by the media client, which holds no credentials and no cookies, so
following the media host's own redirects (a CDN hop) is left to httpx. Cut downloads resume
from their last byte; an expired link is renewed; an answer that is not the bytes asked for (a
redirect loop, a wrong range, an error page) is never fed to the sink. Every request passes the
governed transport; the retries are :func:`~aa_tui.jira.transport.retrying`'s.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from aa_tui.jira.byte_feed import DOWNLOAD_BACKOFF, ReadState, Sink, feed, range_header
from aa_tui.jira.cloud.responses import check_auth
from aa_tui.jira.errors import RequestRejected
from aa_tui.jira.site import same_origin
from aa_tui.jira.transport import NO_RETRY, Controls, Retry, retrying

#: Media links kept (one per file, the most recently used): a file's head, tail and full reads
#: come close together, so this many covers every file in flight with room to spare.
MAX_LINKS = 4096


class Downloads:
    def __init__(
        self, jira: httpx.Client, media: httpx.Client, controls: Controls, site: str, email: str
    ) -> None:
        self._jira = jira
        self._media = media
        self._controls = controls
        self._site = site
        self._email = email
        self._links: OrderedDict[str, _Link] = OrderedDict()
        self._lock = threading.Lock()

    def _link(self, attachment_id: str) -> _Link | None:
        with self._lock:
            link = self._links.get(attachment_id)
            if link is not None:
                self._links.move_to_end(attachment_id)
            return link

    def _keep(self, attachment_id: str, link: _Link) -> None:
        with self._lock:
            self._links[attachment_id] = link
            self._links.move_to_end(attachment_id)
            while len(self._links) > MAX_LINKS:
                self._links.popitem(last=False)

    def _drop(self, attachment_id: str, link: _Link) -> None:
        with self._lock:
            if self._links.get(attachment_id) is link:
                del self._links[attachment_id]

    def read(self, attachment_id: str, start: int, end: int | None, sink: Sink) -> int:
        """Feed bytes ``start..end`` (inclusive; ``end=None``: to the end) of an attachment to
        ``sink`` in order, exactly once each; returns the bytes read off the network."""
        state = ReadState(start, end)
        retrying(
            self._controls,
            f"reading attachment {attachment_id}",
            lambda: self._attempt(attachment_id, state, sink),
        )
        return state.network

    # -- one attempt ----------------------------------------------------------------------------
    def _attempt(self, attachment_id: str, state: ReadState, sink: Sink) -> None:
        """Read from the file's media link when one is kept; else ask Jira for the bytes with
        the ``Range`` already set (so if Jira serves them itself they are these): a redirect
        gives the link, kept for the file's next reads."""
        kept = self._link(attachment_id)
        if kept is not None:
            self._read_link(kept, attachment_id, state, sink)
            return
        url = f"/rest/api/3/attachment/content/{attachment_id}"
        answer = self._send(self._jira, url, state)
        link = _location(answer)
        if link is None:
            self._consume(answer, attachment_id, state, sink, media=False)
            return
        link = urljoin(str(answer.request.url), link)
        if same_origin(link, self._site):
            # Jira sending us on within its own origin: ask there, with the credentials.
            answer = self._send(self._jira, link, state)
            if _location(answer) is not None:
                answer.close()
                raise Retry("too many redirects", backoff=DOWNLOAD_BACKOFF)
            self._consume(answer, attachment_id, state, sink, media=False)
            return
        fresh = _Link(link)
        self._keep(attachment_id, fresh)
        self._read_link(fresh, attachment_id, state, sink)

    def _read_link(self, link: _Link, attachment_id: str, state: ReadState, sink: Sink) -> None:
        answer = self._send(self._media, link.url, state)
        if answer.status_code in (401, 403):
            # The signed link expired (or was refused): ask Jira for a fresh one. A link that
            # served before simply aged: renew at once, no try lost. One refused fresh from
            # Jira is a failure like any other (and never makes the file unreadable).
            answer.close()
            self._drop(attachment_id, link)
            status = answer.status_code
            if link.served:
                raise Retry(f"media link expired (HTTP {status})", progressed=True, backoff=0)
            raise Retry(f"media host answered HTTP {status}", backoff=DOWNLOAD_BACKOFF)
        link.served = True
        self._consume(answer, attachment_id, state, sink, media=True)

    def _send(self, client: httpx.Client, url: str, state: ReadState) -> httpx.Response:
        headers = range_header(state)
        request = client.build_request("GET", url, headers=headers, extensions={NO_RETRY: True})
        try:
            return client.send(request, stream=True)
        except httpx.TooManyRedirects:
            raise Retry("too many redirects", backoff=DOWNLOAD_BACKOFF) from None
        except Retry as exc:
            exc.backoff = DOWNLOAD_BACKOFF if exc.retry_after is None else 1.0
            raise

    def _consume(
        self,
        response: httpx.Response,
        attachment_id: str,
        state: ReadState,
        sink: Sink,
        *,
        media: bool,
    ) -> None:
        """Feed the answer's bytes from ``state.position`` on, up to ``state.end``."""
        with contextlib.closing(response):
            status = response.status_code
            if status >= 400:
                if not media:
                    with contextlib.suppress(httpx.HTTPError):
                        response.read()
                    check_auth(response, self._site, self._email)
                raise RequestRejected(
                    f"Attachment {attachment_id} cannot be read: HTTP {status}.", status
                )
            feed(response, state, sink, self._controls.cancel)


@dataclass(eq=False)
class _Link:
    """A file's signed media link, as Jira's 303 gave it."""

    url: str
    served: bool = False  # has the media host answered it with bytes yet?


def _location(response: httpx.Response) -> str | None:
    if response.status_code in (301, 302, 303, 307, 308) and response.headers.get("location"):
        location = response.headers["location"]
        response.close()
        return location
    return None
