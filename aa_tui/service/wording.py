"""The settings that messages of the service name, as each face calls them.

A service error that names a setting is built from parts (``InputError(WORKERS, " must be at
least 1.")``), so the command line reads ``--workers`` and the app reads the form's label."""

from __future__ import annotations

from aa_tui.model.errors import Option

WORKERS = Option("--workers", "Parallel requests")
VERIFY = Option("--verify", "How to prove a duplicate")
LIMIT = Option("--limit", "The file limit")
MIN_SIZE = Option("--min-size", "The minimum size")
PROJECTS = Option("--projects", "Projects")
PROVE = Option("--prove", "Prove (read every copy in full)")
RESUME = Option("--resume", "Resume (r)")
ARCHIVE = Option("--archive", "the archive folder")
SCAN_LIST = Option("`aa-tui scans`", "History")
