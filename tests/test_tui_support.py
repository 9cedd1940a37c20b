"""Shared pieces of the TUI tests: an in-memory keyring, scanned demo data, a stable app.

Test modules import the fixtures they use from here (``from test_tui_support import ...``).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from conftest import FAST_RETRIES, make_client

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.governor import RateGovernor
from aa_tui.memory_keyring import MemoryKeyring
from aa_tui.model.scans import Profile
from aa_tui.scan.engine import ScanEngine, ScanRequest
from aa_tui.service.workspace import Workspace
from aa_tui.store.store import Store
from aa_tui.tui.app import AATuiApp
from aa_tui.tui.config import AppConfig

SIZE = (120, 36)
SITE_LABEL = "http://127.0.0.1:8080"  # every demo server is shown under one stable name
EARLIER = datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc)
SEED, ISSUES, MORE_ISSUES = 11, 400, 520


@pytest.fixture
def memory_keyring(monkeypatch) -> Iterator[MemoryKeyring]:
    """The in-memory backend, set with ``keyring.set_keyring``; no JIRA_API_TOKEN."""
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def fast_governor() -> RateGovernor:
    return RateGovernor(max_concurrency=8, policy=FAST_RETRIES)


def scan(server: DemoServer, store: Store, when: datetime, **request) -> str:
    client = make_client(server)
    try:
        req = ScanRequest(site=client.site, email=server.email, **request)
        engine = ScanEngine(client, store, req, clock=lambda: when)
        return engine.run().info.id
    finally:
        client.close()


def freeze_durations(store: Store) -> None:
    """Durations are wall-clock: pin them so History draws the same every run."""
    for n, info in enumerate(sorted(store.list_scans(), key=lambda s: s.started_at)):
        info.duration_s = 12.0 + 7 * n
        store.save_scan(info)


class ScannedData:
    """A data dir holding three finished scans of the demo site, and what they were."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sites: list[str] = []
        self.exact_id = self.metadata_id = self.later_id = ""
        self.data = generate_site(seed=SEED, issues=ISSUES)
        self.email = ""
        self.token = ""

    def build(self) -> ScannedData:
        store = Store(self.root)
        with DemoServer(self.data, DemoOptions()) as server:
            self.sites.append(server.base_url)
            self.email, self.token = server.email, server.token
            self.exact_id = scan(server, store, EARLIER)
            self.metadata_id = scan(server, store, EARLIER.replace(day=2), verify="metadata")
            store.save_profile(Profile(server.base_url, server.email))
        grown = generate_site(seed=SEED, issues=MORE_ISSUES)
        with DemoServer(grown, DemoOptions()) as server:
            self.sites.append(server.base_url)
            self.later_id = scan(server, store, LATER)
        freeze_durations(store)
        store.close()
        return self

    def copy_to(self, target: Path) -> Path:
        shutil.copytree(self.root, target)
        return target

    @property
    def site(self) -> str:
        return self.sites[0]


@pytest.fixture(scope="session")
def scanned(tmp_path_factory) -> ScannedData:
    return ScannedData(tmp_path_factory.mktemp("tui") / "data").build()


def make_app(
    data_dir: Path,
    *,
    backend: keyring.backend.KeyringBackend | None = None,
    sites: list[str] = (),
    memory_tokens: dict[str, str] | None = None,
    start_profile: Profile | None = None,
) -> AATuiApp:
    workspace = Workspace(
        Store(data_dir),
        keyring_backend=backend,
        memory_tokens=memory_tokens,
        clock=lambda: LATER,
        governor_factory=fast_governor,
    )
    config = AppConfig(cursor_blink=False, site_names={site: SITE_LABEL for site in sites})
    return AATuiApp(workspace, config=config, start_profile=start_profile)


@pytest.fixture
def data_copy(scanned, tmp_path) -> Path:
    """A private copy of the scanned data dir for one test."""
    return scanned.copy_to(tmp_path / "data")


@pytest.fixture
def app(scanned, data_copy, memory_keyring) -> AATuiApp:
    """The app on the scanned data, the demo token saved in the in-memory keyring."""
    memory_keyring.set_password("aa-tui", f"{scanned.email}@{scanned.site}", scanned.token)
    return make_app(data_copy, backend=memory_keyring, sites=scanned.sites)


