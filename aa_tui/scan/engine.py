"""The scan engine: enumerate, fetch details, stage-hash, aggregate, save. No UI imports.

Runs in the calling thread (the CLI's main thread or a TUI thread worker) and uses a pool of
threads for requests; every request goes through the client's one rate governor. Progress goes
to ``listener`` as :class:`ScanProgress` events; ``client.cancel`` stops it between batches and
leaves it resumable.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, wait
from datetime import datetime
from itertools import filterfalse
from typing import Any

from aa_tui.analysis.insights import unreadable_rows
from aa_tui.jira.errors import JiraError, QueryRejected
from aa_tui.jira.jql import build_scan_jql
from aa_tui.jira.protocol import JiraSite, Operation, ServerInfo
from aa_tui.logs import redact
from aa_tui.memory import gc_paused, return_large_blocks
from aa_tui.model.dates import stamp, utc_now
from aa_tui.model.enums import Phase, ScanStatus
from aa_tui.model.errors import Cancelled
from aa_tui.model.events import RecentRate, ScanProgress
from aa_tui.model.records import AttachmentRecord, DuplicateGroup
from aa_tui.model.scans import ScanInfo
from aa_tui.scan.checkpoint import Checkpoint, SerialJournal
from aa_tui.scan.details import DetailCalls, drop_unlisted, listed_anew
from aa_tui.scan.early_heads import EarlyHeads
from aa_tui.scan.emitter import ProgressEmitter
from aa_tui.scan.kept import KeptAsListed
from aa_tui.scan.layering import LayerPlan, plan_layer, save_layer, save_whole
from aa_tui.scan.listing import EarlyListing, RangeListing, begin_listing, id_pages_of, range_cuts
from aa_tui.scan.opening import open_scan
from aa_tui.scan.own_updates import own_updates
from aa_tui.scan.preflight import (
    SignInChecks,
    approximate_count,
    listing_warnings,
    visible_projects,
)
from aa_tui.scan.read_progress import count_into, make_hasher, run_counters
from aa_tui.scan.request import ScanOutcome, ScanRequest
from aa_tui.scan.rescan import (
    Base,
    EarlyRescan,
    Reuse,
    after_listing,
    begin_rescan,
    changed_ahead,
    changed_since,
    save_basis,
    start_from_base,
)
from aa_tui.scan.save_files import save_files
from aa_tui.scan.shared_texts import share_texts
from aa_tui.scan.since_base import Since, breakdown, likely_groups, since_base
from aa_tui.scan.spliced import groups_as_saved
from aa_tui.scan.staged import StagedHasher
from aa_tui.scan.summarize import build_summary, site_facts
from aa_tui.store.store import Store

log = logging.getLogger(__name__)


class ScanEngine:
    def __init__(
        self,
        client: JiraSite,
        store: Store,
        request: ScanRequest,
        *,
        listener: Callable[[ScanProgress], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        on_opened: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.request = request
        self.listener = listener or (lambda event: None)
        self.clock = clock or utc_now
        #: told the scan's id once its journal is locked: from then on the scan is this engine's
        self.on_opened = on_opened or (lambda scan_id: None)
        self.jql = build_scan_jql(request.scope.projects, request.scope.jql)
        self._emit = ProgressEmitter(client, self.listener)
        self._hasher: StagedHasher | None = None
        self._server_info: ServerInfo | None = None
        self._early: EarlyListing | RangeListing | None = None  # begun beside the checks
        self._early_rescan: EarlyRescan | None = None
        self._carried: dict[str, Any] = {}  # counters of earlier runs of a resumed scan
        self._fresh = False  # a new scan, not a resumed one
        self._base: Base | None = None
        self._reuse: Reuse | None = None
        self._listed: list[str] = []  # the scope's listing, and those whose details did not come
        self._unread: set[str] = set()
        self._layer: LayerPlan | None = None  # a rescan's, once its listing ended
        self._since: Since | None = None  # what it differs by from its base, then
        self.warnings: list[str] = []
        self._own_updates = own_updates(store, client.site)  # cleanups' updates, not people's

    # -- the scan -------------------------------------------------------------------------------
    def run(self) -> ScanOutcome:
        try:
            return self._run()
        finally:  # however the scan ended: bases let go, nothing frozen, no listing paging on
            if self._early_rescan is not None:
                self._early_rescan.stop()
            if self._base is not None:
                self._base.stop()
            if self._early is not None:
                self._early.close()

    def _run(self) -> ScanOutcome:
        request = self.request
        run_started = time.monotonic()  # its sign-in and early listings count too
        return_large_blocks()  # the answers' memory goes back once parsed: see memory
        self._emit(force=True, phase=Phase.CONNECTING, message=f"Signing in to {self.client.site}")
        resumed = request.resume or bool(request.resume_id)
        checks = SignInChecks(self.client)
        try:  # (a rescan's listings begin now too)
            if not (resumed or request.full):
                like = (request.scope, request.verify, request.email)
                self._early_rescan = begin_rescan(
                    self.client, self.store, like, self.jql, self.clock()
                )
            if self._early_rescan is not None:
                self._early = self._early_rescan.listing
            else:
                self._early = begin_listing(self.client, self.jql, request.scope.projects, resumed)
            identity, self._server_info, warning = checks.result()
        finally:
            checks.close()
        self.warnings += [warning] if warning else []
        self._check_projects_visible()
        info, checkpoint, journal, self._fresh = open_scan(
            self.store, self.client.site, request, self.on_opened, self.warnings, self.clock
        )
        self._carried = dict(info.totals.get("carried") or {})
        log.info(
            "scan %s of %s (%s, verify %s)%s",
            info.id,
            info.site,
            info.scope.describe(),
            info.verify,
            " resumed" if checkpoint.done_issues or checkpoint.ids else "",
        )
        previous_duration = info.duration_s
        self._emit(force=True, message=f"Signed in as {identity.display_name}")
        details = DetailCalls(self.client, request.workers, self._own_updates)
        try:
            reused_hashes = sum(len(checkpoint.book.stage(s)) for s in ("head", "tail", "full"))
            fresh = self._fresh and not request.full
            early = self._early_rescan
            log_to = SerialJournal(journal)  # the listing and the early head reads append
            # the changed issues' details, asked for while the base is read back
            details.ahead(changed_ahead(early if fresh else None, checkpoint, log_to))
            self._base = start_from_base(
                self.store, info, checkpoint, journal, fresh, early, self.warnings,
                unusable=lambda scan_id: self._emit(unusable_base=scan_id),
            )  # fmt: skip
            self._reuse = Reuse(self._base.scan_id) if self._base else None
            book = checkpoint.book
            self._hasher = hasher = make_hasher(self.client, request, book, log_to, self._emit)
            records, issues = self._collect(log_to, checkpoint, hasher, details)
            found = hasher.find_groups(records) if hasher else None
            reuse = self._save_basis(info, checkpoint, records)
            # no collection while saving: each full one walked every record (and a rescan's
            # base) and found nothing (1.5-2.5 s of 16 at 1,000,000 issues)
            with gc_paused():
                groups = likely_groups(records, self._since) if found is None else found
                # saving measures no rate of its own: the last phase's must not linger
                self._emit(
                    force=True,
                    phase=Phase.SAVING,
                    groups=len(groups),
                    wasted=sum(g.wasted_size for g in groups),  # (it said 0 B while saving)
                    rate_per_s=0.0,
                    eta_s=None,
                    done=0,
                    total=0,
                )
                outcome = self._finish(
                    info, records, groups, issues, checkpoint, reuse, previous_duration, run_started
                )
            outcome.signed_in_as = f"{identity.display_name} <{identity.email}>"
            outcome.reused_issues = len(checkpoint.done_issues)
            outcome.reused_hashes = reused_hashes
        except Cancelled:
            self._fail(info, ScanStatus.CANCELLED, "Cancelled.", previous_duration, run_started)
            raise
        except JiraError as exc:
            info.resumable = not isinstance(exc, QueryRejected)  # it would be refused again
            self._fail(info, ScanStatus.FAILED, str(exc), previous_duration, run_started)
            raise
        except BaseException as exc:  # keep the scan resumable whatever happened
            failed = f"{type(exc).__name__}: {exc}"
            self._fail(info, ScanStatus.FAILED, failed, previous_duration, run_started)
            raise
        finally:
            details.close()
            journal.close()
        self.store.drop_journal(info.id)
        log.info("scan %s complete: %s", info.id, outcome.info.totals)
        self._emit(force=True, phase=Phase.DONE)
        return outcome

    def _check_projects_visible(self) -> None:
        scope = self.request.scope
        kept, warning = visible_projects(self.client, scope.projects, self.request.email)
        if warning:
            self.warnings.append(warning)
            self.jql = build_scan_jql(kept, scope.jql)

    def _fail(
        self, info: ScanInfo, status: ScanStatus, message: str, previous: float, started: float
    ) -> None:
        message = redact(message)
        log.warning("scan %s %s: %s", info.id, status, message)
        info.status = status
        info.message = message
        info.duration_s = previous + (time.monotonic() - started)
        info.totals = {"carried": self._counters()}
        self.store.save_scan(info)

    def _counters(self) -> dict[str, Any]:
        """Requests, retries, throttles and bytes read, over every run of this scan."""
        return run_counters(self.client.governor.stats, self._hasher, self._carried)

    # -- metadata: ids, then details in parallel ------------------------------------------------
    def _collect(
        self,
        journal: SerialJournal,
        checkpoint: Checkpoint,
        hasher: StagedHasher | None,
        details: DetailCalls,
    ) -> tuple[list[AttachmentRecord], int]:
        records = dict(checkpoint.records)
        done = set(checkpoint.done_issues)
        ids: list[str] = list(checkpoint.ids)
        prior = set(ids)  # listed by an earlier run of this scan
        not_visible = checkpoint.not_visible
        skipped = checkpoint.skipped
        notes: list[str] = list(checkpoint.notes)
        self._listed, self._unread = ids, set(checkpoint.unread)
        base, reuse = self._base, self._reuse
        if self._early is None and base is not None and not checkpoint.enumerated:
            self._early = begin_listing(self.client, self.jql, (), False, range_cuts(base.issues))
        changed = changed_since(
            self.client,
            self.jql,
            base,
            checkpoint,
            journal,
            notes,
            self.clock(),
            self._early_rescan,
        )
        expected: int | None = len(base.issues) if base else None  # a rescan: known at once
        total_size = sum(r.size for r in records.values())
        # one object per repeated text: the base's already are (its records need no sharing)
        texts: dict[str, str] = base.texts if base else {}
        # exact: a size seen twice has its heads read at once, beside the listing
        early = (
            EarlyHeads(hasher, self._content_apart, self.request.workers // 2) if hasher else None
        )
        for record in records.values():  # a resumed scan's, read back from its journal
            share_texts(record, texts)
            if early:
                early.saw(record)
        window = RecentRate()  # issues per second over the recent seconds, per phase

        def progress(phase: Phase, **changes: Any) -> None:
            count, total = len(done), max(len(ids), expected or 0)
            if reuse is not None:  # a rescan's listing counts issues; then only its fetches
                if listing:
                    phase = Phase.ENUMERATING
                else:
                    count, total = fetched, len(queued)
            rate, eta = window.update(phase, count, total, time.monotonic())
            read = sum(r.bytes_read for r in hasher.reports.values()) if hasher else 0
            self._emit(
                phase=phase,
                done=count,
                total=total,
                rate_per_s=rate,
                eta_s=eta,
                bytes_read=read,  # the early head reads'
                **changes,
            )

        self._emit(  # a resumed scan starts from what its earlier runs read
            force=True,
            phase=Phase.ENUMERATING,
            done=len(done),
            total=expected or len(ids),
            issues=len(done),
            files=len(records),
            total_size=total_size,
            rescan_of=base.scan_id if base else "",
        )

        def id_pages() -> Iterable[list[str]]:
            if checkpoint.enumerated:
                yield ids
                return
            for page in id_pages_of(self._early, self.client, self.jql, notes):
                page = base.own_ids(page) if base else page  # see Base.own_ids
                fresh = listed_anew(page, prior, unlisted, done, queued)
                ids.extend(fresh)
                journal.listed(fresh)
                yield page
            journal.end_listing(notes)

        # the listed issues the base read that did not change since: the base's files, taken
        # as the listing goes once the base's rows are read back (meanwhile)
        reused: list[str] = []
        taken = KeptAsListed(base, reused, texts, early.saw if early else None)
        pending = details.pending  # and the changed issues' calls, asked for already
        batch: list[str] = []
        queued: set[str] = set(details.early)
        unlisted = (done | queued) - prior  # read or asked for before any page held them

        listing = True  # id pages still come
        fetched = 0  # issues whose details came in this run

        def drain(block: bool) -> None:
            nonlocal not_visible, total_size, skipped, fetched
            if not pending:
                return
            finished, _ = wait(
                list(pending), timeout=None if block else 0, return_when=FIRST_COMPLETED
            )
            for future in finished:
                chunk = pending.pop(future)
                came, parsed, errors = future.result()
                missing = [i for i in chunk if i not in came]
                self._unread.update(missing)
                listed = {i: i for i in chunk}
                for record in parsed.records:
                    share_texts(record, texts, listed.get(record.issue_id))
                    if record.attachment_id not in records:
                        total_size += record.size
                        if early:
                            early.saw(record)
                    records[record.attachment_id] = record
                not_visible += errors
                skipped += len(parsed.skipped)
                for reason in parsed.skipped[:3]:
                    log.warning("attachment left out: %s", reason)
                journal.append(
                    "issues",
                    ids=chunk,
                    records=parsed.records,  # orjson writes a record as to_dict() would
                    not_visible=errors,
                    skipped=len(parsed.skipped),
                    missing=missing,
                )
                done.update(chunk)
                fetched += len(chunk)
                progress(
                    Phase.FETCHING, issues=len(done), files=len(records), total_size=total_size
                )

        threads = details.threads
        with details:
            # The count only feeds the progress total: ask for it beside the first id page.
            skip = checkpoint.enumerated or base
            count = None if skip else details.pool.submit(approximate_count, self.client, self.jql)
            try:
                for page in id_pages():
                    if count is not None and count.done():
                        expected, count = count.result(), None
                    for issue_id in page:
                        if issue_id in done or issue_id in queued:
                            continue
                        in_base = base is not None and base.unchanged(issue_id, changed)
                        if reuse is not None and in_base:
                            reused.append(issue_id)
                            done.add(issue_id)
                            reuse.reused_issues += 1
                            continue
                        queued.add(issue_id)
                        batch.append(issue_id)
                        if len(batch) == self.client.details_batch:
                            details.submit(batch)
                            batch = []
                    drain(block=False)
                    taken.take()
                    while len(pending) > threads * 2:
                        drain(block=True)
                    progress(Phase.ENUMERATING if not done else Phase.FETCHING)
                listing = False
                expected = len(ids)  # what the listing found: no longer the base's or an estimate
                if reuse is not None:  # (the base's count still stood: 931/992 when issues left)
                    self._emit(force=True, phase=Phase.ENUMERATING, done=len(done), total=len(ids))
                if batch:
                    details.submit(batch)
                while pending:
                    drain(block=True)
                kept = taken.all(self.client.cancel)
                if base is not None and reuse is not None:  # before it lets go of its records
                    # the base's issues not reused: gone, or fetched (no set of every reused one)
                    read_again = queued.union(checkpoint.done_issues).intersection(base.by_issue)
                    # (keys() - done built a set of every key first: 16 MB at 332,239
                    # issues, at the scan's peak)
                    left = read_again.union(filterfalse(done.__contains__, base.by_issue))
                    gone = [r for issue_id in left for r in base.kept(issue_id)]
                    self._layer = plan_layer(self.store, base, gone, len(kept))
                    self._since = since_base(self.store, self._layer, gone, base.near)
                    if self._early is not None and not self._early.fits():
                        base.next_cuts = None  # cut anew from the ids listed, as it saves
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
            finally:
                if early:
                    early.close()
        drop_unlisted(records, done, self._unread, unlisted)
        kept.extend(records.values())
        if base is not None and reuse is not None:  # said before the files are read
            total_size = taken.size + sum(r.size for r in records.values())
            line = after_listing(base, reuse, len(done))
            self._emit(force=True, rescan=line, files=len(kept), total_size=total_size)
        self.warnings.extend(listing_warnings(notes, skipped, not_visible, self.warnings))
        return kept, len(done)

    def _content_apart(self) -> bool:
        """Whether reading content spends a budget of its own (not the listing's)."""
        return self.client.budgets_apart(Operation.CONTENT_READS, Operation.DETAIL_FETCHES)

    # -- results --------------------------------------------------------------------------------
    def _save_basis(
        self, info: ScanInfo, checkpoint: Checkpoint, records: list[AttachmentRecord]
    ) -> Reuse | None:
        """Save what the next rescan starts from: the listing's ids are then let go, before
        the groups and tables are counted."""
        listed = [i for i in self._listed if i not in self._unread]
        self._listed = []
        return save_basis(self.store, info.id, listed, checkpoint.book, records, self._base)

    def _finish(
        self,
        info: ScanInfo,
        records: list[AttachmentRecord],
        groups: list[DuplicateGroup],
        issues: int,
        checkpoint: Checkpoint,
        reuse: Reuse | None,
        previous: float,
        started: float,
    ) -> ScanOutcome:
        unreadable = checkpoint.book.unreadable
        now = self.clock()
        self._emit(force=True)  # saving takes seconds at 1,000,000 issues: the time moves on
        since, self._since = self._since, None
        counted = breakdown(
            records, groups, since, now=now, issues_scanned=issues, unreadable=len(unreadable)
        )
        self._emit(force=True)
        unread = unreadable_rows(unreadable, records) if unreadable else []
        # before the summary (see save_results); ``records`` is emptied as they are written.
        # A rescan's files are a layer on its base's; its insights are counted when read.
        plan, self._layer = self._layer, None
        insights = None
        if plan is None or not save_layer(self.store, info.id, records, groups, plan, now):
            save_whole(self.store, info.id, groups, now)
            insights = save_files(self.store, info.id, records, groups, now)
        self._emit(force=True)
        if reuse is not None and self._reuse is not None:
            reuse.reused_issues = self._reuse.reused_issues
            reuse.reread_issues = issues - reuse.reused_issues
        totals = counted.totals
        count_into(totals, self._counters())
        info.status = ScanStatus.COMPLETE
        info.message = ""
        info.finished_at = stamp(self.clock)
        info.duration_s = previous + (time.monotonic() - started)
        summary = build_summary(info, counted, insights)
        summary["warnings"] = list(self.warnings)
        if reuse is not None:
            summary["rescan"] = reuse.to_dict()
        summary["scan"].update(site_facts(self._server_info, info.site))
        summary["unreadable"] = unread
        saved, group_layer = groups_as_saved(self.store, info.id, groups, since)
        # (streamed to disk; the attachments were written by save_files or save_layer)
        self.store.save_results(info.id, summary, saved, None, group_layer)
        info.totals = totals.to_dict()
        if reuse is not None:
            info.totals["rescan"] = reuse.to_dict()
        self.store.save_scan(info)
        line = reuse.line() if reuse is not None else ""
        self._emit(force=True, groups=len(groups), wasted=totals.duplicate_size, rescan=line)
        return ScanOutcome(info, summary, groups, warnings=list(self.warnings), rescan=reuse)
