"""Cleanup records: a plan of copies to remove, what became of each, and progress events.

A :class:`Plan` is made from a stored exact scan and never changes once saved; applying it
writes an audit journal (``aa_tui.store.audit``) whose entries resolve each
:class:`PlannedDeletion` to an :class:`Outcome`. Everything here is plain data (no I/O), shared
by the service, the store, the command line and the app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from aa_tui.model.enums import _Text
from aa_tui.model.units import counted

#: the prefix of a group hash that proves equal bytes (a metadata group's is ``likely:``)
PROVEN_PREFIX = "sha256:"
#: the first policy's name (a plan without a ``policy`` key is one of its plans)
DUPLICATES = "duplicates"
#: days after its last update an issue's files are never selected by a policy beyond duplicates
PROTECT_DAYS = 30


class KeepRule(_Text):
    """Which copy of a group stays."""

    OLDEST = "oldest"  # the group's canonical copy (first uploaded; the report lists it first)
    NEWEST = "newest"  # the last uploaded


class Outcome(_Text):
    """What became of one planned deletion (or of one file of a restore)."""

    PLANNED = "planned"  # not applied yet (a dry run, or still pending)
    DELETED = "deleted"  # Jira accepted the DELETE (or it was gone after a DELETE was sent)
    ALREADY_GONE = "already gone"  # gone before aa-tui sent a DELETE
    SKIPPED = "skipped"  # left alone for safety (kept copy gone, bytes differ, ...)
    UNCONFIRMED = "unconfirmed"  # a DELETE was about to be sent when the run stopped
    RESTORED = "restored"  # restore: uploaded again (or found uploaded after a lost answer)

    @property
    def resolved(self) -> bool:
        return self in (Outcome.DELETED, Outcome.ALREADY_GONE, Outcome.SKIPPED)

    @property
    def removed(self) -> bool:
        """The file is gone from Jira."""
        return self in (Outcome.DELETED, Outcome.ALREADY_GONE)


class CleanupPhase(_Text):
    CONNECTING = "connecting"
    PERMISSIONS = "checking permissions"
    DELETING = "deleting"
    COMMENTING = "commenting"
    UPLOADING = "uploading"  # restore
    DONE = "done"


def is_proven(group_hash: str) -> bool:
    return isinstance(group_hash, str) and group_hash.startswith(PROVEN_PREFIX)


def sha256_hex(group_hash: str) -> str:
    """``sha256:<hex>`` -> ``<hex>`` (empty for anything else)."""
    return group_hash[len(PROVEN_PREFIX) :] if is_proven(group_hash) else ""


@dataclass(frozen=True)
class PlanFilters:
    """What a plan was made from (the service's input, kept with the plan)."""

    keep: KeepRule = KeepRule.OLDEST
    projects: tuple[str, ...] = ()  # copies in these projects only (the kept copy may be anywhere)
    min_size: int = 0  # bytes of one copy
    limit: int | None = None  # files at most
    file_types: tuple[str, ...] = ()  # extensions as the report names them (pdf, no-extension)
    groups: tuple[str, ...] = ()  # group hashes
    attachment_ids: tuple[str, ...] = ()  # only these copies (the app's marked copies)
    # The policies beyond duplicates (each written to a plan only when set: older plans and
    # duplicates plans keep their keys).
    older_than: int | None = None  # days the file's issue was not updated, at least
    max_bytes: int | None = None  # bytes at most (``--limit 5GB``)
    jql: str = ""  # as typed; ``issue_ids``: what Jira matched when the plan was made
    issue_ids: tuple[str, ...] = ()
    #: days an issue stays protected after its update (None: PROTECT_DAYS; 0: off)
    protect_days: int | None = None
    stale_days: int | None = None  # the insight thresholds (None: the scan's settings)
    idle_days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "keep", KeepRule(self.keep))
        for name in ("projects", "file_types", "groups", "attachment_ids", "issue_ids"):
            object.__setattr__(self, name, tuple(str(v) for v in getattr(self, name) or ()))

    @property
    def protect(self) -> int:
        """The protection window in days (0: none)."""
        return PROTECT_DAYS if self.protect_days is None else self.protect_days

    def to_dict(self) -> dict[str, Any]:
        return {
            "keep": self.keep.value,
            "projects": list(self.projects),
            "min_size": self.min_size,
            "limit": self.limit,
            "file_types": list(self.file_types),
            "groups": list(self.groups),
            "attachment_ids": list(self.attachment_ids),
            **{k: _listed(v) for k in _LATER_FILTERS if (v := getattr(self, k)) not in _UNSET},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanFilters:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def describe(self) -> str:
        parts = [f"keep {self.keep}"]
        if self.projects:
            parts.append("projects " + ",".join(self.projects))
        if self.min_size:
            parts.append(f"at least {self.min_size:,} bytes")
        if self.file_types:
            parts.append("types " + ",".join(self.file_types))
        if self.groups:
            parts.append(f"{counted(len(self.groups), 'chosen group')}")
        if self.attachment_ids:
            parts.append(f"{counted(len(self.attachment_ids), 'marked copy', 'marked copies')}")
        if self.limit is not None:
            parts.append(f"at most {counted(self.limit, 'file')}")
        if self.max_bytes is not None:
            parts.append(f"at most {counted(self.max_bytes, 'byte')}")
        if self.older_than is not None:
            parts.append(f"issues not updated for {counted(self.older_than, 'day')}")
        if self.jql:
            parts.append(f"JQL {self.jql!r} ({counted(len(self.issue_ids), 'issue')})")
        if self.stale_days is not None:
            parts.append(f"stale after {counted(self.stale_days, 'day')}")
        if self.idle_days is not None:
            parts.append(f"idle after {counted(self.idle_days, 'day')}")
        if self.protect_days == 0:
            parts.append("no protection window (recently updated issues included)")
        elif self.protect_days is not None:
            parts.append(f"protecting issues updated within {counted(self.protect_days, 'day')}")
        return ", ".join(parts)


#: the filters a plan file holds only when they are set (older plans have none of them)
_LATER_FILTERS = (
    "older_than",
    "max_bytes",
    "jql",
    "issue_ids",
    "protect_days",
    "stale_days",
    "idle_days",
)


_UNSET: tuple[Any, ...] = (None, "", ())


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


class ProofKind(_Text):
    """What makes a planned deletion safe; each kind has its own rules (ARCHITECTURE.md)."""

    REDUNDANT_COPY = "redundant copy"  # equal bytes stay in another copy (a kept copy)
    ONLY_COPY = "only copy"  # no copy stays: archived and verified first, or not deleted


@dataclass(frozen=True, slots=True)
class RedundantCopy:
    """The file's bytes are proven equal (a full SHA-256) to a copy that stays."""

    group_hash: str  # sha256:<hex>: the proof
    keep_id: str
    keep_issue_key: str
    keep_project_key: str
    keep_file_name: str

    @property
    def kind(self) -> ProofKind:
        return ProofKind.REDUNDANT_COPY

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in _REDUNDANT_FIELDS}


