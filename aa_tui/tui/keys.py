"""The moving keys every list shares: vim keys beside the arrows, one definition."""

from __future__ import annotations

from textual.binding import Binding, BindingType

#: (move, vim keys, arrow keys, description): ``arrows`` are added for widgets that do not
#: already bind them (Textual's DataTable does)
MOVES = (
    ("up", "k", "up", "Up"),
    ("down", "j", "down", "Down"),
    ("page_up", "ctrl+b", "pageup", "Page up"),
    ("page_down", "ctrl+f", "pagedown", "Page down"),
    ("first", "home,g", "", "First"),
    ("last", "end,G", "", "Last"),
)


def move_bindings(prefix: str, actions: dict[str, str], *, arrows: bool) -> list[BindingType]:
    """A hidden binding per move, ``actions[move]`` its action and ``<prefix>.<move>`` its id
    (the id users remap it by in the config file)."""
    bindings: list[BindingType] = []
    for move, vim, arrow, description in MOVES:
        keys = f"{arrow},{vim}" if arrows and arrow else vim
        bindings.append(
            Binding(keys, actions[move], description, show=False, id=f"{prefix}.{move}")
        )
    return bindings


#: the moves as a scrolled page takes them
PAGE_SCROLLS = {
    "up": "scroll_up", "down": "scroll_down", "page_up": "page_up",
    "page_down": "page_down", "first": "scroll_home", "last": "scroll_end",
}  # fmt: skip


def page_bindings(prefix: str) -> list[BindingType]:
    """The moving keys of a ``VerticalScroll`` page (its vim keys: it binds the arrows, Page
    Up/Down, Home and End itself)."""
    return move_bindings(prefix, PAGE_SCROLLS, arrows=False)
