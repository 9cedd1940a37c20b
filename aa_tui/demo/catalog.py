"""Static tables the generated demo site draws from: projects, statuses, users, file kinds."""

from __future__ import annotations

from dataclasses import dataclass

#: Every date on the demo site is placed before this instant (never the wall clock).
REFERENCE_EPOCH = 1793491200  # 2026-11-01T00:00:00Z
SPAN_SECONDS = 3 * 365 * 86400  # issues are created over the ~3 years before the reference date

ISSUE_ID_BASE = 10000
ATTACHMENT_ID_BASE = 30000
PROJECT_ID_BASE = 10000


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    key: str
    name: str
    weight: float  # share of the site's issues


PROJECTS: tuple[ProjectInfo, ...] = (
    ProjectInfo("OPS", "Operations", 0.22),
    ProjectInfo("WEB", "Website", 0.18),
    ProjectInfo("MOB", "Mobile App", 0.16),
    ProjectInfo("DATA", "Data Platform", 0.14),
    ProjectInfo("FIN", "Finance", 0.10),
    ProjectInfo("HR", "People & HR", 0.08),
    ProjectInfo("LEGAL", "Legal", 0.07),
    ProjectInfo("SEC", "Security", 0.05),
)


def project_keys(text: str) -> tuple[tuple[str, ...], list[str]]:
    """The project keys named in ``text`` (``KEY,KEY``: upper-cased, each once), and those of
    them the demo site does not have."""
    keys = tuple(dict.fromkeys(k.strip().upper() for k in text.split(",") if k.strip()))
    known = {p.key for p in PROJECTS}
    return keys, [k for k in keys if k not in known]


def unknown_projects(unknown: list[str]) -> str:
    """The sentence for ``--idle-projects`` keys the demo site does not have."""
    verb = "is not a demo project" if len(unknown) == 1 else "are not demo projects"
    known = ", ".join(sorted(p.key for p in PROJECTS))
    return f"--idle-projects: {', '.join(sorted(unknown))} {verb} ({known})."


#: the projects ``aa-tui demo`` and ``aa-tui demo-site`` serve idle unless told otherwise
#: (``--idle-projects``), so that every insight list and cleanup policy has files to show
IDLE_BY_DEFAULT = ("LEGAL",)


@dataclass(frozen=True, slots=True)
class StatusInfo:
    id: str
    name: str
    category: str  # new / indeterminate / done
    weight: float


STATUS_CATEGORIES: dict[str, tuple[int, str, str]] = {
    # key: (id, name, colorName)
    "undefined": (1, "No Category", "medium-gray"),
    "new": (2, "To Do", "blue-gray"),
    "done": (3, "Done", "green"),
    "indeterminate": (4, "In Progress", "yellow"),
}

STATUSES: tuple[StatusInfo, ...] = (
    StatusInfo("10000", "To Do", "new", 0.10),
    StatusInfo("1", "Open", "new", 0.08),
    StatusInfo("10001", "Backlog", "new", 0.06),
    StatusInfo("3", "In Progress", "indeterminate", 0.10),
    StatusInfo("10002", "In Review", "indeterminate", 0.06),
    StatusInfo("10003", "Blocked", "indeterminate", 0.03),
    StatusInfo("10004", "Done", "done", 0.30),
    StatusInfo("6", "Closed", "done", 0.15),
    StatusInfo("5", "Resolved", "done", 0.12),
)


@dataclass(frozen=True, slots=True)
class UserInfo:
    account_id: str
    display_name: str
    email: str | None  # None: hidden by the user's privacy settings
    active: bool = True


USERS: tuple[UserInfo, ...] = (
    UserInfo("5b10a2844c20165700ede21g", "Mia Krystof", "mia.krystof@example.com"),
    UserInfo("5b10ac8d82e05b22cc7d4ef5", "Ravi Chandran", "ravi.chandran@example.com"),
    UserInfo("5c4f1e7a9d2b3a0012f0aa01", "Sofia Lindqvist", "sofia.lindqvist@example.com"),
    UserInfo("5d2e8b11c0a94b0011aa7c3e", "Tomás Herrera", "tomas.herrera@example.com"),
    UserInfo("5e9a0d3f7b1c2a0019b4c5d6", "Aiko Tanaka", "aiko.tanaka@example.com"),
    UserInfo("5f1b2c3d4e5f6a0013c7d8e9", "Jonas Weber", None),
    UserInfo("60a1b2c3d4e5f60012d9e0f1", "Grace Okafor", "grace.okafor@example.com"),
    UserInfo("611c2d3e4f5a6b0014e1f2a3", "Lucas Moreau", "lucas.moreau@example.com"),
    UserInfo("712020:6f1d3b9e-2c4a-4f7e-9b1a-0c2d3e4f5a6b", "Priya Nair", "priya.nair@example.com"),
    UserInfo("62d3e4f5a6b7c80015f3a4b5", "Former Contractor", None, active=False),
)
#: Share of attachments whose uploader was removed (no ``author`` in the API at all).
REMOVED_AUTHOR_SHARE = 0.04


