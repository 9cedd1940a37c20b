"""A scheduled scan's history kept to the newest few (``aa-tui scan --keep-scans N``).

Each scan saves its whole tables (370 MB at 1,000,000 issues), so a weekly job would add that
every week. Only one line of history is pruned: the complete scans of the same site, scope,
verify mode and account as the scan just saved, newest first, past the first ``keep``. The
newest is what the next rescan starts from and the one before it what a notice compares with:
at least one is kept. Never pruned: a scan a cleanup plan was made from (its review and audit
name it), anything unfinished (it may be resumed), and the scan an unfinished rescan started
from (resumed, it starts from it again; without it, it would read everything).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from aa_tui.model.enums import ScanStatus
from aa_tui.model.scans import ScanInfo
from aa_tui.model.units import size_text
from aa_tui.scan.checkpoint import journaled_base
from aa_tui.store.store import Store


@dataclass
class Pruned:
    """What pruning one line of history did."""

    keep: int
    deleted: list[ScanInfo] = field(default_factory=list)
    freed: int = 0  # bytes of the deleted scans' folders
    #: older scans kept because a cleanup plan was made from them
    with_plans: list[ScanInfo] = field(default_factory=list)
    #: older scans kept because an unfinished rescan started from them
    resumed_from: list[ScanInfo] = field(default_factory=list)

    def sentence(self) -> str:
        """One line for the command's output (empty when there was nothing to prune)."""
        parts = []
        if self.deleted:
            count = len(self.deleted)
            parts.append(
                f"Deleted {count} older scan{'s' if count != 1 else ''} of this site and scope "
                f"({size_text(self.freed)}): the newest {self.keep} kept."
            )
        if self.with_plans:
            count = len(self.with_plans)
            parts.append(
                f"Kept {count} older scan{'s' if count != 1 else ''} that cleanup plans were "
                "made from."
            )
        if self.resumed_from:
            count = len(self.resumed_from)
            parts.append(
                f"Kept {count} older scan{'s' if count != 1 else ''} that an interrupted scan "
                "resumes from."
            )
        return " ".join(parts)


def same_line(info: ScanInfo, other: ScanInfo) -> bool:
    """Whether ``other`` is a complete scan of ``info``'s site, scope, verify mode and account
    (what a rescan of ``info``'s kind starts from)."""
    return (
        other.status is ScanStatus.COMPLETE
        and other.site == info.site
        and other.scope == info.scope
        and other.verify == info.verify
        and other.email == info.email
    )


def prune_line(store: Store, info: ScanInfo, keep: int, planned: set[str]) -> Pruned:
    """Delete the complete scans of ``info``'s line past the newest ``keep`` (``info``, just
    saved, is the newest), except those in ``planned`` (scan ids cleanup plans were made
    from)."""
    if keep < 1:
        raise ValueError("keep at least the newest scan")
    pruned = Pruned(keep)
    scans = store.list_scans()
    # newest first, the scan just saved ahead of any that started in the same second
    older = [s for s in scans if same_line(info, s) and s.id != info.id]
    bases = resumed_bases(store, scans) if older[keep - 1 :] else set()
    for old in older[keep - 1 :]:
        if old.id in planned:
            pruned.with_plans.append(old)
            continue
        if old.id in bases:
            pruned.resumed_from.append(old)
            continue
        size = folder_size(store.scan_dir(old.id))
        store.delete_scan(old.id)
        pruned.deleted.append(old)
        pruned.freed += size
    return pruned


def resumed_bases(store: Store, scans: list[ScanInfo]) -> set[str]:
    """The scans that the unfinished rescans among ``scans`` started from (their journals
    name them)."""
    return {
        base
        for scan in scans
        if scan.unfinished
        and store.has_checkpoint(scan.id)
        and (base := journaled_base(store.iter_journal(scan.id)))
    }


def folder_size(folder: Path) -> int:
    """Bytes that deleting ``folder`` frees (0 when it is gone): its files but those linked
    from elsewhere too (a rescan's layer links its root's files: they stay)."""
    try:
        with os.scandir(folder) as entries:
            stats = [e.stat() for e in entries if e.is_file(follow_symlinks=False)]
            return sum(s.st_size for s in stats if s.st_nlink == 1)
    except FileNotFoundError:
        return 0
