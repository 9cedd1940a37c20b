"""State the plan's storage cap for this session: what the What-if table counts the room under."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from aa_tui.model.insights import cap_text, parse_cap
from aa_tui.tui.widgets.inputs import TextInput


@dataclass(frozen=True)
class CapChoice:
    """The cap the user stated (bytes), or ``None``: no cap."""

    cap: int | None


class CapScreen(ModalScreen[CapChoice | None]):
    """Dismisses with a :class:`CapChoice`, or ``None`` when cancelled (Escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cap.cancel")]
    DEFAULT_CLASSES = "dialog"  # the frame and the buttons' row: app.tcss
    AUTO_FOCUS = "Input"
    DEFAULT_CSS = """
    CapScreen > Vertical { width: 72; border: thick $accent; }
    CapScreen #cap-problem { color: $error; height: auto; }
    CapScreen Input { margin: 1 0 0 0; }
    """

    def __init__(self, cap: int | None, config: Path | None = None) -> None:
        super().__init__()
        self.cap = cap
        self.config = config  # the settings file the app read (None: it read none)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "The plan's storage cap, e.g. 2GB (Free) or 250GB (Standard): Atlassian states"
                " caps in decimal units. Empty: no cap.",
                markup=False,
            )
            yield TextInput(
                value=cap_text(self.cap) if self.cap else "",
                placeholder="250GB",
                id="cap-input",
                select_on_focus=True,
            )
            yield Static("", id="cap-problem", markup=False)
            where = self.config or "aa-tui's config.toml (see the README)"
            yield Static(
                f'For this session. To keep it, put cap = "250GB" under [thresholds] in {where}.',
                classes="hint",
                markup=False,
            )
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Set cap", id="set", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "set":
            self._apply()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _apply(self) -> None:
        text = self.query_one(Input).value.strip()
        if not text:
            self.dismiss(CapChoice(None))
            return
        try:
            cap = parse_cap(text)
        except ValueError as e:
            self.query_one("#cap-problem", Static).update(str(e))
            return
        self.dismiss(CapChoice(cap))
