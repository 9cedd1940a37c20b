"""Applying a cleanup plan: check, archive, delete, comment; resumable after any stop.

Order of one run (:class:`CleanupRun`)::

    sign in (myself)  ->  lock the plan's audit journal, replay it
    -> permissions of every project touched, before the first delete (nothing half done)
    -> each pending copy, issue by issue (aa_tui.service.cleanup.schedule):
         GET the kept copy and the copy: both there, with the recorded size?
           kept copy gone or changed  -> its group is skipped, never another copy deleted
           the copy gone (404)        -> "already gone" (or "deleted", when a DELETE was sent)
         archive (optional): download, SHA-256 must equal the group's, else the group stops
         journal "intent" (fsynced) -> DELETE -> journal "outcome" -> manifest line
    -> one comment per touched issue (optional), once all of the plan is resolved

``cancel()`` stops before the next write (the writes in flight finish); a second ``cancel()``
stops the requests in flight too. Either way the plan stays resumable: ``resume=True`` replays
the journal and goes on with exactly what is left.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from aa_tui.archive import ArchiveStore, manifest_name, open_archive
from aa_tui.jira.errors import Forbidden
from aa_tui.jira.protocol import Identity, JiraSite
from aa_tui.model.cleanup import (
    CleanupPhase,
    CleanupProgress,
    ItemResult,
    Outcome,
    Plan,
    PlannedDeletion,
)
from aa_tui.model.dates import stamp
from aa_tui.model.errors import Cancelled
from aa_tui.model.units import counted
from aa_tui.service.cleanup.comments import issues_to_comment, post_comments
from aa_tui.service.cleanup.own_updates import ActedOn, record_updated_after
from aa_tui.service.cleanup.permissions import MissingPermission, check_delete_permissions
from aa_tui.service.cleanup.remove import Remover
from aa_tui.service.cleanup.schedule import run_by_issue
from aa_tui.service.errors import InputError
from aa_tui.service.wording import AN_ARCHIVE, ARCHIVE, RESUME
from aa_tui.store.audit import ApplyState, AuditJournal, AuditLog, Resolved
from aa_tui.store.store import Store

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 0.1


class ArchiveRequired(InputError):
    """A plan that deletes an only copy, applied without an archive: refused before anything."""

    title = "An archive is needed"


@dataclass(frozen=True)
class ApplyOptions:
    """How a plan is applied. ``archive``: keep every removed file there (and its manifest
    line): an archive store, or a local folder (opened into one)."""

    archive: ArchiveStore | Path | str | None = None
    comment: bool = False  # one comment per touched issue
    workers: int = 8  # files in flight at most (one per issue)

    def __post_init__(self) -> None:
        if isinstance(self.archive, (Path, str)):
            # An empty text names no folder (as it always did: no archive).
            opened = open_archive(self.archive) if str(self.archive) else None
            object.__setattr__(self, "archive", opened)

    @property
    def store(self) -> ArchiveStore | None:
        """The archive, opened (a folder given as a path is a :class:`LocalArchive`)."""
        assert not isinstance(self.archive, (Path, str))  # opened in __post_init__
        return self.archive


@dataclass
class CleanupOutcome:
    """What a run did (``results``) and where the whole plan stands."""

    plan: Plan
    results: list[ItemResult] = field(default_factory=list)  # this run's, in the order done
    counts: dict[Outcome, int] = field(default_factory=dict)  # the whole plan's
    freed: int = 0  # bytes this run deleted
    freed_total: int = 0  # bytes the plan deleted over every run
    pending: int = 0  # files still to do
    comments: int = 0  # comments posted in this run
    #: issue key -> why it has no comment (it answered 404: gone, or hidden)
    comment_problems: dict[str, str] = field(default_factory=dict)
    archive: str | None = None  # where the archive is (its location), when there is one
    finished: bool = False
    resumed: bool = False
    issue_throttled: int = 0

    @property
    def skipped(self) -> list[ItemResult]:
        return [r for r in self.results if r.outcome is Outcome.SKIPPED]

    @property
    def archive_manifest(self) -> str | None:
        """What lists the archive's files (``manifest.jsonl``, on S3 ``manifest.d/``)."""
        return manifest_name(self.archive) if self.archive is not None else None


