"""The policies beyond duplicates: the files an insight list shows, offloaded to an archive.

Each policy selects exactly the files of one insight list (:mod:`aa_tui.analysis.lists`, read
through :func:`~aa_tui.service.insights.file_list_of` as the Insights screen reads it) under
the scan's thresholds or the plan's (``stale_days``, ``idle_days``; ``older_than`` replaces
``stale_days`` for ``stale``), without the files cleanups removed already, the empty files
(deleting one frees nothing) and the files the scan could not read (they cannot be archived;
the notes say how many of each), then narrows them
by the filters (:func:`narrow`): projects, file types, minimum size, issue age, the issues a
JQL matched, marked files, and the protection window (files on issues updated within
``protect_days`` of the scan are never selected; the notes say how many were held back), and
caps them by count or bytes, biggest first.

The proof of each file (decided after the cap, so a file left out by it can be a kept copy):

* a copy of a group proven by bytes (``sha256:``) one of whose copies is neither removed nor
  planned is a :class:`~aa_tui.model.cleanup.RedundantCopy`: that copy stays (the group's
  canonical one when it can), as the duplicates policy does;
* every other file is an :class:`~aa_tui.model.cleanup.OnlyCopy`: applied only with an
  archive, deleted only once its bytes are in it, read back and verified by SHA-256.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aa_tui.analysis.hygiene import hygiene_kind
from aa_tui.model.classify import file_type
from aa_tui.model.cleanup import (
    OnlyCopy,
    PlanFilters,
    PlannedDeletion,
    ProofKind,
    RedundantCopy,
    is_proven,
    sha256_hex,
)
from aa_tui.model.file_table import I_KEY
from aa_tui.model.insights import FileRow, InsightSettings
from aa_tui.model.units import counted, size_text
from aa_tui.service.cleanup.policy import (
    Selection,
    copies_that_stay,
    planned,
    redundant_copy,
    scan_records,
)
from aa_tui.service.errors import InputError
from aa_tui.service.insights import file_list_of, scan_facts, scan_now, scan_table
from aa_tui.service.wording import LIMIT
from aa_tui.store.results import ScanResults

_DAY_S = 86400


@dataclass
class Narrowed:
    """What :func:`narrow` kept of a list, and what it left out and why."""

    files: list[FileRow] = field(default_factory=list)
    held_files: int = 0  # on issues updated within the protection window
    held_size: int = 0
    limited: bool = False  # the count or byte cap left some out


def settings_for(policy: str, results: ScanResults, filters: PlanFilters) -> InsightSettings:
    """The thresholds a plan's list is built with: the scan's, or the plan's own."""
    saved = results.summary().insight_settings
    stale = filters.stale_days
    if policy == "stale" and filters.older_than is not None:
        stale = filters.older_than
    return replace(
        saved,
        stale_days=saved.stale_days if stale is None else stale,
        idle_days=saved.idle_days if filters.idle_days is None else filters.idle_days,
    )


def issue_updates(results: ScanResults, gone: frozenset[str]) -> dict[str, float | None]:
    """Issue key -> its last update (Unix seconds; None: unreadable), as the scan saw it."""
    table = scan_table(results, gone)
    facts = scan_facts(table, scan_now(results.summary()), results.summary().insight_settings)
    return {issue[I_KEY]: t for issue, t in zip(table.issues, facts.times, strict=True)}


def narrow(
    results: ScanResults,
    files: list[FileRow],
    filters: PlanFilters,
    gone: frozenset[str],
    *,
    protect: bool = True,
) -> Narrowed:
    """``files`` (in their order) that pass every filter, capped by ``limit`` and
    ``max_bytes`` (biggest first: a file that does not fit under the byte cap is passed
    over, a smaller one after it may fit)."""
    now_s = scan_now(results.summary()).timestamp()
    updates = issue_updates(results, gone) if filters.older_than or protect else {}
    projects = {p.upper() for p in filters.projects}
    types = {t.casefold().lstrip(".") for t in filters.file_types}
    marked = set(filters.attachment_ids)
    wanted_issues = set(filters.issue_ids)
    issue_of: dict[str, str] = {}
    if filters.jql:
        records = scan_records(results, (f.attachment_id for f in files))
        issue_of = {aid: str(r.get("issue_id") or "") for aid, r in records.items()}
    window = filters.protect if protect else 0
    old_cut = None if filters.older_than is None else now_s - filters.older_than * _DAY_S
    out = Narrowed()
    taken = 0
    for f in files:
        if projects and f.project_key.upper() not in projects:
            continue
        if types and file_type(f.file_name) not in types:
            continue
        if f.size < filters.min_size:
            continue
        if marked and f.attachment_id not in marked:
            continue
        if filters.jql and issue_of.get(f.attachment_id) not in wanted_issues:
            continue
        updated = updates.get(f.issue_key)
        if old_cut is not None and (updated is None or updated >= old_cut):
            continue
        if window and (updated is None or updated >= now_s - window * _DAY_S):
            # Updated lately (or when, unreadable): the issue's people may still need it.
            out.held_files += 1
            out.held_size += f.size
            continue
        if filters.limit is not None and len(out.files) >= filters.limit:
            out.limited = True
            break
        if filters.max_bytes is not None and taken + f.size > filters.max_bytes:
            out.limited = True
            continue
        taken += f.size
        out.files.append(f)
    return out


