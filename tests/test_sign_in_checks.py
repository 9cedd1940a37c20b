"""The sign-in checks a scan starts with: side by side, ahead of the listing's pages."""

from __future__ import annotations

import threading

import pytest

from aa_tui.jira import transport
from aa_tui.jira.cloud.search import LISTING_PRIORITY
from aa_tui.jira.errors import AuthError, NetworkError, NotJiraError
from aa_tui.jira.protocol import AttachmentSettings, Deployment, Identity, ServerInfo
from aa_tui.scan.preflight import CHECKS_PRIORITY, SignInChecks


class Site:
    """Answers the three checks, noting the priority each request would wait with."""

    def __init__(self, fail: dict[str, Exception] | None = None) -> None:
        self.priorities: dict[str, int] = {}
        self.fail = fail or {}
        self.lock = threading.Lock()
        # each answers once all three are asked: one after another, the first would wait
        self.together = threading.Barrier(3, timeout=10)

    def _call(self, name: str) -> None:
        with self.lock:
            self.priorities[name] = getattr(transport._priority, "value", 0)
        self.together.wait()
        if name in self.fail:
            raise self.fail[name]

    def myself(self) -> Identity:
        self._call("myself")
        return Identity(account_id="a1", display_name="Ada", email="ada@example.com")

    def server_info(self) -> ServerInfo:
        self._call("server_info")
        return ServerInfo(base_url="https://x.atlassian.net", deployment=Deployment.CLOUD)

    def attachment_settings(self) -> AttachmentSettings:
        self._call("attachment_settings")
        return AttachmentSettings(enabled=False, upload_limit=None)


def test_the_checks_go_ahead_of_the_listing_and_answer_together():
    site = Site()
    # (side by side, or the site's barrier breaks)
    identity, server, warning = SignInChecks(site).result()  # type: ignore[arg-type]
    assert identity.display_name == "Ada" and server.base_url == "https://x.atlassian.net"
    assert "disabled" in warning.lower()  # attachments off: said, not raised
    assert site.priorities == dict.fromkeys(
        ("myself", "server_info", "attachment_settings"), CHECKS_PRIORITY
    )
    assert CHECKS_PRIORITY > LISTING_PRIORITY  # (a listing's first page waits with 1,000)
    assert getattr(transport._priority, "value", 0) == 0  # nothing left on this thread


def test_myselfs_error_comes_first():
    site = Site(fail={"myself": AuthError("bad token"), "server_info": NotJiraError("not Jira")})
    with pytest.raises(AuthError, match="bad token"):
        SignInChecks(site).result()  # type: ignore[arg-type]


def test_a_scan_begins_its_checks_before_its_listings(demo_server, store, monkeypatch):
    """Over real HTTP: the checks are asked for before a rescan's listings (ranges, changed
    ids) and a scan's early listing begin, so theirs are the first answers the governor reads."""
    from test_scan_rescan import scan

    from aa_tui.scan import engine

    began: list[str] = []
    checks, rescan, listing = engine.SignInChecks, engine.begin_rescan, engine.begin_listing

    def noted(name, real):
        def call(*args, **kwargs):
            began.append(name)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(engine, "SignInChecks", noted("checks", checks))
    monkeypatch.setattr(engine, "begin_rescan", noted("rescan", rescan))
    monkeypatch.setattr(engine, "begin_listing", noted("listing", listing))
    scan(demo_server, store, verify="metadata")  # the first: no earlier scan to start from
    assert began[:3] == ["checks", "rescan", "listing"]
    began.clear()
    scan(demo_server, store, verify="metadata")  # a rescan
    assert began[:2] == ["checks", "rescan"]


def test_a_scan_whose_sign_in_fails_stops_the_listings_it_began(demo_server, store, monkeypatch):
    """A rescan's listings begin beside the checks; when the checks fail (a network error:
    retried in the background, the listings' pages were too), they page no more and the base
    stops being read."""
    from test_scan_rescan import scan

    from aa_tui.scan import engine, preflight

    scan(demo_server, store, verify="metadata")  # what the rescan starts from
    begun = []
    real = engine.begin_rescan

    def noted(*args, **kwargs):
        early = real(*args, **kwargs)
        begun.append(early)
        return early

    def unreachable(self):
        raise NetworkError("Could not reach the site: connection reset.")

    monkeypatch.setattr(engine, "begin_rescan", noted)
    monkeypatch.setattr(preflight.SignInChecks, "result", unreachable)
    with pytest.raises(NetworkError):
        scan(demo_server, store, verify="metadata")
    early = begun[0]
    assert early is not None and early.listing is not None and early.changed is not None
    assert early.listing._dropped and early.changed._dropped  # (one range on this small site)
    assert early.base.stopped.is_set()
