"""What a scan is asked to do (:class:`ScanRequest`) and what it gives back (:class:`ScanOutcome`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aa_tui.model.enums import VerifyMode
from aa_tui.model.records import DuplicateGroup, Scope
from aa_tui.model.scans import ScanInfo
from aa_tui.scan.rescan import Reuse


@dataclass
class ScanRequest:
    site: str
    email: str
    scope: Scope = field(default_factory=Scope)
    verify: VerifyMode = VerifyMode.EXACT
    resume: bool = False
    resume_id: str = ""  # resume exactly this scan (the app's History); else the newest match
    workers: int = 8
    full: bool = False  # read everything again, even with an earlier complete scan to start from

    def __post_init__(self) -> None:
        self.verify = VerifyMode(self.verify)  # a bad mode is a ValueError here


@dataclass
class ScanOutcome:
    info: ScanInfo
    summary: dict[str, Any]
    groups: list[DuplicateGroup]
    warnings: list[str] = field(default_factory=list)
    signed_in_as: str = ""
    reused_issues: int = 0  # on resume: issues whose details came from the checkpoint
    reused_hashes: int = 0  # on resume: probe/full hashes that came from the checkpoint
    rescan: Reuse | None = None  # a rescan: what it reused from the earlier scan
