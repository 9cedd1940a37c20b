"""Base screens: the way to the service layer (``workspace``), and the one place where a
failed worker becomes an error modal.

``Worker.StateChanged`` does not bubble, so every screen inherits this handler. A screen that
shows a failure its own way calls ``event.prevent_default()`` and this handler stays quiet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from aa_tui.tui.host import HostApp

#: how often a screen that follows the store (History, Audit) looks whether another aa-tui
#: wrote it (files' times and sizes: nothing read)
FOLLOW_S = 2.0

if TYPE_CHECKING:
    from textual import getters

    from aa_tui.service.workspace import Workspace

ResultType = TypeVar("ResultType")


def report_failure(screen: AppScreen | AppModal[Any], event: Worker.StateChanged) -> None:
    """The error modal for a worker that failed (one that ended in ``WorkerState.ERROR``)."""
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        screen.app.show_error(event.worker.error)


class AppScreen(Screen[None]):
    """A screen of the aa-tui app: ``self.app`` is typed as the app, ``workspace`` its way to
    the service layer."""

    if TYPE_CHECKING:  # Textual's own idiom: the same property, typed with this app's class
        app = getters.app(HostApp)

    @property
    def workspace(self) -> Workspace:
        """Everything the screen does to the store, the keyring or a site goes through it."""
        return self.app.workspace

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)


class AppModal(ModalScreen[ResultType]):
    """A modal of the aa-tui app, dismissed with a ``ResultType``; as :class:`AppScreen`."""

    if TYPE_CHECKING:
        app = getters.app(HostApp)

    @property
    def workspace(self) -> Workspace:
        """Everything the modal does to the store, the keyring or a site goes through it."""
        return self.app.workspace

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)


@runtime_checkable
class ScanForm(Protocol):
    """The form a scan was started from (the new-scan screen): when Jira refuses what was asked
    (the JQL, a project), the live scan closes and the form says why. A protocol, so that the
    live scan and the form do not import each other."""

    def show_problem(self, text: str) -> None: ...
