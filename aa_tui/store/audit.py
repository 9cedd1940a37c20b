"""The audit log: a write-ahead journal per applied plan, and the record of every restore.

``plans/<plan id>/audit.jsonl`` is append-only JSON lines, each fsynced before the call
returns (:class:`~aa_tui.store.journal.Journal`, held with an exclusive lock: one run per
plan). The order of a deletion's lines is the rule that makes a crash harmless::

    archived  {id, path, sha256}      the file is in the archive, its bytes checked
    intent    {id}                    written BEFORE the DELETE is sent
    outcome   {id, outcome, reason}   written after Jira answered

A kill between ``intent`` and ``outcome`` leaves an intent: the next run re-checks that file,
and if it is gone records it as deleted, so a delete Jira accepted is never unrecorded.
Comments follow the same pattern (``comment_intent`` / ``commented``; ``comment_failed``: the
issue answered 404, reported once and not tried again), and so do uploads of a
restore (``restores/<name>.jsonl``: ``upload_intent`` / ``restored``).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aa_tui.model.cleanup import AuditEntry, Outcome, Plan, PlannedDeletion
from aa_tui.model.dates import Clock, stamp
from aa_tui.store.journal import Journal, JournalBusyError, read_journal
from aa_tui.store.plans import PlanStore
from aa_tui.store.store import Store, StoreError

AUDIT_FILE = "audit.jsonl"
RESTORES_DIR = "restores"


class AuditJournal:
    """One plan's journal, open for a run (locked); every method returns once on disk."""

    def __init__(self, journal: Journal, clock: Clock | None = None) -> None:
        self._journal = journal
        self._clock = clock
        self._lock = threading.Lock()  # workers append from several threads

    def _append(self, kind: str, **payload: Any) -> None:
        with self._lock:
            self._journal.append(kind, **payload)

    def now(self) -> str:
        return stamp(self._clock)

    def start(self, **options: Any) -> None:
        self._append("start", at=self.now(), **options)

    def archived(self, attachment_id: str, path: str, sha256: str) -> None:
        self._append("archived", id=attachment_id, path=path, sha256=sha256)

    def intent(self, attachment_id: str) -> None:
        self._append("intent", id=attachment_id, at=self.now())

    def outcome(self, attachment_id: str, outcome: Outcome, reason: str = "") -> str:
        at = self.now()
        self._append("outcome", id=attachment_id, outcome=outcome.value, reason=reason, at=at)
        return at

    def comment_intent(self, issue_key: str) -> None:
        self._append("comment_intent", issue=issue_key, at=self.now())

    def commented(self, issue_key: str, comment_id: str) -> None:
        self._append("commented", issue=issue_key, comment=comment_id, at=self.now())

    def comment_failed(self, issue_key: str, reason: str) -> None:
        """The issue cannot take the comment (gone, hidden): reported, never tried again."""
        self._append("comment_failed", issue=issue_key, reason=reason, at=self.now())

    def updated_after(self, issue_id: str, updated: str) -> None:
        """The issue's ``updated`` as Jira says once this run acted on it: a later scan that
        finds that very value knows the update was this cleanup's, not a person's."""
        self._append("updated", issue=issue_id, updated=updated, at=self.now())

    def finish(self) -> str:
        at = self.now()
        self._append("finish", at=at)
        return at

    def close(self) -> None:
        self._journal.close()


@dataclass
class Resolved:
    outcome: Outcome
    reason: str
    at: str


