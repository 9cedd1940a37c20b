"""Marked copies (dua's mark, review, commit): the set, and the pane "Marked N files (size)".

A mark is an attachment id of a redundant copy. Marking a group marks its redundant copies
(every copy but the kept one, by the keep rule ``oldest``: the canonical copy the report lists
first); the kept copy is never marked, nor a copy a cleanup removed already.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widgets import Static

from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label

MARK = "●"  # a group with every redundant copy marked
PART = "◐"  # some of them
LIKELY_REFUSED = (
    "Cleanup needs an exact scan: this one compared names and sizes only (metadata), so its "
    "groups are likely copies, not proven ones. Run an exact scan of the site and clean that."
)


class Marks:
    """Marked copies per group: ``group hash -> {attachment id: size}``."""

    def __init__(self, removed: Iterable[str] = ()) -> None:
        self._groups: dict[str, dict[str, int]] = {}
        #: redundant copies per marked group (how many a whole-group mark holds)
        self._redundant: dict[str, int] = {}
        self.removed: frozenset[str] = frozenset(removed)

    # -- reading --------------------------------------------------------------------------------
    @property
    def files(self) -> int:
        return sum(len(ids) for ids in self._groups.values())

    @property
    def size(self) -> int:
        return sum(sum(ids.values()) for ids in self._groups.values())

    @property
    def groups(self) -> int:
        return len(self._groups)

    def __bool__(self) -> bool:
        return bool(self._groups)

    def ids(self) -> list[str]:
        return [aid for ids in self._groups.values() for aid in ids]

    def is_marked(self, attachment_id: str) -> bool:
        return any(attachment_id in ids for ids in self._groups.values())

    def symbol(self, group: dict[str, Any]) -> str:
        """``●`` every redundant copy marked, ``◐`` some, ``""`` none (a list row's first cell)."""
        ids = self._groups.get(str(group.get("hash")))
        if not ids:
            return ""
        return MARK if len(ids) >= self._redundant.get(str(group.get("hash")), 0) else PART

    def redundant(self, group: dict[str, Any]) -> list[dict[str, Any]]:
        """The group's copies a mark may take: all but the kept (canonical) one and the
        removed ones."""
        locations = [
            loc
            for loc in group.get("locations") or ()
            if str(loc["attachment_id"]) not in self.removed
        ]
        if len(locations) < 2:
            return []
        kept = next((loc for loc in locations if loc.get("is_canonical")), locations[0])
        return [loc for loc in locations if loc is not kept]

    # -- changing -------------------------------------------------------------------------------
    def toggle_group(self, group: dict[str, Any]) -> bool:
        """Mark every redundant copy of ``group``, or unmark them if all were marked.
        Returns True when the group ends up marked."""
        digest = str(group.get("hash"))
        copies = self.redundant(group)
        marked = self._groups.get(digest, {})
        if copies and len(marked) >= len(copies):
            self._groups.pop(digest, None)
            return False
        return self.mark_group(group)

    def mark_group(self, group: dict[str, Any]) -> bool:
        digest = str(group.get("hash"))
        copies = self.redundant(group)
        if not copies:
            return False
        size = int(group.get("size") or 0)
        self._groups[digest] = {str(loc["attachment_id"]): size for loc in copies}
        self._redundant[digest] = len(copies)
        return True

    def toggle_copy(self, group: dict[str, Any], location: dict[str, Any]) -> bool | None:
        """Mark or unmark one copy; None when it may not be marked (kept or removed)."""
        aid = str(location["attachment_id"])
        if aid not in {str(loc["attachment_id"]) for loc in self.redundant(group)}:
            return None
        digest = str(group.get("hash"))
        ids = self._groups.setdefault(digest, {})
        self._redundant[digest] = len(self.redundant(group))
        if aid in ids:
            del ids[aid]
            if not ids:
                del self._groups[digest]
            return False
        ids[aid] = int(group.get("size") or 0)
        return True

    def forget(self, removed: Iterable[str]) -> None:
        """Copies a cleanup removed: no longer marked, and never marked again."""
        self.removed = self.removed | frozenset(removed)
        for digest in list(self._groups):
            ids = self._groups[digest]
            for aid in [a for a in ids if a in self.removed]:
                del ids[aid]
            if not ids:
                del self._groups[digest]
                self._redundant.pop(digest, None)

    def clear(self) -> None:
        self._groups.clear()
        self._redundant.clear()

    def unmark_groups(self, digests: Iterable[str]) -> int:
        """Unmark the groups with these hashes (the ones in view); how many files that was."""
        files = 0
        for digest in digests:
            files += len(self._groups.pop(digest, {}))
            self._redundant.pop(digest, None)
        return files

    def saved(self) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
        """The marks as they are, for :meth:`restore` (an unmark's undo)."""
        return {d: dict(ids) for d, ids in self._groups.items()}, dict(self._redundant)

    def restore(self, saved: tuple[dict[str, dict[str, int]], dict[str, int]]) -> None:
        """The marks as :meth:`saved` had them, less what a cleanup removed meanwhile."""
        self._groups, self._redundant = saved[0], saved[1]
        self.forget(())


class MarksPane(Static):
    """ "Marked N files (X MiB)": shown while something is marked."""

    DEFAULT_CSS = """
    MarksPane {
        height: auto; padding: 0 1; display: none;
        background: $warning-muted; color: $foreground; text-style: bold;
    }
    MarksPane.-shown { display: block; }
    """

    def show_marks(self, marks: Marks) -> None:
        self.set_class(bool(marks), "-shown")
        if not marks:
            self.update("")
            return
        groups = f" in {fmt.counted(marks.groups, 'group')}" if marks.groups > 1 else ""
        review, mark, clear = (
            key_label(self.app, f"results.{k}") for k in ("review", "mark", "clear_marks")
        )
        self.update(
            f"Marked {fmt.counted(marks.files, 'file')} ({size_text(marks.size)}){groups}"
            f" · {review} reviews the cleanup · {mark} unmarks · {clear} unmarks the view"
        )
