"""Shared fixtures: a small generated demo site served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.client import JiraClient
from aa_tui.jira.governor import RateGovernor, RetryPolicy
from aa_tui.model.records import Scope
from aa_tui.scan.engine import ScanEngine, ScanRequest
from aa_tui.store.store import Store

FROZEN_NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
FAST_RETRIES = RetryPolicy(max_tries=8, base_delay_s=0.05, max_delay_s=0.5)


@pytest.fixture(scope="session")
def small_site():
    """About 400 issues: every trap kind, a few hundred attachments, ~tens of MB."""
    return generate_site(seed=11, issues=400)


@pytest.fixture
def demo_server(small_site):
    with DemoServer(small_site, DemoOptions()) as server:
        yield server


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    yield store
    store.close()


def make_client(server, token=None, **kw) -> JiraClient:
    governor = kw.pop("governor", None) or RateGovernor(max_concurrency=8, policy=FAST_RETRIES)
    return JiraClient(server.base_url, server.email, token or server.token, governor=governor, **kw)


def run_scan(
    server, store, *, scope=None, verify="exact", resume=False, listener=None, client=None
):
    scope = scope or Scope()
    client = client or make_client(server)
    try:
        request = ScanRequest(
            site=client.site, email=server.email, scope=scope, verify=verify, resume=resume
        )
        engine = ScanEngine(client, store, request, listener=listener, clock=lambda: FROZEN_NOW)
        return engine.run()
    finally:
        client.close()


def group_ids(groups) -> set[frozenset[str]]:
    return {frozenset(loc.attachment_id for loc in g.locations) for g in groups}


@pytest.fixture(scope="session")
def spec() -> dict:
    """Atlassian's OpenAPI subset (a copy of ../shared/jira/ kept in tests/contract/)."""
    from test_demo_contract import SPEC_PATH

    return json.loads(SPEC_PATH.read_text())


@pytest.fixture(scope="session")
def components(spec) -> dict:
    from test_demo_contract import _translate

    return _translate(spec["components"])