@dataclass(frozen=True, slots=True)
class OnlyCopy:
    """No copy of the file stays: it is deleted only once its bytes, read in full from Jira,
    are in the archive, read back and verified by SHA-256, and its manifest line is on disk."""

    sha256: str = ""  # hex, when the scan hashed the file in full ("": the full read decides)
    why: str = ""  # what the policy saw ("no download since 2021", ...)

    @property
    def kind(self) -> ProofKind:
        return ProofKind.ONLY_COPY

    def to_dict(self) -> dict[str, Any]:
        return {"proof": self.kind.value, "sha256": self.sha256, "why": self.why}


Proof = RedundantCopy | OnlyCopy

_REDUNDANT_FIELDS = tuple(f.name for f in fields(RedundantCopy))


@dataclass(frozen=True, slots=True)
class PlannedDeletion:
    """One file to remove, and the proof that removing it is safe."""

    attachment_id: str
    issue_id: str
    issue_key: str
    project_key: str
    file_name: str
    size: int
    mime_type: str
    author: str
    author_id: str
    created: str
    proof: Proof
    #: the issue's last update as the plan's scan saw it, before this cleanup touched it (a
    #: later scan counts the issue's files by it: see aa_tui.scan.own_updates)
    issue_updated: str = ""

    @property
    def redundant(self) -> RedundantCopy | None:
        """The kept copy's proof, or None for an only copy."""
        return self.proof if isinstance(self.proof, RedundantCopy) else None

    # The kept copy as the faces and the audit name it ("" for an only copy).
    @property
    def group_hash(self) -> str:
        return self.proof.group_hash if isinstance(self.proof, RedundantCopy) else ""

    @property
    def keep_id(self) -> str:
        return self.proof.keep_id if isinstance(self.proof, RedundantCopy) else ""

    @property
    def keep_issue_key(self) -> str:
        return self.proof.keep_issue_key if isinstance(self.proof, RedundantCopy) else ""

    @property
    def keep_project_key(self) -> str:
        return self.proof.keep_project_key if isinstance(self.proof, RedundantCopy) else ""

    @property
    def keep_file_name(self) -> str:
        return self.proof.keep_file_name if isinstance(self.proof, RedundantCopy) else ""

    @property
    def sha256(self) -> str:
        """The SHA-256 (hex) the bytes must hash to ("" when an only copy's is not known)."""
        if isinstance(self.proof, RedundantCopy):
            return sha256_hex(self.proof.group_hash)
        return self.proof.sha256

    @property
    def group(self) -> str:
        """Its group in a review: the group hash; an only copy is a group of its own."""
        if isinstance(self.proof, RedundantCopy):
            return self.proof.group_hash
        return "only:" + self.attachment_id

    def to_dict(self) -> dict[str, Any]:
        """A redundant copy's keys are the ones every earlier plan has; an only copy's add
        ``proof`` (its kind) and leave out the kept copy."""
        body = {**{f: getattr(self, f) for f in _DELETION_FIELDS}, **self.proof.to_dict()}
        if self.issue_updated:
            body["issue_updated"] = self.issue_updated
        return body

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlannedDeletion:
        kind = ProofKind(data.get("proof") or ProofKind.REDUNDANT_COPY)
        proof: Proof
        if kind is ProofKind.REDUNDANT_COPY:
            proof = RedundantCopy(**{f: data[f] for f in _REDUNDANT_FIELDS})
        else:
            proof = OnlyCopy(sha256=str(data.get("sha256") or ""), why=str(data.get("why") or ""))
        return cls(
            **{f: data[f] for f in _DELETION_FIELDS},
            proof=proof,
            issue_updated=str(data.get("issue_updated") or ""),  # earlier plans have none
        )


