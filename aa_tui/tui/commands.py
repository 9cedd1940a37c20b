"""The command palette lists every key of the current screen, plus the app's destinations; it
also finds them by the words users type for them ("delete", "stale", "scan")."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType

_SKIP = {"command_palette", "app.command_palette"}

#: the words users type for an action beside its title: by binding id, or by the title of one
#: of the app's commands (``AATuiApp.get_system_commands``)
WORDS: dict[str, str] = {
    "results.review": "delete remove clean cleanup dry run",
    "results.mark": "delete remove clean cleanup select",
    "results.mark_view": "delete remove clean cleanup select all",
    "results.insights": "stale old idle hygiene logs growth forecast cap what-if departed heat "
    "clutter",
    "results.tab_groups": "duplicates copies waste",
    "results.tab_quick_wins": "biggest waste",
    "insights.tab_lists": "stale empty unreadable largest files numbers",
    "insights.tab_idle_projects": "stale old",
    "insights.tab_heat": "stale old",
    "insights.tab_hygiene": "logs dumps har junk",
    "clean_review.apply": "delete remove clean",
    "history.open": "scan",
    "history.delete": "remove scan",
    "history.resume": "scan continue",
    "sites.scan": "scan start",
    "sites.delete": "remove",
    "Sites and credentials": "scan new start token site",
    "History": "scans past resume compare",
    "Cleanup audit": "delete deleted removed restore",
}


def said(query: str, words: str) -> bool:
    """Every word of ``query`` starts one of ``words`` (two letters at least)."""
    wanted = query.casefold().split()
    known = words.casefold().split()
    return bool(wanted) and all(len(w) >= 2 and any(k.startswith(w) for k in known) for w in wanted)


class ScreenCommands(Provider):
    """One command per binding active where the palette was opened (same action, same id)."""

    def _commands(self) -> Iterator[tuple[str, str, IgnoreReturnCallbackType, str]]:
        seen: set[str] = set()
        screen = self.screen
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in _SKIP or not active.enabled:
                continue
            title = binding.tooltip or binding.description  # a footer's word, said in full
            if title in seen:
                continue
            seen.add(title)
            key = self.app.get_key_display(binding)
            callback = partial(self.app.run_action, binding.action, active.node)
            help_text = f"Key: {key}" + (f"  ({binding.id})" if binding.id else "")
            yield title, help_text, callback, WORDS.get(binding.id or "", "")

    async def discover(self) -> Hits:
        for title, help_text, callback, _words in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback, words in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
            elif said(query, words):
                yield Hit(WORD_SCORE, title, callback, help=help_text)


#: a hit by a word users type ranks below a title that matches
WORD_SCORE = 0.5


class AppWords(Provider):
    """The app's own commands (Sites, History, the audit) found by the words users type for
    them; Textual's provider finds them by their titles."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.app.get_system_commands(self.screen):
            words = WORDS.get(command.title, "")
            if matcher.match(command.title) <= 0 and said(query, words):
                yield Hit(WORD_SCORE, command.title, command.callback, help=command.help)
