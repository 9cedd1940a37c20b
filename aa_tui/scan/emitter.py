"""A scan's progress: one :class:`ScanProgress` snapshot that each change is merged into,
sent to the listener when it matters (forced, a new phase, or every tenth of a second)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from aa_tui.jira.protocol import JiraSite
from aa_tui.model.enums import Phase
from aa_tui.model.events import ScanProgress

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.1


class ProgressEmitter:
    """Merges changes into the scan's snapshot, with the client's request counters."""

    def __init__(self, client: JiraSite, listener: Callable[[ScanProgress], None]) -> None:
        self.client = client
        self.listener = listener
        self.started = time.monotonic()
        self._last = 0.0
        self.progress = ScanProgress(phase=Phase.CONNECTING)

    def __call__(self, force: bool = False, **changes: Any) -> None:
        gov = self.client.governor.stats
        fields = {
            **{k: getattr(self.progress, k) for k in ScanProgress.__dataclass_fields__},
            **changes,
            "elapsed_s": time.monotonic() - self.started,
            "requests": gov.requests,
            "throttled": gov.throttled,
            "retries": gov.retries,
            "errors": gov.errors,
            "backoff_s": self.client.governor.backoff_remaining(),
        }
        phase_changed = fields["phase"] != self.progress.phase
        if phase_changed and "phase_bytes_total" not in changes:  # the reads' own, not carried
            fields["phase_bytes_done"] = fields["phase_bytes_total"] = 0
            fields["reads_done"] = fields["reads_total"] = 0
            fields["bytes_per_s"] = 0.0
        if phase_changed and "message" not in changes:  # "Signed in as…" is said once
            fields["message"] = ""
        if phase_changed:
            log.info("phase %s (%s requests so far)", fields["phase"], gov.requests)
        self.progress = ScanProgress(**fields)
        now = time.monotonic()
        if force or phase_changed or now - self._last >= PROGRESS_EVERY_S:
            self._last = now
            self.listener(self.progress)
