"""What aa-tui asks of a Jira site, whatever its deployment: the one typed interface.

The scan and the cleanup hold a :class:`JiraSite` and nothing more concrete. An implementation
owns its deployment's endpoints, paging, authentication and comment format; Jira Cloud
(:class:`aa_tui.jira.cloud.CloudClient`) is the first. :func:`aa_tui.jira.connect.connect` is
where one is chosen and built. Every request of an implementation goes through the governed
transport (:mod:`aa_tui.jira.transport`) and its :class:`~aa_tui.jira.governor.RateGovernor`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from aa_tui.jira.document import Document
from aa_tui.jira.governor import RateGovernor

#: the permissions that allow deleting attachments (all of them, or the caller's own)
DELETE_PERMISSIONS = ("DELETE_ALL_ATTACHMENTS", "DELETE_OWN_ATTACHMENTS")

#: ``sink(chunk)``: receives an attachment's bytes in order
Sink = Callable[[bytes], None]


class Deployment(str, Enum):
    """What ``serverInfo`` says the site is."""

    CLOUD = "Cloud"
    DATA_CENTER = "DataCenter"
    SERVER = "Server"


class Operation(str, Enum):
    """Kinds of request a caller may ask rate questions about (never an endpoint's path)."""

    CONTENT_READS = "content reads"  # an attachment's bytes
    DETAIL_FETCHES = "detail fetches"  # issue details by id


@dataclass(frozen=True)
class Identity:
    """The account the credentials sign in as."""

    account_id: str
    display_name: str
    email: str


@dataclass(frozen=True)
class ServerInfo:
    """The site's own description: where people browse it, its deployment and version."""

    base_url: str
    deployment: Deployment
    version: str = ""


@dataclass(frozen=True)
class AttachmentSettings:
    """Whether the site takes attachments (``None``: it did not say) and its upload limit."""

    enabled: bool | None
    upload_limit: int | None = None


@dataclass(frozen=True)
class AttachmentMeta:
    """One attachment as Jira describes it now: what a re-check compares."""

    id: str
    size: int
    filename: str


@dataclass(frozen=True)
class Comment:
    """An issue's comment: its id and its text without formatting."""

    id: str
    text: str


class Deleted(str, Enum):
    DELETED = "deleted"
    ALREADY_GONE = "already gone"


@runtime_checkable
class JiraSite(Protocol):
    """One signed-in connection to a Jira site; thread-safe. ``close()`` when done.

    Reads are retried by the transport. Writes (delete, comment, upload) are sent one attempt
    at a time and made safe before each retry: ``already`` looks for what a lost attempt may
    have made. A write refused by the per-issue write limit raises
    :class:`~aa_tui.jira.errors.IssueBusy`; a 403 raises :class:`~aa_tui.jira.errors.Forbidden`.
    """

    #: the API base every request goes to (normalised: scheme, host, port, any fixed path)
    site: str
    #: the rate governor every request passes (the caller may swap it on a live site)
    governor: RateGovernor
    #: set to stop the requests in flight (they raise ``Cancelled``)
    cancel: threading.Event
    #: most issue ids :meth:`fetch_issues` takes at once
    details_batch: int
    #: whether each read of bytes is a request to Jira (Data Center); on Cloud one media link
    #: serves every read of a file while it is valid, so a file costs Jira one request
    reads_are_requests: bool

    def close(self) -> None: ...

    def __enter__(self) -> JiraSite: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    # -- who, what, where ---------------------------------------------------------------------
    def myself(self) -> Identity:
        """Validate the credentials: the account they sign in as."""
        ...

    def server_info(self) -> ServerInfo:
        """The site's deployment; raises ``NotJiraError`` for a deployment this one cannot
        speak to."""
        ...

    def attachment_settings(self) -> AttachmentSettings: ...

    def projects(self) -> list[dict[str, Any]]:
        """Every project the account can browse (Jira's project objects: ``key``, ``name``)."""
        ...

    # -- a scan ---------------------------------------------------------------------------------
    def approximate_count(self, jql: str) -> int | None:
        """About how many issues ``jql`` finds (``None``: unknown); for progress only."""
        ...

    def iter_issue_id_pages(self, jql: str, notes: list[str] | None = None) -> Iterator[list[str]]:
        """The ids of the issues ``jql`` finds, page by page (the paging is the site's own);
        a sentence goes to ``notes`` when the list may be incomplete."""
        ...

    def fetch_issues(self, ids: list[str]) -> tuple[list[dict[str, Any]], list[Any]]:
        """Details of up to :attr:`details_batch` issues (Jira's issue objects, which
        :func:`aa_tui.jira.parse.parse_issue` reads), and the errors for those not returned."""
        ...

    def read_content(
        self, attachment_id: str, start: int, end: int | None, sink: Sink, name: str = ""
    ) -> int:
        """Feed bytes ``start..end`` (inclusive; ``None``: to the end) of an attachment to
        ``sink`` in order, exactly once each; returns the bytes read off the network.
        ``name``: the file's name when known (Data Center's download path holds it; without
        it the file's link is looked up first)."""
        ...

    def budgets_apart(self, a: Operation, b: Operation) -> bool:
        """Whether the site's answers show ``a`` and ``b`` to spend separate rate budgets
        (``False`` while unknown)."""
        ...

    # -- a cleanup ------------------------------------------------------------------------------
    @property
    def issue_throttled(self) -> int:
        """Writes refused so far by the per-issue write limit."""
        ...

    def attachment(self, attachment_id: str) -> AttachmentMeta | None:
        """The attachment as it is now, or ``None`` when it is gone."""
        ...

    def my_permissions(self, project_key: str, keys: tuple[str, ...]) -> dict[str, bool]:
        """Whether the account holds each Jira permission ``keys`` in the project."""
        ...

    def comments(self, issue: str) -> Iterator[Comment]: ...

    def find_comment(self, issue: str, marker: str) -> str | None:
        """The id of the issue's comment whose text holds ``marker``, if any."""
        ...

    def add_comment(
        self, issue: str, body: Document, *, already: Callable[[], str | None] | None = None
    ) -> str:
        """Post ``body`` (rendered in the site's format) on ``issue``; the comment's id."""
        ...

    def issue_attachments(self, issue: str) -> list[dict[str, Any]]:
        """The issue's attachments as Jira describes them (``id``, ``filename``, ``size``)."""
        ...

    def delete_attachment(
        self, attachment_id: str, issue: str, *, sent_before: bool = False
    ) -> Deleted:
        """Delete one attachment. ``sent_before``: an earlier call (or run) may have sent this
        delete already, so finding the file gone means it worked."""
        ...

    def upload(
        self,
        issue: str,
        path: Path,
        file_name: str,
        mime_type: str,
        *,
        already: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        """Attach one local file to ``issue``; the new attachment as Jira describes it."""
        ...