@dataclass(frozen=True, slots=True)
class FileKind:
    """A family of attachments: how they are named, their mime type and typical size."""

    name: str
    mime: str
    median: int  # bytes
    weight: float
    patterns: tuple[str, ...]  # {n} a number, {d} a date, {t} a time, {v} a small version


KINDS: tuple[FileKind, ...] = (
    FileKind(
        "screenshot",
        "image/png",
        260_000,
        0.26,
        (
            "screenshot-{d}.png",
            "image-{dc}-{tc}.png",
            "Screenshot {d} at {t}.png",
            "image.png",
        ),
    ),
    FileKind("photo", "image/jpeg", 900_000, 0.07, ("IMG_{n4}.jpg", "photo-{n}.jpg")),
    FileKind(
        "pdf",
        "application/pdf",
        180_000,
        0.16,
        ("invoice-{n}.pdf", "quote-{n}.pdf", "spec-v{v}.pdf", "scan_{d}.pdf", "policy.pdf"),
    ),
    FileKind(
        "sheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        70_000,
        0.09,
        ("report.xlsx", "Q{q}-report.xlsx", "budget-{y}.xlsx", "export-{d}.xlsx"),
    ),
    FileKind(
        "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        90_000,
        0.08,
        ("contract_final.docx", "contract-v{v}.docx", "meeting-notes-{d}.docx", "NDA.docx"),
    ),
    FileKind(
        "text",
        "text/plain",
        3_000,
        0.09,
        ("README", "notes.txt", "error-{n}.log", "stacktrace.txt", "output.log"),
    ),
    FileKind("csv", "text/csv", 45_000, 0.05, ("export-{d}.csv", "users.csv", "data-{n}.csv")),
    FileKind("json", "application/json", 6_000, 0.04, ("payload.json", "har-{n}.json")),
    FileKind(
        "archive", "application/zip", 1_200_000, 0.06, ("logs.zip", "logs-{d}.zip", "build-{n}.zip")
    ),
    FileKind(
        "design",
        "application/octet-stream",
        3_000_000,
        0.04,
        ("design-v{v}.fig", "mockup-{n}.sketch"),
    ),
    FileKind(
        "slides",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        800_000,
        0.03,
        ("slides.pptx", "roadmap-{y}.pptx"),
    ),
    FileKind("video", "video/mp4", 4_000_000, 0.03, ("screen-recording-{d}.mp4", "repro.mp4")),
)

#: The kind of the huge files of the "realistic" profile (50-500 MB).
BIG_KIND = FileKind(
    "backup",
    "application/gzip",
    150_000_000,
    0.0,
    ("db-dump-{d}.sql.gz", "backup-{d}.tar.gz", "full-export-{n}.zip"),
)
ZERO_BYTE_NAMES: tuple[str, ...] = (".gitkeep", "empty.txt", "placeholder.txt")

SUMMARY_VERBS = (
    "Fix",
    "Investigate",
    "Update",
    "Add",
    "Remove",
    "Review",
    "Migrate",
    "Document",
    "Refactor",
    "Audit",
)
SUMMARY_OBJECTS = (
    "login page",
    "invoice export",
    "payment webhook",
    "onboarding checklist",
    "dashboard charts",
    "push notifications",
    "VPN access",
    "quarterly report",
    "vendor contract",
    "search indexing",
    "backup job",
    "SSO configuration",
    "API rate limits",
    "expense policy",
    "release pipeline",
    "customer data export",
    "dark mode",
    "GDPR request",
    "password reset email",
    "mobile crash on startup",
)
SUMMARY_TAILS = (
    "",
    " for EU customers",
    " after the last release",
    " (follow-up)",
    " in staging",
    " before the audit",
    " on Android",
    " on iOS",
    " - urgent",
    " for Q3",
)
