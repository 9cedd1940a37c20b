"""The keyring layer against a real Secret Service (gnome-keyring on a private D-Bus).

The test starts its own ``dbus-daemon`` and ``gnome-keyring-daemon`` (unlocked with a password
on stdin, private XDG dirs) and stops both; it is skipped when the binaries are missing
(``apt-get install -y gnome-keyring dbus-x11``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.tui import SIZE, make_app, wait_for_workers

from aa_tui import credentials
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.tui.widgets.inputs import TextInput

pytestmark = pytest.mark.real_keyring
BINARIES = ("dbus-daemon", "gnome-keyring-daemon")


@pytest.fixture
def secret_service(tmp_path, monkeypatch) -> Iterator[object]:
    missing = [b for b in BINARIES if shutil.which(b) is None]
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed: apt-get install -y gnome-keyring dbus-x11"
        )
    runtime, data = tmp_path / "runtime", tmp_path / "xdg-data"
    runtime.mkdir(mode=0o700)
    data.mkdir()
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "XDG_DATA_HOME": str(data)}
    bus = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        env=env, capture_output=True, text=True, check=True, timeout=10,
    )  # fmt: skip
    address, bus_pid = bus.stdout.split("\n")[:2]
    env["DBUS_SESSION_BUS_ADDRESS"] = address.strip()
    try:
        # Daemon mode returns once the login keyring exists and is unlocked; the daemon exits
        # by itself when its session bus goes away.
        subprocess.run(
            ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
            env=env, input=b"test-password", stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, check=True, timeout=20,
        )  # fmt: skip
        for name in ("XDG_RUNTIME_DIR", "XDG_DATA_HOME", "DBUS_SESSION_BUS_ADDRESS"):
            monkeypatch.setenv(name, env[name])
        monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
        from keyring.backends import SecretService

        yield SecretService.Keyring()
    finally:
        os.kill(int(bus_pid), signal.SIGTERM)


def test_save_read_delete_through_secret_service(secret_service):
    site, email, token = "https://acme.atlassian.net", "ana@example.com", "real-token-4711"
    usable, message = credentials.keyring_status(secret_service)
    assert usable, message
    credentials.save_token(site, email, token, backend=secret_service)
    assert secret_service.get_password("aa-tui", f"{email}@{site}") == token
    assert credentials.get_token(site, email, backend=secret_service) == token
    assert credentials.delete_token(site, email, backend=secret_service) is True
    assert credentials.get_token(site, email, backend=secret_service) is None
    assert credentials.delete_token(site, email, backend=secret_service) is False


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_tui_session_keeps_the_token_out_of_the_data_dir(secret_service, small_site, tmp_path):
    token = "tok-" + "z9" * 12
    with DemoServer(small_site, DemoOptions(), token=token) as server:
        app = make_app(tmp_path / "data", backend=secret_service, sites=[server.base_url])

        async def session() -> str:
            async with app.run_test(size=SIZE) as pilot:
                app.screen.query_one("#site", TextInput).value = server.base_url
                app.screen.query_one("#email", TextInput).value = server.email
                app.screen.query_one("#token", TextInput).value = token
                await pilot.press("ctrl+s")
                await pilot.pause()
                await pilot.press("t")  # test the saved profile: its token comes from the keyring
                await wait_for_workers(pilot)
                return str(app.screen.query_one("#status").render())

        status = asyncio.run(session())
        app.workspace.close()
    assert "signed in as" in status.lower(), status
    assert secret_service.get_password("aa-tui", f"{server.email}@{server.base_url}") == token
    assert token.encode() not in all_bytes(tmp_path / "data")
