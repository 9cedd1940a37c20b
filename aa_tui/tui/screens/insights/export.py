"""Export one list of files (the Insights' Enter on a row) as a CSV or a JSON file."""

from __future__ import annotations

import re
from pathlib import Path

from aa_tui.model.insights import FileRow
from aa_tui.tui import format as fmt
from aa_tui.tui.screens.export import ExportScreen


def list_slug(name: str, key: str) -> str:
    """A file-name-safe word for a list: ``stale``, ``projects-OPS``, ``uploads_by_month-2026-03``."""
    words = "-".join(w for w in (name, key.replace("|", "-")) if w)
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", words).strip("._-")[:80] or "files"


class FileListExportScreen(ExportScreen):
    """The results' export dialog for a list of files: CSV (one file) or JSON, and where.

    ``name``, ``key``: the list (``Workspace.files``); ``rows``: the files as the list shows them (filtered, sorted), when that is what is
    written; ``None``: every file of the list, biggest first, read again by the service."""

    HEADING = ""
    KINDS = (
        ("csv", "CSV: one file, a row per file (the report's file-list columns)"),
        ("json", "JSON: one file, the list and every file"),
    )

    def __init__(
        self,
        scan_id: str,
        name: str,
        key: str,
        title: str,
        rows: list[FileRow] | None,
        what: str,
        *,
        base: Path | None = None,
    ) -> None:
        super().__init__(scan_id, None, base=base)
        self.list_name, self.list_key, self.title = name, key, title
        self.rows = rows
        self.what = what

    def heading(self) -> str:
        return f"Export {self.what}: {self.title}"

    def path_for(self, kind: str) -> Path:
        base = self.base or Path.cwd()
        return base / f"aa-tui-{self.scan_id}-{list_slug(self.list_name, self.list_key)}.{kind}"

    def exists(self, path: Path, kind: str) -> bool:
        return path.exists()

    def write(self, path: Path, kind: str) -> str:
        done = self.workspace.export_files(
            self.scan_id,
            self.list_name,
            self.list_key,
            path=path,
            kind=kind,
            rows=self.rows,
        )
        return f"Wrote {fmt.count(done.files)} files to {done.path}"
