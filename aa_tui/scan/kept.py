"""The files a rescan keeps of its base: those of the issues it reuses (listed, unchanged),
as the base saw them, taken as the listing goes once the base's rows are read back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from operator import attrgetter

from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.rescan import Base
from aa_tui.scan.shared_texts import share_texts

_SIZE = attrgetter("size")


def _files_of(
    base: Base,
    reused: list[str],
    texts: dict[str, str],
    saw: Callable[[AttachmentRecord], None] | None,
) -> list[AttachmentRecord]:
    kept: list[AttachmentRecord] = []
    add, extend, held = kept.append, kept.extend, base.by_issue
    for issue_id in reused:  # (an issue at a time, not a file: 0.14-0.19 -> 0.10-0.11 s)
        files = held[issue_id]
        # their texts are the base's, shared; an issue's files share one text of its id,
        # the listing's unless it was not the base's own (see Base.own_ids)
        if type(files) is AttachmentRecord:
            if files.issue_id is not issue_id:
                share_texts(files, texts, issue_id)
            add(files)
        elif type(files) is tuple:
            if files[0].issue_id is not issue_id:
                for record in files:
                    share_texts(record, texts, issue_id)
            extend(files)
    if saw is not None:
        for record in kept:
            saw(record)
    return kept


class KeptAsListed:
    """The reused issues' files as the base saw them, taken a page at a time while the listing
    runs, once the base's rows
    are read: at 1,000,000 issues they are read ~1 s before the listing ends, and taking
    328,000 issues' files after it was ~0.12 s of the rescan's wall."""

    def __init__(
        self,
        base: Base | None,
        reused: list[str],
        texts: dict[str, str],
        saw: Callable[[AttachmentRecord], None] | None = None,
    ) -> None:
        self._base, self._reused, self._texts, self._saw = base, reused, texts, saw
        self.files: list[AttachmentRecord] = []
        self.size = 0  # their bytes
        self._taken = 0  # how many of ``reused`` are taken

    def take(self) -> None:
        """Take the files of the issues reused since, when the base's rows are read (else
        later: this never waits)."""
        base = self._base
        if base is not None and base.is_read() and self._taken < len(self._reused):
            more = self._reused[self._taken :]
            self._taken = len(self._reused)
            files = _files_of(base, more, self._texts, self._saw)
            self.size += sum(map(_SIZE, files))
            self.files += files

    def all(self, cancel: threading.Event | None = None) -> list[AttachmentRecord]:
        """Every reused issue's files, in the listing's order, once the base's rows are read
        (:class:`Cancelled` once ``cancel`` is set meanwhile)."""
        if self._base is None:
            return []
        self._base.read(cancel)
        self.take()
        return self.files
