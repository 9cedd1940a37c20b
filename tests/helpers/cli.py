"""``aa-tui`` as a user runs it: a real subprocess with its own data dir and no OS keyring."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from aa_tui.demo.server import DemoOptions
from aa_tui.store.store import Store

WORKERS = "2"
#: Slow enough that each phase lasts long enough to be hit, fast enough for CI: ~3 s a scan.
SLOW = DemoOptions(latency_s=0.004, per_id_s=0.004, per_issue_s=0.004, id_page_size=50)


def cli_env(data_dir, token=None) -> dict[str, str]:
    """The environment of an ``aa-tui`` subprocess: its own data dir, no keyring, maybe a token."""
    env = {k: v for k, v in os.environ.items() if k != "JIRA_API_TOKEN"}
    env["AA_TUI_DATA_DIR"] = str(data_dir)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    if token is not None:
        env["JIRA_API_TOKEN"] = token
    return env


def aa(args, data_dir, token=None, stdin=None, timeout=120, env=None):
    """Run ``aa-tui ARGS`` to the end; the completed process (text stdout and stderr);
    ``env``: variables added to (or, with None values, removed from) its environment."""
    environment = {**cli_env(data_dir, token), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "aa_tui", *args],
        env={k: v for k, v in environment.items() if v is not None},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Scan:
    """One ``aa-tui scan`` subprocess with its stderr collected line by line."""

    def __init__(self, server, data_dir: Path, *extra: str, env: dict | None = None, code=None):
        args = ["scan", "--site", server.base_url, "--email", server.email, "--workers", WORKERS]
        cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "aa_tui"]
        self.proc = subprocess.Popen(
            [*cmd, *args, *extra],
            env={**cli_env(data_dir, server.token), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.stdout = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def wait(self, timeout: float = 60) -> int:
        self.stdout = self.proc.stdout.read()
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self._reader.join(5)
        self.proc.stdout.close()


def wait_for(scan: Scan, predicate, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if scan.proc.poll() is not None:
            pytest.fail(f"the scan ended before {what}: {scan.stderr[-2000:]}")
        time.sleep(0.005)
    pytest.fail(f"timed out waiting for {what}: {scan.stderr[-2000:]}")


def stored_scans(data_dir: Path) -> list:
    """The scans a run of ``aa-tui`` left in ``data_dir``."""
    store = Store(data_dir)
    try:
        return store.list_scans()
    finally:
        store.close()


def journal(data_dir: Path) -> list[dict]:
    """Every checkpoint entry of every scan journal under ``data_dir``."""
    from aa_tui.store.journal import read_journal

    return [e for path in data_dir.glob("scans/*/journal.jsonl") for e in read_journal(path)]


def kinds(data_dir: Path) -> list[str]:
    return [e["k"] if e["k"] != "hash" else f"hash:{e['stage']}" for e in journal(data_dir)]
