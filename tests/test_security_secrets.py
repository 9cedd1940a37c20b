"""Secrets and trust: the API token is never written anywhere, never shown, never sent to the
media origin; everything aa-tui writes is readable by the user only.

A full CLI scan (interrupted with Ctrl-C while hashing so that its checkpoint exists, then
resumed, then re-exported) and a short headless TUI session; then every byte of the data dir,
the log, the exports and a screenshot is searched for the token in every form it travels in.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import signal
import stat
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers.cli import Scan, aa, kinds, wait_for
from helpers.webhook import Receiver

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.store.store import Store

EMAIL = "demo@example.com"


def token_forms(token: str) -> list[bytes]:
    """The token as it could leak: raw, URL-quoted, in a Basic header, base64 alone."""
    return [
        token.encode(),
        quote(token, safe="").encode(),
        base64.b64encode(f"{EMAIL}:{token}".encode()),
        base64.b64encode(token.encode()),
    ]


def files_under(*roots: Path) -> list[Path]:
    return [
        p for root in roots for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file()
    ]


def assert_no_token(token: str, *roots: Path, texts: tuple[str, ...] = ()) -> int:
    """No form of ``token`` in any file under ``roots`` nor in ``texts``; returns files read."""
    found = files_under(*roots)
    for path in found:
        data = path.read_bytes()
        for form in token_forms(token):
            assert form not in data, f"{form!r} found in {path}"
    for text in texts:
        for form in token_forms(token):
            assert form.decode() not in text
    return len(found)


def assert_private(root: Path, *, folders: bool = True) -> None:
    """Every file 0600; with ``folders``, the data dir and every folder in it 0700."""
    for path in files_under(root):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    if folders:
        for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_cli_scan_writes_and_shows_no_token(small_site, tmp_path):
    token = "tok-" + secrets.token_hex(16)
    data = tmp_path / "data"
    exports = tmp_path / "exports"
    exports.mkdir()
    options = DemoOptions(
        latency_s=0.003, per_id_s=0.003, per_issue_s=0.003, id_page_size=50, fault_cut_download=0.05
    )
    with DemoServer(small_site, options, token=token) as server:
        # 1. Interrupted while hashing: the checkpoint journal is on disk, search it too.
        scan = Scan(server, data)
        wait_for(scan, lambda: "hash:head" in kinds(data), "hashing")
        scan.proc.send_signal(signal.SIGINT)
        assert scan.wait() == 130, scan.stderr
        journals = list(data.glob("scans/*/journal.jsonl"))
        assert journals
        assert_no_token(token, data, texts=(scan.stderr, scan.stdout))
        assert_private(data)
        # 2. Resumed to the end with exports, 3. re-exported from the store.
        base = ["scan", "--site", server.base_url, "--email", server.email]
        resumed = aa(
            [
                *base,
                "--resume",
                "--json",
                str(exports / "scan.json"),
                "--csv",
                str(exports / "scan-csv"),
            ],
            data,
            token=token,
        )
        assert resumed.returncode == 0, resumed.stderr
        store = Store(data)
        (info,) = store.list_scans()
        store.close()
        scan_id = info.id
        again = aa(
            [
                "report",
                scan_id,
                "--json",
                str(exports / "again.json"),
                "--csv",
                str(exports / "again-csv"),
            ],
            data,
        )
        assert again.returncode == 0, again.stderr
        stats = server.stats.snapshot()
    assert stats["cut_downloads"] > 0  # downloads were resumed, and still...
    assert stats["media_auth_header_requests"] == 0  # ...no credentials went to the media host
    log = data / "aa-tui.log"
    assert "scan" in log.read_text()  # the log was really written, so searching it means something
    searched = assert_no_token(
        token, data, exports, texts=(resumed.stdout, resumed.stderr, again.stdout, again.stderr)
    )
    assert searched >= 12  # index, results, log, JSON and CSV exports
    assert_private(data)
    for path in files_under(exports):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.parametrize("source", ["JIRA_API_TOKEN", "systemd credential"])
def test_a_headless_scan_writes_and_sends_no_token(small_site, tmp_path, source):
    """A scheduled scan configured by the environment (site, email, token) with exports, a
    cap and a webhook notice: no form of the token in the store, the log, the exports, the
    output or anything the webhook received."""
    token = "tok-" + secrets.token_hex(16)
    data, exports, creds = tmp_path / "data", tmp_path / "exports", tmp_path / "creds"
    exports.mkdir()
    creds.mkdir()
    (creds / "jira-api-token").write_text(token + "\n")
    with DemoServer(small_site, DemoOptions(), token=token) as server, Receiver() as hook:
        env = {"JIRA_URL": server.base_url, "JIRA_EMAIL": server.email}
        if source == "systemd credential":
            env["CREDENTIALS_DIRECTORY"] = str(creds)
        args = ["scan", "--json", str(exports / "r.json"), "--csv", str(exports / "csv")]
        result = aa(
            [*args, "--cap", "1MB", "--notify", hook.url],
            data,
            token=token if source == "JIRA_API_TOKEN" else None,
            env=env,
        )
    assert result.returncode == 4, result.stderr  # the whole way: exports, cap, notice
    (received,) = hook.received
    assert (exports / "r.json").is_file() and "complete" in (data / "aa-tui.log").read_text()
    searched = assert_no_token(
        token,
        data,
        exports,
        texts=(result.stdout, result.stderr, received.body.decode(), repr(received.headers)),
    )
    assert searched > 10
    assert_private(data)


def test_messages_mask_a_token_quoted_back(tmp_path):
    token = "tok-" + secrets.token_hex(16)
    pasted = f"ftp://{EMAIL}:{token}@jira.example.invalid"
    result = aa(["scan", "--site", pasted, "--email", EMAIL], tmp_path, token=token)
    assert result.returncode == 2
    assert "is not a site URL" in result.stderr and "[redacted]" in result.stderr
    assert token not in result.stderr + result.stdout
    assert_no_token(token, tmp_path)


def test_tui_session_writes_no_token(small_site, tmp_path):
    pytest.importorskip("aa_tui.tui.app")
    from helpers.memory_keyring import MemoryKeyring
    from helpers.tui import SIZE, make_app, saved_site, until, wait_for_workers

    from aa_tui.tui.screens.new_scan import NewScanScreen
    from aa_tui.tui.screens.results import ResultsScreen

    token = "tok-" + secrets.token_hex(16)
    keyring = MemoryKeyring()
    shots = tmp_path / "shots"
    shots.mkdir()
    with DemoServer(small_site, DemoOptions(), token=token) as server:
        data = saved_site(server, tmp_path, keyring)
        app = make_app(data, backend=keyring, sites=[server.base_url])

        async def journey():
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press("n")
                assert isinstance(app.screen, NewScanScreen)
                app.save_screenshot("new-scan.svg", str(shots))
                await pilot.press("ctrl+s")
                await until(pilot, lambda: isinstance(app.screen, ResultsScreen))
                await wait_for_workers(pilot)
                app.save_screenshot("results.svg", str(shots))
                return app.screen.summary.to_dict()

        summary = asyncio.run(journey())
        app.workspace.close()
        assert server.stats.snapshot()["media_auth_header_requests"] == 0
    assert summary["totals"]["duplicate_size"] == small_site.truth.duplicate_size
    assert keyring.get_password("aa-tui", f"{server.email}@{server.base_url}") == token
    assert assert_no_token(token, data, shots) >= 5
    assert_private(data, folders=False)  # the test made the data dir itself
