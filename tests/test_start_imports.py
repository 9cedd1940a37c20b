"""What a command loads before it starts its work: not httpx's own command line (click, rich,
pygments), not the keyring when the token comes from the environment, not the cleanup's
modules for a scan. Each is checked in a fresh interpreter, as a command starts."""

from __future__ import annotations

import os
import subprocess
import sys

AS_A_SCAN_STARTS = """
import sys
from aa_tui.launch import without_httpx_command_line
without_httpx_command_line()
import httpx
from aa_tui.service.workspace import Workspace
from aa_tui.cli import entry, parser, scan
from aa_tui import credentials
assert credentials.get_token("https://x.atlassian.net", "a@b.c") == "from-env"
print(sorted(m for m in ("click", "pygments", "keyring", "aa_tui.service.cleanup",
      "aa_tui.service.after_cleanup") if m in sys.modules))
try:
    httpx.main()
except SystemExit as exc:
    print(exc)
"""


def run(code: str) -> list[str]:
    env = {**os.environ, "JIRA_API_TOKEN": "from-env"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return out.stdout.strip().splitlines()


def test_a_scan_starts_without_httpxs_command_line_the_keyring_or_the_cleanup():
    loaded, said = run(AS_A_SCAN_STARTS)
    assert loaded == "[]"
    assert "not loaded in aa-tui" in said


def test_the_keyring_is_loaded_when_a_token_is_asked_of_it():
    code = """
import sys
from aa_tui import credentials
import keyring.backend
class Kept(keyring.backend.KeyringBackend):
    priority = 1
    def get_password(self, service, user): return "kept"
    def set_password(self, service, user, password): pass
    def delete_password(self, service, user): pass
print(credentials.get_token("https://x.atlassian.net", "a@b.c", backend=Kept()))
"""
    env_free = code.replace("import sys", "import os, sys; os.environ.pop('JIRA_API_TOKEN')")
    assert run(env_free) == ["kept"]