@dataclass  # not frozen: CleanupPolicy's name and proofs are plain attributes
class ListPolicy:
    """A policy that offloads the files of one insight list (see the module)."""

    name: str
    list_name: str  # in aa_tui.analysis.lists.FILE_LISTS
    why: Callable[[FileRow, InsightSettings], str]  # what the policy saw in one file
    #: refused without a count or byte limit (the list holds every file of the site)
    needs_limit: bool = False
    proofs: frozenset[ProofKind] = frozenset({ProofKind.ONLY_COPY, ProofKind.REDUNDANT_COPY})

    def admit(self, results: ScanResults) -> None:
        """Every finished scan can be planned (a metadata scan's groups are not proven: its
        files are only copies)."""

    def listed(
        self, results: ScanResults, filters: PlanFilters, removed: set[str]
    ) -> list[FileRow]:
        """Every file of the policy's insight list as the Insights screen shows it."""
        settings = settings_for(self.name, results, filters)
        gone = frozenset(removed)
        return file_list_of(results, self.list_name, "", settings, gone=gone).files

    def select(self, results: ScanResults, filters: PlanFilters, removed: set[str]) -> Selection:
        if self.needs_limit and filters.limit is None and filters.max_bytes is None:
            raise InputError(
                f"The {self.name} policy would take every file of the site: give ",
                LIMIT,
                " a number of files or a size (such as 50 or 5GB).",
            )
        settings = settings_for(self.name, results, filters)
        gone = frozenset(removed)
        listed = self.listed(results, filters, removed)
        unreadable = {str(u.get("attachment_id")) for u in results.summary().unreadable}
        # An empty file frees nothing (deleting it is risk for no gain); a file the scan could
        # not read cannot be archived: neither is a candidate, before the filters and the cap.
        candidates = [f for f in listed if f.size and f.attachment_id not in unreadable]
        # the notes count those the filters would have chosen, not the whole list's
        left_out = [f for f in listed if not f.size or f.attachment_id in unreadable]
        unlimited = replace(filters, limit=None, max_bytes=None)
        chosen = narrow(results, left_out, unlimited, gone).files if left_out else []
        empty = sum(1 for f in chosen if not f.size)
        unread = len(chosen) - empty
        kept = narrow(results, candidates, filters, gone)
        deletions, groups = self._proofs(results, kept.files, gone, settings)
        notes = [
            f"The {self.name} list holds {counted(len(listed), 'file')} "
            f"({size_text(sum(f.size for f in listed))})."
        ]
        if empty:
            notes.append(
                f"{counted(empty, 'empty file')} (0 bytes) left out: deleting an empty file "
                "frees nothing."
            )
        if unread:
            notes.append(unread_note(unread))
        if kept.held_files:
            notes.append(
                f"{counted(kept.held_files, 'file')} ({size_text(kept.held_size)}) held back: "
                f"on issues updated within {counted(filters.protect, 'day')} of the scan."
            )
        if kept.limited:
            notes.append("Stopped at the limit: " + _limits(filters) + ".")
        only = sum(1 for d in deletions if d.proof.kind is ProofKind.ONLY_COPY)
        if only:
            notes.append(
                f"{counted(only, 'file')} with no other copy on Jira: each is archived, read "
                "back and verified by SHA-256 before it is deleted."
            )
        return Selection(deletions, notes, groups)

    def _proofs(
        self,
        results: ScanResults,
        files: list[FileRow],
        gone: frozenset[str],
        settings: InsightSettings,
    ) -> tuple[list[PlannedDeletion], list[dict[str, Any]]]:
        chosen = {f.attachment_id for f in files}
        hashes = {f.hash for f in files if is_proven(f.hash)}
        by_hash = {
            str(g.get("hash")): g
            for g in (results.groups() if hashes else ())
            if str(g.get("hash")) in hashes and not g.get("likely")
        }
        records = scan_records(results, chosen)
        deletions = []
        used: dict[str, dict[str, Any]] = {}
        for f in files:
            record = records.get(f.attachment_id, {})
            loc = f.to_dict()
            group = by_hash.get(f.hash)
            stays = copies_that_stay(group, chosen, gone) if group is not None else []
            if group is not None and stays:
                used[f.hash] = group
                # the report lists a group's copies oldest first: the oldest that stays is kept
                proof: RedundantCopy | OnlyCopy = redundant_copy(f.hash, stays[0])
            else:
                proof = OnlyCopy(
                    sha256=sha256_hex(f.hash) if group is not None else "",
                    why=self.why(f, settings),
                )
            deletions.append(planned(loc, record, f.size, f.mime_type, proof))
        return deletions, list(used.values())


def unread_note(files: int, what: str = "file") -> str:
    """The note for ``files`` the scan could not read (Jira refused their bytes), left out."""
    return (
        f"{counted(files, what)} could not be read by the scan (Jira refused the bytes): not "
        "archivable, so left out."
    )


def _limits(filters: PlanFilters) -> str:
    parts = []
    if filters.limit is not None:
        parts.append(counted(filters.limit, "file"))
    if filters.max_bytes is not None:
        parts.append(f"{size_text(filters.max_bytes)}")
    return " and ".join(parts)


def _days(f: FileRow) -> str:
    return f"updated {f.issue_updated[:10]}" if f.issue_updated else "update unknown"


STALE = ListPolicy(
    "stale",
    "stale",
    lambda f, s: f"stale: {f.status} issue not updated for {s.stale_days:,} days ({_days(f)})",
)
HYGIENE = ListPolicy(
    "hygiene",
    "hygiene",
    lambda f, s: f"hygiene: {hygiene_kind(f.file_name)}, a kind of file that rarely needs keeping",
)
IDLE = ListPolicy(
    "idle",
    "idle_projects",
    lambda f, s: f"idle project {f.project_key}: no update for {s.idle_days:,} days",
)
INACTIVE = ListPolicy(
    "inactive",
    "inactive_uploaders",
    lambda f, s: f"uploaded by {f.author or f.author_id}, whose account is deactivated",
)
LARGEST = ListPolicy(
    "largest",
    "largest",
    lambda f, s: f"among the largest files ({size_text(f.size)})",
    needs_limit=True,
)