class CleanupRun:
    """One run of a plan (first or resumed) in the calling thread: :meth:`run`."""

    def __init__(
        self,
        store: Store,
        plan: Plan,
        connect: Callable[[], JiraSite],
        options: ApplyOptions | None = None,
        *,
        resume: bool = False,
        listener: Callable[[CleanupProgress], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.plan = plan
        self.options = options or ApplyOptions()
        self.resume = resume
        self._store = store
        self._connect = connect
        self._listener = listener or (lambda event: None)
        self._clock = clock
        self._audit = AuditLog(store, clock)
        self._stop = threading.Event()
        self._client: JiraSite | None = None
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._last_emit = 0.0
        self._progress = CleanupProgress(phase=CleanupPhase.CONNECTING)
        self._writes: JiraSite | None = None
        self._remover: Remover | None = None
        #: where the plan stood when :meth:`run` raised (partial results for the faces)
        self.outcome: CleanupOutcome | None = None

    # -- control --------------------------------------------------------------------------------
    def cancel(self) -> None:
        """First call: stop before the next write. Second: stop the requests in flight too."""
        if self._stop.is_set() and self._client is not None:
            self._client.cancel.set()
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    # -- progress -------------------------------------------------------------------------------
    def _emit(self, force: bool = False, **changes: Any) -> None:
        extra: dict[str, Any] = {}
        if self._client is not None:
            stats = self._client.governor.stats
            extra = {
                "requests": stats.requests,
                "throttled": stats.throttled,
                "retries": stats.retries,
                "backoff_s": self._client.governor.backoff_remaining(),
            }
        if self._writes is not None:
            extra["issue_throttled"] = self._writes.issue_throttled
        if self._remover is not None:
            extra["archived"] = self._remover.archived_files
            extra["archived_size"] = self._remover.archived_size
        self._progress = replace(
            self._progress, **changes, **extra, elapsed_s=time.monotonic() - self._started
        )
        now = time.monotonic()
        if force or now - self._last_emit >= PROGRESS_EVERY_S or "last" in changes:
            self._last_emit = now
            self._listener(self._progress)

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> CleanupOutcome:
        """Apply what is left of the plan; raises what stopped it (``Cancelled`` when
        cancelled, :class:`MissingPermission`, a ``JiraError``); the plan stays resumable."""
        plan = self.plan
        plans = self._audit.plans
        row = plans.row(plan.id)
        # From the first moment the plan counts as being applied: a kill even before its first
        # write leaves a plan that --resume finds (a refusal before any write undoes this).
        if row is not None and row.status == "saved":
            plans.mark(plan.id, status="applying", started_at=stamp(self._clock))
        self._emit(force=True, message=f"Signing in to {plan.site}")
        try:
            self._client = client = self._connect()
            try:
                self._writes = writes = client
                identity = client.myself()
                journal = self._audit.open(plan.id)
                try:
                    return self._run(writes, identity, journal)
                finally:
                    journal.close()
            finally:
                client.close()
        except BaseException:
            if row is not None and not self._audit.state(plan.id).started:
                plans.mark(plan.id, status="saved", started_at="")  # nothing was done
            raise

    def _run(self, writes: JiraSite, identity: Identity, journal: AuditJournal) -> CleanupOutcome:
        plan = self.plan
        state = self._audit.state(plan.id)
        if state.started and not self.resume:
            raise InputError(
                f"Plan {plan.id} was applied before and did not finish: continue it with ",
                RESUME,
                " (the same plan, exactly what is left).",
            )
        options = self._options_for(state)
        archive = options.store
        pending = state.pending(plan)
        only = [d for d in pending if d.redundant is None]
        if only and archive is None:
            raise ArchiveRequired(
                f"Plan {plan.id} deletes {counted(len(only), 'file')} that "
                f"{'has' if len(only) == 1 else 'have'} no other copy on Jira: "
                "it is applied only with an archive, where each file's bytes are verified "
                "before it is deleted; nothing was changed."
            )
        outcome = CleanupOutcome(plan=plan, archive=archive.location if archive else None)
        outcome.resumed = state.started
        earlier = ActedOn.of(state)  # what earlier runs did: not this run's own updates
        commenting = options.comment
        to_comment = issues_to_comment(self.plan, state) if commenting else {}
        self._emit(
            force=True,
            phase=CleanupPhase.PERMISSIONS,
            total=len(pending),
            message=f"Checking permissions as {identity.display_name}",
        )
        comment_projects = (
            {d.project_key for d in pending} | {ds[0].project_key for ds in to_comment.values()}
            if commenting
            else set()
        )
        check_delete_permissions(writes, identity, pending, comment_projects)
        if archive is not None:
            archive.prepare()
        journal.start(
            archive=archive.location if archive else "",
            comment=commenting,
            actor=identity.email,
            account=identity.account_id,
        )
        remover = Remover(
            plan,
            writes,
            journal,
            archive,
            state,
            identity,
            stopping=self._stop.is_set,
            deleted_so_far=lambda: self._progress.deleted,
        )
        self._remover = remover
        remover.record_missing_manifest_lines()
        by_id = {d.attachment_id: d for d in plan.deletions}

        def work(d: PlannedDeletion) -> ItemResult:
            return remover.one(d)

        def done(d: PlannedDeletion, result: ItemResult) -> None:
            state.outcomes[d.attachment_id] = Resolved(result.outcome, result.reason, result.at)
            outcome.results.append(result)
            if result.outcome is Outcome.DELETED:
                outcome.freed += d.size
            p = self._progress
            self._emit(
                done=p.done + 1,
                deleted=p.deleted + (result.outcome is Outcome.DELETED),
                already_gone=p.already_gone + (result.outcome is Outcome.ALREADY_GONE),
                skipped=p.skipped + (result.outcome is Outcome.SKIPPED),
                freed=outcome.freed,
                last=result,
            )

        self._emit(force=True, phase=CleanupPhase.DELETING, message="")
        error: BaseException | None = None
        try:
            run_by_issue(
                pending,
                lambda d: d.issue_key,
                work,
                workers=self.options.workers,
                stopping=self._stop.is_set,
                on_result=done,
                on_tick=lambda waiting: self._emit(waiting_issues=waiting),
            )
        except BaseException as exc:  # noqa: BLE001 - recorded, then raised below
            error = exc
        left = state.pending(plan)
        if error is None and not left and not self._stop.is_set() and commenting:
            try:
                issues = len(issues_to_comment(self.plan, state))
                self._emit(force=True, phase=CleanupPhase.COMMENTING, done=0, total=issues)

                def commented(issue: str, comment_id: str) -> None:
                    outcome.comments += 1
                    self._emit(done=self._progress.done + 1, comments=outcome.comments)

                post_comments(
                    self.plan,
                    writes,
                    journal,
                    state,
                    workers=self.options.workers,
                    stopping=self._stop.is_set,
                    on_done=commented,
                    on_tick=lambda waiting: self._emit(waiting_issues=waiting),
                    on_failed=outcome.comment_problems.__setitem__,
                )
            except Forbidden as exc:
                error = self._forbidden(exc, identity)
            except BaseException as exc:  # noqa: BLE001
                error = exc
        if error is None and not self._stop.is_set():  # see own_updates
            record_updated_after(plan, writes, journal, state, earlier)
        outcome.pending = len(state.pending(plan))
        outcome.counts = _counts(plan, state)
        outcome.freed_total = sum(
            by_id[aid].size
            for aid, r in state.outcomes.items()
            if r.outcome is Outcome.DELETED and aid in by_id
        )
        outcome.issue_throttled = writes.issue_throttled
        comments_left = commenting and bool(issues_to_comment(self.plan, state))
        if error is None and not outcome.pending and not comments_left and not self._stop.is_set():
            at = journal.finish()
            self._audit.plans.mark(plan.id, status="done", finished_at=at)
            outcome.finished = True
        self._emit(force=True, phase=CleanupPhase.DONE)
        if error is not None:
            self.outcome = outcome
            raise error
        if self._stop.is_set() and not outcome.finished:
            self.outcome = outcome
            files_left = counted(outcome.pending, "file")
            verb = "is" if outcome.pending == 1 else "are"
            raise Cancelled(
                f"Cleanup stopped: {files_left} of plan {plan.id} {verb} left; continue with ",
                RESUME,
                ".",
            )
        return outcome

    def _options_for(self, state: ApplyState) -> ApplyOptions:
        """A resumed plan keeps its first run's archive and comment choice."""
        if not state.started:
            return self.options
        first_archive = str(state.options.get("archive") or "")
        asked = self.options.store
        if asked is not None and first_archive and not asked.same_as(first_archive):
            raise InputError(
                f"Plan {self.plan.id} archives to {first_archive}; resume it with that ",
                ARCHIVE,
                " folder (or none: the same one is used).",
            )
        if asked is not None and not first_archive:
            raise InputError(
                f"Plan {self.plan.id} was started without ", AN_ARCHIVE, "; resume it without one."
            )
        return replace(
            self.options,
            archive=open_archive(first_archive) if first_archive else None,
            comment=bool(state.options.get("comment")) or self.options.comment,
        )

    def _forbidden(self, exc: Forbidden, identity: Identity) -> MissingPermission:
        """A 403 on a comment after the permission check passed (granted, then taken away)."""
        return MissingPermission(
            f'Jira refused a comment with HTTP 403: the account {identity.email} lacks "Add '
            f'comments" there now ({exc}); the files are deleted, the comments still to post: '
            "continue with ",
            RESUME,
            " once it is granted.",
        )


def _counts(plan: Plan, state: ApplyState) -> dict[Outcome, int]:
    counts = dict.fromkeys(Outcome, 0)
    for d in plan.deletions:
        counts[state.outcome_of(d.attachment_id)] += 1
    return counts
