"""Tabbed content that follows the focus only while it is still there, and turns its tabs
as the screens' tab keys do (one way for the results, the insights and the group changes)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane


class SteadyTabbedContent(TabbedContent):
    """A :class:`TabbedContent` whose tab follows a widget focused in a pane only if the
    focus is still in that pane when the news arrives.

    Keys read at once are handled before the messages they cause: with three quick ``]``
    each tab's rows took the focus in turn, and the first pane's late "focused" news
    switched back to it (two presses of three lost; on the insights, two panes then took the
    focus from each other at a whole core, found in a real terminal)."""

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        # Textual then calls TabbedContent's own handler (it calls each class's in turn),
        # unless told not to
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors_with_self:
            event.stop()  # stale: the focus moved on since
            event.prevent_default()

    def focus_pane(self, tab: str, target: Widget | None) -> None:
        """Give ``target``, in pane ``tab``, the focus at once (``Widget.focus`` waits until
        after the keys read with this one, whose tabs it would then pull back), unless
        another tab was chosen since or the focus is in that pane already (a key may have
        moved it on: ``/`` to a filter box)."""
        if target is None or self.active != tab:
            return
        focused = self.screen.focused
        if focused is not None and tab in {w.id for w in focused.ancestors_with_self}:
            return
        self.screen.set_focus(target)

    def show(self, tab: str) -> None:
        """Show ``tab``, the focus let go first: left in the pane being hidden, its late
        "focused" news would pull that tab back."""
        self.screen.set_focus(None)
        self.active = tab

    def turned(self, step: int, order: Sequence[str]) -> str:
        """The tab ``step`` places on from the one shown in ``order`` (the tabs' ids), round
        the ends; the first when none of them is shown."""
        if self.active not in order:
            return order[0]
        return order[(order.index(self.active) + step) % len(order)]
