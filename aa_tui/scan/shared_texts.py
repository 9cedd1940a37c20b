"""One object per repeated text in a scan's records (memory at a million issues)."""

from __future__ import annotations

from typing import Any

from aa_tui.model.records import AttachmentRecord

#: Texts many records repeat (a project's key, a status, a file type, an uploader): each JSON
#: answer gives a new copy of them; at 531,473 files the copies took ~140 MB.
SHARED_TEXTS = ("project_key", "status", "status_category", "mime_type", "author", "author_id")


def share_texts(
    record: AttachmentRecord, texts: dict[str, str], issue_id: str | None = None
) -> None:
    """Point ``record``'s repeated texts at one object per value (equal values, no copies),
    and its issue's id at ``issue_id`` when equal (the listing's text of it, kept anyway).

    The record is frozen for its users; this runs once, before anyone else sees it."""
    if issue_id is not None and issue_id == record.issue_id:
        object.__setattr__(record, "issue_id", issue_id)
    for name in SHARED_TEXTS:
        value = getattr(record, name)
        shared = texts.setdefault(value, value)
        if shared is not value:
            object.__setattr__(record, name, shared)


#: The texts every attachment of one issue repeats: a Jira answer gives them once per issue
#: (its records share them), a saved scan's rows once per file (~27 MB of copies at 531,473
#: files on 332,239 issues, a rescan's base read back)
ISSUE_TEXTS = ("issue_id", "issue_key", "issue_updated")


def share_issue_texts(record: AttachmentRecord, other: AttachmentRecord) -> None:
    """Point ``record``'s issue texts at ``other``'s (a record of the same issue), where equal."""
    for name in ISSUE_TEXTS:
        value, shared = getattr(record, name), getattr(other, name)
        if value == shared and value is not shared:
            object.__setattr__(record, name, shared)


def share_row_texts(
    row: dict[str, Any], texts: dict[str, str], first: AttachmentRecord | None = None
) -> None:
    """:func:`share_texts` and :func:`share_issue_texts` on a saved row before its record is
    made (a frozen record's fields set again one by one were most of reading a base back:
    531,473 rows): its repeated texts at ``texts``' objects, its issue's texts at those of
    ``first``, a record of the same issue made before it."""
    for name in SHARED_TEXTS:
        if name in row:
            value = row[name]
            row[name] = texts.setdefault(value, value)
    if first is not None:
        for name in ISSUE_TEXTS:
            if row.get(name) == (shared := getattr(first, name)):
                row[name] = shared
