"""The TUI under test: scanned demo data, an app that draws the same every run, Pilot waits.

Textual is imported only by :func:`make_app`, so ``conftest.py`` can use this module without
loading Textual into every test process.
"""

from __future__ import annotations

import asyncio
import functools
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import keyring.backend

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile, ScanInfo
from aa_tui.service.workspace import Workspace
from aa_tui.store.store import Store
from helpers.scanning import fast_governor, run_scan

if TYPE_CHECKING:
    from aa_tui.tui.app import AATuiApp

SIZE = (120, 36)
SITE_LABEL = "http://127.0.0.1:8080"  # every demo server is shown under one stable name
EARLIER = datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc)
SEED, ISSUES, MORE_ISSUES = 11, 400, 520


def scan(server: DemoServer, store: Store, when: datetime, **request) -> str:
    """The id of a finished scan of ``server`` dated ``when``."""
    return run_scan(server, store, now=when, **request).info.id


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


def make_app(
    data_dir: Path,
    *,
    backend: keyring.backend.KeyringBackend | None = None,
    sites: list[str] = (),
    memory_tokens: dict[str, str] | None = None,
    start_profile: Profile | None = None,
) -> AATuiApp:
    from aa_tui.tui.app import AATuiApp
    from aa_tui.tui.config import AppConfig

    workspace = Workspace(
        Store(data_dir),
        keyring_backend=backend,
        memory_tokens=memory_tokens,
        clock=lambda: LATER,
        governor_factory=fast_governor,
    )
    config = AppConfig(cursor_blink=False, site_names={site: SITE_LABEL for site in sites})
    return AATuiApp(workspace, config=config, start_profile=start_profile)


def saved_site(server, tmp_path, keyring_backend) -> Path:
    """A data dir holding ``server``'s profile, its token in ``keyring_backend``."""
    data = tmp_path / "data"
    store = Store(data)
    store.save_profile(Profile(server.base_url, server.email))
    store.close()
    keyring_backend.set_password("aa-tui", f"{server.email}@{server.base_url}", server.token)
    return data


def run(coro):
    """Run ``coro`` (a journey through the app) in its own event loop: its result."""
    return asyncio.run(coro)


def sync(test):
    """Run an async test (its fixtures as arguments) in its own event loop."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


def write_config(tmp_path: Path, text: str) -> Path:
    """``text`` as ``config.toml`` in ``tmp_path`` (the app's settings file)."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def until(pilot, predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting; screen is {pilot.app.screen!r}")
        await pilot.pause(0.05)


async def open_insights(pilot, scan_id: str):
    """The insights of ``scan_id`` pushed, once their tables are shown and the workers done."""
    from aa_tui.tui.screens.insights.screen import InsightsScreen

    pilot.app.push_screen(InsightsScreen(scan_id))
    screen = pilot.app.screen
    await until(pilot, lambda: screen.insights is not None)
    await wait_for_workers(pilot)
    return screen


async def wait_for_workers(pilot) -> None:
    """Wait for the app's workers, scans aside (pytest-textual-snapshot waits only for
    animations)."""
    from textual.worker import WorkerCancelled

    for _ in range(5):
        workers = [w for w in pilot.app.workers if w.group != "scan" and not w.is_finished]
        if not workers:
            break
        try:
            await pilot.app.workers.wait_for_complete(workers)
            break
        except WorkerCancelled:  # a worker a newer one replaced, or whose screen closed: wait on
            continue
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


def shoot(snap_compare, app, *steps, pause_after: bool = False, size=SIZE) -> bool:
    """Run ``steps`` (coroutines taking the pilot, or key names) with the workers waited for
    after each, then compare the app's picture (``size`` columns and rows) with its snapshot."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await wait_for_workers(pilot)
        for step in steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                await step(pilot)
            await wait_for_workers(pilot)
        if pause_after:
            await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run_before)
