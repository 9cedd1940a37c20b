"""What every Jira client holds: the Jira origin's ``httpx.Client`` and the controls its
requests consult (the governor and the cancel event, which callers may swap on a live client)."""

from __future__ import annotations

import threading

import httpx

from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.transport import Controls


class Governed:
    """The governor, the cancel event and the Jira origin's client of one implementation."""

    _controls: Controls
    _api: httpx.Client

    @property
    def governor(self) -> RateGovernor:
        return self._controls.governor

    @governor.setter
    def governor(self, governor: RateGovernor) -> None:
        self._controls.governor = governor

    @property
    def cancel(self) -> threading.Event:
        return self._controls.cancel

    @cancel.setter
    def cancel(self, cancel: threading.Event) -> None:
        self._controls.cancel = cancel

    # -- the same governed path, for tests and tools that wrap it --------------------------------
    @property
    def http(self) -> httpx.Client:
        """The Jira origin's client (credentials, the governed transport)."""
        return self._api

    @property
    def controls(self) -> Controls:
        """What every request consults (governor, cancel): for :func:`retrying` loops."""
        return self._controls
