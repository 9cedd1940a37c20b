"""A cleanup's calls on a Jira site: delete, comment, upload, and the reads that guard them.

Jira Cloud (REST v3, comments in ADF) and Data Center (REST v2, comments in wiki markup) make
the same calls under another API root; :class:`Dialect` holds what differs. Every request goes
through the client's one governed transport: the
governor's gate, its feedback, and :func:`~aa_tui.jira.transport.retrying` (the package's only
retry loop). Writes are sent one attempt at a time (``NO_RETRY``) so that each retry can be
made safe first:

* ``DELETE <api>/attachment/{id}``: a 404 after an attempt whose answer was lost (or
  after a DELETE sent by an earlier run) means the delete happened: :attr:`Deleted.DELETED`.
* ``POST .../comment`` and ``POST .../attachments`` are not idempotent: before a retry the
  caller's ``already`` check looks for the comment or file the lost attempt may have made.
* A 429 with ``RateLimit-Reason: jira-per-issue-on-write`` is one issue's limit (Atlassian's
  scoping): it raises :class:`IssueBusy` at once, so the caller waits it out for that issue
  alone and keeps writing to others. It is not fed to the site-wide governor, which would slow
  every issue's writes for one busy issue.

Reads (``GET attachment/{id}``, ``mypermissions``, comments, an issue's attachments) are safe to
repeat and use the transport's own retries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx

from aa_tui.jira.document import Document
from aa_tui.jira.errors import Forbidden, IssueBusy, NotJiraError, RequestRejected
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.protocol import AttachmentMeta, Comment, Deleted
from aa_tui.jira.responses import error_text, json_of
from aa_tui.jira.transport import NO_RETRY, READ_JSON, Controls, Retry, retrying

T = TypeVar("T")

PER_ISSUE = "jira-per-issue-on-write"
#: seconds an issue waits after a per-issue 429 that gave no Retry-After
ISSUE_WAIT_S = 2.0
COMMENT_PAGE = 100


class ReasonTap:
    """Wraps the client's governor: remembers, per thread, the ``RateLimit-Reason`` of the
    last 429 (the transport raises :class:`Retry` without it), and keeps per-issue 429s from
    the governor (see the module). Everything else goes to the governor unchanged."""

    def __init__(self, inner: RateGovernor) -> None:
        self._inner = inner
        self._local = threading.local()
        self._lock = threading.Lock()
        self.issue_throttled = 0

    def on_response(self, status: int, headers: Any = None, *args: Any, **kwargs: Any) -> None:
        reason = ""
        if status == 429 and headers is not None:
            reason = str(headers.get("ratelimit-reason") or "").strip().lower()
        self._local.reason = reason
        if reason.startswith(PER_ISSUE):
            with self._lock:
                self.issue_throttled += 1
            return
        self._inner.on_response(status, headers, *args, **kwargs)

    def take_reason(self) -> str:
        reason: str = getattr(self._local, "reason", "")
        self._local.reason = ""
        return reason

    @property
    def inner(self) -> RateGovernor:
        return self._inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@dataclass(frozen=True)
class Dialect:
    """What one deployment's calls differ in."""

    api: str  # the REST root: ``/rest/api/3`` (Cloud) or ``/rest/api/2`` (Data Center)
    comment_body: Callable[[Document], Any]  # a comment's ``body`` as the site takes it
    comment_text: Callable[[Any], str]  # the plain text of a comment's ``body`` as it gives it
    check_auth: Callable[[httpx.Response], None]  # raises when the credentials were refused


