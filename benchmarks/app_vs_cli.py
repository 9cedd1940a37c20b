"""The app's scan against the CLI's, and the app's start-up (issue 12, B17).

    python benchmarks/app_vs_cli.py [--issues 3000] [--runs 2]

The demo site runs in its own process. Each face runs as a user runs it, in its own process:
``aa-tui scan`` as a plain subprocess, and ``aa-tui`` in a pseudo-terminal (a real Textual
driver drawing to a terminal), driven by keys: ``n`` (new scan of the saved site), Ctrl+S,
then Ctrl+Q once the results are drawn. Both scans' durations are read from the store
(``duration_s``, measured by the engine), so only the scan is compared.

Start-up is the time from launching ``aa-tui`` to its first drawn Sites screen; the time from
launching ``aa-tui demo`` to its live scan on the screen is printed too (no target: it includes
starting the demo site and the scan's first requests).

Targets: the app's scan within 1.1x the CLI's; start-up under 1 s.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import _common as c

TARGET_RATIO = 1.1
TARGET_STARTUP_S = 1.0


def env_for(data_dir: Path, token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "JIRA_API_TOKEN"}
    env.update(AA_TUI_DATA_DIR=str(data_dir), TERM="xterm-256color")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    if token:
        env["JIRA_API_TOKEN"] = token
    return env


class Terminal:
    """``aa-tui ARGS`` in a 120x36 pseudo-terminal; what it drew, as plain text."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aa_tui", *args],
            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.seen = b""

    def wait_for(self, text: str, timeout: float = 120.0) -> float:
        """Seconds since launch when ``text`` was first drawn."""
        needle = text.encode()
        deadline = time.perf_counter() + timeout
        while needle not in self._plain():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{text!r} never drawn")
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    break
        return time.perf_counter() - self.started

    def _plain(self) -> bytes:
        import re

        text = re.sub(rb"\x1b\][^\x07\x1b]*(\x07|\x1b\\)", b"", self.seen)  # OSC
        return re.sub(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]", b"", text)  # CSI

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> None:
        self.press(b"\x11")  # Ctrl+Q
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.master)


def durations(data_dir: Path) -> list[float]:
    from aa_tui.service.workspace import Workspace

    workspace = Workspace.open(data_dir)
    try:
        return [s.duration_s for s in workspace.list_scans()]
    finally:
        workspace.close()


def cli_scan(site: c.Site, data_dir: Path) -> float:
    args = ["scan", "--site", site.base_url, "--email", site.email, "--quiet"]
    done = subprocess.run(
        [sys.executable, "-m", "aa_tui", *args],
        env=env_for(data_dir, site.token), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"aa-tui scan failed: {done.stderr.strip()}")
    return max(durations(data_dir))


def save_profile(data_dir: Path, site: c.Site) -> None:
    from aa_tui.model.scans import Profile
    from aa_tui.service.workspace import Workspace

    workspace = Workspace.open(data_dir)
    workspace.save_profile(Profile(site.base_url, site.email))
    workspace.close()


def app_scan(site: c.Site, data_dir: Path) -> tuple[float, float]:
    """The app's scan duration, and its start-up to the Sites screen."""
    save_profile(data_dir, site)
    term = Terminal([], env_for(data_dir, site.token))
    try:
        startup = term.wait_for("Add a site")
        term.press(b"n")
        term.wait_for("Start scan")
        term.press(b"\x13")  # Ctrl+S
        term.wait_for("Quick wins", timeout=600)
    finally:
        term.close()
    return max(durations(data_dir)), startup


def demo_startup(issues: int) -> float:
    with tempfile.TemporaryDirectory(prefix="aa-bench-demo-") as tmp:
        term = Terminal(["demo", "--issues", str(issues)], env_for(Path(tmp), None))
        try:
            return term.wait_for("Scanning")
        finally:
            term.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(c.machine())
    cli, app, startups = [], [], []
    with c.start_site(seed=7, issues=args.issues) as site:
        for _ in range(args.runs):
            with c.temp_store_dir("bench-cli") as one, c.temp_store_dir("bench-app") as two:
                cli.append(cli_scan(site, Path(one)))
                scan_s, startup = app_scan(site, Path(two))
                app.append(scan_s)
                startups.append(startup)
    demo = demo_startup(args.issues)
    best_cli, best_app = min(cli), min(app)
    ratio = best_app / best_cli
    print(f"CLI scan   {', '.join(f'{s:.2f}' for s in cli)} s  (best {best_cli:.2f} s)")
    print(f"app scan   {', '.join(f'{s:.2f}' for s in app)} s  (best {best_app:.2f} s)")
    print(f"start-up   aa-tui {min(startups):.2f} s · aa-tui demo to its live scan {demo:.2f} s")
    ok = [
        c.verdict(ratio <= TARGET_RATIO, f"app scan / CLI scan = {ratio:.2f} (<= {TARGET_RATIO})"),
        c.verdict(
            min(startups) < TARGET_STARTUP_S,
            f"start-up {min(startups):.2f} s (< {TARGET_STARTUP_S} s)",
        ),
    ]
    print("\n".join(ok))
    return 0 if all(line.startswith("PASS") for line in ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
