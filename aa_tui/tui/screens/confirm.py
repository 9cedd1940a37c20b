"""A yes/no question whose default answer is No."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from aa_tui.tui.safe import plain


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only on an explicit yes (``y`` or the Yes button)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        # the buttons sit side by side: the arrows move between them, as Tab does
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]
    DEFAULT_CLASSES = "dialog"  # the frame and the buttons' row: app.tcss
    AUTO_FOCUS = "#no"  # the safe answer has the focus when the screen shows
    DEFAULT_CSS = """
    ConfirmScreen > Vertical { width: 64; border: thick $warning; }
    ConfirmScreen #question { margin-bottom: 1; }
    """

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no
        self._typed_here = ""  # the last key typed while the question was shown

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self.question, lines=True), id="question")  # names a site, a path
            with Horizontal():
                yield Button(self.yes_label, id="yes", variant="error")
                yield Button(self.no_label, id="no", variant="primary")

    def on_key(self, event: events.Key) -> None:
        # A key typed while the question is shown reaches this screen first; one typed before
        # it (in one burst with the key that asked: fast typing, a paste) reaches the app's
        # bindings through the screen below, and is then taken for an answer. A "y" answers
        # only when it came this way ("yd" on History deleted a scan, the question unseen).
        self._typed_here = event.key

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        if yes and self._typed_here != "y":
            return  # typed before the question: not an answer to it
        self.dismiss(yes)
