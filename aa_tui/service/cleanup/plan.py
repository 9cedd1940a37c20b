"""Choosing the copies a cleanup removes, from a stored exact scan (no network).

Rules, each checked again by :func:`check_plan` on the finished plan:

* only groups proven by bytes (``sha256:`` hashes); a metadata scan is refused, saying so;
* in each group one copy stays (the keep rule's, among copies not removed already); it is
  never planned, and neither is the last copy of any content;
* copies already removed from the site (by an earlier cleanup) are neither planned nor kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from aa_tui.model.classify import file_type
from aa_tui.model.cleanup import KeepRule, Plan, PlanFilters, PlannedDeletion, is_proven
from aa_tui.model.dates import parse_jira_time
from aa_tui.model.enums import VerifyMode
from aa_tui.service.errors import InputError
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


def _kept(locations: list[dict[str, Any]], keep: KeepRule) -> dict[str, Any]:
    # The report lists a group's copies oldest first (ties: lowest id): the canonical copy.
    return locations[0] if keep is KeepRule.OLDEST else _newest(locations)


def make_plan(
    results: ScanResults,
    filters: PlanFilters,
    *,
    plan_id: str,
    email: str,
    removed: Iterable[str] = (),
    now: Callable[[], datetime] | None = None,
    groups: list[dict[str, Any]] | None = None,
    notes: list[str] | None = None,
) -> Plan:
    """The plan for ``filters`` over the scan's groups (biggest waste first). ``removed``: ids
    already gone from the site, left out of every group. ``groups``: groups proven since the
    scan (:mod:`aa_tui.service.cleanup.prove`), instead of the scan's own."""
    summary = results.summary()
    header = summary.scan
    if header.verify is VerifyMode.METADATA and groups is None:
        raise InputError(
            f"Scan {results.scan_id} compared files by name and size only (--verify metadata): "
            "its groups are likely copies, not proven ones, and aa-tui deletes only copies "
            "proven equal by their bytes. Add --prove to read every copy of them in full "
            "first, or run an exact scan of the site and clean that one."
        )
    if filters.limit is not None and filters.limit < 0:
        raise InputError("--limit must be zero or more.")
    if filters.min_size < 0:
        raise InputError("--min-size must be zero or more bytes.")
    gone = set(removed)
    projects = {p.upper() for p in filters.projects}
    known = {str(row.key).upper() for row in summary.table("projects")}
    unknown = sorted(projects - known)
    if unknown:
        raise InputError(
            f"--projects: {', '.join(unknown)} {'is not a project' if len(unknown) == 1 else 'are not projects'} "
            f"of scan {results.scan_id} (its projects: {', '.join(sorted(known)) or 'none'})."
        )
    types = {t.casefold() for t in filters.file_types}
    wanted_groups = set(filters.groups)
    marked = set(filters.attachment_ids)
    groups = sorted(
        results.groups() if groups is None else groups,
        key=lambda g: (-int(g.get("wasted_size") or 0), str(g.get("hash"))),
    )
    chosen: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []  # loc, kept, group
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
        already += len(all_locations) - len(locations)
        if len(locations) < 2:
            continue  # one copy left: it is the last one
        pool = locations
        if marked:
            # Marked copies go, an unmarked copy stays (by the rule, among the unmarked).
            unmarked = [loc for loc in locations if str(loc["attachment_id"]) not in marked]
            pool = unmarked or locations
            if not unmarked and any(str(loc["attachment_id"]) in marked for loc in locations):
                marked_kept += 1
        kept = _kept(pool, filters.keep)
        for loc in locations:
            if loc is kept:
                continue
            if projects and str(loc.get("project_key", "")).upper() not in projects:
                continue
            if types and file_type(str(loc.get("file_name") or "")) not in types:
                continue
            if marked and str(loc["attachment_id"]) not in marked:
                continue
            if filters.limit is not None and len(chosen) >= filters.limit:
                limited = True
                break
            chosen.append((loc, kept, group))
    records = _records_of(results, {str(loc["attachment_id"]) for loc, _, _ in chosen})
    deletions = [_deletion(loc, kept, group, records) for loc, kept, group in chosen]
    notes = list(notes or [])
    if unproven:
        notes.append(
            f"{unproven:,} group(s) are not proven by bytes (likely copies) and were left out: "
            "aa-tui deletes only copies proven equal by a full SHA-256."
        )
    if already:
        notes.append(f"{already:,} copies were removed already by an earlier cleanup.")
    if marked_kept:
        notes.append(f"In {marked_kept:,} group(s) every copy was marked: one copy of each stays.")
    if limited:
        notes.append(f"Stopped at the limit of {filters.limit:,} files.")
    clock = now or (lambda: datetime.now(timezone.utc))
    plan = Plan(
        id=plan_id,
        scan_id=results.scan_id,
        site=header.site,
        email=email,
        browse_url=header.browse_url,
        created_at=clock().isoformat(timespec="seconds"),
        filters=filters,
        deletions=deletions,
        notes=notes,
    )
    check_plan(plan, groups, gone)
    return plan


def _records_of(results: ScanResults, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The scan's attachment records of ``ids`` (issue id, uploader's account id, type)."""
    if not ids:
        return {}
    return {
        str(r.get("attachment_id")): r
        for r in results.attachments()
        if str(r.get("attachment_id")) in ids
    }


def _deletion(
    loc: dict[str, Any],
    kept: dict[str, Any],
    group: dict[str, Any],
    records: dict[str, dict[str, Any]],
) -> PlannedDeletion:
    aid = str(loc["attachment_id"])
    record = records.get(aid, {})
    return PlannedDeletion(
        attachment_id=aid,
        issue_id=str(record.get("issue_id") or ""),
        issue_key=str(loc["issue_key"]),
        project_key=str(loc["project_key"]),
        file_name=str(loc.get("file_name") or ""),
        size=int(group["size"]),
        mime_type=str(record.get("mime_type") or group.get("mime_type") or ""),
        author=str(loc.get("author") or ""),
        author_id=str(record.get("author_id") or ""),
        created=str(loc.get("created") or ""),
        group_hash=str(group["hash"]),
        keep_id=str(kept["attachment_id"]),
        keep_issue_key=str(kept["issue_key"]),
        keep_project_key=str(kept["project_key"]),
        keep_file_name=str(kept.get("file_name") or ""),
    )


class PlanRuleBroken(AssertionError):
    """A plan that would break a cleanup rule: a bug, never applied."""


def check_plan(plan: Plan, groups: list[dict[str, Any]], removed: set[str]) -> None:
    """Every rule again, on the finished plan: raise rather than save a plan that breaks one."""
    by_hash = {str(g.get("hash")): g for g in groups}
    planned: dict[str, set[str]] = {}
    for d in plan.deletions:
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
