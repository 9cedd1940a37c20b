"""What changes on a running demo site: deleted attachments, posted comments, uploaded files.

Uploads get attachment indices after the generated ones (ids go on from the last generated
id); their bytes are kept in memory. :func:`truth_with_uploads` folds them into the answer key,
so a test can compare a scan, a cleanup or a restore with the site's own truth.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeAlias

from aa_tui.demo import catalog as cat
from aa_tui.demo.generator import DemoData
from aa_tui.demo.issue_view import (
    COMMENT_ID_BASE,
    COMMENTS_PER_ISSUE,
    DEMO_USER,
    CommentRecord,
    Upload,
)
from aa_tui.demo.truth import SiteTruth

_GroupKey: TypeAlias = "frozenset[str] | tuple[str, str] | tuple[str, int]"


class Changes:
    """Thread-safe record of the writes made while the server runs."""

    def __init__(self, data: DemoData, clock: Callable[[], float] = time.time) -> None:
        """``clock``: the site's (the moment an upload or a comment is stamped with, as the
        issue's ``updated`` is: not the machine's, a month or more after the site's)."""
        self.data = data
        self.clock = clock
        self.deleted: set[int] = set()
        self.comments: dict[int, tuple[CommentRecord, ...]] = {}
        self.uploads: dict[int, Upload] = {}
        self.version = 0  # bumped on every change that can change a search result
        self._next_comment = COMMENT_ID_BASE + COMMENTS_PER_ISSUE * max(1, data.issue_count)
        self._lock = threading.Lock()

    def delete(self, j: int) -> None:
        with self._lock:
            self.deleted.add(j)
            self.version += 1

    def bump(self) -> None:
        """A change to an issue: cached search results are stale."""
        with self._lock:
            self.version += 1

    def is_deleted(self, j: int) -> bool:
        with self._lock:
            return j in self.deleted

    def add_comment(self, issue: int, text: str, adf: Any = None) -> CommentRecord:
        with self._lock:
            record = CommentRecord(self._next_comment, issue, DEMO_USER, text, self.clock(), adf)
            self._next_comment += 1
            self.comments[issue] = (*self.comments.get(issue, ()), record)
            return record

    def add_upload(self, issue: int, filename: str, mime: str, content: bytes) -> Upload:
        with self._lock:
            j = self.data.attachment_count + len(self.uploads)
            upload = Upload(j, issue, filename, mime, content, self.clock())
            self.uploads[j] = upload
            self.version += 1
            return upload

    def snapshot(
        self,
    ) -> tuple[frozenset[int], dict[int, tuple[CommentRecord, ...]], dict[int, tuple[Upload, ...]]]:
        """``(deleted, comments by issue, live uploads by issue)``, copies safe to keep."""
        with self._lock:
            by_issue: dict[int, tuple[Upload, ...]] = {}
            for u in self.uploads.values():
                if u.j not in self.deleted:
                    by_issue[u.issue] = (*by_issue.get(u.issue, ()), u)
            return frozenset(self.deleted), dict(self.comments), by_issue


def truth_with_uploads(
    data: DemoData,
    base: SiteTruth,
    hidden: frozenset[int],
    deleted: frozenset[int],
    uploads: list[Upload],
) -> SiteTruth:
    """``base`` (hidden projects and deletions already out) with the live ``uploads`` added:
    an upload equal to a generated file joins its group (or makes one with it)."""
    uploads = [u for u in uploads if data.issue_project[u.issue] not in hidden]
    if not uploads:
        return base
    aid = data.attachment_id
    # Readable, non-empty generated files in scope, by size: the ones an upload may equal.
    by_size: dict[int, list[int]] = {}
    in_scope_issues: set[int] = set()
    for j in range(data.attachment_count):
        i = data.att_issue[j]
        if data.issue_project[i] in hidden or j in deleted:
            continue
        in_scope_issues.add(i)
        size = data.attachment_size(j)
        if size and data.download_status(j) == 200:
            by_size.setdefault(size, []).append(j)
    # a group's key: its generated group, or ("upload", digest) / ("content", id) for new ones
    members: dict[_GroupKey, set[str]] = {g: set(g) for g in base.groups}
    sizes: dict[_GroupKey, int] = {g: base.group_size[g] for g in base.groups}
    digests: dict[int, str] = {}
    total_size = zero = 0
    for u in uploads:
        size = len(u.content)
        total_size += size
        if size == 0:
            zero += 1
            continue
        digest = hashlib.sha256(u.content).hexdigest()
        key: _GroupKey = ("upload", digest)
        for j in by_size.get(size, []):
            if j not in digests:
                digests[j] = hashlib.sha256(data.read(aid(j))).hexdigest()
            if digests[j] == digest:
                key = next(
                    (g for g in base.groups if aid(j) in g), ("content", data.att_content[j])
                )
                if key not in members:
                    members[key] = {aid(j)}
                break
        members.setdefault(key, set()).add(str(cat.ATTACHMENT_ID_BASE + u.j))
        sizes[key] = size
    groups = {frozenset(m) for m in members.values() if len(m) >= 2}
    group_size = {frozenset(m): sizes[k] for k, m in members.items() if len(m) >= 2}
    new_issues = {u.issue for u in uploads} - in_scope_issues
    return replace(
        base,
        groups=groups,
        group_size=group_size,
        issues_with_attachments=base.issues_with_attachments + len(new_issues),
        total_files=base.total_files + len(uploads),
        total_size=base.total_size + total_size,
        zero_byte_files=base.zero_byte_files + zero,
        duplicate_files=sum(len(g) - 1 for g in groups),
        duplicate_size=sum((len(g) - 1) * group_size[g] for g in groups),
        small_copy_groups=sum(1 for g in groups if group_size[g] < 4096),
    )
