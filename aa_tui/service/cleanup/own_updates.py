"""After a cleanup run: each issue the run deleted files from or commented on, with its
``updated`` as Jira says now (recorded so that a later scan does not count the cleanup's own
update as a person's: see :mod:`aa_tui.scan.own_updates`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aa_tui.jira.errors import JiraError
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.cleanup import Outcome, Plan
from aa_tui.store.audit import ApplyState, AuditJournal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActedOn:
    """What a plan's journal held when a run began: the files resolved, the issues commented
    (a run records only the issues it acted on itself: an issue an earlier run touched may
    have been changed by a person since)."""

    files: frozenset[str]
    comments: frozenset[str]

    @classmethod
    def of(cls, state: ApplyState) -> ActedOn:
        return cls(frozenset(state.outcomes), frozenset(state.commented))


def record_updated_after(
    plan: Plan, client: JiraSite, journal: AuditJournal, state: ApplyState, earlier: ActedOn
) -> int:
    """Read the ``updated`` of every issue this run deleted files from or commented on (a few
    issues a request) and record it; returns how many were recorded. A failed read is a
    warning in the log: those issues then count as updated, as Jira says."""
    commented = set(state.commented) - earlier.comments
    touched = sorted(
        {
            d.issue_id
            for d in plan.deletions
            if d.issue_id
            and (
                d.issue_key in commented
                or (
                    d.attachment_id not in earlier.files
                    and (r := state.outcomes.get(d.attachment_id)) is not None
                    and r.outcome is Outcome.DELETED
                )
            )
        }
    )
    recorded = 0
    batch = max(1, client.details_batch)
    for start in range(0, len(touched), batch):
        try:
            issues, _ = client.fetch_issues(touched[start : start + batch])
        except JiraError as exc:
            log.warning("could not read the updated time of issues this cleanup touched: %s", exc)
            return recorded
        for issue in issues:
            updated = str((issue.get("fields") or {}).get("updated") or "")
            if updated:
                journal.updated_after(str(issue.get("id")), updated)
                recorded += 1
    return recorded
