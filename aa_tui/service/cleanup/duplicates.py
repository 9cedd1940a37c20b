"""The first cleanup policy: duplicates. Every copy of a group proven by bytes goes but one.

Rules, each checked again by :func:`~.plan.check_plan` on the finished plan:

* only groups proven by bytes (``sha256:`` hashes); a metadata scan is refused, saying so
  (unless its likely groups were proven since: ``clean --prove``, :mod:`.prove`);
* in each group one copy stays (the keep rule's, among copies not removed already); it is
  never planned, and neither is the last copy of any content;
* copies already removed from the site (by an earlier cleanup) are neither planned nor kept.

Each deletion carries a :class:`~aa_tui.model.cleanup.RedundantCopy` proof.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from aa_tui.model.classify import file_type
from aa_tui.model.cleanup import (
    DUPLICATES,
    KeepRule,
    PlanFilters,
    ProofKind,
    is_proven,
)
from aa_tui.model.dates import parse_jira_time
from aa_tui.model.enums import VerifyMode
from aa_tui.model.file_table import HASH
from aa_tui.model.units import counted
from aa_tui.service.cleanup.offload import narrow
from aa_tui.service.cleanup.policy import Selection, planned, redundant_copy, scan_records
from aa_tui.service.errors import InputError
from aa_tui.service.insights import scan_table
from aa_tui.service.wording import PROVE_OR_EXACT, VERIFY_METADATA
from aa_tui.store.results import ScanResults

_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def _id_number(attachment_id: str) -> tuple[int, str]:
    return (int(attachment_id), "") if attachment_id.isdigit() else (-1, attachment_id)


def _newest(locations: list[dict[str, Any]]) -> dict[str, Any]:
    """The last upload (an unreadable date counts as the oldest; ties: the highest id)."""
    return max(
        locations,
        key=lambda loc: (
            parse_jira_time(loc.get("created") or "") or _EARLIEST,
            _id_number(str(loc["attachment_id"])),
        ),
    )


def kept_copy(locations: list[dict[str, Any]], keep: KeepRule) -> dict[str, Any]:
    # The report lists a group's copies oldest first (ties: lowest id): the canonical copy.
    return locations[0] if keep is KeepRule.OLDEST else _newest(locations)


class Duplicates:
    """Copies of byte-proven groups, biggest waste first; ``groups``: groups proven since the
    scan (:func:`~.prove.prove_groups`), instead of the scan's own."""

    name = DUPLICATES
    proofs = frozenset({ProofKind.REDUNDANT_COPY})

    def __init__(self, groups: list[dict[str, Any]] | None = None) -> None:
        self.groups = groups

    def admit(self, results: ScanResults) -> None:
        if results.summary().scan.verify is VerifyMode.METADATA and self.groups is None:
            raise InputError(
                f"Scan {results.scan_id} compared files by name and size only (",
                VERIFY_METADATA,
                "): its groups are likely copies, not proven ones, and aa-tui deletes only "
                "copies proven equal by their bytes. ",
                PROVE_OR_EXACT,
                " of the site and clean that one.",
            )

    def select(self, results: ScanResults, filters: PlanFilters, removed: set[str]) -> Selection:
        gone = removed
        projects = {p.upper() for p in filters.projects}
        types = {t.casefold() for t in filters.file_types}
        wanted_groups = set(filters.groups)
        marked = set(filters.attachment_ids)
        groups = sorted(
            results.groups() if self.groups is None else self.groups,
            key=lambda g: (-int(g.get("wasted_size") or 0), str(g.get("hash"))),
        )
        chosen: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []  # loc, kept, group
        allowed = _allowed(results, filters, gone)
        taken = 0
        capped = False
        unproven = already = marked_kept = 0
        limited = False
        for group in groups:
            if limited:
                break
            digest = str(group.get("hash") or "")
            if wanted_groups and digest not in wanted_groups:
                continue
            if not is_proven(digest) or group.get("likely"):
                unproven += 1
                continue
            if int(group.get("size") or 0) < max(filters.min_size, 1):
                continue
            all_locations = list(group.get("locations") or ())
            locations = [loc for loc in all_locations if str(loc["attachment_id"]) not in gone]
            # the removed copies this plan could have chosen (its projects and types)
            already += sum(
                1
                for loc in all_locations
                if str(loc["attachment_id"]) in gone and _in_scope(loc, projects, types)
            )
            if len(locations) < 2:
                continue  # one copy left: it is the last one
            pool = locations
            if marked:
                # Marked copies go, an unmarked copy stays (by the rule, among the unmarked).
                unmarked = [loc for loc in locations if str(loc["attachment_id"]) not in marked]
                pool = unmarked or locations
                if not unmarked and any(str(loc["attachment_id"]) in marked for loc in locations):
                    marked_kept += 1
            kept = kept_copy(pool, filters.keep)
            for loc in locations:
                if loc is kept:
                    continue
                if not _in_scope(loc, projects, types):
                    continue
                if marked and str(loc["attachment_id"]) not in marked:
                    continue
                if allowed is not None and str(loc["attachment_id"]) not in allowed:
                    continue
                if filters.limit is not None and len(chosen) >= filters.limit:
                    limited = True
                    break
                if filters.max_bytes is not None:
                    if taken + int(group["size"]) > filters.max_bytes:
                        capped = True  # a smaller copy further on may still fit
                        continue
                    taken += int(group["size"])
                chosen.append((loc, kept, group))
        records = scan_records(results, (str(loc["attachment_id"]) for loc, _, _ in chosen))
        deletions = [
            planned(
                loc,
                records.get(str(loc["attachment_id"]), {}),
                int(group["size"]),
                str(group.get("mime_type") or ""),
                redundant_copy(str(group["hash"]), kept),
            )
            for loc, kept, group in chosen
        ]
        notes = []
        if unproven:
            notes.append(
                f"{counted(unproven, 'group')} {'is' if unproven == 1 else 'are'} not proven by"
                " bytes (likely copies) and "
                f"{'was' if unproven == 1 else 'were'} left out: aa-tui deletes only copies"
                " proven equal by a full SHA-256."
            )
        if already:
            was = "was" if already == 1 else "were"
            notes.append(
                f"{counted(already, 'copy', 'copies')} {was} removed already by an earlier cleanup."
            )
        if marked_kept:
            notes.append(
                f"In {counted(marked_kept, 'group')} every copy was marked: one copy of"
                f" {'it' if marked_kept == 1 else 'each'} stays."
            )
        if capped and filters.max_bytes is not None:
            notes.append(f"Stopped at the limit of {counted(filters.max_bytes, 'byte')}.")
        if limited and filters.limit is not None:
            notes.append(f"Stopped at the limit of {counted(filters.limit, 'file')}.")
        return Selection(deletions, notes, groups)


