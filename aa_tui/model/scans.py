"""A scan as the store's index knows it, and a saved site profile."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from aa_tui.model.enums import ScanStatus, VerifyMode
from aa_tui.model.records import Scope


@dataclass
class ScanInfo:
    """One scan in the index."""

    id: str
    site: str
    email: str
    scope: Scope
    verify: VerifyMode = VerifyMode.EXACT
    started_at: str = ""
    finished_at: str = ""
    status: ScanStatus = ScanStatus.RUNNING
    duration_s: float = 0.0
    totals: dict[str, Any] = field(default_factory=dict)
    message: str = ""  # why it stopped (a failed or cancelled scan)
    #: False when what stopped it would stop a resume too (Jira refused the scope's query):
    #: never offered for resume; ``message`` says why
    resumable: bool = True

    def __post_init__(self) -> None:
        self.verify = VerifyMode(self.verify)
        self.status = ScanStatus(self.status)

    @property
    def unfinished(self) -> bool:
        """Not complete: the scan may be resumed if its checkpoint is still there (the store's
        :meth:`~aa_tui.store.Store.can_resume` decides)."""
        return self.status.unfinished

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = self.scope.to_dict()
        data["verify"] = self.verify.value
        data["status"] = self.status.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanInfo:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["scope"] = Scope.from_dict(data.get("scope") or {})
        return cls(**known)


@dataclass
class Profile:
    """A saved site (never the token: that lives in the OS keyring). ``demo``: saved by
    ``aa-tui demo`` for its own site (a later demo may remove it once that site is gone)."""

    site: str
    email: str
    demo: bool = field(default=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.email}@{self.site}"
