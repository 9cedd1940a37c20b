"""Making a cleanup plan from a stored scan with a policy (no network), and checking it.

:func:`make_plan` validates the filters, lets the policy select (:mod:`.policy`; duplicates by
default), and checks the finished plan with :func:`check_plan`, which holds every proof to its
rules whatever the policy:

* every file is planned once, and none that is gone from the site already, and none that is
  empty (deleting a 0-byte file frees nothing: risk for no gain);
* a redundant copy: its group is proven by bytes (``sha256:``) and holds it; the group has one
  kept copy, which is not gone and never planned (in no group, under no proof), and at least
  one copy of the group is not planned: never the last copy of any content;
* an only copy: its SHA-256, when the scan knew it, is a SHA-256 (apply archives and verifies
  it before the DELETE, :mod:`.remove`);
* every proof is of a kind the policy says it gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from aa_tui.model.cleanup import (
    OnlyCopy,
    Plan,
    PlanFilters,
    ProofKind,
    RedundantCopy,
    is_proven,
)
from aa_tui.model.dates import stamp
from aa_tui.model.errors import InternalError
from aa_tui.service.cleanup.duplicates import Duplicates
from aa_tui.service.cleanup.policy import CleanupPolicy
from aa_tui.service.errors import InputError
from aa_tui.service.wording import LIMIT, MIN_SIZE, PROJECTS
from aa_tui.store.results import ScanResults

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_NO_LIMIT = 2**62  # a count limit no scan reaches (a policy that needs a limit gets one)


def make_plan(
    results: ScanResults,
    filters: PlanFilters,
    *,
    plan_id: str,
    email: str,
    removed: Iterable[str] = (),
    restored: Collection[str] = (),
    now: Callable[[], datetime] | None = None,
    policy: CleanupPolicy | None = None,
    groups: list[dict[str, Any]] | None = None,
    notes: list[str] | None = None,
) -> Plan:
    """The plan of ``policy`` (default: duplicates) for ``filters``. ``removed``: ids already
    gone from the site; ``restored``: those of them a restore put back (under new ids the scan
    does not know: the notes say how many the policy would have chosen). ``groups``: for
    duplicates, groups proven since the scan (:mod:`.prove`), instead of the scan's own."""
    policy = policy or Duplicates(groups)
    summary = results.summary()
    header = summary.scan
    policy.admit(results)
    if filters.limit is not None and filters.limit < 0:
        raise InputError(LIMIT, " must be zero or more.")
    if filters.min_size < 0:
        raise InputError(MIN_SIZE, " must be zero or more bytes.")
    gone = set(removed)
    projects = {p.upper() for p in filters.projects}
    known = {str(row.key).upper() for row in summary.table("projects")}
    unknown = sorted(projects - known)
    if unknown:
        verb = "is not a project" if len(unknown) == 1 else "are not projects"
        raise InputError(
            PROJECTS,
            f": {', '.join(unknown)} {verb} of scan {results.scan_id} "
            f"(its projects: {', '.join(sorted(known)) or 'none'}).",
        )
    selection = policy.select(results, filters, gone)
    back = restored_left_out(policy, results, filters, gone, restored)
    if back:
        is_are = (
            "file restored since the scan is" if back == 1 else "files restored since the scan are"
        )
        new_ids = "a new id: a rescan lists it" if back == 1 else "new ids: a rescan lists them"
        selection.notes.append(f"{back:,} {is_are} back under {new_ids}.")
    plan = Plan(
        id=plan_id,
        scan_id=results.scan_id,
        site=header.site,
        email=email,
        browse_url=header.browse_url,
        created_at=stamp(now),
        filters=filters,
        deletions=selection.deletions,
        notes=list(notes or []) + selection.notes,
        policy=policy.name,
    )
    check_plan(plan, selection.groups, gone, proofs=policy.proofs)
    return plan


def restored_left_out(
    policy: CleanupPolicy,
    results: ScanResults,
    filters: PlanFilters,
    gone: set[str],
    restored: Collection[str],
) -> int:
    """How many restored files ``policy`` would choose (uncapped) were their old ids still on
    the site: a plan cannot act on them (they are back under ids the scan does not know)."""
    back = set(restored) & gone
    if not back:
        return 0
    capped = filters.limit is not None or filters.max_bytes is not None
    uncapped = replace(filters, limit=_NO_LIMIT if capped else None, max_bytes=None)
    again = policy.select(results, uncapped, gone - back)
    return sum(1 for d in again.deletions if d.attachment_id in back)


class PlanRuleBroken(InternalError, AssertionError):
    """A plan that would break a cleanup rule: a bug, never applied."""


def check_plan(
    plan: Plan,
    groups: list[dict[str, Any]],
    removed: set[str],
    *,
    proofs: Collection[ProofKind] = tuple(ProofKind),
) -> None:
    """Every rule again, on the finished plan (see the module): raise rather than save a plan
    that breaks one. ``groups``: the byte-proven groups the redundant copies come from."""
    by_hash = {str(g.get("hash")): g for g in groups}
    planned: dict[str, set[str]] = {}
    kept = {d.keep_id for d in plan.deletions if isinstance(d.proof, RedundantCopy)}
    seen: set[str] = set()
    for d in plan.deletions:
        if d.proof.kind not in proofs:
            raise PlanRuleBroken(
                f"{d.attachment_id} carries a proof ({d.proof.kind}) that policy "
                f"{plan.policy} does not give"
            )
        if d.attachment_id in seen:
            raise PlanRuleBroken(f"{d.attachment_id} is planned twice")
        seen.add(d.attachment_id)
        if d.attachment_id in removed:
            raise PlanRuleBroken(f"{d.attachment_id} is gone from the site already")
        if d.attachment_id in kept:
            raise PlanRuleBroken(f"{d.attachment_id} is a kept copy")
        if d.size <= 0:
            raise PlanRuleBroken(f"{d.attachment_id} is empty: deleting it frees nothing")
        if isinstance(d.proof, OnlyCopy):
            if d.proof.sha256 and not _HEX64.match(d.proof.sha256):
                raise PlanRuleBroken(f"{d.attachment_id} has no SHA-256 but {d.proof.sha256!r}")
            continue
        group = by_hash.get(d.group_hash)
        if group is None or not is_proven(d.group_hash):
            raise PlanRuleBroken(f"{d.attachment_id} is planned from an unproven group")
        if d.attachment_id == d.keep_id:
            raise PlanRuleBroken(f"{d.attachment_id} is its group's kept copy")
        planned.setdefault(d.group_hash, set()).add(d.attachment_id)
    for digest, ids in planned.items():
        left = {str(loc["attachment_id"]) for loc in by_hash[digest]["locations"]} - removed
        keeps = {d.keep_id for d in plan.deletions if d.group_hash == digest}
        if len(keeps) != 1 or keeps & ids or not keeps <= left or not ids < left:
            raise PlanRuleBroken(f"group {digest} would lose its last copy")
