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
    from aa_tui.tui.shares import Drill


class ScanProgressed(Message):
    """The latest progress of a scan; a burst collapses to the newest (``can_replace``)."""

    def __init__(self, progress: ScanProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgressed)


class DrillDown(Message):
    """Enter on a breakdown row: show the duplicate groups that contain ``value``, and the
    row's own redundant copies and wasted bytes (what their shares must add up to)."""

    def __init__(
        self, facet: str, value: str, *, noun: str = "", copies: int = 0, wasted: int = 0
    ) -> None:
        super().__init__()
        self.facet = facet
        self.value = value
        self.noun = noun or facet
        self.copies = copies
        self.wasted = wasted


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
class SharesCounted(Message):
    """A drilled-into breakdown row's share of each of its groups is known."""

    drill: Drill


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
class KeyringProbed(Message):
    """Whether an OS keyring can hold tokens, and the sentence that says so."""

    usable: bool
    message: str


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
