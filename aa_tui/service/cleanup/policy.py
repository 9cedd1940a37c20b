"""What a cleanup policy is: it selects files from a stored scan, each with its proof.

A policy (:class:`CleanupPolicy`) reads a finished scan and the filters and returns a
:class:`Selection`: the files to remove, each a :class:`~aa_tui.model.cleanup.PlannedDeletion`
whose ``proof`` is a :class:`~aa_tui.model.cleanup.RedundantCopy` (equal bytes stay in a kept
copy) or an :class:`~aa_tui.model.cleanup.OnlyCopy` (no copy stays). The proof decides the safety
rules, not the policy: :func:`~.plan.check_plan` checks each proof's rules on every plan, and the
apply engine (:mod:`.remove`) re-checks the kept copy of a redundant copy and archives and
verifies an only copy before its DELETE. A policy states the kinds of proof it gives
(``proofs``); a plan holding another kind is refused.

Duplicates (:mod:`.duplicates`) is the first policy. A new one is one module: a class with
``name``, ``proofs``, ``admit`` and ``select``, passed to ``Cleanup.plan(..., policy=...)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aa_tui.model.cleanup import PlanFilters, PlannedDeletion, Proof, ProofKind, RedundantCopy
from aa_tui.store.results import ScanResults


@dataclass
class Selection:
    """What a policy chose, in the plan's order."""

    deletions: list[PlannedDeletion]
    notes: list[str] = field(default_factory=list)  # what was left out, and why
    #: the byte-proven groups its redundant copies were chosen from (the report's groups):
    #: check_plan checks each redundant copy against them
    groups: list[dict[str, Any]] = field(default_factory=list)


class CleanupPolicy(Protocol):
    """Selects files to remove from a stored scan (no network, nothing written)."""

    #: saved with the plan (``Plan.policy``)
    name: str
    #: the kinds of proof its deletions carry
    proofs: frozenset[ProofKind]

    def admit(self, results: ScanResults) -> None:
        """Raise ``InputError`` when this scan cannot be planned by the policy."""
        ...

    def select(self, results: ScanResults, filters: PlanFilters, removed: set[str]) -> Selection:
        """The files to remove; ``removed``: ids gone from the site already (never chosen,
        never counted as a kept copy)."""
        ...


def scan_records(results: ScanResults, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The scan's attachment records of ``ids`` (issue id, uploader's account id, type)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {
        str(r.get("attachment_id")): r
        for r in results.attachments()
        if str(r.get("attachment_id")) in wanted
    }


def planned(
    loc: dict[str, Any], record: dict[str, Any], size: int, mime_type: str, proof: Proof
) -> PlannedDeletion:
    """A deletion of the file at report location ``loc`` (its scan ``record`` fills in what
    the report leaves out)."""
    return PlannedDeletion(
        attachment_id=str(loc["attachment_id"]),
        issue_id=str(record.get("issue_id") or ""),
        issue_key=str(loc["issue_key"]),
        project_key=str(loc["project_key"]),
        file_name=str(loc.get("file_name") or ""),
        size=size,
        mime_type=str(record.get("mime_type") or mime_type or ""),
        author=str(loc.get("author") or ""),
        author_id=str(record.get("author_id") or ""),
        created=str(loc.get("created") or ""),
        proof=proof,
        issue_updated=str(record.get("issue_updated") or loc.get("issue_updated") or ""),
    )


def copies_that_stay(
    group: dict[str, Any], chosen: set[str] | frozenset[str], gone: set[str] | frozenset[str]
) -> list[dict[str, Any]]:
    """The copies of a proven ``group`` (its report locations, oldest first) that neither this
    plan removes (``chosen``) nor are gone from the site (``gone``)."""
    return [
        loc
        for loc in group.get("locations") or ()
        if str(loc["attachment_id"]) not in chosen and str(loc["attachment_id"]) not in gone
    ]


def redundant_copy(group_hash: str, kept: dict[str, Any]) -> RedundantCopy:
    """The proof of a copy whose group keeps ``kept`` (a report location) on Jira."""
    return RedundantCopy(
        group_hash=group_hash,
        keep_id=str(kept["attachment_id"]),
        keep_issue_key=str(kept["issue_key"]),
        keep_project_key=str(kept["project_key"]),
        keep_file_name=str(kept.get("file_name") or ""),
    )
