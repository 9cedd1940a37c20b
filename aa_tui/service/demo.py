"""The embedded demo site for ``aa-tui demo``: a demo Jira site in this process, signed in."""

from __future__ import annotations

from dataclasses import dataclass

from aa_tui.model.scans import Profile
from aa_tui.service.workspace import Workspace


@dataclass
class DemoSite:
    """Starts a generated demo site on 127.0.0.1; its token lives in memory only."""

    issues: int = 3000
    seed: int = 7
    options: object | None = None  # aa_tui.demo.DemoOptions

    def __post_init__(self) -> None:
        self.server = None

    def start(self) -> DemoSite:
        from aa_tui.demo import DemoOptions, DemoServer, generate_site

        data = generate_site(seed=self.seed, issues=self.issues)
        self.server = DemoServer(data, self.options or DemoOptions()).start()
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
        return Profile(site=self.server.base_url, email=self.server.email)

    def sign_in(self, workspace: Workspace) -> Profile:
        """Save the demo's profile in ``workspace`` with its token in memory; the profile."""
        profile = self.profile
        workspace.save_profile(profile)
        workspace.remember_token(profile, self.server.token, label="memory (demo)")
        return profile
