"""Shared fixtures: a small generated demo site served over real HTTP on 127.0.0.1, a store,
the OpenAPI contract, an in-memory keyring and scanned data for the TUI.

Fixtures live here only; the plain helpers they and the tests use are in ``tests/helpers/``.
"""

from __future__ import annotations

import compileall
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import pytest
from helpers.contract import SPEC_PATH, translate
from helpers.memory_keyring import MemoryKeyring
from helpers.s3server import S3Server
from helpers.tui import ScannedData, make_app

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.store.store import Store

if TYPE_CHECKING:
    from aa_tui.tui.app import AATuiApp


def pytest_configure(config: pytest.Config) -> None:
    """Bytecode caches, even with ``PYTHONDONTWRITEBYTECODE`` set (or ``-B``): without them
    every xdist worker rewrites and compiles all the test modules again (~5 s of its ~8 s
    collection), and every ``aa-tui`` subprocess of the suite (hundreds) compiles aa_tui from
    source (~0.3 s of CPU each). So this process writes its caches as Python does by default,
    and the controller compiles aa_tui once before the workers start, into the usual
    ``__pycache__`` (checked against the sources' mtimes as always) where the subprocesses,
    which keep the setting, read it."""
    if not sys.flags.dont_write_bytecode:
        return
    sys.dont_write_bytecode = False
    if not hasattr(config, "workerinput"):
        import aa_tui

        compileall.compile_dir(Path(aa_tui.__file__).parent, quiet=1, workers=1)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (``pyproject.toml``): a worker more than the cores this process may use.
    The tests wait about a quarter of their time (the demo sites' modelled latency, rates
    and link lifetimes, measured per test), so one worker a core leaves the cores idle then:
    on 2 cores the suite took 10 min 12-32 s with 2 workers, 8 min 11 s with 3.
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set (xdist reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


@pytest.fixture(scope="session")
def small_site():
    """About 400 issues: every trap kind, a few hundred attachments, ~tens of MB."""
    return generate_site(seed=11, issues=400)


@pytest.fixture
def demo_server(small_site):
    with DemoServer(small_site, DemoOptions()) as server:
        yield server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    """A real S3-compatible server (s3rver) on 127.0.0.1, for the session."""
    server = S3Server(tmp_path_factory.mktemp("s3rver"))
    yield server
    server.stop()


@pytest.fixture
def s3_archive(s3_server, monkeypatch) -> str:
    """``s3://<a fresh bucket>/archive``, the standard AWS variables pointing at the server."""
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return f"s3://{s3_server.new_bucket()}/archive"


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    yield store
    store.close()


@pytest.fixture(scope="session")
def spec() -> dict:
    """Atlassian's OpenAPI subset (a copy of ../shared/jira/ kept in tests/contract/)."""
    return json.loads(SPEC_PATH.read_text())


@pytest.fixture(scope="session")
def components(spec) -> dict:
    return translate(spec["components"])


@pytest.fixture
def memory_keyring(monkeypatch) -> Iterator[MemoryKeyring]:
    """The in-memory backend, set with ``keyring.set_keyring``; no JIRA_API_TOKEN."""
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def scanned(tmp_path_factory) -> ScannedData:
    """Three finished scans of the demo site in one data dir (built once a session)."""
    return ScannedData(tmp_path_factory.mktemp("tui") / "data").build()


@pytest.fixture
def data_copy(scanned, tmp_path) -> Path:
    """A private copy of the scanned data dir for one test."""
    return scanned.copy_to(tmp_path / "data")


@pytest.fixture
def app(scanned, data_copy, memory_keyring) -> AATuiApp:
    """The app on the scanned data, the demo token saved in the in-memory keyring."""
    memory_keyring.set_password("aa-tui", f"{scanned.email}@{scanned.site}", scanned.token)
    return make_app(data_copy, backend=memory_keyring, sites=scanned.sites)
