"""Cleanup for both faces: plan -> review -> apply (archive, delete, comment) -> audit, restore.

The one way in is :class:`Cleanup` (``Workspace.cleanup()``)::

    cleanup = workspace.cleanup()
    plan = cleanup.plan(scan_id, PlanFilters(keep="oldest", projects=("OPS",), limit=100))
    cleanup.save(plan)                         # in the store: index row + plan file
    review = cleanup.review(plan)              # totals per project, per group, kept copy beside
    run = cleanup.apply(plan, token, ApplyOptions(archive=Path("arch"), comment=True),
                        listener=on_progress)  # CleanupProgress events, in run()'s thread
    outcome = run.run()                        # any thread; run.cancel() from any other
    cleanup.audit()                            # every deletion ever made from this store
    cleanup.removed(scan_id)                   # the scan's files that are gone, bytes freed

Modules behind it: :mod:`~aa_tui.service.cleanup.plan` (choosing copies, no network),
:mod:`~aa_tui.service.cleanup.apply` (the run), :mod:`~aa_tui.service.cleanup.schedule` (writes
issue by issue), :mod:`~aa_tui.service.cleanup.archive` (bytes and manifest),
:mod:`~aa_tui.service.cleanup.comments` (ADF), :mod:`~aa_tui.service.cleanup.restore` (re-upload);
:mod:`aa_tui.store.plans` and :mod:`aa_tui.store.audit` keep plans and the write-ahead audit;
The Jira site (:class:`aa_tui.jira.protocol.JiraSite`) makes the calls, through its governed
transport.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from aa_tui.jira.errors import QueryRejected
from aa_tui.jira.protocol import JiraSite
from aa_tui.model import group_rows
from aa_tui.model.cleanup import (
    AuditEntry,
    CleanupProgress,
    Outcome,
    Plan,
    PlanFilters,
    PlannedDeletion,
    ProjectTotal,
    ProofKind,
    project_totals,
)
from aa_tui.model.dates import stamp
from aa_tui.model.enums import VerifyMode
from aa_tui.model.file_table import AID, HASH, SIZE
from aa_tui.model.summary import Cleaned
from aa_tui.service.cleanup.apply import ApplyOptions, CleanupRun
from aa_tui.service.cleanup.duplicates import worth_proving
from aa_tui.service.cleanup.export import plan_document
from aa_tui.service.cleanup.marked import RECENT_DAYS, Marked
from aa_tui.service.cleanup.plan import make_plan
from aa_tui.service.cleanup.policy import CleanupPolicy
from aa_tui.service.cleanup.prove import prove_groups
from aa_tui.service.cleanup.recheck import Recheck, recheck_plan
from aa_tui.service.cleanup.registry import policy_named
from aa_tui.service.cleanup.remembered import keeping_archive
from aa_tui.service.cleanup.restore import (
    RestorePlan,
    RestoreRun,
    RestoreScope,
    read_restore_plan,
)
from aa_tui.service.errors import InputError
from aa_tui.service.insights import scan_table
from aa_tui.service.wording import JQL, SCAN_LIST
from aa_tui.store.audit import ApplyState, AuditLog
from aa_tui.store.errors import StoreError
from aa_tui.store.plans import PlanRow, PlanStore, new_plan_id
from aa_tui.store.store import Store

__all__ = ["NOTHING_REMOVED", "Cleanup", "GroupReview", "PlanReview", "Removed"]

Connect = Callable[[str, str, str], JiraSite]  # (site, email, token) -> a client


@dataclass(frozen=True)
class GroupReview:
    """One group of a plan: what goes, and the copy that stays beside it (redundant copies;
    an only copy is a group of its own, with no kept copy: ``keep_*`` are empty)."""

    group_hash: str  # the group's key (``Plan.by_group``)
    size: int
    keep_id: str
    keep_issue_key: str
    keep_file_name: str
    removed: tuple[PlannedDeletion, ...]
    kind: ProofKind = ProofKind.REDUNDANT_COPY
    #: the group's name as the list of duplicate groups shows it (its oldest copy's)
    name: str = ""

    @property
    def freed(self) -> int:
        return self.size * len(self.removed)


@dataclass(frozen=True)
class PlanReview:
    """What a review screen (or the dry run) shows before anything changes."""

    plan: Plan
    projects: tuple[ProjectTotal, ...]
    groups: tuple[GroupReview, ...]
    pending: tuple[PlannedDeletion, ...]  # what applying would still do (all, if never run)
    state: ApplyState

    @property
    def files(self) -> int:
        return len(self.pending)

    @property
    def size(self) -> int:
        return sum(d.size for d in self.pending)

    @property
    def groups_left(self) -> tuple[GroupReview, ...]:
        """The groups with a file still to remove (every group, if the plan never ran)."""
        left = {d.attachment_id for d in self.pending}
        return tuple(g for g in self.groups if any(d.attachment_id in left for d in g.removed))


@dataclass(frozen=True)
class Removed:
    """The files of a scan that cleanups removed (deleted, or found gone) from its site and
    that no restore has put back: what every figure *after cleanup* is net of."""

    ids: frozenset[str]
    deleted: frozenset[str]  # by aa-tui (the rest were gone already)
    freed: int  # bytes aa-tui deleted among this scan's files
    #: duplicate group hash -> how many of its copies are among ``ids``
    by_group: Mapping[str, int] = field(default_factory=dict)
    #: removed once, then uploaded again by a restore (back on the site, with a new id)
    restored: frozenset[str] = frozenset()

    @property
    def files(self) -> int:
        return len(self.ids)

    def cleaned(self) -> Cleaned | None:
        """What a summary after cleanup says it is net of (None: nothing is removed)."""
        return Cleaned(self.files, self.freed) if self.ids else None

    def section(self) -> dict[str, Any] | None:
        """The report's additive ``cleanup`` object (``None`` when nothing was removed)."""
        if not self.ids:
            return None
        return {
            "removed_files": self.files,
            "deleted_files": len(self.deleted),
            "freed_size": self.freed,
            "removed": sorted(self.ids, key=lambda a: (len(a), a)),
        }