def _allowed(results: ScanResults, filters: PlanFilters, gone: set[str]) -> set[str] | None:
    """The copies on issues not updated for ``older_than`` days and among the issues the JQL
    matched (None: neither filter is set). The protection window is not the duplicates
    policy's: a redundant copy's bytes stay on Jira in its kept copy."""
    if filters.older_than is None and not filters.jql:
        return None
    removed = frozenset(gone)
    table = scan_table(results, removed)
    grouped = table.files(i for i, row in enumerate(table.rows) if row[HASH])
    loose = replace(filters, limit=None, max_bytes=None, attachment_ids=())
    kept = narrow(results, grouped, loose, removed, protect=False)
    return {f.attachment_id for f in kept.files}


def worth_proving(group: dict[str, Any], filters: PlanFilters, removed: dict[str, Any]) -> bool:
    """Whether proving ``group`` could add to a plan with ``filters`` (saves reading it)."""
    if filters.groups and group.get("hash") not in filters.groups:
        return False
    if int(group.get("size") or 0) < max(filters.min_size, 1):
        return False
    locations = [
        loc for loc in group.get("locations") or () if str(loc["attachment_id"]) not in removed
    ]
    if len(locations) < 2:
        return False
    projects = {p.upper() for p in filters.projects}
    marked = set(filters.attachment_ids)
    return any(
        (not projects or str(loc.get("project_key", "")).upper() in projects)
        and (not marked or str(loc["attachment_id"]) in marked)
        for loc in locations
    )


def _in_scope(loc: dict[str, Any], projects: set[str], types: set[str]) -> bool:
    """Whether a copy is in the plan's projects and file types (all when none are named)."""
    if projects and str(loc.get("project_key", "")).upper() not in projects:
        return False
    return not types or file_type(str(loc.get("file_name") or "")) in types
