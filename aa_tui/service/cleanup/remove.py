"""Removing one planned file, by its proof: re-check, archive, journal, DELETE.

A redundant copy (:class:`~aa_tui.model.cleanup.RedundantCopy`)::

    GET the kept copy: gone or another size -> its group is skipped, no other copy goes
    GET the copy: gone -> "already gone" (or "deleted", when a DELETE was sent before)
    archive (optional): full read from Jira into the archive, SHA-256 must be the group's,
        else the group stops; journal "archived"
    journal "intent" (fsynced) -> DELETE -> journal "outcome" -> manifest line

An only copy (:class:`~aa_tui.model.cleanup.OnlyCopy`), never without an archive::

    GET the file's issue, by its id (a move keeps it, under a new key): the file is not on it
        (or the issue is gone) -> "already gone" / "deleted"; another size -> skipped
    full read from Jira into the archive (SHA-256 of what Jira sent; the scan's, when known,
        must match) -> read back from the archive and verified against that SHA-256
        -> journal "archived" -> manifest line (fsynced, ``deleted_at`` empty)
    journal "intent" (fsynced) -> DELETE -> journal "outcome"

Anything that fails a check is skipped with its reason; nothing is deleted on a doubt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from aa_tui.archive import ArchiveKey, ArchiveStore, Check, HashMismatch, Source, manifest_line
from aa_tui.jira.errors import Forbidden, RequestRejected
from aa_tui.jira.protocol import AttachmentMeta, Deleted, Identity, JiraSite
from aa_tui.model.cleanup import ItemResult, Outcome, Plan, PlannedDeletion
from aa_tui.model.errors import Cancelled
from aa_tui.model.units import counted
from aa_tui.service.cleanup.permissions import MissingPermission
from aa_tui.service.cleanup.schedule import NotStarted
from aa_tui.service.wording import RESUME
from aa_tui.store.audit import ApplyState, AuditJournal


class GroupStop:
    """Groups that must not lose another copy in this run, and why."""

    def __init__(self) -> None:
        self._why: dict[str, str] = {}
        self._lock = threading.Lock()

    def stop(self, group: str, why: str) -> None:
        with self._lock:
            self._why.setdefault(group, why)

    def why(self, group: str) -> str | None:
        with self._lock:
            return self._why.get(group)


def archive_key(d: PlannedDeletion) -> ArchiveKey:
    return ArchiveKey(d.attachment_id, d.issue_key, d.file_name)


@dataclass
class Remover:
    """What removing the files of one run shares (its workers call :meth:`one`)."""

    plan: Plan
    writes: JiraSite
    journal: AuditJournal
    archive: ArchiveStore | None
    state: ApplyState
    identity: Identity
    stopping: Callable[[], bool]
    deleted_so_far: Callable[[], int]  # for the message of a 403 mid-run

    def __post_init__(self) -> None:
        self.stopper = GroupStop()
        self.intents = set(self.state.intents)  # a DELETE may have been sent for these
        #: files and bytes this run put in the archive and checked (the progress shows them)
        self.archived_files = self.archived_size = 0
        self._counting = threading.Lock()

    def _archived(self, d: PlannedDeletion, location: str, sha256: str) -> None:
        """Journal "archived" (the bytes are in the archive and checked), known to this run's
        state (its comments name where it is), and count it."""
        self.journal.archived(d.attachment_id, location, sha256)
        with self._counting:
            self.state.archived[d.attachment_id] = {"path": location, "sha256": sha256}
            self.archived_files += 1
            self.archived_size += d.size

    # -- shared steps ---------------------------------------------------------------------------
    def _resolve(self, d: PlannedDeletion, outcome: Outcome, reason: str = "") -> ItemResult:
        at = self.journal.outcome(d.attachment_id, outcome, reason)
        return ItemResult(
            d.attachment_id, d.issue_key, d.project_key, d.file_name, d.size, outcome, reason, at
        )

    def _source(self, d: PlannedDeletion) -> Source:
        """A full read of ``d`` from Jira, stopped (``Cancelled``) when the run stops."""
        read = self.writes.read_content

        def source(sink: Callable[[bytes], None]) -> None:
            def checked(chunk: bytes) -> None:
                if self.stopping():
                    raise Cancelled()
                sink(chunk)

            if d.size:
                read(d.attachment_id, 0, d.size - 1, checked)

        return source

    def _record(self, d: PlannedDeletion, deleted_at: str, sha256: str = "") -> None:
        assert self.archive is not None
        path = self.archive.path_for(archive_key(d))
        line = manifest_line(d, self.plan, deleted_at, self.identity.email, path)
        if sha256:
            line["sha256"] = sha256
        self.archive.append_line(line)

    def _delete(self, d: PlannedDeletion, sent: bool) -> Deleted:
        if self.stopping():
            raise NotStarted()
        self.journal.intent(d.attachment_id)  # on disk before the DELETE leaves
        self.intents.add(d.attachment_id)
        try:
            return self.writes.delete_attachment(d.attachment_id, d.issue_key, sent_before=sent)
        except Forbidden:
            # Granted when the run began (checked), refused now: stop everything, say so.
            raise MissingPermission(
                f"Jira refused to delete {d.file_name} on {d.issue_key} (HTTP 403): the account "
                f'{self.identity.email} lacks "Delete all attachments" in project '
                f"{d.project_key} now, so the run stopped with "
                f"{counted(self.deleted_so_far(), 'file')} deleted and the rest still planned: "
                "continue with ",
                RESUME,
                " once it is granted.",
            ) from None

    # -- one file -------------------------------------------------------------------------------
    def one(self, d: PlannedDeletion) -> ItemResult:
        if d.redundant is not None:
            return self._redundant(d)
        return self._only_copy(d)

    def _redundant(self, d: PlannedDeletion) -> ItemResult:
        writes, archive = self.writes, self.archive
        why = self.stopper.why(d.group_hash)
        if why:
            return self._resolve(d, Outcome.SKIPPED, why)
        if self.stopping():
            raise NotStarted()
        try:
            kept = writes.attachment(d.keep_id)
        except Forbidden:
            kept = None
        if kept is None or kept.size != d.size:
            why = (
                f"the kept copy {d.keep_id} on {d.keep_issue_key} is gone"
                if kept is None
                else f"the kept copy {d.keep_id} on {d.keep_issue_key} changed size"
            ) + ", so no other copy of its group is removed"
            self.stopper.stop(d.group_hash, why)
            return self._resolve(d, Outcome.SKIPPED, why)
        sent = d.attachment_id in self.intents
        try:
            target = writes.attachment(d.attachment_id)
        except Forbidden:
            return self._resolve(d, Outcome.SKIPPED, "this account cannot see it")
        if target is None:
            if sent:
                result = self._resolve(
                    d, Outcome.DELETED, "gone after a DELETE was sent (confirmed later)"
                )
                if archive is not None and self._present(d):  # archived before the intent
                    self._record(d, result.at)
                return result
            return self._resolve(d, Outcome.ALREADY_GONE, "gone before aa-tui deleted it")
        if target.size != d.size:
            return self._resolve(
                d,
                Outcome.SKIPPED,
                f"it is {target.size:,} bytes now, not the {d.size:,} bytes that were hashed",
            )
        if archive is not None:
            known = self.state.archived.get(d.attachment_id)
            if not (known and known.get("sha256") == d.sha256 and self._present(d)):
                try:
                    stored = archive.put(archive_key(d), self._source(d), sha256=d.sha256)
                except Cancelled:
                    raise NotStarted() from None
                except HashMismatch as exc:
                    why = (
                        f"its bytes hash to sha256:{exc.actual[:12]}..., not the group's proof, "
                        "so no copy of this group is removed"
                    )
                    self.stopper.stop(d.group_hash, why)
                    return self._resolve(d, Outcome.SKIPPED, why)
                except RequestRejected as exc:  # this file's answer: the run goes on
                    return self._resolve(d, Outcome.SKIPPED, _unsent(exc))
                self._archived(d, stored.location, stored.sha256)
        if self._delete(d, sent) is Deleted.DELETED:
            result = self._resolve(d, Outcome.DELETED)
            if archive is not None:
                self._record(d, result.at)
            return result
        return self._resolve(d, Outcome.ALREADY_GONE, "gone before aa-tui's DELETE reached it")

    def _only_copy(self, d: PlannedDeletion) -> ItemResult:
        archive = self.archive
        if archive is None:  # the run refuses such a plan first (ArchiveRequired): a bug
            return self._resolve(d, Outcome.SKIPPED, "it is the only copy and no archive is set")
        if self.stopping():
            raise NotStarted()
        sent = d.attachment_id in self.intents
        try:
            target = self._on_its_issue(d)
        except Forbidden:
            return self._resolve(d, Outcome.SKIPPED, "this account cannot see it")
        if target is None:
            if sent:  # its manifest line was written before the intent
                return self._resolve(
                    d, Outcome.DELETED, "gone after a DELETE was sent (confirmed later)"
                )
            return self._resolve(d, Outcome.ALREADY_GONE, "gone before aa-tui deleted it")
        if target.size != d.size:
            return self._resolve(
                d,
                Outcome.SKIPPED,
                f"it is {target.size:,} bytes now, not the {d.size:,} bytes that were planned",
            )
        path = archive.path_for(archive_key(d))
        known = self.state.archived.get(d.attachment_id, {}).get("sha256", "")
        if known and (not d.sha256 or known == d.sha256):
            # Archived by an earlier run: read back again before trusting it.
            verified = archive.verify(path, known, d.size) is Check.OK
        else:
            verified = False
        if verified:
            digest = known
        else:
            try:
                stored = archive.put(archive_key(d), self._source(d), sha256=d.sha256)
            except Cancelled:
                raise NotStarted() from None
            except HashMismatch as exc:
                return self._resolve(
                    d,
                    Outcome.SKIPPED,
                    f"its bytes hash to sha256:{exc.actual[:12]}..., not the SHA-256 the scan "
                    "read, so it is not deleted",
                )
            except RequestRejected as exc:  # this file's answer: the run goes on
                return self._resolve(d, Outcome.SKIPPED, _unsent(exc))
            if stored.size != d.size:
                return self._resolve(
                    d,
                    Outcome.SKIPPED,
                    f"Jira sent {stored.size:,} bytes, not {d.size:,}, so it is not deleted",
                )
            check = archive.verify(stored.path, stored.sha256, d.size)
            if check is not Check.OK:
                return self._resolve(
                    d,
                    Outcome.SKIPPED,
                    f"its archived copy did not read back as written ({check.value}), so it "
                    "is not deleted",
                )
            self._archived(d, stored.location, stored.sha256)
            digest = stored.sha256
        if d.attachment_id in archive.ids():  # an earlier run's line: it must name these bytes
            line = next((x for x in archive.lines() if str(x.get("id")) == d.attachment_id), {})
            if line.get("sha256") != digest or line.get("path") != path:
                return self._resolve(
                    d,
                    Outcome.SKIPPED,
                    "its manifest line names other bytes than the archived ones, so it is "
                    "not deleted",
                )
        else:
            self._record(d, "", digest)  # durable before the DELETE: the archive restores it
        if self._delete(d, sent) is Deleted.DELETED:
            return self._resolve(d, Outcome.DELETED)
        return self._resolve(d, Outcome.ALREADY_GONE, "gone before aa-tui's DELETE reached it")

    def _on_its_issue(self, d: PlannedDeletion) -> AttachmentMeta | None:
        """The file as its issue lists it now, asked by the issue's id (which a move to another
        project keeps, under a new key); None when the issue or the file is gone from it."""
        try:
            listed = self.writes.issue_attachments(d.issue_id or d.issue_key)
        except RequestRejected as exc:
            if exc.status == 404:
                return None
            raise
        for item in listed:
            size = item.get("size")
            if str(item.get("id")) == d.attachment_id and isinstance(size, int):
                return AttachmentMeta(d.attachment_id, size, str(item.get("filename") or ""))
        return None

    def _present(self, d: PlannedDeletion) -> bool:
        """The file is archived already (a run before this one checked its bytes)."""
        assert self.archive is not None
        return self.archive.has(self.archive.path_for(archive_key(d)), d.size)

    def record_missing_manifest_lines(self) -> None:
        """A run killed after a DELETE and before its manifest line: add the line now."""
        if self.archive is None:
            return
        by_id = {d.attachment_id: d for d in self.plan.deletions}
        have = self.archive.ids()
        for aid, resolved in self.state.outcomes.items():
            if (
                resolved.outcome is Outcome.DELETED
                and aid in self.state.archived
                and aid not in have
            ):
                d = by_id.get(aid)
                if d is not None and self._present(d):
                    self._record(d, resolved.at)


def _unsent(exc: RequestRejected) -> str:
    return f"Jira would not send its bytes ({exc}), so it is not archived or deleted"