class SiteWrites:
    """The cleanup's calls on the Jira origin of one client (thread-safe, like the client).

    Made on the client's first cleanup call; from then on the client's governor is wrapped in a
    :class:`ReasonTap`."""

    def __init__(self, http: httpx.Client, controls: Controls, site: str, dialect: Dialect) -> None:
        self._http = http
        self._controls = controls
        self._site = site
        self._dialect = dialect
        self._api = dialect.api
        governor: RateGovernor | ReasonTap = controls.governor
        if not isinstance(governor, ReasonTap):
            governor = ReasonTap(governor)
            controls.governor = cast(RateGovernor, governor)  # it passes every call on
        self._tap = governor

    @property
    def issue_throttled(self) -> int:
        """429s scoped to one issue so far."""
        return self._tap.issue_throttled

    # -- reads (retried by the transport) -------------------------------------------------------
    def _read(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, path, extensions={READ_JSON: True}, **kwargs)
        self._dialect.check_auth(response)
        return response

    def _rejected(self, response: httpx.Response, what: str) -> RequestRejected:
        text = f"Jira refused {what}: HTTP {response.status_code} {error_text(response)}".strip()
        if response.status_code == 403:
            return Forbidden(text)
        return RequestRejected(text, response.status_code)

    def attachment(self, attachment_id: str) -> AttachmentMeta | None:
        """The attachment's metadata, or ``None`` when it is gone (404)."""
        path = f"{self._api}/attachment/{attachment_id}"
        response = self._read("GET", path)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise self._rejected(response, f"GET {path}")
        data = json_of(response, self._site)
        size = data.get("size") if isinstance(data, dict) else None
        if isinstance(size, bool) or not isinstance(size, int):
            raise NotJiraError(f"{self._site} answered {path} without the file's size.")
        return AttachmentMeta(
            id=str(data.get("id", attachment_id)), size=size, filename=str(data.get("filename", ""))
        )

    def my_permissions(self, project_key: str, keys: tuple[str, ...]) -> dict[str, bool]:
        """``GET <api>/mypermissions?projectKey=K&permissions=...``: held or not."""
        response = self._read(
            "GET",
            f"{self._api}/mypermissions",
            params={"projectKey": project_key, "permissions": ",".join(keys)},
        )
        if response.status_code == 404:
            return dict.fromkeys(keys, False)  # the project is gone or out of sight
        if response.status_code >= 400:
            raise self._rejected(response, f"GET mypermissions for {project_key}")
        data = json_of(response, self._site)
        perms = data.get("permissions") if isinstance(data, dict) else None
        perms = perms if isinstance(perms, dict) else {}
        return {
            key: bool(isinstance(perms.get(key), dict) and perms[key].get("havePermission"))
            for key in keys
        }

    def comments(self, issue: str) -> Iterator[Comment]:
        """Every comment of an issue (pages of 100), each body as plain text."""
        start = 0
        path = f"{self._api}/issue/{issue}/comment"
        while True:
            response = self._read(
                "GET", path, params={"startAt": start, "maxResults": COMMENT_PAGE}
            )
            if response.status_code >= 400:
                raise self._rejected(response, f"GET {path}")
            data = json_of(response, self._site)
            page = data.get("comments") if isinstance(data, dict) else None
            if not isinstance(page, list) or not page:
                return
            for c in page:
                if isinstance(c, dict):
                    yield Comment(str(c.get("id") or ""), self._dialect.comment_text(c.get("body")))
            start += len(page)
            total = data.get("total")
            if isinstance(total, int) and start >= total:
                return

    def find_comment(self, issue: str, marker: str) -> str | None:
        """The id of the issue's comment whose text holds ``marker``, if any."""
        for comment in self.comments(issue):
            if marker in comment.text:
                return comment.id
        return None

    def issue_attachments(self, issue: str) -> list[dict[str, Any]]:
        path = f"{self._api}/issue/{issue}"
        response = self._read("GET", path, params={"fields": "attachment"})
        if response.status_code >= 400:
            raise self._rejected(response, f"GET {path}")
        data = json_of(response, self._site)
        fields = data.get("fields") if isinstance(data, dict) else None
        found = fields.get("attachment") if isinstance(fields, dict) else None
        return [a for a in found or [] if isinstance(a, dict)]

    # -- writes (one attempt at a time, made safe before each retry) ----------------------------
    def _write(
        self,
        what: str,
        issue: str,
        send: Callable[[], httpx.Response],
        answer: Callable[[httpx.Response, int], T],
        already: Callable[[], T | None] | None = None,
    ) -> T:
        tries = 0

        def attempt() -> T:
            nonlocal tries
            if tries and already is not None:
                found = already()  # the lost attempt may have done it
                if found is not None:
                    return found
            tries += 1
            self._tap.take_reason()
            try:
                response = send()
            except Retry as exc:
                if self._tap.take_reason().startswith(PER_ISSUE):
                    raise IssueBusy(issue, exc.retry_after or ISSUE_WAIT_S) from None
                raise
            self._dialect.check_auth(response)
            return answer(response, tries)

        return retrying(self._controls, what, attempt)

    def delete_attachment(
        self, attachment_id: str, issue: str, *, sent_before: bool = False
    ) -> Deleted:
        """``DELETE <api>/attachment/{id}``. ``sent_before``: an earlier call (or run) may
        have sent this DELETE already, so a 404 means it worked."""
        path = f"{self._api}/attachment/{attachment_id}"

        def answer(response: httpx.Response, tries: int) -> Deleted:
            if response.status_code in (200, 204):
                return Deleted.DELETED
            if response.status_code == 404:
                return Deleted.DELETED if sent_before or tries > 1 else Deleted.ALREADY_GONE
            raise self._rejected(response, f"DELETE {path}")

        return self._write(
            f"deleting attachment {attachment_id}",
            issue,
            lambda: self._http.request("DELETE", path, extensions={NO_RETRY: True}),
            answer,
        )

    def add_comment(
        self, issue: str, body: Document, *, already: Callable[[], str | None] | None = None
    ) -> str:
        """``POST <api>/issue/{issue}/comment`` with ``body`` in the site's format; the comment's id."""
        path = f"{self._api}/issue/{issue}/comment"

        def answer(response: httpx.Response, _tries: int) -> str:
            if response.status_code in (200, 201):
                data = json_of(response, self._site)
                return str(data.get("id") or "") if isinstance(data, dict) else ""
            raise self._rejected(response, f"POST {path}")

        return self._write(
            f"commenting on {issue}",
            issue,
            lambda: self._http.request(
                "POST",
                path,
                json={"body": self._dialect.comment_body(body)},
                extensions={NO_RETRY: True},
            ),
            answer,
            already,
        )

    def upload(
        self,
        issue: str,
        path: Path,
        file_name: str,
        mime_type: str,
        *,
        already: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        """``POST <api>/issue/{issue}/attachments`` (multipart, ``X-Atlassian-Token:
        no-check``) of one local file; the new attachment as Jira describes it."""
        url = f"{self._api}/issue/{issue}/attachments"

        def send() -> httpx.Response:
            with open(path, "rb") as handle:
                return self._http.request(
                    "POST",
                    url,
                    files={"file": (file_name, handle, mime_type or "application/octet-stream")},
                    headers={"X-Atlassian-Token": "no-check"},
                    extensions={NO_RETRY: True},
                )

        def answer(response: httpx.Response, _tries: int) -> dict[str, Any]:
            if response.status_code in (200, 201):
                data = json_of(response, self._site)
                if isinstance(data, list) and data and isinstance(data[0], dict):
                    return data[0]
                raise NotJiraError(f"{self._site} answered {url} without the new file.")
            raise self._rejected(response, f"POST {url}")

        return self._write(f"uploading {file_name} to {issue}", issue, send, answer, already)


class CleanupCalls:
    """A client's cleanup calls, each passed to its :class:`SiteWrites` (made on first use:
    from then on they wrap the client's governor). Both deployments' clients mix it in and
    say how their writes are made (``_new_writes``)."""

    _writes: SiteWrites | None  # set to None by the client's __init__, with its own lock
    _writes_lock: threading.Lock

    def _new_writes(self) -> SiteWrites:
        raise NotImplementedError

    @property
    def writes(self) -> SiteWrites:
        with self._writes_lock:
            if self._writes is None:
                self._writes = self._new_writes()
            return self._writes

    @property
    def issue_throttled(self) -> int:
        return self._writes.issue_throttled if self._writes is not None else 0

    def attachment(self, attachment_id: str) -> AttachmentMeta | None:
        return self.writes.attachment(attachment_id)

    def my_permissions(self, project_key: str, keys: tuple[str, ...]) -> dict[str, bool]:
        return self.writes.my_permissions(project_key, keys)

    def comments(self, issue: str) -> Iterator[Comment]:
        return self.writes.comments(issue)

    def find_comment(self, issue: str, marker: str) -> str | None:
        return self.writes.find_comment(issue, marker)

    def add_comment(
        self, issue: str, body: Document, *, already: Callable[[], str | None] | None = None
    ) -> str:
        return self.writes.add_comment(issue, body, already=already)

    def issue_attachments(self, issue: str) -> list[dict[str, Any]]:
        return self.writes.issue_attachments(issue)

    def delete_attachment(
        self, attachment_id: str, issue: str, *, sent_before: bool = False
    ) -> Deleted:
        return self.writes.delete_attachment(attachment_id, issue, sent_before=sent_before)

    def upload(
        self,
        issue: str,
        path: Path,
        file_name: str,
        mime_type: str,
        *,
        already: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        return self.writes.upload(issue, path, file_name, mime_type, already=already)
