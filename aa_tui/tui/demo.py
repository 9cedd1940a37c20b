"""The embedded demo site for ``aa-tui demo``: a DemoServer in this process and its profile."""

from __future__ import annotations

from dataclasses import dataclass, field

from aa_tui.model.scans import Profile
from aa_tui.store.store import Store
from aa_tui.tui.session import AppConfig, Session


@dataclass
class DemoSession:
    """Starts a generated demo site on 127.0.0.1; its token lives in memory only."""

    issues: int = 3000
    seed: int = 7
    options: object | None = None  # aa_tui.demo.server.DemoOptions
    config: AppConfig = field(default_factory=AppConfig)

    def __post_init__(self) -> None:
        self.server = None

    def start(self) -> DemoSession:
        from aa_tui.demo.generator import generate_site
        from aa_tui.demo.server import DemoOptions, DemoServer

        data = generate_site(seed=self.seed, issues=self.issues)
        self.server = DemoServer(data, self.options or DemoOptions()).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def __enter__(self) -> DemoSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def profile(self) -> Profile:
        assert self.server is not None, "start() the demo first"
        return Profile(site=self.server.base_url, email=self.server.email)

    def session(self, store: Store) -> Session:
        """A session whose demo profile is saved in ``store`` and whose token is in memory."""
        profile = self.profile
        store.save_profile(profile)
        return Session(store, self.config, memory_tokens={profile.key: self.server.token})
