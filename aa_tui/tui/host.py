"""The app as its screens see it: what a screen may ask of the aa-tui app beyond Textual's.

:class:`~aa_tui.tui.app.AATuiApp` is the one implementation. The screens name this class
(``AppScreen.app`` is typed with it), so that they need not import ``tui/app.py``, which
imports them.
"""

from __future__ import annotations

from textual.app import App

from aa_tui.service.workspace import Workspace
from aa_tui.tui.config import AppConfig
from aa_tui.tui.settings import Settings


class HostApp(App[int]):
    """The aa-tui app's own attributes and services, declared for the screens."""

    workspace: Workspace
    config: AppConfig
    settings: Settings

    def site_label(self, site: str) -> str:
        """How a site is shown (tests and screenshots give demo sites one stable name)."""
        raise NotImplementedError

    def show_error(self, error: BaseException, hint: str = "") -> None:
        """The error modal for ``error``, worded for the app (its traceback to the log);
        ``hint``: what to do here, after its own sentence."""
        raise NotImplementedError

    def scan_running(self, scan_id: str = "") -> bool:
        """Whether a scan runs in this app (with ``scan_id``: that very scan)."""
        raise NotImplementedError
