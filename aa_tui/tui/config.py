"""What every screen needs: the store, how to reach a site, and display settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import keyring.backend

from aa_tui import credentials
from aa_tui.jira.client import JiraClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.logs import register_secret
from aa_tui.model.scans import Profile
from aa_tui.store.store import Store


@dataclass
class AppConfig:
    """Knobs for the app; tests use them to make screens stable (no blink, frozen clock)."""

    clock: Callable[[], datetime] | None = None  # passed to the engine (ages, dates)
    cursor_blink: bool = True
    site_names: dict[str, str] = field(default_factory=dict)  # site URL -> how to show it
    governor: Callable[[], RateGovernor] | None = None  # a fresh governor per client
    keyring_backend: keyring.backend.KeyringBackend | None = None  # None: keyring's choice
    read_only: bool = False  # history opened from an import: nothing can be deleted


class Session:
    """The store plus tokens: the OS keyring, or memory for the demo site (same path)."""

    def __init__(
        self,
        store: Store,
        config: AppConfig | None = None,
        memory_tokens: dict[str, str] | None = None,
    ) -> None:
        self.store = store
        self.config = config or AppConfig()
        self._memory = dict(memory_tokens or {})
        for token in self._memory.values():
            register_secret(token)

    # -- tokens ---------------------------------------------------------------------------------
    def in_memory(self, profile: Profile) -> bool:
        return profile.key in self._memory

    def token_for(self, profile: Profile) -> str | None:
        """The profile's token: memory (demo), else ``JIRA_API_TOKEN``, else the keyring."""
        if profile.key in self._memory:
            return self._memory[profile.key]
        token = credentials.get_token(
            profile.site, profile.email, backend=self.config.keyring_backend
        )
        register_secret(token or "")  # whatever quotes it later, the log file masks it
        return token

    def save_token(self, profile: Profile, token: str) -> None:
        register_secret(token)
        if profile.key in self._memory:
            self._memory[profile.key] = token
            return
        credentials.save_token(
            profile.site, profile.email, token, backend=self.config.keyring_backend
        )

    def delete_token(self, profile: Profile) -> None:
        if self._memory.pop(profile.key, None) is not None:
            return
        credentials.delete_token(profile.site, profile.email, backend=self.config.keyring_backend)

    def keyring_status(self) -> tuple[bool, str]:
        return credentials.keyring_status(self.config.keyring_backend)

    # -- sites ----------------------------------------------------------------------------------
    def client(self, site: str, email: str, token: str) -> JiraClient:
        governor = self.config.governor() if self.config.governor else None
        return JiraClient(site, email, token, governor=governor)

    def site_label(self, site: str) -> str:
        return self.config.site_names.get(site, site)
