"""Cleanup for both faces: plan -> review -> apply -> audit, restore (see :mod:`.facade`).

The faces import what they use from here: ``from aa_tui.service.cleanup import Cleanup,
ApplyOptions, ...``; the modules of the package are its inside.
"""

from __future__ import annotations

from aa_tui.model.cleanup import CleanupProgress, PlanFilters
from aa_tui.service.cleanup.apply import ApplyOptions, CleanupOutcome, CleanupRun
from aa_tui.service.cleanup.export import audit_document, write_audit_csv, write_json
from aa_tui.service.cleanup.facade import (
    NOTHING_REMOVED,
    Cleanup,
    GroupReview,
    PlanReview,
    Removed,
)
from aa_tui.service.cleanup.permissions import MissingPermission
from aa_tui.service.cleanup.registry import POLICY_NAMES, policy_named
from aa_tui.service.cleanup.restore import (
    RestoreOutcome,
    RestorePlan,
    RestoreRun,
    RestoreScope,
)

__all__ = [
    "NOTHING_REMOVED",
    "POLICY_NAMES",
    "ApplyOptions",
    "Cleanup",
    "CleanupOutcome",
    "CleanupProgress",
    "CleanupRun",
    "GroupReview",
    "MissingPermission",
    "PlanFilters",
    "PlanReview",
    "Removed",
    "RestoreOutcome",
    "RestorePlan",
    "RestoreRun",
    "RestoreScope",
    "audit_document",
    "policy_named",
    "write_audit_csv",
    "write_json",
]
