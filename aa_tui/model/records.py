"""Plain records shared by the scan pipeline, the store, the CLI and the TUI."""

from __future__ import annotations

import operator
import re
from dataclasses import asdict, dataclass, field
from typing import Any

UNKNOWN_AUTHOR = "(unknown user)"
STATUS_CATEGORIES = ("To Do", "In Progress", "Done")


@dataclass(slots=True, unsafe_hash=True)
class AttachmentRecord:
    """One attachment on one issue, as the metadata phase sees it (no bytes read yet).

    A fact from Jira: never changed once made (``dataclasses.replace`` makes another). Not
    ``frozen``, only because a frozen dataclass sets each field through
    ``object.__setattr__``: twice the time, and a scan makes 531,000 of them (a rescan's base
    read back: 3.0 -> 2.35 s). Equal and hashed by value, as a frozen one is."""

    attachment_id: str
    issue_id: str
    issue_key: str
    project_key: str
    file_name: str
    size: int
    mime_type: str
    author: str
    created: str  # ISO-8601, as Jira gives it
    status: str
    status_category: str
    issue_updated: str
    author_id: str = ""
    #: ``author.active`` as Jira gave it; ``None`` when it did not say (no author, or a
    #: record saved by an older aa-tui)
    author_active: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        # A plain field copy: dataclasses.asdict deep-copies, and was most of the engine's CPU
        # per record when profiled (every field here is a str or an int).
        return dict(zip(_ATTACHMENT_FIELDS, _attachment_values(self), strict=True))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AttachmentRecord:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


_ATTACHMENT_FIELDS = tuple(AttachmentRecord.__dataclass_fields__)
_attachment_values = operator.attrgetter(*_ATTACHMENT_FIELDS)


#: a Jira project key as Jira allows it (a letter, then letters, digits or underscores)
PROJECT_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,254}$")
#: an issue key: its project's key, a hyphen, its number
ISSUE_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,254}-\d+$")


@dataclass(frozen=True, slots=True)
class Scope:
    """What a scan covers: the whole site, some projects, and/or a JQL filter."""

    projects: tuple[str, ...] = ()
    jql: str = ""

    def __post_init__(self) -> None:
        # one scope whatever order its projects were named in (HR,OPS is OPS,HR): a rescan
        # starts from it and --keep-scans prunes it, saved before this rule or after
        object.__setattr__(self, "projects", tuple(sorted(dict.fromkeys(self.projects))))

    def describe(self) -> str:
        parts = []
        if self.projects:
            parts.append("projects " + ", ".join(self.projects))
        if self.jql:
            parts.append(f"JQL {self.jql}")
        return "; ".join(parts) or "whole site"

    def to_dict(self) -> dict[str, Any]:
        return {"projects": list(self.projects), "jql": self.jql}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scope:
        return cls(projects=tuple(data.get("projects") or ()), jql=data.get("jql") or "")


@dataclass(slots=True)
class DuplicateGroup:
    """Attachments with identical bytes (or, when ``likely``, equal size and name)."""

    hash: str
    size: int
    locations: list[AttachmentRecord]  # canonical (oldest upload) first
    likely: bool = False

    @property
    def canonical(self) -> AttachmentRecord:
        return self.locations[0]

    @property
    def file_name(self) -> str:
        return self.canonical.file_name

    @property
    def mime_type(self) -> str:
        return self.canonical.mime_type

    @property
    def copies(self) -> int:
        return len(self.locations)

    @property
    def wasted_size(self) -> int:
        return (self.copies - 1) * self.size

    def member_ids(self) -> list[str]:
        """Its files' ids, the kept one first."""
        return [r.attachment_id for r in self.locations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "size": self.size,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "copies": self.copies,
            "wasted_size": self.wasted_size,
            "likely": self.likely,
            "locations": [
                {
                    "attachment_id": a.attachment_id,
                    "issue_key": a.issue_key,
                    "project_key": a.project_key,
                    "file_name": a.file_name,
                    "author": a.author,
                    "created": a.created,
                    "status": a.status,
                    "status_category": a.status_category,
                    "issue_updated": a.issue_updated,
                    "is_canonical": i == 0,
                }
                for i, a in enumerate(self.locations)
            ],
        }


@dataclass(slots=True)
class StatRow:
    """One row of a breakdown table (a project, a file type, an uploader, ...)."""

    key: str
    files: int = 0
    size: int = 0
    duplicate_files: int = 0
    wasted_size: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Totals:
    issues_scanned: int = 0
    total_files: int = 0
    total_size: int = 0
    canonical_files: int = 0
    duplicate_files: int = 0
    duplicate_size: int = 0
    waste_pct: float = 0.0
    zero_byte_files: int = 0
    unreadable_files: int = 0
    stale_files: int = 0  # on Done issues not updated for a year
    stale_size: int = 0
    duplicate_groups: int = 0
    bytes_read: int = 0
    bytes_read_by_stage: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    retries: int = 0
    throttled: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
