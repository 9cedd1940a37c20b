"""Insight records: the tables an admin decides from, and one file in a list of files.

Every table row here can be opened as a list of :class:`FileRow`; the scan pipeline builds
them (``aa_tui.analysis.insights``), the store keeps the file rows in their own file, and a
:class:`~aa_tui.model.summary.ScanSummary` reads the tables back (missing in an older scan's
summary: empty lists).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from aa_tui.model.classify import STALE_AFTER_DAYS
from aa_tui.model.units import counted, size_text

IDLE_AFTER_DAYS = 180
CLUTTER_MIN_COPIES = 10
TOP_FILES = 50  # rows of the heat and largest-files tables kept in a summary


@dataclass(frozen=True, slots=True)
class InsightSettings:
    """The thresholds behind the insight tables (each one a setting)."""

    stale_days: int = STALE_AFTER_DAYS  # a Done issue not updated for this long is stale
    idle_days: int = IDLE_AFTER_DAYS  # a project whose newest update is older is idle
    clutter_copies: int = CLUTTER_MIN_COPIES  # a group with this many copies is clutter
    top: int = TOP_FILES
    cap: int | None = None  # the plan's storage cap in bytes, when the user states it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> InsightSettings:
        """Settings as a summary saved them; a value of the wrong type keeps the default."""
        if not isinstance(data, dict):
            return cls()
        ints = {"stale_days", "idle_days", "clutter_copies", "top"}
        kept = {
            k: v
            for k, v in data.items()
            if (k in ints and _is_int(v)) or (k == "cap" and (v is None or _is_int(v)))
        }
        return cls(**kept)


#: the fields of one stored file row, in order (a plain list on disk: 500,000 load fast)
FILE_ROW_FIELDS = (
    "attachment_id",
    "issue_key",
    "project_key",
    "file_name",
    "size",
    "mime_type",
    "author",
    "author_id",
    "author_active",
    "created",
    "status",
    "status_category",
    "issue_updated",
    "hash",  # the duplicate group's hash, "" when the file has no copy
    "is_copy",  # a copy beyond the group's canonical one (its bytes are waste)
)


@dataclass(slots=True)  # not frozen: half the cost to build, and lists build many
class FileRow:
    """One file in a list of files (what a row of any insight opens)."""

    attachment_id: str
    issue_key: str
    project_key: str
    file_name: str
    size: int
    mime_type: str
    author: str
    author_id: str
    author_active: bool | None
    created: str
    status: str
    status_category: str
    issue_updated: str
    hash: str = ""
    is_copy: bool = False

    def to_row(self) -> list[Any]:
        return [getattr(self, name) for name in FILE_ROW_FIELDS]

    @classmethod
    def from_row(cls, row: list[Any]) -> FileRow:
        return cls(*row)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FILE_ROW_FIELDS}


@dataclass(slots=True)
class FileList:
    """A list of files: its first files (all, or the first ``limit``), and how many files and
    bytes the whole list holds."""

    files: list[FileRow]
    count: int
    size: int
    #: why each file is in the list, by attachment id, when the list says (unreadable: Jira's
    #: answer, as the HTML report shows it)
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return len(self.files) == self.count


@dataclass(slots=True)
class MonthRow:
    """Uploads of one month (``YYYY-MM``, UTC, by upload time) and the waste among them."""

    month: str
    files: int = 0
    size: int = 0
    wasted_size: int = 0


@dataclass(slots=True)
class IdleProject:
    """A project whose newest issue update is older than the idle threshold."""

    key: str
    last_update: str
    files: int = 0
    size: int = 0


@dataclass(slots=True)
class InactiveUploader:
    """An account that is no longer active (``author.active`` false) and what it uploaded."""

    account_id: str
    name: str
    files: int = 0
    size: int = 0


@dataclass(slots=True)
class ClutterRow:
    """A duplicate group with many copies (signature images, logos, templates)."""

    hash: str
    file_name: str
    size: int
    copies: int
    issues: int
    projects: int
    wasted_size: int


@dataclass(slots=True)
class HygieneRow:
    """Files of one kind that rarely need keeping (logs, dumps, HAR, temp and OS junk)."""

    kind: str
    files: int = 0
    size: int = 0


@dataclass(slots=True)
class HeatRow:
    """A big file on a long-untouched issue: ``heat`` = size x days since the issue's update."""

    attachment_id: str
    issue_key: str
    project_key: str
    file_name: str
    size: int
    issue_updated: str
    days_idle: int
    heat: int


