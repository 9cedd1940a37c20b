"""Inputs that follow the app's settings (no cursor blink in tests)."""

from __future__ import annotations

from textual.widgets import Input


class TextInput(Input):
    """An ``Input`` whose cursor blinks only when the app's config says so."""

    def on_mount(self) -> None:
        config = getattr(self.app, "config", None)
        if config is not None and not config.cursor_blink:
            self.cursor_blink = False
