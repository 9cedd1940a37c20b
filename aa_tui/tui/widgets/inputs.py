"""Inputs that follow the app's settings (no cursor blink in tests) and keep keys in order."""

from __future__ import annotations

from textual import events
from textual.dom import DOMNode
from textual.widgets import Input


class TextInput(Input):
    """An ``Input`` whose cursor blinks only when the app's config says so, and whose own
    editing keys (backspace, arrows, ...) act in the order they were typed."""

    def on_mount(self) -> None:
        config = getattr(self.app, "config", None)
        if config is not None and not config.cursor_blink:
            self.cursor_blink = False

    async def _on_key(self, event: events.Key) -> None:
        # Textual inserts a printable key here, at once, but runs a bound key (backspace)
        # only once the event has bubbled up to the app: keys typed fast after a backspace
        # were inserted before it acted ("project = OPS" came out "project = Opro").
        # Textual #6605; this runs the input's own bindings here, as its open fix does.
        if not event.is_printable and await self._run_own_binding(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    async def _run_own_binding(self, key: str) -> bool:
        for binding in self._bindings.key_to_bindings.get(key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                return True
        return False


def typing_in_a_field(node: DOMNode) -> bool:
    """Whether the focus is in a text field: there "/" is text, not the filter's key (which is
    a priority binding, taken in the order typed: the words typed right after it go to the
    filter, not to the list it leaves; as Textual #6605)."""
    return isinstance(node.app.focused, Input)