@dataclass
class ApplyState:
    """What a plan's journal says was done (replayed from its lines)."""

    options: dict[str, Any] = field(default_factory=dict)  # the first run's (archive, comment)
    actor: str = ""
    runs: int = 0
    outcomes: dict[str, Resolved] = field(default_factory=dict)
    intents: dict[str, str] = field(default_factory=dict)  # id -> when
    archived: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> path, sha256
    comment_intents: set[str] = field(default_factory=set)
    commented: dict[str, str] = field(default_factory=dict)  # issue key -> comment id
    #: issue id -> its ``updated`` as Jira said after this plan's runs acted on it
    updated_after: dict[str, str] = field(default_factory=dict)
    comment_failed: dict[str, str] = field(default_factory=dict)  # issue key -> why
    finished_at: str = ""

    @classmethod
    def replay(cls, entries: list[dict[str, Any]]) -> ApplyState:
        state = cls()
        for entry in entries:
            kind = entry.get("k")
            if kind == "start":
                state.runs += 1
                if state.runs == 1:
                    state.options = {
                        k: v for k, v in entry.items() if k not in ("k", "at", "actor")
                    }
                    state.actor = str(entry.get("actor") or "")
            elif kind == "archived":
                state.archived[str(entry["id"])] = {
                    "path": str(entry.get("path") or ""),
                    "sha256": str(entry.get("sha256") or ""),
                }
            elif kind == "intent":
                state.intents[str(entry["id"])] = str(entry.get("at") or "")
            elif kind == "outcome":
                try:
                    outcome = Outcome(entry.get("outcome"))
                except ValueError:
                    continue
                state.outcomes[str(entry["id"])] = Resolved(
                    outcome, str(entry.get("reason") or ""), str(entry.get("at") or "")
                )
            elif kind == "comment_intent":
                state.comment_intents.add(str(entry["issue"]))
            elif kind == "commented":
                state.commented[str(entry["issue"])] = str(entry.get("comment") or "")
            elif kind == "comment_failed":
                state.comment_failed[str(entry["issue"])] = str(entry.get("reason") or "")
            elif kind == "updated":
                state.updated_after[str(entry["issue"])] = str(entry.get("updated") or "")
            elif kind == "finish":
                state.finished_at = str(entry.get("at") or "")
        return state

    @property
    def started(self) -> bool:
        return self.runs > 0

    def pending(self, plan: Plan) -> list[PlannedDeletion]:
        return [d for d in plan.deletions if d.attachment_id not in self.outcomes]

    def uncertain(self) -> set[str]:
        """Ids whose DELETE may have been sent, with no answer on record."""
        return set(self.intents) - set(self.outcomes)

    def outcome_of(self, attachment_id: str) -> Outcome:
        resolved = self.outcomes.get(attachment_id)
        if resolved is not None:
            return resolved.outcome
        return Outcome.UNCONFIRMED if attachment_id in self.intents else Outcome.PLANNED


@dataclass
class RestoreState:
    intents: dict[str, list[str]] = field(default_factory=dict)  # id -> the issue's ids before
    restored: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> new id, at, how

    @classmethod
    def replay(cls, entries: list[dict[str, Any]]) -> RestoreState:
        state = cls()
        for entry in entries:
            if entry.get("k") == "upload_intent":
                state.intents[str(entry["id"])] = [str(x) for x in entry.get("before") or []]
            elif entry.get("k") == "restored":
                state.restored[str(entry["id"])] = {
                    "new_id": str(entry.get("new_id") or ""),
                    "at": str(entry.get("at") or ""),
                    "site": str(entry.get("site") or ""),
                    "how": str(entry.get("how") or ""),
                }
        return state


class RestoreJournal:
    def __init__(self, journal: Journal, clock: Clock | None = None) -> None:
        self._journal = journal
        self._clock = clock

    def intent(self, attachment_id: str, before: list[str]) -> None:
        """Before the upload: the ids the issue had, to tell our upload from others later."""
        self._journal.append(
            "upload_intent", id=attachment_id, before=before, at=stamp(self._clock)
        )

    def restored(self, attachment_id: str, new_id: str, site: str, how: str = "uploaded") -> None:
        self._journal.append(
            "restored", id=attachment_id, new_id=new_id, site=site, how=how, at=stamp(self._clock)
        )

    def close(self) -> None:
        self._journal.close()


