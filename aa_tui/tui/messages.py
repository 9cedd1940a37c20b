"""Messages between the engine's thread, widgets and screens."""

from __future__ import annotations

from textual.message import Message

from aa_tui.model.events import ScanProgress


class ScanProgressed(Message):
    """The latest progress of a scan; a burst collapses to the newest (``can_replace``)."""

    def __init__(self, progress: ScanProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgressed)


class DrillDown(Message):
    """Enter on a breakdown row: show the duplicate groups that contain ``value``."""

    def __init__(self, facet: str, value: str) -> None:
        super().__init__()
        self.facet = facet
        self.value = value


class GroupsLoading(Message):
    """How many duplicate groups are read so far (coalesces like scan progress)."""

    def __init__(self, count: int, expected: int) -> None:
        super().__init__()
        self.count = count
        self.expected = expected

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, GroupsLoading)
