"""The archive a run of a site prepared, remembered for that site: the app offers it next time
(the command line's runs and the app's alike)."""

from __future__ import annotations

from collections.abc import Callable

from aa_tui.model.cleanup import CleanupPhase, CleanupProgress
from aa_tui.service.cleanup.apply import ApplyOptions

Listener = Callable[[CleanupProgress], None]


def keeping_archive(
    site: str,
    options: ApplyOptions | None,
    listener: Listener | None,
    remember: Callable[[str, str], None] | None,
) -> Listener | None:
    """``listener``, and once the run deletes, ``remember(site, destination)`` of its archive:
    by then it was prepared (reached, written, read back); one that failed is never offered."""
    archive = options.store if options is not None else None
    if archive is None or remember is None:
        return listener
    kept = False

    def told(progress: CleanupProgress) -> None:
        nonlocal kept
        if not kept and progress.phase is CleanupPhase.DELETING:
            kept = True
            remember(site, archive.location)
        if listener is not None:
            listener(progress)

    return told