class AuditLog:
    """Every plan's journal in the store, and the restores."""

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self.plans = PlanStore(store)
        self._clock = clock

    def _path(self, plan_id: str) -> Path:
        return self.plans.plan_dir(plan_id) / AUDIT_FILE

    def open(self, plan_id: str) -> AuditJournal:
        try:
            return AuditJournal(Journal(self._path(plan_id)), self._clock)
        except JournalBusyError:
            raise StoreError(
                f"Plan {plan_id} is being applied right now (in another window or process); "
                "let it finish, or cancel it there first."
            ) from None

    def state(self, plan_id: str) -> ApplyState:
        return ApplyState.replay(list(read_journal(self._path(plan_id))))

    # -- restores -------------------------------------------------------------------------------
    def restore_name(self, manifest: str | Path) -> str:
        """The restore journal's name for a manifest (a local path, resolved, or a URL)."""
        where = str(manifest) if "://" in str(manifest) else str(Path(manifest).resolve())
        return hashlib.sha256(where.encode()).hexdigest()[:16]

    def _restore_path(self, name: str) -> Path:
        return self.store.data_dir / RESTORES_DIR / f"{name}.jsonl"

    def open_restore(self, name: str) -> RestoreJournal:
        try:
            return RestoreJournal(Journal(self._restore_path(name)), self._clock)
        except JournalBusyError:
            raise StoreError(
                "This archive is being restored right now (in another process); let it finish."
            ) from None

    def restore_state(self, name: str) -> RestoreState:
        return RestoreState.replay(list(read_journal(self._restore_path(name))))

    def restored(self) -> dict[tuple[str, str], str]:
        """``(site, original id) -> id of the re-uploaded copy``, over every restore."""
        out: dict[tuple[str, str], str] = {}
        folder = self.store.data_dir / RESTORES_DIR
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else ():
            state = RestoreState.replay(list(read_journal(path)))
            for aid, done in state.restored.items():
                out[(done["site"], aid)] = done["new_id"]
        return out

    def stamp(self) -> tuple[tuple[str, int, int], ...]:
        """What changes when a cleanup's or a restore's journal is written, by any aa-tui:
        each journal's path, size and modification time (no journal read)."""
        folder = self.store.data_dir / RESTORES_DIR
        out = []
        for path in sorted([*self.plans.root.glob(f"*/{AUDIT_FILE}"), *folder.glob("*.jsonl")]):
            try:
                stat = path.stat()
            except OSError:  # (deleted meanwhile)
                continue
            out.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(out)

    # -- reading it all -------------------------------------------------------------------------
    def entries(self, *, include_skipped: bool = False) -> list[AuditEntry]:
        """Every file a cleanup removed (deleted, already gone, or unconfirmed after a crash),
        oldest first; ``include_skipped`` adds the files left alone for safety."""
        restored = self.restored()
        out: list[AuditEntry] = []
        for row in self.plans.rows():
            state = self.state(row.id)
            if not state.outcomes and not state.intents:
                continue
            plan = self.plans.load(row.id)
            for d in plan.deletions:
                outcome = state.outcome_of(d.attachment_id)
                if outcome is Outcome.PLANNED:
                    continue
                if outcome is Outcome.SKIPPED and not include_skipped:
                    continue
                resolved = state.outcomes.get(d.attachment_id)
                out.append(
                    AuditEntry(
                        at=resolved.at if resolved else state.intents.get(d.attachment_id, ""),
                        site=plan.site,
                        plan_id=plan.id,
                        scan_id=plan.scan_id,
                        actor=state.actor or plan.email,
                        attachment_id=d.attachment_id,
                        issue_key=d.issue_key,
                        project_key=d.project_key,
                        file_name=d.file_name,
                        size=d.size,
                        # an only copy's SHA-256 may be known only from its archived bytes
                        sha256=d.sha256
                        or state.archived.get(d.attachment_id, {}).get("sha256", ""),
                        keep_id=d.keep_id,
                        keep_issue_key=d.keep_issue_key,
                        outcome=outcome,
                        reason=resolved.reason if resolved else "",
                        archive=state.archived.get(d.attachment_id, {}).get("path", ""),
                        restored_as=restored.get((plan.site, d.attachment_id), ""),
                    )
                )
        out.sort(key=lambda e: (e.at, e.plan_id, e.attachment_id))
        return out

    def removed(self, site: str) -> dict[str, Resolved]:
        """Ids gone from ``site`` by every cleanup of this store: deleted or found gone."""
        out: dict[str, Resolved] = {}
        for row in self.plans.rows(site=site):
            state = self.state(row.id)
            for aid, resolved in state.outcomes.items():
                if resolved.outcome.removed:
                    out[aid] = resolved
        return out