NOTHING_REMOVED = Removed(frozenset(), frozenset(), 0)


class Cleanup:
    """Plans, runs, audit and restores of one store (``Workspace.cleanup()``)."""

    def __init__(
        self,
        store: Store,
        connect: Connect,
        *,
        clock: Callable[[], datetime] | None = None,
        remember_archive: Callable[[str, str], None] | None = None,
    ) -> None:
        self._store = store
        self._connect = connect
        self._clock = clock
        #: told (site, destination) once a run's archive is prepared: offered next time
        self._remember_archive = remember_archive
        self._plans = PlanStore(store)
        self._audit = AuditLog(store, clock)

    # -- plans ----------------------------------------------------------------------------------
    def plan(
        self,
        scan_id: str,
        filters: PlanFilters | None = None,
        policy: CleanupPolicy | str | None = None,
    ) -> Plan:
        """A new plan from a stored scan (not saved yet) by ``policy`` (a policy or its name,
        :data:`~.registry.POLICY_NAMES`; default: duplicates); files already removed are left
        out. A JQL filter needs its issues resolved first (:meth:`with_jql`)."""
        if isinstance(policy, str):
            policy = policy_named(policy)
        info = self._store.get_scan(scan_id)
        if info is None:
            raise InputError(f"No scan {scan_id!r} in the store (see ", SCAN_LIST, ").")
        if not self._store.has_results(scan_id):
            raise InputError(f"Scan {scan_id} did not finish ({info.status}): nothing to clean.")
        results = self._store.results(scan_id)
        site = results.summary().scan.site or info.site
        removed = self._audit.removed(site)
        restored = frozenset(aid for where, aid in self._audit.restored() if where == site)
        if isinstance(policy, Marked):
            policy.restored = restored
        return make_plan(
            results,
            filters or PlanFilters(),
            plan_id=new_plan_id(),
            email=info.email,
            removed=removed,
            restored=restored,
            now=self._clock,
            policy=policy,
        )

    def marked(self, recent_days: int = RECENT_DAYS) -> Marked:
        """The app's policy: the files a person marked, each with its strongest proof; its
        notes count those on issues updated within ``recent_days`` of the scan."""
        return Marked(now=self._clock() if self._clock else None, recent_days=recent_days)

    def prove_and_plan(
        self,
        scan_id: str,
        filters: PlanFilters | None,
        token: str,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        stopping: Callable[[], bool] = lambda: False,
    ) -> Plan:
        """A plan from a metadata scan: its likely groups that the filters may touch are read
        in full (every copy) and regrouped by SHA-256 first (:mod:`~.prove`); an exact
        scan is planned as :meth:`plan` does, reading nothing."""
        filters = filters or PlanFilters()
        info = self._store.get_scan(scan_id)
        if info is None or not self._store.has_results(scan_id):
            return self.plan(scan_id, filters)  # says what is wrong
        results = self._store.results(scan_id)
        if results.summary().scan.verify is not VerifyMode.METADATA:
            return self.plan(scan_id, filters)
        site = results.summary().scan.site or info.site
        removed = self._audit.removed(site)
        candidates = [g for g in results.groups() if worth_proving(g, filters, removed)]
        client = self._connect(site, info.email, token)
        try:
            proven, stats = prove_groups(
                candidates, client.read_content, on_progress=on_progress, stopping=stopping
            )
        finally:
            client.close()
        note = (
            f"{len(candidates):,} likely groups proven by reading all {stats['files']:,} "
            f"copies in full; {stats['split']:,} of them held different files"
        )
        if stats["unreadable"]:
            note += f", {stats['unreadable']:,} copies could not be read"
        return make_plan(
            results,
            filters,
            plan_id=new_plan_id(),
            email=info.email,
            removed=removed,
            now=self._clock,
            groups=proven,
            notes=[note + "."],
        )

    def with_jql(self, scan_id: str, filters: PlanFilters, token: str) -> PlanFilters:
        """``filters`` with the ids of the issues its JQL matches on Jira now (the plan keeps
        them: applying it later asks nothing again); a JQL Jira refuses is one sentence."""
        if not filters.jql.strip():
            return filters
        info = self._store.get_scan(scan_id)
        if info is None:
            raise InputError(f"No scan {scan_id!r} in the store (see ", SCAN_LIST, ").")
        client = self._connect(info.site, info.email, token)
        try:
            ids = [i for page in client.iter_issue_id_pages(filters.jql.strip()) for i in page]
        except QueryRejected as exc:
            raise InputError(JQL, f": {exc}") from None
        finally:
            client.close()
        return replace(filters, jql=filters.jql.strip(), issue_ids=tuple(ids))

    def save(self, plan: Plan) -> Plan:
        self._plans.save(plan)
        return plan

    def load(self, plan_id: str) -> Plan:
        return self._plans.load(plan_id)

    def plans(self, scan_id: str | None = None) -> list[PlanRow]:
        """Newest first."""
        return self._plans.rows(scan_id)

    def unfinished(self, scan_id: str) -> PlanRow | None:
        """The newest plan of this scan that was applied and did not finish."""
        return next((row for row in self._plans.rows(scan_id) if row.unfinished), None)

    def interrupted_on_site(self, site: str) -> PlanRow | None:
        """The newest plan of any scan of ``site`` that was applied and did not finish."""
        return next((r for r in self._plans.rows() if r.unfinished and r.site == site), None)

    def planned(self, scan_id: str) -> dict[str, int]:
        """The scan's files that a confirmed plan still deletes (id -> size): one applied
        (``--yes``, the app's typed confirmation) and not finished. A plan only saved (every
        dry run saves one; a review not confirmed) is a preview: it plans nothing yet."""
        out: dict[str, int] = {}
        for row in self._plans.rows(scan_id):
            if not row.unfinished:
                continue
            plan = self._plans.load(row.id)
            for d in self._audit.state(plan.id).pending(plan):
                out[d.attachment_id] = d.size
        return out

    def state(self, plan: Plan) -> ApplyState:
        return self._audit.state(plan.id)

    def review(self, plan: Plan) -> PlanReview:
        state = self._audit.state(plan.id)
        pending = state.pending(plan)
        names = self._group_names(plan)
        groups = []
        for digest, removed in plan.by_group():
            first = removed[0]
            groups.append(
                GroupReview(
                    digest,
                    first.size,
                    first.keep_id,
                    first.keep_issue_key,
                    first.keep_file_name,
                    tuple(removed),
                    first.proof.kind,
                    names.get(digest) or first.keep_file_name or first.file_name,
                )
            )
        return PlanReview(
            plan, tuple(project_totals(pending)), tuple(groups), tuple(pending), state
        )

    def _group_names(self, plan: Plan) -> dict[str, str]:
        """The names the scan's list gives the plan's groups (none if the scan is gone)."""
        wanted = {digest for digest, _ in plan.by_group()}
        if not wanted or not self._store.has_results(plan.scan_id):
            return {}
        try:
            rows = self._store.results(plan.scan_id).group_table().rows
        except StoreError:
            return {}
        key, name = group_rows.HASH, group_rows.NAME
        return {str(r[key]): str(r[name]) for r in rows if r[key] in wanted}

    def recheck(
        self,
        plan: Plan,
        token: str,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Recheck:
        """Ask Jira whether each planned file and each kept copy are still there with their
        size (nothing written): the app re-checks a past scan's plan before applying it."""
        return recheck_plan(
            plan,
            lambda: self._connect(plan.site, plan.email, token),
            progress=progress,
            cancelled=cancelled,
        )

    # -- applying -------------------------------------------------------------------------------
    def apply(
        self,
        plan: Plan,
        token: str,
        options: ApplyOptions | None = None,
        *,
        resume: bool = False,
        listener: Callable[[CleanupProgress], None] | None = None,
    ) -> CleanupRun:
        """A run of ``plan`` ready for :meth:`CleanupRun.run` (saved first if it was not)."""
        row = self._plans.row(plan.id)
        if row is None:
            self._plans.save(plan)
        if row is None or row.status == "saved":
            # Counted as being applied from now: a kill before the first write leaves a plan
            # that --resume finds (a refusal before any write makes it "saved" again).
            self._plans.mark(plan.id, status="applying", started_at=stamp(self._clock))
        return CleanupRun(
            self._store,
            plan,
            lambda: self._connect(plan.site, plan.email, token),
            options,
            resume=resume,
            listener=keeping_archive(plan.site, options, listener, self._remember_archive),
            clock=self._clock,
        )

    # -- after ----------------------------------------------------------------------------------
    def audit(self, *, include_skipped: bool = False) -> list[AuditEntry]:
        return self._audit.entries(include_skipped=include_skipped)

    def audit_stamp(self) -> tuple[tuple[str, int, int], ...]:
        """Changes when the audit may have (another aa-tui's cleanup or restore too)."""
        return self._audit.stamp()

    def document(self, plan: Plan) -> dict[str, Any]:
        """The plan and what became of each file so far, as ``clean --json`` writes it."""
        return plan_document(plan, self._audit.state(plan.id))

    def removed(self, scan_id: str) -> Removed:
        """Which of the scan's files are gone from its site (restored ones are back), the
        bytes aa-tui freed among them, and how many copies each group lost."""
        if not self._store.has_results(scan_id):
            return NOTHING_REMOVED
        results = self._store.results(scan_id)
        site = results.summary().scan.site or (self._store.get_scan(scan_id) or _NoScan).site
        gone = self._audit.removed(site)
        if not gone:
            return NOTHING_REMOVED
        back = {aid for where, aid in self._audit.restored() if where == site}
        ids: set[str] = set()
        deleted: set[str] = set()
        restored: set[str] = set()
        by_group: dict[str, int] = {}
        freed = 0
        for row in scan_table(results).rows:
            resolved = gone.get(row[AID])
            if resolved is None:
                continue
            if row[AID] in back:
                restored.add(row[AID])
                continue
            ids.add(row[AID])
            if row[HASH]:
                by_group[row[HASH]] = by_group.get(row[HASH], 0) + 1
            if resolved.outcome is Outcome.DELETED:
                deleted.add(row[AID])
                freed += row[SIZE]
        return Removed(frozenset(ids), frozenset(deleted), freed, by_group, frozenset(restored))

    def cleaned_scans(self) -> dict[str, Cleaned]:
        """Scan id -> what the cleanups planned from it removed and freed, net of restores
        (scans never cleaned are absent): History's and ``aa-tui scans``' column."""
        rows = [r for r in self._plans.rows() if r.status != "saved"]
        if not rows:
            return {}
        back = set(self._audit.restored())
        files: dict[str, int] = {}
        freed: dict[str, int] = {}
        for row in rows:
            state = self._audit.state(row.id)
            if not state.outcomes:
                continue
            for d in self._plans.load(row.id).deletions:
                resolved = state.outcomes.get(d.attachment_id)
                if resolved is None or not resolved.outcome.removed:
                    continue
                if (row.site, d.attachment_id) in back:
                    continue
                files[row.scan_id] = files.get(row.scan_id, 0) + 1
                if resolved.outcome is Outcome.DELETED:
                    freed[row.scan_id] = freed.get(row.scan_id, 0) + d.size
        return {scan: Cleaned(n, freed.get(scan, 0)) for scan, n in files.items()}

    # -- restore --------------------------------------------------------------------------------
    def restore_plan(self, manifest: str | Path, scope: RestoreScope | None = None) -> RestorePlan:
        """What restoring ``manifest`` (an archive's manifest file, its folder, or
        ``s3://bucket/prefix``) would upload, narrowed by ``scope`` (archived files checked,
        nothing sent)."""
        return read_restore_plan(manifest, self._audit, self._plans, scope)

    def audit_restore_plan(self, plan_id: str, scope: RestoreScope) -> RestorePlan:
        """A restore of what plan ``plan_id`` removed (narrowed by ``scope``), from the
        archive that plan's run recorded; a plan applied without one cannot be restored."""
        archive = str(self._audit.state(plan_id).options.get("archive") or "")
        if not archive:
            raise InputError(
                f"Plan {plan_id} was applied without an archive: its files have no copy to "
                "put back (a removed duplicate's kept copy is still on Jira)."
            )
        return read_restore_plan(archive, self._audit, self._plans, replace(scope, plan=plan_id))

    def restore(
        self,
        plan: RestorePlan,
        token: str,
        *,
        listener: Callable[[CleanupProgress], None] | None = None,
        workers: int = 4,
    ) -> RestoreRun:
        return RestoreRun(
            plan,
            self._audit,
            lambda: self._connect(plan.site, plan.email, token),
            listener=listener,
            workers=workers,
        )


class _NoScan:
    site = ""
