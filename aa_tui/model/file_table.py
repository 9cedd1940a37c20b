"""Every file of a scan in one compact table: what the insight lists select from.

A million files have to load and filter in well under a second, so the table is plain lists
(like :mod:`aa_tui.model.group_rows`): what issues and uploaders share is kept once (an
issue's key, project, status and update; an account's name, id and whether it is active) and
each file points at them. :meth:`FileTable.file` gives one file as a :class:`FileRow`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aa_tui.model.dates import parse_jira_time
from aa_tui.model.insights import FileRow

#: one file: attachment id, issue (index), name, size, mime (index), uploader (index),
#: upload time, group hash ("" when it has no copy), redundant copy (bool)
AID, ISSUE, NAME, SIZE, MIME, PERSON, CREATED, HASH, COPY = range(9)
#: one issue: key, project key, status, status category, last update, that update as Unix
#: seconds (``None``: unreadable) and the issue's id (the last two absent from a table an
#: earlier aa-tui saved)
I_KEY, I_PROJECT, I_STATUS, I_CATEGORY, I_UPDATED, I_UPDATED_S, I_ID = range(7)
#: one uploader: display name, account id, active (True, False or None: not said)
P_NAME, P_ID, P_ACTIVE = range(3)


@dataclass
class FileTable:
    """A scan's files (``rows``) and what they share (``issues``, ``people``, ``mimes``)."""

    rows: list[list[Any]] = field(default_factory=list)
    issues: list[list[Any]] = field(default_factory=list)
    people: list[list[Any]] = field(default_factory=list)
    mimes: list[str] = field(default_factory=list)
    # where add() finds what is already kept (empty for a table read back: it is not added to)
    # issues by key (the key's text is in the issue's row: no key tuple kept per issue, ~40 MB
    # at 500,000 issues); an issue whose key an issue with other values has: by all its values
    _issue_index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _issue_others: dict[tuple[str, ...], int] = field(
        default_factory=dict, repr=False, compare=False
    )
    _person_index: dict[tuple[str, str, bool | None], int] = field(
        default_factory=dict, repr=False, compare=False
    )
    _mime_index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.rows)

    def file(self, index: int) -> FileRow:
        """File ``index`` as a :class:`FileRow`."""
        return self.file_of(self.rows[index])

    def file_of(self, r: list[Any]) -> FileRow:
        """A row of this table (held or not) as a :class:`FileRow`."""
        issue = self.issues[r[ISSUE]]
        person = self.people[r[PERSON]]
        return FileRow(
            r[AID],
            issue[I_KEY],
            issue[I_PROJECT],
            r[NAME],
            r[SIZE],
            self.mimes[r[MIME]],
            person[P_NAME],
            person[P_ID],
            person[P_ACTIVE],
            r[CREATED],
            issue[I_STATUS],
            issue[I_CATEGORY],
            issue[I_UPDATED],
            r[HASH],
            r[COPY],
        )

    def files(self, indices: Iterable[int] | None = None) -> list[FileRow]:
        """The files at ``indices`` (every file when ``None``)."""
        return [self.file(i) for i in (range(len(self.rows)) if indices is None else indices)]

    def add(
        self,
        attachment_id: str,
        issue: tuple[str, str, str, str, str],
        file_name: str,
        size: int,
        mime_type: str,
        person: tuple[str, str, bool | None],
        created: str,
        digest: str = "",
        is_copy: bool = False,
        issue_id: str = "",
    ) -> None:
        """Append one file; ``issue`` is (key, project, status, category, updated) and
        ``person`` (name, account id, active), each kept once however many files share it."""
        i = self.issue_index(issue, issue_id)
        p, m = self.person_index(person), self.mime_index(mime_type)
        self.rows.append([attachment_id, i, file_name, size, m, p, created, digest, is_copy])

    def issue_index(self, issue: tuple[str, str, str, str, str], issue_id: str = "") -> int:
        """The index of ``issue`` (key, project, status, category, updated), added if new
        (with its ``issue_id`` when given: what a rescan reads its base's files back by)."""
        i = self._issue_at(issue)
        if i is None:
            i = len(self.issues)
            if issue[I_KEY] in self._issue_index:
                self._issue_others[issue] = i
            else:
                self._issue_index[issue[I_KEY]] = i
            when = parse_jira_time(issue[I_UPDATED])
            stamp = when.timestamp() if when else None
            self.issues.append([*issue, stamp, issue_id] if issue_id else [*issue, stamp])
        return i

    def person_index(self, person: tuple[str, str, bool | None]) -> int:
        """The index of ``person`` (name, account id, active), added if new."""
        p = self._person_index.get(person)
        if p is None:
            p = self._person_index[person] = len(self.people)
            self.people.append(list(person))
        return p

    def mime_index(self, mime_type: str) -> int:
        """The index of ``mime_type``, added if new."""
        m = self._mime_index.get(mime_type)
        if m is None:
            m = self._mime_index[mime_type] = len(self.mimes)
            self.mimes.append(mime_type)
        return m

    def _issue_at(self, issue: tuple[str, str, str, str, str]) -> int | None:
        """The index of the issue with exactly these values, if one was added."""
        i = self._issue_index.get(issue[I_KEY])
        if i is None:
            return None
        kept = self.issues[i]
        if (
            kept[I_PROJECT] == issue[I_PROJECT]
            and kept[I_STATUS] == issue[I_STATUS]
            and kept[I_CATEGORY] == issue[I_CATEGORY]
            and kept[I_UPDATED] == issue[I_UPDATED]
        ):
            return i
        return self._issue_others.get(issue)

    def seal_issues(self) -> None:
        """Drop the issue look-up once every issue is in (see :meth:`seal`)."""
        self._issue_index = {}
        self._issue_others = {}

    def seal(self) -> FileTable:
        """The table, its look-ups for :meth:`add` dropped once it is whole: a key tuple and
        a slot per issue, ~45 MB at 531,000 files, that nothing reads afterwards (a sealed
        table is not added to)."""
        self.seal_issues()
        self._person_index = {}
        self._mime_index = {}
        return self

    @classmethod
    def of(cls, files: Iterable[FileRow]) -> FileTable:
        """The table of ``files`` (in their order)."""
        table = cls()
        for f in files:
            table.add_file(f)
        return table.seal()

    def add_file(self, f: FileRow, issue_id: str = "") -> None:
        """Append ``f`` (on issue ``issue_id``, when known)."""
        self.add(
            f.attachment_id,
            (f.issue_key, f.project_key, f.status, f.status_category, f.issue_updated),
            f.file_name,
            f.size,
            f.mime_type,
            (f.author, f.author_id, f.author_active),
            f.created,
            f.hash,
            f.is_copy,
            issue_id,
        )
