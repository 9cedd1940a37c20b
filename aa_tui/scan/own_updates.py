"""Issue updates that were aa-tui's own, not people's.

Deleting an attachment and commenting set an issue's ``updated`` in Jira. A scan after a
cleanup would then count the files left on every issue the cleanup touched as fresh: not
stale for another year, their project no longer idle, held back by the protection window,
though nobody touched them. A cleanup records each touched issue's ``updated`` as Jira says
once it is done with it (:meth:`~aa_tui.store.audit.AuditJournal.updated_after`); a scan that
finds that very value takes instead the ``updated`` that the cleanup's own scan saw before
(kept in its plan). Any later change moves ``updated`` on, and counts as Jira says. A restore's
uploads are not discounted (they put files back: the issue changed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aa_tui.model.cleanup import Outcome
from aa_tui.model.dates import epoch_ms
from aa_tui.model.records import AttachmentRecord
from aa_tui.store.audit import AuditLog
from aa_tui.store.store import Store, StoreError

#: issue id -> {its ``updated`` after a cleanup (Unix ms): its ``updated`` before it}
OwnUpdates = dict[str, dict[int, str]]


def own_updates(store: Store, site: str) -> OwnUpdates:
    """The updates that cleanups of ``site`` recorded in ``store`` made themselves, by issue
    id: the ``updated`` Jira said after each, and the issue's ``updated`` before it."""
    audit = AuditLog(store)
    out: OwnUpdates = {}
    for row in audit.plans.rows(site=site):
        state = audit.state(row.id)
        if not state.updated_after:
            continue
        try:
            plan = audit.plans.load(row.id)
        except StoreError:
            continue  # a damaged plan: its issues count as Jira says
        before = {
            d.issue_id: d.issue_updated
            for d in plan.deletions
            if d.issue_updated
            and (r := state.outcomes.get(d.attachment_id)) is not None
            and r.outcome is Outcome.DELETED
        }
        for issue_id, after in state.updated_after.items():
            when = epoch_ms(after)
            if issue_id in before and when is not None:
                out.setdefault(issue_id, {})[when] = before[issue_id]
    return out


def discounted(records: Iterable[AttachmentRecord], updates: OwnUpdates) -> list[AttachmentRecord]:
    """``records`` with each ``issue_updated`` that a cleanup's own actions set replaced by
    the issue's ``updated`` before them."""
    out = []
    for record in records:
        known = updates.get(record.issue_id)
        if known:
            when = epoch_ms(record.issue_updated)
            if when in known:
                record = replace(record, issue_updated=known[when])
        out.append(record)
    return out
