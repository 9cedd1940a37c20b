"""The app's policy: the files a person marked, in any list (duplicates, insights, what-if).

Each marked file gets the proof its bytes allow, never a weaker one:

* a copy in a group proven by bytes (``sha256:``) that keeps a copy nobody marked: a
  :class:`~aa_tui.model.cleanup.RedundantCopy`, the kept copy chosen by the keep rule among
  the unmarked copies still on the site (as :mod:`.duplicates` chooses);
* every other marked file (no copy, a likely group, every copy marked): an
  :class:`~aa_tui.model.cleanup.OnlyCopy`, archived and verified before its DELETE (with the
  group's SHA-256 when the scan proved one).

Marked files are never held back for a recent update (a person chose each one), but the plan's
notes say how many sit on issues updated within the protection window.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from aa_tui.model.cleanup import (
    OnlyCopy,
    PlanFilters,
    PlannedDeletion,
    ProofKind,
    RedundantCopy,
    is_proven,
    sha256_hex,
)
from aa_tui.model.file_table import AID, I_UPDATED_S, ISSUE
from aa_tui.model.units import counted
from aa_tui.service.cleanup.duplicates import kept_copy
from aa_tui.service.cleanup.offload import unread_note
from aa_tui.service.cleanup.policy import (
    Selection,
    copies_that_stay,
    planned,
    redundant_copy,
    scan_records,
)
from aa_tui.service.insights import scan_table
from aa_tui.store.results import ScanResults

MARKED = "marked"
#: days: a marked file on an issue updated more recently than this is counted in the notes
RECENT_DAYS = 30


class Marked:
    """The files of ``PlanFilters.attachment_ids``, each with its strongest proof."""

    name = MARKED
    proofs = frozenset({ProofKind.REDUNDANT_COPY, ProofKind.ONLY_COPY})

    def __init__(self, now: datetime | None = None, recent_days: int = RECENT_DAYS) -> None:
        self.now = now
        self.recent_days = recent_days
        #: removed ids a restore put back (set by ``Cleanup.plan``): not "removed already";
        #: the plan's notes say they are back under new ids
        self.restored: frozenset[str] = frozenset()

    def admit(self, results: ScanResults) -> None:
        """Any finished scan: a file with no proven copy is archived first."""

    def select(self, results: ScanResults, filters: PlanFilters, removed: set[str]) -> Selection:
        marked = list(dict.fromkeys(filters.attachment_ids))
        # a file the scan could not read cannot be archived: it is left out, saying so
        unreadable = {str(u.get("attachment_id")) for u in results.summary().unreadable}
        unread = [aid for aid in marked if aid in unreadable and aid not in removed]
        marked = [aid for aid in marked if aid not in unreadable]
        wanted = set(marked) - removed
        group_of: dict[str, dict[str, Any]] = {}
        for proven in results.groups():
            if not is_proven(str(proven.get("hash") or "")) or proven.get("likely"):
                continue
            for where in proven.get("locations") or ():
                if str(where["attachment_id"]) in wanted:
                    group_of[str(where["attachment_id"])] = proven
        records = scan_records(results, wanted)
        deletions: list[PlannedDeletion] = []
        groups: dict[str, dict[str, Any]] = {}
        unknown = empty = 0
        whole: set[str] = set()  # groups every copy of which is marked
        for aid in marked:
            if aid in removed:
                continue
            record = records.get(aid)
            if record is None:
                unknown += 1
                continue
            group = group_of.get(aid)
            proof: RedundantCopy | OnlyCopy = OnlyCopy(why="marked in the app")
            loc: dict[str, Any] = record
            if group is not None:
                loc = next(x for x in group["locations"] if str(x["attachment_id"]) == aid)
                unmarked = copies_that_stay(group, wanted, removed)
                if unmarked:
                    proof = redundant_copy(str(group["hash"]), kept_copy(unmarked, filters.keep))
                    groups[str(group["hash"])] = group
                else:
                    proof = OnlyCopy(
                        sha256=sha256_hex(str(group["hash"])),
                        why="marked in the app with every copy of its group",
                    )
                    whole.add(str(group["hash"]))
            size = int(record.get("size") or 0)
            if not size:
                empty += 1
                continue
            deletions.append(planned(loc, record, size, str(record.get("mime_type") or ""), proof))
            if filters.limit is not None and len(deletions) >= filters.limit:
                break
        already = sum(1 for aid in marked if aid in removed and aid not in self.restored)
        notes = self._notes(results, deletions, already, unknown)
        if whole:
            notes.append(
                f"Every copy of {counted(len(whole), 'group')} is marked (a duplicate marked"
                " with a stale file, say): no copy of "
                f"{'it' if len(whole) == 1 else 'them'} stays on Jira; each is archived first."
                " Unmark one copy to keep it there."
            )
        if unread:
            notes.append(unread_note(len(unread), "marked file"))
        if empty:
            notes.append(
                f"{counted(empty, 'marked file')} of 0 bytes left out: deleting an empty file "
                "frees nothing."
            )
        return Selection(deletions, notes, list(groups.values()))

    def _notes(
        self,
        results: ScanResults,
        deletions: list[PlannedDeletion],
        already: int,
        unknown: int,
    ) -> list[str]:
        notes = []
        recent = recent_files(results, deletions, self.now, self.recent_days)
        if recent:
            sits = "file sits" if recent == 1 else "files sit"
            notes.append(
                f"{recent:,} marked {sits} on issues updated in the last {self.recent_days} "
                "days: kept in the plan, as marked by hand (unmark what should stay)."
            )
        if already:
            was = "was" if already == 1 else "were"
            notes.append(
                f"{counted(already, 'marked file')} {was} removed already by an earlier cleanup."
            )
        if unknown:
            are = "is" if unknown == 1 else "are"
            notes.append(f"{counted(unknown, 'marked file')} {are} not in this scan and left out.")
        return notes


def recent_files(
    results: ScanResults,
    deletions: list[PlannedDeletion],
    now: datetime | None,
    days: int,
) -> int:
    """How many of ``deletions`` sit on issues the scan saw updated within ``days`` of ``now``."""
    if not deletions:
        return 0
    moment = now or datetime.now(timezone.utc)
    since = (moment - timedelta(days=days)).timestamp()
    ids = {d.attachment_id for d in deletions}
    table = scan_table(results)
    count = 0
    for row in table.rows:
        if row[AID] in ids:
            issue = table.issues[row[ISSUE]]
            updated = issue[I_UPDATED_S] if len(issue) > I_UPDATED_S else None
            if updated is not None and updated >= since:
                count += 1
    return count
