"""``?``: every key of the screen below, its widgets, and the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

_HIDDEN_ACTIONS = {"app.command_palette"}


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    description: str
    where: str
    binding_id: str


def _label(node: DOMNode) -> str:
    from textual.app import App

    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return "This screen"
    return getattr(node, "HELP_GROUP", "") or type(node).__name__


def collect_keys(screen: Screen) -> list[KeyHelp]:
    """Every binding of the app, ``screen`` and the widgets on it, one row per action."""
    nodes: list[DOMNode] = [screen.app, screen, *screen.walk_children()]
    seen: set[tuple[str, str]] = set()
    rows: list[KeyHelp] = []
    for node in nodes:
        merged: dict[str, list[str]] = {}
        described: dict[str, tuple[str, str]] = {}
        for bindings in node._bindings.key_to_bindings.values():
            for b in bindings:
                if not b.description or b.action in _HIDDEN_ACTIONS:
                    continue
                display = node.app.get_key_display(b)
                keys = merged.setdefault(b.action, [])
                if display not in keys:
                    keys.append(display)
                if b.action not in described or (b.id and not described[b.action][1]):
                    described[b.action] = (b.description, b.id or "")
        label = _label(node)
        for action, displays in merged.items():
            if (label, action) in seen:
                continue
            seen.add((label, action))
            description, binding_id = described[action]
            rows.append(KeyHelp(" / ".join(displays), description, label, binding_id))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help.close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 100; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; padding: 0 0 1 0; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, rows: list[KeyHelp]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Keys (Ctrl+P lists every action as a command; Esc closes)", id="help-title"
            )
            yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Where", "Binding id")
        for row in self.rows:
            table.add_row(row.keys, row.description, row.where, row.binding_id)
        table.focus()

    def action_close(self) -> None:
        self.dismiss()
