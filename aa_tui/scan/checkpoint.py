"""What a scan's journal says was already done: the state a resumed scan starts from."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.staged import HashBook
from aa_tui.store.journal import Journal


def journaled_base(entries: Iterable[dict[str, Any]]) -> str:
    """The earlier scan a rescan's journal names ("" for another scan), read only as far as
    needed: a rescan journals its base before its listing's first ids and issues."""
    for entry in entries:
        kind = entry.get("k")
        if kind == "base":
            return str(entry.get("id", ""))
        if kind in ("ids", "issues", "enumerated", "hash"):
            return ""
    return ""


@dataclass
class Checkpoint:
    """What a journal says was already done."""

    ids: list[str] = field(default_factory=list)
    enumerated: bool = False
    done_issues: set[str] = field(default_factory=set)
    records: dict[str, AttachmentRecord] = field(default_factory=dict)
    book: HashBook = field(default_factory=HashBook)
    not_visible: int = 0
    skipped: int = 0  # attachments Jira gave without a usable id or size
    notes: list[str] = field(default_factory=list)  # what enumeration had to say
    unread: set[str] = field(default_factory=set)  # listed, but their details did not come
    base: str = ""  # a rescan: the earlier scan it starts from
    changed: list[str] | None = None  # a rescan: the issues updated since then, once listed

    @classmethod
    def replay(cls, entries: Iterable[dict[str, Any]]) -> Checkpoint:
        state = cls()
        seen_ids: set[str] = set()
        for entry in entries:
            kind = entry.get("k")
            if kind == "ids":
                for issue_id in entry.get("ids", []):
                    if issue_id not in seen_ids:
                        seen_ids.add(issue_id)
                        state.ids.append(issue_id)
            elif kind == "enumerated":
                state.enumerated = True
                state.notes = [str(n) for n in entry.get("notes", [])]
            elif kind == "issues":
                state.done_issues.update(entry.get("ids", []))
                state.not_visible += int(entry.get("not_visible", 0))
                state.skipped += int(entry.get("skipped", 0))
                state.unread.update(entry.get("missing", []))
                for data in entry.get("records", []):
                    record = AttachmentRecord.from_dict(data)
                    state.records[record.attachment_id] = record
            elif kind == "base":
                state.base = str(entry.get("id", ""))
            elif kind == "changed":
                state.changed = [str(i) for i in entry.get("ids", [])]
            elif kind == "hash":
                state.book.stage(entry["stage"]).update(entry.get("hashes", {}))
                state.book.unreadable.update(entry.get("unreadable", {}))
        return state


#: listed ids journaled in one ``ids`` entry (the first page's go at once)
IDS_PER_ENTRY = 50_000


class SerialJournal:
    """A journal that two threads may append to (the listing, and the head reads that run
    beside it): one entry at a time, each a whole line."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._lock = threading.Lock()
        self._ids: list[str] = []  # listed, not journaled yet
        self._ids_entries = 0

    def append(self, kind: str, **payload: Any) -> None:
        with self._lock:
            self._journal.append(kind, **payload)

    def listed(self, ids: list[str]) -> None:
        """Journal ``ids`` as listed: the first page's at once (the journal says the listing
        began), then :data:`IDS_PER_ENTRY` at a time, the rest by :meth:`end_listing`. A
        scan killed before its listing ended lists again when resumed, so ids not journaled
        yet cost nothing; an entry a page (and its fsync) cost the listing's thread a wait for
        the interpreter's lock each time, behind the threads that parse (0.8 s at 332,239
        ids under py-spy)."""
        self._ids.extend(ids)
        if len(self._ids) >= IDS_PER_ENTRY or not self._ids_entries:
            self._write_ids()

    def end_listing(self, notes: list[str]) -> None:
        """The listed ids not journaled yet, then the ``enumerated`` entry."""
        self._write_ids()
        self.append("enumerated", notes=notes)

    def _write_ids(self) -> None:
        if self._ids:
            self.append("ids", ids=self._ids)
            self._ids = []
            self._ids_entries += 1
