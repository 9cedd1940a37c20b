"""Typed progress events the engine sends to whoever listens (CLI line, TUI screen)."""

from __future__ import annotations

from dataclasses import dataclass

from aa_tui.model.enums import Phase


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """A snapshot of a running scan. ``done``/``total`` count the current phase's units:
    issues while enumerating and fetching details, files while probing and hashing
    (``bytes_read`` counts the bytes)."""

    phase: Phase
    done: int = 0
    total: int = 0
    elapsed_s: float = 0.0
    issues: int = 0
    files: int = 0
    total_size: int = 0
    bytes_read: int = 0
    requests: int = 0
    throttled: int = 0
    retries: int = 0
    errors: int = 0
    backoff_s: float = 0.0
    groups: int = 0
    wasted: int = 0
    message: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.phase, Phase):
            object.__setattr__(self, "phase", Phase(self.phase))

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0
