"""The embedded demo site for ``aa-tui demo``: a demo Jira site on 127.0.0.1, signed in.

The site runs in a child process: serving files (generating and hashing their bytes) would
otherwise take the GIL from the scan and the screen it demonstrates.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aa_tui.jira.site import is_loopback_host
from aa_tui.locations import ENV_DATA_DIR
from aa_tui.model.accounts import PAT_ACCOUNT
from aa_tui.model.errors import AaTuiError
from aa_tui.model.scans import Profile
from aa_tui.service.workspace import Workspace

if TYPE_CHECKING:  # the demo is imported when it starts (its start-up cost is the demo's only)
    from aa_tui.demo import DemoOptions, DemoServer


def idle_projects(text: str) -> tuple[str, ...]:
    """The demo projects named in ``text`` (``KEY,KEY``) to generate as idle; a name that is
    not a demo project is an :class:`InputError` that lists them."""
    from aa_tui.demo.catalog import project_keys, unknown_projects
    from aa_tui.service.errors import InputError

    keys, unknown = project_keys(text)
    if unknown:
        raise InputError(unknown_projects(unknown))
    return keys


#: what the child process is given for "the demo's default idle projects"
DEFAULT_IDLE = "default"


def _idle_or_default(keys: str | None) -> tuple[str, ...]:
    """``KEY,KEY`` as given (empty: none), or the demo's default idle projects (``None``)."""
    if keys is None or keys == DEFAULT_IDLE:
        from aa_tui.demo.catalog import IDLE_BY_DEFAULT

        return IDLE_BY_DEFAULT
    return tuple(k for k in keys.split(",") if k)


class DemoNotStarted(AaTuiError):
    """The demo site's process did not say where it serves."""

    title = "Demo site"


def serve_child() -> None:
    """The child process (``python -c``): generate and serve the site, say where on stdout,
    serve until stdin closes (the app stopped it, or is gone)."""
    import json
    import sys

    from aa_tui.demo import DemoOptions, DemoServer, generate_site
    from aa_tui.demo.generator import GenerationOptions

    issues, seed = int(sys.argv[1]), int(sys.argv[2])
    options = DemoOptions(data_center=sys.argv[3:4] == ["data-center"])
    idle = _idle_or_default(sys.argv[4] if len(sys.argv) > 4 else None)
    data = generate_site(seed=seed, issues=issues, options=GenerationOptions(idle_projects=idle))
    server = DemoServer(data, options).start()
    print(json.dumps([server.base_url, server.email, server.token]), flush=True)
    sys.stdin.read()
    server.stop()


@dataclass
class RemoteServer:
    """Where the child process serves the demo site, and how to stop it."""

    base_url: str
    email: str
    token: str
    process: subprocess.Popen[str]

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


@dataclass
class DemoSite:
    """Starts a generated demo site on 127.0.0.1 in a child process (``in_process``: in
    this one, as tests may want; ``options`` need it); its token lives in memory only.
    ``data_center``: the site speaks as Jira Data Center (``options`` given: theirs decides);
    ``idle_projects``: demo projects whose every issue and file dates from 400+ days ago
    (``None``: the demo's default, ``IDLE_BY_DEFAULT``; ``()``: none)."""

    issues: int = 3000
    seed: int = 7
    options: DemoOptions | None = None
    in_process: bool = False
    data_center: bool = False
    idle_projects: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        self.server: DemoServer | RemoteServer | None = None
        if self.options is not None and self.options.data_center:
            self.data_center = True

    def start(self) -> DemoSite:
        if self.in_process or self.options is not None:
            from aa_tui.demo import DemoOptions, DemoServer, generate_site
            from aa_tui.demo.generator import GenerationOptions

            idle = self.idle_projects
            generation = GenerationOptions(
                idle_projects=_idle_or_default(None) if idle is None else idle
            )
            data = generate_site(seed=self.seed, issues=self.issues, options=generation)
            options = self.options or DemoOptions(data_center=self.data_center)
            self.server = DemoServer(data, options).start()
            return self
        # A plain child process (not multiprocessing: that re-imports the main module)
        process = subprocess.Popen(
            [sys.executable, "-c", "from aa_tui.service.demo import serve_child; serve_child()",
             str(self.issues), str(self.seed), "data-center" if self.data_center else "cloud",
             DEFAULT_IDLE if self.idle_projects is None else ",".join(self.idle_projects)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert process.stdout is not None
        line = process.stdout.readline()
        try:
            base_url, email, token = json.loads(line)
        except ValueError:
            process.kill()
            raise DemoNotStarted("The demo site did not start.") from None
        self.server = RemoteServer(base_url, email, token, process)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def profile(self) -> Profile:
        assert self.server is not None, "start() the demo first"
        # Data Center: the demo's personal access token (the account ``pat:``)
        account = PAT_ACCOUNT if self.data_center else self.server.email
        return Profile(site=self.server.base_url, email=account, demo=True)

    def sign_in(self, workspace: Workspace) -> Profile:
        """Save the demo's profile in ``workspace`` with its token in memory; the profile.

        Every demo runs on a new port: the profiles earlier demos saved whose site is gone
        (it lives as long as its demo) are removed, so they do not pile up on the Sites
        screen. A site the user saved, or a demo still running elsewhere, stays."""
        profile = self.profile
        assert self.server is not None  # (profile asserts it too)
        for old in workspace.list_profiles():
            if old.demo and old != profile and is_loopback(old.site) and not answers(old.site):
                workspace.delete_profile(old)
        workspace.save_profile(profile)
        workspace.remember_token(profile, self.server.token, label="memory (demo)")
        return profile


def is_loopback(site: str) -> bool:
    """A site on this machine (a demo site, or ``aa-tui demo-site``)."""
    return is_loopback_host(urlsplit(site).hostname or "")


def answers(site: str, timeout_s: float = 0.3) -> bool:
    """Whether something listens at ``site``'s host and port (a demo site still running)."""
    url = urlsplit(site)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", port), timeout=timeout_s):
            return True
    except OSError:
        return False


def gone_demo_note(site: str) -> str:
    """What to say when a site on this machine does not answer (or has no token): "" for
    any other site."""
    if not is_loopback(site):
        return ""
    return (
        f"{site} is on this machine: if it was an `aa-tui demo` site, it is gone (a demo site "
        "lives only while its demo runs). Its past scans stay readable in History; run "
        "`aa-tui demo` again for a new one."
    )


@dataclass(frozen=True)
class DemoData:
    """Where a demo's scans go, and whether that folder is removed when the demo ends."""

    path: Path
    scratch: bool

    @classmethod
    def choose(cls, data_dir: str | Path | None = None) -> DemoData:
        """``--data-dir``, else ``$AA_TUI_DATA_DIR`` (kept), else a temporary folder."""
        chosen = data_dir or os.environ.get(ENV_DATA_DIR, "").strip()
        if chosen:
            return cls(Path(chosen).expanduser(), scratch=False)
        return cls(Path(tempfile.mkdtemp(prefix="aa-tui-demo-")), scratch=True)

    @property
    def note(self) -> str:
        if self.scratch:
            return (
                f"Demo scans go to {self.path}, removed when you quit "
                "(aa-tui demo --data-dir DIR, or $AA_TUI_DATA_DIR, keeps them)."
            )
        return f"Demo scans are kept in {self.path}."

    @property
    def farewell(self) -> str:
        """The line printed once the demo has ended."""
        if self.scratch:
            return (
                f"the demo's scans were in {self.path}, now removed (aa-tui demo --data-dir DIR "
                "keeps them)."
            )
        return f"the demo's scans are kept in {self.path}."
