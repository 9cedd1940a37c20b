"""Messages between the engine's thread, widgets and screens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from aa_tui.model.events import ScanProgress

if TYPE_CHECKING:
    from aa_tui.service.scanning import ScanOutcome
    from aa_tui.service.sites import Identity
    from aa_tui.tui.grouplist import GroupIndex


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


@dataclass
class GroupsLoaded(Message):
    """A scan's duplicate groups are read and indexed (posted by the results' loader)."""

    index: GroupIndex


@dataclass
class ScanFinished(Message):
    """The live scan's engine finished and saved its results."""

    outcome: ScanOutcome


@dataclass
class ScanStopped(Message):
    """The live scan's engine stopped before the end: cancelled, or an error."""

    error: BaseException
    cancelled: bool


@dataclass
class Exported(Message):
    """An export was written; ``text`` says what and where."""

    text: str


@dataclass
class SignInTested(Message):
    """A connection test ended: who signed in, or (``identity`` None) what went wrong."""

    identity: Identity | None
    problem: str


@dataclass
class ProjectsListed(Message):
    """The projects a site lets the account browse, or (``projects`` None) why not."""

    projects: list[dict] | None
    problem: str
