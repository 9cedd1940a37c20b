"""What the store raises: saved data missing, damaged or in use, phrased for the user."""

from __future__ import annotations

from pathlib import Path

from aa_tui.model.errors import EXIT_USAGE, AaTuiError


class StoreError(AaTuiError):
    """A problem with the store, phrased for the user (file and what to do)."""

    title = "Saved data"
    exit_code = EXIT_USAGE


class StoreDamagedError(StoreError):
    """A store file exists but cannot be read; ``str()`` says which and what to do."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


class JournalBusyError(StoreError):
    """Another process (or window) holds this journal: its scan (or cleanup) is running."""


class StoreBusyError(StoreError):
    """Another aa-tui process held the store's lock for longer than any write takes."""
