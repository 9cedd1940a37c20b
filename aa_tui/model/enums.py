"""The named states of a scan: its phase, its status in the store, how it proves copies.

Each is a ``str`` enum: members compare equal to their values and are stored as them, so the
store's files and the report format read exactly as before.
"""

from __future__ import annotations

from enum import Enum


class _Text(str, Enum):
    """A ``str`` enum whose ``str()`` and f-string form is its value on every Python."""

    def __str__(self) -> str:
        return str(self.value)


class Phase(_Text):
    """Where a running scan is, in the order a scan goes through them."""

    CONNECTING = "connecting"
    ENUMERATING = "enumerating"
    FETCHING = "fetching details"
    HEADS = "probing heads"
    TAILS = "probing tails"
    HASHING = "hashing"
    SAVING = "saving"
    DONE = "done"

    @property
    def counts_files(self) -> bool:
        """Whether the phase's ``done``/``total`` count files (else issues)."""
        return self in (Phase.HEADS, Phase.TAILS, Phase.HASHING)

    @property
    def counts_issues(self) -> bool:
        return self in (Phase.ENUMERATING, Phase.FETCHING)


#: every phase, in order
PHASES: tuple[Phase, ...] = tuple(Phase)


class ScanStatus(_Text):
    """A scan's state in the store."""

    RUNNING = "running"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    CANCELLED = "cancelled"
    COMPLETE = "complete"

    @property
    def unfinished(self) -> bool:
        """A scan in this state has a checkpoint it can go on from (when its journal exists)."""
        return self is not ScanStatus.COMPLETE


class VerifyMode(_Text):
    """How a scan proves two files equal."""

    EXACT = "exact"  # by bytes: size, head, tail, full SHA-256
    METADATA = "metadata"  # size and name only: groups are "likely"

    @property
    def label(self) -> str:
        return "exact (bytes)" if self is VerifyMode.EXACT else "metadata (likely)"
