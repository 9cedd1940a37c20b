"""Restoring from an archive: each file of ``manifest.jsonl`` uploaded again to its issue.

The archive is read through its store (:class:`~aa_tui.archive.ArchiveStore`). A dry run
(:func:`read_restore_plan`) checks every archived file against its manifest line (present, same
size, same SHA-256) and sends nothing. A line written before its file's deletion (an only
copy's: ``deleted_at`` empty) is restored only if Jira no longer has the file. A run (:class:`RestoreRun`) checks the
permission "Create attachments" in every project first, then uploads issue by issue, each
upload journaled before it leaves (with the issue's attachment ids at that moment) and after:
after a lost answer or a crash, a new attachment with the file's name and size that was not
there before is the upload, so no file is ever uploaded twice. The new copy has a new id (Jira
never reuses one); it is read back from Jira in full and must hash to the manifest's SHA-256
(else it is reported, and the archived file stays where it is); the audit lists it beside the
id it replaces. A restore can be narrowed to one issue's files, one file, or one plan's.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aa_tui.archive import ArchiveStore, Check, is_s3, open_manifest
from aa_tui.jira.errors import Forbidden
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.cleanup import CleanupPhase, CleanupProgress, ItemResult, Outcome
from aa_tui.model.errors import Cancelled
from aa_tui.model.units import counted
from aa_tui.service.cleanup.permissions import MissingPermission, permission_sentence
from aa_tui.service.cleanup.schedule import NotStarted, run_by_issue
from aa_tui.service.errors import InputError
from aa_tui.service.wording import RESUME_SAME
from aa_tui.store.audit import AuditLog, RestoreJournal, RestoreState
from aa_tui.store.plans import PlanStore


@dataclass(frozen=True)
class RestoreItem:
    attachment_id: str  # the deleted copy's id
    issue_key: str
    project_key: str
    file_name: str
    size: int
    sha256: str
    mime_type: str
    path: str  # in the archive (the manifest's ``path``)
    problem: str = ""  # why it cannot be restored (the archived file is missing or differs)
    restored_as: str = ""  # restored already, as this id
    deleted: bool = True  # its line says it was deleted (False: written before the DELETE)

    def result(self, outcome: Outcome, reason: str = "", new_id: str = "") -> ItemResult:
        return ItemResult(
            self.attachment_id,
            self.issue_key,
            self.project_key,
            self.file_name,
            self.size,
            outcome,
            reason,
            new_id=new_id,
        )


@dataclass(frozen=True)
class RestoreScope:
    """Which files of an archive a restore puts back (all when empty)."""

    issue: str = ""  # one issue's files (its key, as the manifest names it)
    file: str = ""  # one file (the deleted attachment's id)
    plan: str = ""  # the files one plan removed

    def admits(self, line: dict[str, Any]) -> bool:
        return (
            (not self.issue or str(line.get("issue") or "").upper() == self.issue.upper())
            and (not self.file or str(line.get("id")) == self.file)
            and (not self.plan or str(line.get("plan") or "") == self.plan)
        )

    def words(self) -> str:
        named = (("issue", self.issue), ("attachment", self.file), ("plan", self.plan))
        return " and ".join(f"{what} {value}" for what, value in named if value)


@dataclass
class RestorePlan:
    manifest: str  # the manifest file, or where an S3 archive keeps its lines
    name: str  # the restore journal's name in the store
    site: str
    email: str
    items: list[RestoreItem]
    archive: ArchiveStore | None = None  # where the files are read from

    @property
    def pending(self) -> list[RestoreItem]:
        return [i for i in self.items if not i.problem and not i.restored_as]

    @property
    def problems(self) -> list[RestoreItem]:
        return [i for i in self.items if i.problem]

    @property
    def done(self) -> list[RestoreItem]:
        return [i for i in self.items if i.restored_as]


@dataclass
class RestoreOutcome:
    plan: RestorePlan
    results: list[ItemResult] = field(default_factory=list)
    pending: int = 0

    @property
    def uploaded(self) -> int:
        return sum(1 for r in self.results if r.outcome is Outcome.RESTORED)


def read_restore_plan(
    manifest: str | Path, audit: AuditLog, plans: PlanStore, scope: RestoreScope | None = None
) -> RestorePlan:
    """Every line of ``manifest`` (a file, an archive folder, or ``s3://bucket/prefix``) that
    ``scope`` admits, checked against the archived bytes (nothing is sent to Jira)."""
    scope = scope or RestoreScope()
    archive = open_manifest(manifest)
    where = archive.manifest_location
    if not is_s3(where) and not Path(where).is_file():
        raise InputError(f"No archive manifest at {where}.")
    every = archive.lines()
    if not every:
        raise InputError(f"The manifest {where} lists no files.")
    lines = [line for line in every if scope.admits(line)]
    if not lines:
        raise InputError(f"The manifest {where} lists no file for {scope.words()}.")
    sites = sorted({str(line.get("site") or "") for line in lines})
    if len(sites) != 1 or not sites[0]:
        raise InputError(
            f"The manifest {where} lists files of {len(sites)} sites; restore one site's "
            "archive at a time."
        )
    site = sites[0]
    email = ""
    for line in lines:
        row = plans.row(str(line.get("plan") or "")) if line.get("plan") else None
        email = row.email if row else str(line.get("deleted_by") or "")
        if email:
            break
    name = audit.restore_name(where)
    state = audit.restore_state(name)
    # Restored from any archive (a copy of this one, the same files synced to S3): done too.
    everywhere = audit.restored()
    items = []
    seen: set[str] = set()
    for line in lines:
        aid = str(line["id"])
        if aid in seen:
            continue
        seen.add(aid)
        path = str(line.get("path") or "")
        item = RestoreItem(
            attachment_id=aid,
            issue_key=str(line.get("issue") or ""),
            project_key=str(line.get("project") or ""),
            file_name=str(line.get("file_name") or aid),
            size=int(line.get("size") or 0),
            sha256=str(line.get("sha256") or ""),
            mime_type=str(line.get("mime_type") or ""),
            path=path,
            deleted=bool(line.get("deleted_at")),
        )
        done = state.restored.get(aid)
        new_id = done["new_id"] if done else everywhere.get((site, aid), "")
        if new_id:
            item = replace(item, restored_as=new_id)
        else:
            problem = _PROBLEMS.get(archive.verify(path, item.sha256, item.size), "")
            if problem:
                where = archive.where(path)
                item = replace(item, problem=problem.format(path=where, size=item.size))
        items.append(item)
    return RestorePlan(where, name, site, email, items, archive)


_PROBLEMS = {
    Check.OUTSIDE: "its path points outside the archive folder",
    Check.MISSING: "the archived file {path} is missing",
    Check.SIZE: "the archived file {path} is not {size:,} bytes",
    Check.SHA256: "the archived file {path} does not match its SHA-256",
}


class RestoreRun:
    """Upload what is left of a :class:`RestorePlan` (in the calling thread: :meth:`run`)."""

    def __init__(
        self,
        plan: RestorePlan,
        audit: AuditLog,
        connect: Callable[[], JiraSite],
        *,
        listener: Callable[[CleanupProgress], None] | None = None,
        workers: int = 4,
    ) -> None:
        self.plan = plan
        self._audit = audit
        self._connect = connect
        self._listener = listener or (lambda event: None)
        self._workers = workers
        self._stop = threading.Event()
        self._client: JiraSite | None = None
        self._started = time.monotonic()
        self._progress = CleanupProgress(phase=CleanupPhase.CONNECTING)
        self.outcome: RestoreOutcome | None = None

    def cancel(self) -> None:
        if self._stop.is_set() and self._client is not None:
            self._client.cancel.set()
        self._stop.set()

    def _emit(self, **changes: Any) -> None:
        self._progress = replace(
            self._progress, **changes, elapsed_s=time.monotonic() - self._started
        )
        self._listener(self._progress)

    def run(self) -> RestoreOutcome:
        plan = self.plan
        if not plan.email:
            raise InputError(
                f"The manifest {plan.manifest} does not say which account deleted its files."
            )
        self._emit(message=f"Signing in to {plan.site}")
        self._client = client = self._connect()
        try:
            writes = client
            identity = client.myself()
            journal = self._audit.open_restore(plan.name)
            try:
                return self._run(writes, identity.email, journal)
            finally:
                journal.close()
        finally:
            client.close()

    def _run(self, writes: JiraSite, email: str, journal: RestoreJournal) -> RestoreOutcome:
        plan = self.plan
        state = self._audit.restore_state(plan.name)
        pending = [i for i in plan.pending if i.attachment_id not in state.restored]
        outcome = RestoreOutcome(plan)
        # signed in: the sign-in message is done (kept, every later line repeated it)
        self._emit(phase=CleanupPhase.PERMISSIONS, total=len(pending), message="")
        missing = [
            project
            for project in sorted({i.project_key for i in pending})
            if not writes.my_permissions(project, ("CREATE_ATTACHMENTS",))["CREATE_ATTACHMENTS"]
        ]
        if missing:
            raise MissingPermission(
                *permission_sentence(
                    email, {"CREATE_ATTACHMENTS": missing}, after="so nothing was uploaded"
                )
            )
        self._emit(phase=CleanupPhase.UPLOADING)

        def work(item: RestoreItem) -> ItemResult:
            return self._one(item, writes, journal, state)

        def done(item: RestoreItem, result: ItemResult) -> None:
            outcome.results.append(result)
            p = self._progress
            uploaded = p.uploaded + (result.outcome is Outcome.RESTORED)
            self._emit(done=p.done + 1, uploaded=uploaded, last=result)

        error: BaseException | None = None
        try:
            run_by_issue(
                pending,
                lambda i: i.issue_key,
                work,
                workers=self._workers,
                stopping=self._stop.is_set,
                on_result=done,
            )
        except Forbidden as exc:
            error = MissingPermission(
                f"Jira refused an upload with HTTP 403 ({exc}): the account {email} lacks "
                '"Create attachments" there now; continue with ',
                RESUME_SAME,
                " once it is granted.",
            )
        except BaseException as exc:  # noqa: BLE001
            error = exc
        outcome.pending = max(0, len(pending) - len(outcome.results))
        self._emit(phase=CleanupPhase.DONE)
        self.outcome = outcome
        if error is not None:
            raise error
        if self._stop.is_set() and outcome.pending:
            left = counted(outcome.pending, "file")
            verb = "is" if outcome.pending == 1 else "are"
            raise Cancelled(
                f"Restore stopped: {left} {verb} left; run the same command again to go on."
            )
        return outcome

    def _one(
        self, item: RestoreItem, writes: JiraSite, journal: RestoreJournal, state: RestoreState
    ) -> ItemResult:
        if self._stop.is_set():
            raise NotStarted()

        def ours(before: set[str]) -> dict[str, Any] | None:
            for a in writes.issue_attachments(item.issue_key):
                if (
                    str(a.get("id")) not in before
                    and a.get("filename") == item.file_name
                    and a.get("size") == item.size
                ):
                    return a
            return None

        if item.attachment_id in state.intents:  # an upload may have left before a stop
            found = ours(set(state.intents[item.attachment_id]))
            if found is not None:
                return self._verified(
                    item, writes, journal, str(found["id"]), "found uploaded after a restart"
                )
        if not item.deleted and item.attachment_id not in state.intents:
            # Archived before its DELETE: restored only if the DELETE did happen.
            try:
                still = writes.attachment(item.attachment_id)
            except Forbidden:
                return item.result(Outcome.SKIPPED, "this account cannot see whether it is there")
            if still is not None:
                return item.result(Outcome.SKIPPED, "it is still on Jira (never deleted)")
        archive = self.plan.archive or open_manifest(self.plan.manifest)
        before = {str(a.get("id")) for a in writes.issue_attachments(item.issue_key)}
        journal.intent(item.attachment_id, sorted(before))
        with archive.local_file(item.path) as path:
            new = writes.upload(
                item.issue_key,
                path,
                item.file_name,
                item.mime_type,
                already=lambda: ours(before),
            )
        return self._verified(item, writes, journal, str(new.get("id")), "")

    def _verified(
        self, item: RestoreItem, writes: JiraSite, journal: RestoreJournal, new_id: str, why: str
    ) -> ItemResult:
        """Read the uploaded file back from Jira: it must hash to the manifest's SHA-256. It is
        journaled as restored either way (never uploaded twice); a mismatch is reported."""
        digest = hashlib.sha256()
        size = writes.read_content(new_id, 0, None, digest.update)
        same = size == item.size and (not item.sha256 or digest.hexdigest() == item.sha256)
        journal.restored(
            item.attachment_id, new_id, self.plan.site, how="found" if why else "uploaded"
        )
        if not same:
            return item.result(
                Outcome.SKIPPED,
                f"uploaded as {new_id}, but Jira gives back {size:,} bytes that do not hash to "
                "its SHA-256; compare them with the archived file",
                new_id,
            )
        return item.result(Outcome.RESTORED, why, new_id)
