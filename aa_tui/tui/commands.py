"""The command palette lists every key of the current screen, plus the app's destinations."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType

_SKIP = {"command_palette", "app.command_palette"}


class ScreenCommands(Provider):
    """One command per binding active where the palette was opened (same action, same id)."""

    def _commands(self) -> Iterator[tuple[str, str, IgnoreReturnCallbackType]]:
        seen: set[str] = set()
        screen = self.screen
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in _SKIP or not active.enabled:
                continue
            title = binding.description
            if title in seen:
                continue
            seen.add(title)
            key = self.app.get_key_display(binding)
            callback = partial(self.app.run_action, binding.action, active.node)
            yield title, f"Key: {key}" + (f"  ({binding.id})" if binding.id else ""), callback

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