_DELETION_FIELDS = tuple(
    f.name for f in fields(PlannedDeletion) if f.name not in ("proof", "issue_updated")
)


@dataclass(frozen=True, slots=True)
class ProjectTotal:
    key: str
    files: int
    size: int


@dataclass
class Plan:
    """The copies one cleanup removes. Saved once; applying it never changes it."""

    id: str
    scan_id: str
    site: str
    email: str
    created_at: str
    filters: PlanFilters
    deletions: list[PlannedDeletion]
    browse_url: str = ""
    #: why some groups or copies were left out (metadata groups, copies already removed, ...)
    notes: list[str] = field(default_factory=list)
    #: the policy that chose the files (aa_tui.service.cleanup.policy)
    policy: str = DUPLICATES

    @property
    def files(self) -> int:
        return len(self.deletions)

    @property
    def size(self) -> int:
        return sum(d.size for d in self.deletions)

    @property
    def group_count(self) -> int:
        return len({d.group for d in self.deletions})

    @property
    def only_copies(self) -> list[PlannedDeletion]:
        """Deletions no copy survives: the plan cannot be applied without an archive."""
        return [d for d in self.deletions if d.proof.kind is ProofKind.ONLY_COPY]

    @property
    def issue_base(self) -> str:
        return (self.browse_url or self.site).rstrip("/")

    def by_project(self) -> list[ProjectTotal]:
        """Files and bytes removed per project, most bytes first."""
        return project_totals(self.deletions)

    def by_group(self) -> list[tuple[str, list[PlannedDeletion]]]:
        """``(group, its deletions)`` in the plan's order: a redundant copy's group is its
        group hash (the kept copy is on each); an only copy is a group of its own."""
        out: dict[str, list[PlannedDeletion]] = {}
        for d in self.deletions:
            out.setdefault(d.group, []).append(d)
        return list(out.items())

    def projects(self) -> list[str]:
        return sorted({d.project_key for d in self.deletions})

    @property
    def confirmation(self) -> str:
        """What a person types to confirm applying this plan (the app's typed confirmation)."""
        return f"delete {self.files}"

    def to_dict(self) -> dict[str, Any]:
        """``policy`` is written when it is not duplicates (absent in every earlier plan)."""
        policy = {"policy": self.policy} if self.policy != DUPLICATES else {}
        return {
            "id": self.id,
            "scan_id": self.scan_id,
            "site": self.site,
            "email": self.email,
            "browse_url": self.browse_url,
            "created_at": self.created_at,
            "filters": self.filters.to_dict(),
            "notes": list(self.notes),
            "files": self.files,
            "size": self.size,
            "groups": self.group_count,
            **policy,
            "deletions": [d.to_dict() for d in self.deletions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(
            id=str(data["id"]),
            scan_id=str(data["scan_id"]),
            site=str(data["site"]),
            email=str(data["email"]),
            browse_url=str(data.get("browse_url") or ""),
            created_at=str(data.get("created_at") or ""),
            filters=PlanFilters.from_dict(data.get("filters") or {}),
            notes=[str(n) for n in data.get("notes") or []],
            deletions=[PlannedDeletion.from_dict(d) for d in data.get("deletions") or []],
            policy=str(data.get("policy") or DUPLICATES),
        )


def project_totals(deletions: Iterable[PlannedDeletion]) -> list[ProjectTotal]:
    files: dict[str, int] = {}
    size: dict[str, int] = {}
    for d in deletions:
        files[d.project_key] = files.get(d.project_key, 0) + 1
        size[d.project_key] = size.get(d.project_key, 0) + d.size
    return sorted(
        (ProjectTotal(k, files[k], size[k]) for k in files), key=lambda t: (-t.size, t.key)
    )


@dataclass(frozen=True, slots=True)
class ItemResult:
    """What became of one deletion in a run (or of one upload in a restore)."""

    attachment_id: str
    issue_key: str
    project_key: str
    file_name: str
    size: int
    outcome: Outcome
    reason: str = ""
    at: str = ""
    new_id: str = ""  # restore: the id of the uploaded copy


@dataclass(frozen=True, slots=True)
class CleanupProgress:
    """A snapshot of a running cleanup (or restore), for a progress line or a screen.

    ``done``/``total`` count files resolved in this run; ``last`` is the file that just
    resolved (``None`` on a timer tick); ``waiting_issues`` are issues whose writes wait out
    Jira's per-issue write limit."""

    phase: CleanupPhase
    done: int = 0
    total: int = 0
    deleted: int = 0
    already_gone: int = 0
    skipped: int = 0
    freed: int = 0  # bytes deleted in this run
    archived: int = 0  # files this run put in the archive, checked by SHA-256
    archived_size: int = 0  # their bytes
    comments: int = 0
    uploaded: int = 0  # restore
    elapsed_s: float = 0.0
    requests: int = 0
    throttled: int = 0
    issue_throttled: int = 0  # 429s scoped to one issue (jira-per-issue-on-write)
    retries: int = 0
    backoff_s: float = 0.0
    waiting_issues: int = 0
    last: ItemResult | None = None
    message: str = ""

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


@dataclass(frozen=True)
class AuditEntry:
    """One file a cleanup of this store touched, as ``aa-tui audit`` lists it."""

    at: str
    site: str
    plan_id: str
    scan_id: str
    actor: str  # the account email that applied the plan
    attachment_id: str
    issue_key: str
    project_key: str
    file_name: str
    size: int
    sha256: str
    keep_id: str
    keep_issue_key: str
    outcome: Outcome
    reason: str = ""
    archive: str = ""  # the archived file's path, when archived
    restored_as: str = ""  # the id of the re-uploaded copy, when restored

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["outcome"] = self.outcome.value
        return data


AUDIT_FIELDS = tuple(f.name for f in fields(AuditEntry))
