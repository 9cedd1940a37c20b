"""The Jira seam: Jira Cloud satisfies ``JiraSite``, and the scan engine needs nothing more.

A second deployment (Data Center) will be another implementation of the same protocol; the
in-memory site below is one already, with no HTTP, no Cloud paging and no Cloud endpoints.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.adf import adf_text, to_adf
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.connect import connect
from aa_tui.jira.document import Bullets, Document, Paragraph, Text
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.protocol import (
    AttachmentMeta,
    AttachmentSettings,
    Comment,
    Deleted,
    Deployment,
    Identity,
    JiraSite,
    Operation,
    ServerInfo,
    Sink,
)
from aa_tui.model.records import Scope
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanRequest
from aa_tui.store.store import Store

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_the_cloud_client_is_a_jira_site() -> None:
    client: JiraSite = CloudClient("https://acme.atlassian.net", ApiToken("a@x.com", "tok-1"))
    try:
        assert isinstance(client, JiraSite)
        assert client.details_batch == 100
    finally:
        client.close()


def test_connect_builds_cloud_for_an_api_token() -> None:
    governor = RateGovernor(max_concurrency=3)
    with connect("acme.atlassian.net", ApiToken("a@x.com", "tok-2"), governor=governor) as site:
        assert isinstance(site, CloudClient) and isinstance(site, JiraSite)
        assert site.site == "https://acme.atlassian.net"
        assert site.governor is governor


def test_an_api_token_keeps_its_secret_out_of_repr() -> None:
    auth = ApiToken("a@x.com", "tok-secret-3")
    assert "tok-secret-3" not in repr(auth)
    assert auth.user == "a@x.com" and auth.secret == "tok-secret-3"


def test_cloud_renders_a_comment_as_the_adf_it_always_posted() -> None:
    doc = Document(
        (
            Paragraph((Text("Removed 1 duplicate file:"),)),
            Bullets((Paragraph((Text("a.pdf stays on "), Text("K-1", "https://x/browse/K-1"))),)),
            Paragraph((Text("Removed by aa-tui cleanup p1."),)),
        )
    )
    assert to_adf(doc) == {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [{"type": "text", "text": "Removed 1 duplicate file:"}],
            },
            {
                "type": "bulletList",
                "content": [
                    {
                        "type": "listItem",
                        "content": [
                            {
                                "type": "paragraph",
                                "content": [
                                    {"type": "text", "text": "a.pdf stays on "},
                                    {
                                        "type": "text",
                                        "text": "K-1",
                                        "marks": [
                                            {
                                                "type": "link",
                                                "attrs": {"href": "https://x/browse/K-1"},
                                            }
                                        ],
                                    },
                                ],
                            }
                        ],
                    }
                ],
            },
            {
                "type": "paragraph",
                "content": [{"type": "text", "text": "Removed by aa-tui cleanup p1."}],
            },
        ],
    }
    # The marker a retry searches for survives the round trip, as plain text too.
    assert "aa-tui cleanup p1" in adf_text(to_adf(doc))
    assert doc.plain.splitlines() == [
        "Removed 1 duplicate file:",
        "a.pdf stays on K-1",
        "Removed by aa-tui cleanup p1.",
    ]


# -- the engine against another implementation --------------------------------------------------
FILES = {  # attachment id -> (issue id, bytes)
    "1": ("100", b"same bytes " * 500),
    "2": ("101", b"same bytes " * 500),
    "3": ("101", b"other bytes" * 500),
    "4": ("102", b"tiny"),
}


class MemorySite:
    """A Jira site held in memory: every operation of ``JiraSite``, no HTTP at all."""

    site = "https://memory.example"
    details_batch = 2
    reads_are_requests = False

    def __init__(self) -> None:
        self.governor = RateGovernor()
        self.cancel = threading.Event()
        self.closed = False
        self.reads: list[tuple[str, int, int | None]] = []

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> MemorySite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def myself(self) -> Identity:
        return Identity("acc-1", "Memory User", "m@example.com")

    def server_info(self) -> ServerInfo:
        return ServerInfo("https://browse.example/", Deployment.DATA_CENTER, "10.3")

    def attachment_settings(self) -> AttachmentSettings:
        return AttachmentSettings(enabled=True)

    def projects(self) -> list[dict[str, Any]]:
        return [{"key": "MEM", "name": "Memory"}]

    def approximate_count(self, jql: str) -> int | None:
        return None

    def iter_issue_id_pages(self, jql: str, notes: list[str] | None = None) -> Iterator[list[str]]:
        ids = sorted({issue for issue, _ in FILES.values()})
        yield ids[:1]
        yield ids[1:]

    def fetch_issues(self, ids: list[str]) -> tuple[list[dict[str, Any]], list[Any]]:
        assert len(ids) <= self.details_batch
        issues = []
        for issue in ids:
            attachments = [
                {"id": aid, "filename": f"f{aid}.bin", "size": len(data), "created": "2026-01-0"
                 + aid + "T00:00:00.000+0000"}
                for aid, (owner, data) in FILES.items()
                if owner == issue
            ]  # fmt: skip
            fields = {"attachment": attachments, "project": {"key": "MEM"}}
            issues.append({"id": issue, "key": f"MEM-{issue}", "fields": fields})
        return issues, []

    def read_content(
        self, attachment_id: str, start: int, end: int | None, sink: Sink, name: str = ""
    ) -> int:
        self.reads.append((attachment_id, start, end))
        data = FILES[attachment_id][1]
        chunk = data[start : None if end is None else end + 1]
        sink(chunk)
        return len(chunk)

    def budgets_apart(self, a: Operation, b: Operation) -> bool:
        return False

    @property
    def issue_throttled(self) -> int:
        return 0

    def attachment(self, attachment_id: str) -> AttachmentMeta | None:
        raise AssertionError("a scan never asks")

    def my_permissions(self, project_key: str, keys: tuple[str, ...]) -> dict[str, bool]:
        raise AssertionError("a scan never asks")

    def comments(self, issue: str) -> Iterator[Comment]:
        raise AssertionError("a scan never asks")

    def find_comment(self, issue: str, marker: str) -> str | None:
        raise AssertionError("a scan never asks")

    def add_comment(
        self, issue: str, body: Document, *, already: Callable[[], str | None] | None = None
    ) -> str:
        raise AssertionError("a scan never writes")

    def issue_attachments(self, issue: str) -> list[dict[str, Any]]:
        raise AssertionError("a scan never asks")

    def delete_attachment(
        self, attachment_id: str, issue: str, *, sent_before: bool = False
    ) -> Deleted:
        raise AssertionError("a scan never writes")

    def upload(
        self,
        issue: str,
        path: Path,
        file_name: str,
        mime_type: str,
        *,
        already: Callable[[], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        raise AssertionError("a scan never writes")


def test_the_engine_scans_any_implementation(store: Store) -> None:
    site: JiraSite = MemorySite()
    assert isinstance(site, JiraSite)
    request = ScanRequest(site=site.site, email="m@example.com", scope=Scope())
    outcome = ScanEngine(site, store, request, clock=lambda: NOW).run()
    groups = {frozenset(loc.attachment_id for loc in g.locations) for g in outcome.groups}
    assert groups == {frozenset({"1", "2"})}
    expected = hashlib.sha256(FILES["1"][1]).hexdigest()
    assert all(g.hash.endswith(expected) and not g.likely for g in outcome.groups)
    totals = outcome.summary["totals"]
    assert totals["total_files"] == 4
    assert totals["total_size"] == sum(len(data) for _, data in FILES.values())
    # Where people browse the site comes from the implementation's server info.
    assert outcome.summary["scan"]["browse_url"] == "https://browse.example"
    assert outcome.signed_in_as == "Memory User <m@example.com>"
