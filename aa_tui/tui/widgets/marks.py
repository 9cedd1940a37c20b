"""Marked copies (dua's mark, review, commit): the set, and the pane "Marked N files (size)".

A mark is an attachment id. Marking a group marks its redundant copies (every copy but the
kept one, by the keep rule ``oldest``: the canonical copy the report lists first); the kept
copy is never marked, nor a copy a cleanup removed already. Files marked in an insight list or
a what-if row are marked by themselves (any file: the plan archives an only copy first).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.widgets import Static

from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.keymap import key_label

if TYPE_CHECKING:
    from textual.app import App

MARK = "●"  # a group with every redundant copy marked
PART = "◐"  # some of them
LIKELY_REFUSED = (
    "Cleanup needs an exact scan: this one compared names and sizes only (metadata), so its "
    "groups are likely copies, not proven ones. Run an exact scan of the site and clean that."
)


class SavedMarks(NamedTuple):
    """The marks at one moment (:meth:`Marks.saved`), for an unmark's undo."""

    groups: dict[str, dict[str, int]]
    redundant: dict[str, int]
    files: dict[str, int]


class Marks:
    """Marked copies per group (``group hash -> {attachment id: size}``) and files marked by
    themselves in the lists of files (``attachment id -> size``)."""

    def __init__(self, removed: Iterable[str] = ()) -> None:
        self._groups: dict[str, dict[str, int]] = {}
        #: redundant copies per marked group (how many a whole-group mark holds)
        self._redundant: dict[str, int] = {}
        self._files: dict[str, int] = {}
        self.removed: frozenset[str] = frozenset(removed)

    # -- reading --------------------------------------------------------------------------------
    def _sizes(self) -> dict[str, int]:
        """Every marked file once, with its size."""
        sizes = {aid: size for ids in self._groups.values() for aid, size in ids.items()}
        sizes.update(self._files)
        return sizes

    @property
    def files(self) -> int:
        return len(self._sizes())

    @property
    def size(self) -> int:
        return sum(self._sizes().values())

    @property
    def groups(self) -> int:
        return len(self._groups)

    @property
    def loose(self) -> int:
        """Files marked by themselves (in a list of files), not as a group's copies."""
        grouped = {aid for ids in self._groups.values() for aid in ids}
        return len(set(self._files) - grouped)

    def __bool__(self) -> bool:
        return bool(self._groups) or bool(self._files)

    def ids(self) -> list[str]:
        return list(self._sizes())

    def is_marked(self, attachment_id: str) -> bool:
        return attachment_id in self._files or any(
            attachment_id in ids for ids in self._groups.values()
        )

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

    def toggle_files(self, files: dict[str, int]) -> bool:
        """Mark ``files`` (attachment id -> size), or unmark them if every one was marked;
        a removed file is never marked. Returns True when they end up marked."""
        files = {aid: size for aid, size in files.items() if aid not in self.removed}
        if files and all(self.is_marked(aid) for aid in files):
            self.unmark_files(files)
            return False
        self._files.update(files)
        return bool(files)

    def mark_files(self, files: dict[str, int]) -> int:
        """Mark ``files`` (attachment id -> size); how many were not marked before."""
        new = {a: n for a, n in files.items() if a not in self.removed and not self.is_marked(a)}
        self._files.update(new)
        return len(new)

    def unmark_files(self, ids: Iterable[str]) -> int:
        """Unmark these files, however they were marked; how many were marked."""
        wanted = set(ids)
        count = len(wanted & set(self._sizes()))
        for aid in wanted:
            self._files.pop(aid, None)
        for digest in list(self._groups):
            group = self._groups[digest]
            for aid in wanted & set(group):
                del group[aid]
            if not group:
                del self._groups[digest]
                self._redundant.pop(digest, None)
        return count

    def forget(self, removed: Iterable[str]) -> None:
        """Copies a cleanup removed: no longer marked, and never marked again."""
        self.removed = self.removed | frozenset(removed)
        for aid in [a for a in self._files if a in self.removed]:
            del self._files[aid]
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
        self._files.clear()

    def unmark_groups(self, digests: Iterable[str]) -> int:
        """Unmark the groups with these hashes (the ones in view); how many files that was."""
        files = 0
        for digest in digests:
            files += len(self._groups.pop(digest, {}))
            self._redundant.pop(digest, None)
        return files

    def saved(self) -> SavedMarks:
        """The marks as they are, for :meth:`restore` (an unmark's undo)."""
        return SavedMarks(
            {d: dict(ids) for d, ids in self._groups.items()},
            dict(self._redundant),
            dict(self._files),
        )

    def restore(self, saved: SavedMarks) -> None:
        """The marks as :meth:`saved` had them, less what a cleanup removed meanwhile."""
        self._groups = {d: dict(ids) for d, ids in saved.groups.items()}
        self._redundant, self._files = dict(saved.redundant), dict(saved.files)
        self.forget(())


class MarkUndo:
    """``z``: the marks before the last change (Space, M or U), shared by every marking screen.

    A change is told by the marked files and bytes; back from another screen, an undo that
    would lose marks changed there is forgotten (:meth:`forget_if_changed`)."""

    def __init__(self) -> None:
        self.saved: SavedMarks | None = None
        #: how many files and bytes were marked just after that change
        self._after: tuple[int, int] | None = None

    def changed(self, marks: Marks, before: SavedMarks, counted: tuple[int, int]) -> None:
        """Record ``before`` (the marks, and their files and bytes, ahead of a key) when the
        key added or removed files."""
        after = (marks.files, marks.size)
        if after != counted:
            self.saved, self._after = before, after

    def forget_if_changed(self, marks: Marks) -> None:
        if (marks.files, marks.size) != self._after:
            self.saved = None

    def undo(self, marks: Marks) -> bool:
        """Put the saved marks back; False: nothing to undo."""
        if self.saved is None:
            return False
        marks.restore(self.saved)
        self.saved = None
        return True


def nothing_to_undo(app: App[Any], screen: str) -> str:
    """The notice of a ``z`` with nothing to undo (``screen``: the bindings' prefix)."""
    keys = [key_label(app, f"{screen}.{a}") for a in ("mark", "mark_view", "clear_marks")]
    return (
        f"Nothing to undo: {key_label(app, f'{screen}.undo_unmark')} puts back the marks as "
        f"they were before the last {keys[0]}, {keys[1]} or {keys[2]} of these results."
    )


class MarksPane(Static):
    """ "Marked N files (X MiB)": shown while something is marked; ``keys``: the screen whose
    bindings (``<keys>.review``, ``.mark``, ``.clear_marks``) the line names."""

    DEFAULT_CSS = """
    MarksPane {
        height: auto; padding: 0 1; display: none;
        background: $warning-muted; color: $foreground; text-style: bold;
    }
    MarksPane.-shown { display: block; }
    """

    keys = "results"

    def show_marks(self, marks: Marks) -> None:
        self.set_class(bool(marks), "-shown")
        if not marks:
            self.update("")
            return
        groups = ""
        if marks.groups and marks.loose:  # 537 stale files were "in 2 groups"
            groups = f": copies in {fmt.counted(marks.groups, 'group')}, {marks.loose:,} other"
        elif marks.groups > 1:
            groups = f" in {fmt.counted(marks.groups, 'group')}"
        review, mark, clear = (
            key_label(self.app, f"{self.keys}.{k}") for k in ("review", "mark", "clear_marks")
        )
        self.update(
            f"Marked {fmt.counted(marks.files, 'file')} ({size_text(marks.size)}){groups}"
            f" · {review} reviews the cleanup · {mark} unmarks · {clear} unmarks the view"
        )