def saved_site(server, tmp_path, keyring_backend) -> Path:
    """A data dir holding ``server``'s profile, its token in ``keyring_backend``."""
    data = tmp_path / "data"
    store = Store(data)
    store.save_profile(Profile(server.base_url, server.email))
    store.close()
    keyring_backend.set_password("aa-tui", f"{server.email}@{server.base_url}", server.token)
    return data


async def until(pilot, predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting; screen is {pilot.app.screen!r}")
        await pilot.pause(0.05)


async def wait_for_workers(pilot) -> None:
    """Wait for the app's workers, scans aside (pytest-textual-snapshot waits only for
    animations)."""
    workers = [w for w in pilot.app.workers if w.group != "scan"]
    if workers:
        await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()


PROJECTS = ("OPS", "WEB", "MOB", "DATA", "FIN", "HR", "LEGAL", "SEC")
TYPES = ("pdf", "png", "zip", "xlsx", "docx", "log")


def synthetic_groups(n: int) -> list[dict]:
    """``n`` report-format duplicate groups (2-5 copies each), deterministic."""
    groups = []
    for g in range(n):
        copies = 2 + g % 4
        size = 1_000 + (g * 7919) % 9_000_000
        name = f"file-{g % 4999}.{TYPES[g % len(TYPES)]}"
        locations = []
        for c in range(copies):
            project = PROJECTS[(g + c) % len(PROJECTS)]
            locations.append(
                {
                    "attachment_id": str(100000 + g * 8 + c),
                    "issue_key": f"{project}-{g + c}",
                    "project_key": project,
                    "file_name": name,
                    "author": f"User {g % 97}",
                    "created": f"202{4 + c % 2}-0{1 + g % 9}-1{g % 10}T10:00:00.000+0000",
                    "status": "Done",
                    "status_category": ("To Do", "In Progress", "Done")[g % 3],
                    "issue_updated": "2026-01-01T00:00:00.000+0000",
                    "is_canonical": c == 0,
                }
            )
        groups.append(
            {
                "hash": f"sha256:{g:064x}",
                "size": size,
                "file_name": name,
                "mime_type": "application/octet-stream",
                "copies": copies,
                "wasted_size": (copies - 1) * size,
                "likely": False,
                "locations": locations,
            }
        )
    return groups


def store_synthetic_scan(data_dir: Path, n: int) -> str:
    """A finished scan holding ``n`` synthetic groups (for the big-scan tests)."""
    from aa_tui.model.records import Scope
    from aa_tui.model.scans import ScanInfo

    groups = synthetic_groups(n)
    store = Store(data_dir)
    info = ScanInfo(
        id="20261101-000000-big0", site="https://big.example.net", email="ana@example.com",
        scope=Scope(), started_at="2026-11-01T00:00:00+00:00", status="complete",
        finished_at="2026-11-01T01:00:00+00:00", duration_s=3600.0,
    )  # fmt: skip
    wasted = sum(g["wasted_size"] for g in groups)
    totals = {
        "issues_scanned": n, "total_files": sum(g["copies"] for g in groups),
        "total_size": sum(g["copies"] * g["size"] for g in groups),
        "duplicate_files": sum(g["copies"] - 1 for g in groups), "duplicate_size": wasted,
        "duplicate_groups": n, "waste_pct": 50.0,
    }  # fmt: skip
    info.totals = totals
    summary = {
        "schema": "aa-tui.report/1",
        "scan": {"id": info.id, "site": info.site, "scope": "whole site", "verify": "exact",
                 "started_at": info.started_at, "finished_at": info.finished_at,
                 "duration_s": 3600.0, "status": "complete"},
        "totals": totals,
        "projects": [], "file_types": [], "uploaders": [], "age_brackets": [],
        "status_categories": [],
        "quick_wins": sorted(groups, key=lambda g: -g["wasted_size"])[:10],
    }  # fmt: skip
    store.save_results(info.id, summary, groups, [])
    store.save_scan(info)
    store.close()
    return info.id
