"""The app's messages, all in one place: what a thread worker posts to its screen (the only
thing a worker does with the UI), and what widgets tell their screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from aa_tui.model.cleanup import AuditEntry, CleanupProgress, Plan
from aa_tui.model.events import ScanProgress
from aa_tui.model.forecast import Forecast
from aa_tui.model.insights import FileList, GroupChanges, Insights, MonthRow
from aa_tui.model.summary import ScanSummary

if TYPE_CHECKING:
    from aa_tui.service.cleanup import (
        CleanupOutcome,
        PlanReview,
        Removed,
        RestoreOutcome,
        RestorePlan,
    )
    from aa_tui.service.insights import GroupOfScan
    from aa_tui.service.scanning import ScanOutcome
    from aa_tui.service.sites import Identity
    from aa_tui.tui.group_index import GroupIndex
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
    site: str = ""  # what the site is: "Jira Cloud", "Jira Data Center 9.12.4"


@dataclass
class ProjectsListed(Message):
    """The projects a site lets the account browse, or (``projects`` None) why not."""

    projects: list[dict[str, Any]] | None
    problem: str


@dataclass
class ScanCostCounted(Message):
    """About how many issues a whole-site scan would read (None: Jira did not say), or what
    stopped the question (a refused token, say)."""

    issues: int | None
    error: BaseException | None = None


# -- insights -----------------------------------------------------------------------------------
@dataclass
class InsightsRead(Message):
    """A scan's summary and its insights under the app's settings (the insights screen)."""

    summary: ScanSummary
    insights: Insights
    forecast: Forecast | None = None  # when the cap is reached at this rate
    #: per what-if step, the bytes a saved or unfinished plan of this scan deletes already
    planned: dict[str, int] = field(default_factory=dict)
    #: how many of the scan's files cleanups had removed when these figures were read
    removed: int = 0
    #: files (and bytes) that became their group's kept copy when a cleanup removed it
    kept_anew: tuple[int, int] = (0, 0)


@dataclass
class RemovedChecked(Message):
    """What cleanups have removed from the scan's files, read again on a screen's return (a
    cleanup applied from it: its marks and rows change)."""

    removed: Removed


@dataclass
class GrowthRead(Message):
    """Uploads by month, of the whole scan or of one project (the growth tab)."""

    months: list[MonthRow]
    project: str = ""  # "": the whole scan's


@dataclass
class FilesToMark(Message):
    """The files of the rows a mark key acted on (attachment id -> size), read: ``how`` is
    ``toggle`` (Space), ``mark`` (M) or ``unmark`` (U); ``what``: the rows, as said."""

    files: dict[str, int]
    how: str
    what: str


@dataclass
class FilesListed(Message):
    """The files behind one number (the files screen)."""

    listed: FileList
    #: how many of the scan's files cleanups had removed when the list was read
    removed: int = 0


@dataclass
class FilesFiltered(Message):
    """The files of a whole list that a filter keeps (the files screen, a list longer than
    it shows): ``text`` is the filter they answer."""

    text: str
    listed: FileList


@dataclass
class GroupChangesRead(Message):
    """The duplicate groups that changed between two scans."""

    changes: GroupChanges


@dataclass
class GroupOfScanRead(Message):
    """One duplicate group read from a scan (``None``: that scan has no such group)."""

    found: GroupOfScan | None
    seen_in: str  # which scan's group it is, said below its head


# -- cleanup and audit --------------------------------------------------------------------------
class CleanupProgressed(Message):
    """The latest progress of a cleanup; a burst collapses to the newest unless it carries a
    resolved file (each of those is listed)."""

    def __init__(self, progress: CleanupProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, CleanupProgressed)
            and message.progress.last is None
            and self.progress.last is None
        )


@dataclass
class CleanupEnded(Message):
    """The run ended: ``outcome`` (where the plan stands) and what stopped it, if anything."""

    outcome: CleanupOutcome | None
    error: BaseException | None


@dataclass
class PlanReviewed(Message):
    """A plan and its review (built off the UI thread)."""

    plan: Plan
    review: PlanReview
    resumable: bool = False  # an interrupted plan of this scan


@dataclass
class PlanRechecked(Message):
    """The plan after Jira was asked again about each of its files."""

    plan: Plan
    review: PlanReview
    checked: int
    left_out: dict[str, str]


@dataclass
class RemovedRead(Message):
    """What earlier cleanups removed from the scan's files, and its summary after them."""

    removed: Removed
    summary: ScanSummary


@dataclass
class ViewRead(Message):
    """The groups of the list's view, with their copies (for "mark all in view")."""

    groups: list[dict[str, Any]]


class AuditRead(Message):
    """The audit journal's entries, read off the UI thread."""

    def __init__(self, entries: list[AuditEntry]) -> None:
        super().__init__()
        self.entries = entries


@dataclass
class RestorePlanned(Message):
    """What a restore from the Audit screen would put back (archived files checked)."""

    plan: RestorePlan
    what: str  # "this file", "the files of OPS-7", "the files of plan ..."


@dataclass
class RestoreEnded(Message):
    """A restore ended: where it stands, and what stopped it, if anything."""

    outcome: RestoreOutcome | None
    error: BaseException | None
