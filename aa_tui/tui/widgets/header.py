"""The app's header: Textual's, safe when its screen closes before the title is first drawn."""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class AppHeader(Header):
    """Textual's :class:`~textual.widgets.Header` whose title watcher tolerates a screen that
    was closed before the watcher first ran (a screen opened and closed at once: Enter and
    Escape pressed together). Textual's own handler catches ``NoScreen`` but not the
    ``NoMatches`` of a title already unmounted, and that ended the app with a traceback."""

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # instead of Header's handler, which would watch as well

        async def set_title() -> None:
            try:
                self.query_one(HeaderTitle).update(self.format_title())
            except (NoMatches, NoScreen):
                pass  # the header is going with its screen: nothing to draw

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
