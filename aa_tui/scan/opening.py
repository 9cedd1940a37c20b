"""Opening the scan an engine runs: the interrupted one a resume continues, else a new one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aa_tui.model.dates import stamp
from aa_tui.model.enums import ScanStatus
from aa_tui.model.scans import ScanInfo
from aa_tui.scan.checkpoint import Checkpoint
from aa_tui.scan.preflight import resumable
from aa_tui.scan.request import ScanRequest
from aa_tui.store.journal import Journal
from aa_tui.store.store import Store, new_scan_id


def open_scan(
    store: Store,
    site: str,
    request: ScanRequest,
    on_opened: Callable[[str], None],
    warnings: list[str],
    clock: Callable[[], datetime],
) -> tuple[ScanInfo, Checkpoint, Journal, bool]:
    """The scan ``request`` runs, its checkpoint and its journal (locked: one engine per scan;
    ``on_opened`` is told its id then), and whether it is a new one (not resumed)."""
    if request.resume or request.resume_id:
        found = resumable(store, site, request)
        if found is not None:
            journal = store.open_journal(found.id)
            store.drop_unfinished_writes(found.id)  # of a run killed while it saved
            on_opened(found.id)
            checkpoint = Checkpoint.replay(store.read_journal(found.id))
            found.status = ScanStatus.RUNNING
            found.message = ""
            store.save_scan(found)
            return found, checkpoint, journal, False
        warnings.append("No interrupted scan of this site and scope: starting afresh.")
    info = ScanInfo(
        id=new_scan_id(),
        site=site,
        email=request.email,
        scope=request.scope,
        verify=request.verify,
        started_at=stamp(clock),
    )
    journal = store.open_journal(info.id)
    on_opened(info.id)
    store.save_scan(info)
    return info, Checkpoint(), journal, True
