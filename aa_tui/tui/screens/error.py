"""A modal that states what went wrong and what to do about it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from aa_tui.tui.safe import plain


class ErrorScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "Close", id="error.close")]
    # Focused when the screen shows (a query in on_mount raised NoMatches once in CI, the
    # screen closed before its Mount was handled: a crash to report an error)
    AUTO_FOCUS = "#ok"
    DEFAULT_CLASSES = "dialog"  # the frame: app.tcss
    DEFAULT_CSS = """
    ErrorScreen > Vertical { width: 80; border: thick $error; }
    ErrorScreen #title { text-style: bold; color: $error; margin-bottom: 1; }
    ErrorScreen #message { margin-bottom: 1; }
    ErrorScreen Button { width: 100%; }
    """

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.error_title = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            # the message may quote Jira (a JQL error quotes the query): text, never markup
            yield Static(plain(self.error_title), id="title", markup=False)
            yield Static(plain(self.message, lines=True), id="message", markup=False)
            yield Button("OK", id="ok", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
