"""The settings and steps that messages of the service name, as each face calls them.

A service error that names one is built from parts (``InputError(WORKERS, " must be at least
1.")``), so the command line reads ``--workers`` and the app reads what its screens show."""

from __future__ import annotations

from aa_tui.model.errors import Option

WORKERS = Option("--workers", "Parallel requests")
VERIFY = Option("--verify", "How to prove a duplicate")
VERIFY_METADATA = Option("--verify metadata", "a metadata scan")
LIMIT = Option("--limit", "The file limit")
MIN_SIZE = Option("--min-size", "The minimum size")
JQL = Option("--jql", "The JQL filter")
PROJECTS = Option("--projects", "Projects")
PROJECTS_OUT = Option("leave those projects out (--projects)", "leave those projects' files out")
PROVE_OR_EXACT = Option(
    "Add --prove to read every copy of them in full first, or run an exact scan",
    "Run an exact scan",
)
RESUME = Option("--resume", "Resume (r)")
RESUME_SAME = Option("the same command", "Resume (r)")
ARCHIVE = Option("--archive", "archive")
AN_ARCHIVE = Option("--archive", "an archive folder")
SCAN_LIST = Option("`aa-tui scans`", "History")
CAP = Option("--cap", "Storage cap")
WARN_AT = Option("--warn-at", "Warn at")
NOTIFY = Option("--notify", "Notify URL")
