"""Base screens: the way to the service layer (``workspace``), and the one place where a
failed worker becomes an error modal.

``Worker.StateChanged`` does not bubble, so every screen inherits this handler. A screen that
shows a failure its own way calls ``event.prevent_default()`` and this handler stays quiet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from aa_tui.service.workspace import Workspace


def report_failure(screen: Screen, event: Worker.StateChanged) -> None:
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        screen.app.show_error(event.worker.error)


class _WorkspaceMixin:
    @property
    def workspace(self) -> Workspace:
        """Everything the screen does to the store, the keyring or a site goes through it."""
        return self.app.workspace  # type: ignore[attr-defined]


class AppScreen(_WorkspaceMixin, Screen):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)


class AppModal(_WorkspaceMixin, ModalScreen):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)


@runtime_checkable
class ScanForm(Protocol):
    """The form a scan was started from (the new-scan screen): when Jira refuses what was asked
    (the JQL, a project), the live scan closes and the form says why. A protocol, so that the
    live scan and the form do not import each other."""

    def show_problem(self, text: str) -> None: ...
