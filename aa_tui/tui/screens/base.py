"""Base screens: the one place where a failed worker becomes an error modal.

``Worker.StateChanged`` does not bubble, so every screen inherits this handler. A screen that
shows a failure its own way calls ``event.prevent_default()`` and this handler stays quiet.
"""

from __future__ import annotations

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState


def report_failure(screen: Screen, event: Worker.StateChanged) -> None:
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        screen.app.show_error(event.worker.error)


class AppScreen(Screen):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)


class AppModal(ModalScreen):
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)
