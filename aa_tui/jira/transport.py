"""The one request path: every request to either origin passes :class:`GovernedTransport`.

It wraps ``httpx.HTTPTransport`` (encode/httpx's ``BaseTransport``: one ``handle_request``) and
owns what every request needs: the rate governor's gate, the answer fed back to it, retries
with ``Retry-After`` or backoff (:func:`retrying`, the package's only retry loop), and the
sentences for failures a user can act on (a TLS certificate, an address that never answered).

A request may ask for two things through its ``extensions``:

* ``READ_JSON``: read and parse the body inside the attempt, so a body cut short or JSON cut in
  half is retried like a 503 (only for the reads that are safe to repeat);
* ``NO_RETRY``: one attempt only; a transient failure is raised as :class:`Retry` for the
  caller's own :func:`retrying` (downloads resume from their last byte that way).
"""

from __future__ import annotations

import http.cookiejar
import logging
import re
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar, cast

import httpx
import orjson

from aa_tui.jira.errors import (
    GaveUpError,
    NotJiraError,
    TLSVerifyError,
    UnreachableError,
)
from aa_tui.jira.governor import RETRYABLE_STATUS, RateGovernor, parse_retry_after
from aa_tui.model.errors import Cancelled, InternalError

log = logging.getLogger(__name__)
T = TypeVar("T")

READ_JSON = "aa_tui.read_json"
_priority = threading.local()


@contextmanager
def request_priority(priority: int) -> Iterator[None]:
    """The requests this thread makes inside wait for the governor with ``priority``: when
    several may start, the highest goes first (0 outside)."""
    before = getattr(_priority, "value", 0)
    _priority.value = priority
    try:
        yield
    finally:
        _priority.value = before


NO_RETRY = "aa_tui.no_retry"
#: Where a READ_JSON answer's parsed body is kept (absent when it is not JSON at all).
PARSED = "aa_tui.parsed"


@dataclass
class Controls:
    """What every request consults; one per client, shared by both origins' transports.

    The engine and the app replace ``governor`` and ``cancel`` on a live client, so the
    transports read them from here on each request."""

    governor: RateGovernor
    cancel: threading.Event


class Retry(InternalError):
    """A transient failure: try again (the transport's loop catches it; never the user's). ``progressed`` says the attempt got somewhere (bytes
    arrived), which restarts the count of tries; ``backoff`` scales the wait (0: at once)."""

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        progressed: bool = False,
        backoff: float = 1.0,
        gave_up: str = "",
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.progressed = progressed
        self.backoff = backoff
        self.gave_up = gave_up or reason  # the sentence's end if this was the last try


def retrying(controls: Controls, what: str, attempt: Callable[[], T]) -> T:
    """Call ``attempt`` until it returns; on :class:`Retry` wait and call it again, at most
    ``policy.max_tries`` times in a row without progress. (The governor has already paused the
    answer's scope, or its whole origin, for a ``Retry-After``.)"""
    failures = 0
    while True:
        try:
            return attempt()
        except Retry as exc:
            governor = controls.governor
            failures = 0 if exc.progressed else failures + 1
            if failures >= governor.policy.max_tries:
                governor.note_error()
                raise GaveUpError(
                    f"Gave up on {what} after {failures} tries: {exc.gave_up}."
                ) from None
            delay = exc.backoff * governor.retry_delay(max(failures, 1), exc.retry_after)
            governor.note_retry()
            log.info("retry %s in %.2fs: %s", what, delay, exc)
            if controls.cancel.wait(delay) if delay > 0 else controls.cancel.is_set():
                raise Cancelled() from None


class NoCookies(http.cookiejar.CookieJar):
    """A cookie jar that keeps nothing: Jira's session cookies never ride along to any host
    (cookies ignore ports and may name a parent domain, so a jar could hand them to the media
    origin), and the media host's never come back to Jira. Basic auth needs no session."""

    def set_cookie(self, cookie: http.cookiejar.Cookie) -> None:
        pass

    def extract_cookies(self, response: object, request: object) -> None:
        pass


class GovernedTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport`` behind the rate governor, with retries (see the module)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        controls: Controls,
        *,
        site: str,
        first_contact_fails_fast: bool = False,
        per_endpoint: bool = False,
    ) -> None:
        self.inner = inner
        self.controls = controls
        self.site = site
        self._per_endpoint = per_endpoint  # the Jira origin: one budget per endpoint + method
        # The Jira origin: a connection refused before it ever answered is a typo or a closed
        # port, not a blip worth a minute of retries.
        self._fail_fast = first_contact_fails_fast
        self._answered = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.extensions.get(NO_RETRY):
            return self._attempt(request)
        what = f"{request.method} {request.url.path}"
        return retrying(self.controls, what, lambda: self._attempt(request))

    def close(self) -> None:
        self.inner.close()

    # -- one attempt ----------------------------------------------------------------------------
    def scope(self, request: httpx.Request) -> str:
        """The governor's budget for ``request``: ``"<origin> <METHOD> <path template>"`` on
        the Jira origin (ids become ``{id}``), ``"<origin> <METHOD> *"`` elsewhere."""
        url = request.url
        origin = f"{url.scheme}://{url.host}:{url.port or _DEFAULT_PORT.get(url.scheme, 0)}"
        path = _NUMBER.sub("/{id}", url.path) if self._per_endpoint else "*"
        return f"{origin} {request.method} {path}"

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        governor = self.controls.governor
        scope = self.scope(request)
        priority = getattr(_priority, "value", 0)
        start = governor.acquire(self.controls.cancel, scope, priority=priority)
        release = _Once(lambda: governor.release(scope))
        try:
            response = self._send(request)
            self._answered = True
            governor.on_response(response.status_code, response.headers, scope, start=start)
            if response.status_code in RETRYABLE_STATUS:
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                _drain(response)  # read the short error body: the connection stays reusable
                raise Retry(f"HTTP {response.status_code}", retry_after=retry_after)
            if request.extensions.get(READ_JSON):
                return self._read_json(request, response)
            wrapped = httpx.Response(
                response.status_code,
                headers=response.headers,
                stream=_ReleasingStream(cast(httpx.SyncByteStream, response.stream), release),
                extensions=response.extensions,
            )
            release = _Once(lambda: None)  # the stream releases the slot when it is closed
            return wrapped
        finally:
            release()

    def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            return self.inner.handle_request(request)
        except httpx.TimeoutException:
            raise Retry("timed out") from None
        except httpx.ConnectError as exc:
            if is_tls_failure(exc):
                raise TLSVerifyError(
                    f"The TLS certificate of {self.site} did not verify ({tls_reason(exc)}). "
                    "aa-tui never turns verification off; fix the certificate or the "
                    "system's CA bundle (SSL_CERT_FILE)."
                ) from None
            if self._fail_fast and not self._answered:
                if answers_plain_http(exc):
                    raise UnreachableError(
                        f"Could not connect to {self.site}: it answers plain HTTP, not HTTPS; "
                        "check the address (http:// for a site served without TLS)."
                    ) from None
                raise UnreachableError(
                    f"Could not connect to {self.site} ({short(exc)}): check the address, "
                    "and that this machine can reach it."
                ) from None
            raise Retry(f"could not connect ({short(exc)})") from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise Retry(f"connection broke ({short(exc)})") from None
        except httpx.UnsupportedProtocol:
            raise NotJiraError(f"Unsupported URL {str(request.url)!r}.") from None

    def _read_json(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        """Read the whole body now (a cut body is retried here) and parse a 2xx JSON one."""
        try:
            body = response.read()
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise Retry(f"connection broke ({short(exc)})") from None
        finally:
            response.close()
        extensions = dict(response.extensions)
        content_type = response.headers.get("content-type", "").lower()
        if response.status_code < 300:
            parsed = parse_json_body(body, response.headers.get("content-type", ""))
            if parsed is not _NOT_JSON:
                extensions[PARSED] = parsed
            elif "json" in content_type:
                # Labelled JSON but cut or garbled (a proxy or Jira failing half-way): the
                # calls that read JSON only read, so asking again is safe.
                raise Retry("broken JSON", gave_up=f"{self.site} kept answering with broken JSON")
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        # A parsed body's bytes are not kept: httpx's client leaves each answer in a reference
        # cycle (see json_of), and they would live until a collection (~6 MB of a rescan's
        # listing frozen with its base's records).
        content = b"" if PARSED in extensions else body
        return httpx.Response(
            response.status_code, headers=headers, content=content, extensions=extensions
        )


_NOT_JSON = object()
_NUMBER = re.compile(r"(?<!/api)/\d+(?=/|$)")  # ids, not the API version
_DEFAULT_PORT = {"http": 80, "https": 443}


def _drain(response: httpx.Response) -> None:
    try:
        response.read()
    except (httpx.TransportError, httpx.DecodingError):
        pass
    finally:
        response.close()


def parse_json_body(body: bytes, content_type: str) -> object:
    """The parsed body, or ``_NOT_JSON``. orjson first: ~4x faster than json on bulkfetch
    pages, where the stdlib decoder was the engine's largest CPU cost at 500,000 attachments;
    anything orjson refuses (another charset, huge integers, NaN) goes to httpx's decoder."""
    try:
        return orjson.loads(body)
    except ValueError:
        pass
    try:
        return httpx.Response(200, headers={"content-type": content_type}, content=body).json()
    except ValueError:
        return _NOT_JSON


def is_not_json(value: object) -> bool:
    return value is _NOT_JSON


class _Once:
    def __init__(self, fn: Callable[[], None]) -> None:
        self._fn: Callable[[], None] | None = fn

    def __call__(self) -> None:
        fn, self._fn = self._fn, None
        if fn is not None:
            fn()


class _ReleasingStream(httpx.SyncByteStream):
    """The inner response stream; closing it gives the governor's slot back."""

    def __init__(self, stream: httpx.SyncByteStream, release: _Once) -> None:
        self._stream = stream
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._release()


def is_tls_failure(exc: BaseException) -> bool:
    """Whether ``exc`` (a failed connection) is a TLS certificate that did not verify."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def answers_plain_http(exc: BaseException) -> bool:
    """Whether ``exc`` (a failed connection) is TLS spoken to a port that speaks plain HTTP."""
    return "WRONG_VERSION_NUMBER" in str(exc)


def tls_reason(exc: BaseException) -> str:
    """Why the certificate of ``exc`` (see :func:`is_tls_failure`) did not verify."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or "certificate verify failed"
        seen = seen.__cause__ or seen.__context__
    return "certificate verify failed"


def short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:160]