@dataclass(slots=True)
class WhatIfRow:
    """One cleanup step: the bytes it frees beyond the steps before it (no file counted
    twice), the running total, what would remain and, given a cap, the room under it."""

    step: str
    files: int
    size: int
    cumulative_size: int
    remaining_size: int
    under_cap: int | None = None  # cap - remaining (negative: still over the cap)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _load(cls: type, rows: Any) -> list[Any]:
    known = {f.name for f in fields(cls)}
    out: list[Any] = []
    if not isinstance(rows, list):
        return out
    for row in rows:
        if isinstance(row, dict):
            try:
                out.append(cls(**{k: v for k, v in row.items() if k in known}))
            except TypeError:  # a row missing a required field: skipped, never fatal
                continue
    return out


#: the insight tables of a summary (name -> row type), in the order reports show them
INSIGHT_TABLES: dict[str, type] = {
    "uploads_by_month": MonthRow,
    "idle_projects": IdleProject,
    "inactive_uploaders": InactiveUploader,
    "clutter": ClutterRow,
    "hygiene": HygieneRow,
    "heat": HeatRow,
    "what_if": WhatIfRow,
}


@dataclass
class Insights:
    """Every insight table of a scan, the largest files, and what each threshold selected."""

    settings: InsightSettings
    tables: dict[str, list[Any]] = field(default_factory=dict)
    largest: list[FileRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def table(self, name: str) -> list[Any]:
        return self.tables.get(name, [])

    def to_summary(self) -> dict[str, Any]:
        """The report-format fields (``aa-tui.report/2``) of these insights."""
        out: dict[str, Any] = {"insight_settings": self.settings.to_dict()}
        for name in INSIGHT_TABLES:
            out[name] = [asdict(row) for row in self.tables.get(name, [])]
        out["largest_files"] = [row.to_dict() for row in self.largest]
        out["insight_counts"] = dict(self.counts)
        return out


def load_insight_tables(data: dict[str, Any]) -> dict[str, list[Any]]:
    """Typed insight tables of a summary; a table an older summary lacks is empty."""
    return {name: _load(cls, data.get(name)) for name, cls in INSIGHT_TABLES.items()}


def largest_from(data: Any) -> list[FileRow]:
    """The largest files of a summary (report-format dicts) as file rows."""
    out: list[FileRow] = []
    if not isinstance(data, list):
        return out
    for row in data:
        if isinstance(row, dict):
            try:
                out.append(FileRow(**{k: row[k] for k in FILE_ROW_FIELDS if k in row}))
            except TypeError:
                continue
    return out


_UNITS = {
    "": 1, "b": 1,
    "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}  # fmt: skip


def _size_parts(text: str) -> tuple[str, str]:
    """``"1.5 TB"`` -> ``("1.5", "tb")``: the number and the unit as typed (case-folded)."""
    value = text.strip().lower().replace(" ", "").replace("_", "").replace(",", "")
    number = value.rstrip("kmgtib")
    return number, value[len(number) :]


def parse_size(text: str) -> int:
    """``250GB`` (decimal, as Atlassian's plans state caps), ``2 GiB``, ``1.5TB`` or bytes;
    a :class:`ValueError` saying what is expected otherwise."""
    number, unit = _size_parts(text)
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if unit not in _UNITS or amount < 0 or amount != amount or amount == float("inf"):
        raise ValueError(f"{text!r} is not a size: write it like 250GB, 2GiB or 500MB.")
    return int(amount * _UNITS[unit])


#: more than any Jira plan's storage (a cap above it is a typing slip)
MAX_CAP = 10**18


def parse_cap(text: str) -> int:
    """A plan's storage cap: :func:`parse_size` with its unit said (a bare ``2`` would be 2
    bytes, which nobody means), above 0 and at most :data:`MAX_CAP`; a :class:`ValueError`
    saying what is expected otherwise."""
    size = parse_size(text)
    if not _size_parts(text)[1]:
        raise ValueError(f"{text!r} has no unit: write the cap like 250GB, 2GB or 500MB.")
    if size <= 0:
        raise ValueError("A cap is more than 0 bytes: write it like 250GB.")
    if size > MAX_CAP:
        raise ValueError(f"{text!r} is more than any Jira plan's storage: write it like 250GB.")
    return size


#: the decimal units plans are sold in, biggest first
_DECIMAL_UNITS = (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("KB", 10**3))


def cap_text(cap: int) -> str:
    """A cap in the decimal units plans are sold in: ``250 GB``, ``1.5 TB``, ``2,000,000 B``
    (what :func:`parse_size` reads back)."""
    for unit, factor in _DECIMAL_UNITS:
        if cap >= factor and (cap * 10) % factor == 0:
            amount = cap / factor
            return f"{amount:,.0f} {unit}" if amount == int(amount) else f"{amount:,.1f} {unit}"
    return f"{cap:,} B"


def room_text(room: int, cap: int) -> str:
    """The room a cap leaves (``cap - remaining``) in the cap's own decimal unit, as one
    figure family with the cap: ``248.9 GB to spare``, ``over by 505.6 MB`` (a room smaller
    than one of the cap's units steps down to a unit that shows it)."""
    amount = abs(room)
    units = [(u, f) for u, f in _DECIMAL_UNITS if f <= cap] or [("B", 1)]
    unit, factor = next(((u, f) for u, f in units if amount >= f), ("B", 1))
    text = f"{amount:,} B" if factor == 1 else f"{amount / factor:,.1f} {unit}"
    return f"over by {text}" if room < 0 else f"{text} to spare"


def kept_anew_sentence(files: int, size: int) -> str:
    """Why what-if figures can rise after a cleanup: ``files`` (of ``size`` bytes) became
    their group's kept copy when a cleanup removed the one the figures kept (its oldest)."""
    one = files == 1
    return (
        f"{counted(files, 'file')} ({size_text(size)}) {'is a kept copy' if one else 'are kept'}"
        f"{'' if one else ' copies'} now: a cleanup removed the oldest copy of"
        f" {'its group' if one else 'their groups'} (the one these figures keep), so"
        f" {'it is a duplicate' if one else 'they are duplicates'} no more."
    )


@dataclass(slots=True)
class GroupChange:
    """A duplicate group between two scans: copies and waste before and after (0: absent)."""

    hash: str
    file_name: str
    size: int
    copies_before: int
    copies_after: int
    wasted_before: int
    wasted_after: int

    @property
    def wasted_change(self) -> int:
        return self.wasted_after - self.wasted_before


@dataclass
class GroupChanges:
    """Groups that appeared, disappeared, grew (more copies) or shrank (fewer) from one scan
    to the next, each list the biggest change in waste first; and those that hold as many
    copies but not all the same files (one deleted here, one uploaded there: the waste of
    its projects moved), the most waste first."""

    appeared: list[GroupChange] = field(default_factory=list)
    disappeared: list[GroupChange] = field(default_factory=list)
    grew: list[GroupChange] = field(default_factory=list)
    shrank: list[GroupChange] = field(default_factory=list)
    changed: list[GroupChange] = field(default_factory=list)
    #: whether the files of every group in both scans were compared (a scan saved by an older
    #: aa-tui kept no list of them: a group of as many copies may hold other files then)
    files_compared: bool = False
