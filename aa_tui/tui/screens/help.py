"""``?``: every key of the screen below, its widgets, and the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from aa_tui.tui.group_filter import FILTER_HELP
from aa_tui.tui.widgets.tables import PlainDataTable

_HIDDEN_ACTIONS = {"app.command_palette"}
_ROW_TABLE_NOOPS = {"cursor_left", "cursor_right", "page_left", "page_right"}
_SIDEWAYS = {"scroll_left", "scroll_right", "page_left", "page_right"}


def _no_sideways(node: DOMNode) -> bool:
    styles = getattr(node, "styles", None)
    return styles is not None and styles.overflow_x == "hidden"


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


def live_bindings(node: DOMNode) -> BindingsMap:
    """``node``'s bindings with the app's keymap applied (the keys that work, not the
    defaults)."""
    bindings = node._bindings.copy()
    if node.app._keymap:
        bindings.apply_keymap(node.app._keymap)
    return bindings


def collect_keys(screen: Screen[Any]) -> list[KeyHelp]:
    """Every binding that works on ``screen`` now (the app's, the screen's, and those of the
    focused widget and its containers), with the keys the keymap gives them, one row per
    action; keys of hidden tabs and disabled actions are left out, since pressing them would
    do nothing."""
    active = screen.active_bindings
    nodes: list[DOMNode] = []
    for entry in active.values():
        if entry.node not in nodes:
            nodes.append(entry.node)
    working = {(id(entry.node), entry.binding.action) for entry in active.values() if entry.enabled}
    nodes.sort(key=lambda n: 0 if _label(n) == "Everywhere" else 1)
    seen: set[tuple[str, str]] = set()
    rows: list[KeyHelp] = []
    for node in nodes:
        merged: dict[str, list[str]] = {}
        described: dict[str, tuple[str, str]] = {}
        for bindings in live_bindings(node).key_to_bindings.values():
            for b in bindings:
                if not b.description or b.action in _HIDDEN_ACTIONS:
                    continue
                if (id(node), b.action) not in working:
                    continue
                if b.action in _ROW_TABLE_NOOPS and getattr(node, "cursor_type", "") == "row":
                    continue  # a row cursor neither moves nor pages sideways
                if b.action in _SIDEWAYS and _no_sideways(node):
                    continue
                display = node.app.get_key_display(b)
                keys = merged.setdefault(b.action, [])
                if display not in keys:
                    keys.append(display)
                if b.action not in described or (b.id and not described[b.action][1]):
                    # the footer's short word, else its tooltip says it in full
                    described[b.action] = (b.tooltip or b.description, b.id or "")
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
        width: 100%; max-width: 140; height: 100%; max-height: 40;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HelpScreen #help-title { text-style: bold; height: auto; }
    HelpScreen DataTable { height: 1fr; }
    HelpScreen #help-filter { height: auto; color: $text-muted; }
    """

    def __init__(self, rows: list[KeyHelp]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Keys (Ctrl+P lists every action as a command; Esc closes)", id="help-title"
            )
            # above the keys: notices show in the bottom corner, over the last lines
            yield Static(FILTER_HELP, id="help-filter", markup=False)
            yield PlainDataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Where", "Binding id")
        for row in self.rows:
            table.add_row(row.keys, row.description, row.where, row.binding_id)
        table.focus()

    def action_close(self) -> None:
        self.dismiss()
