"""The archive manifest: one JSON object per line, one line per archived file (README,
"Archive manifest format"). A restore needs nothing else of aa-tui's store to put files back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from aa_tui.model.cleanup import Plan, PlannedDeletion, ProofKind

MANIFEST = "manifest.jsonl"
MANIFEST_FORMAT = "aa-tui.archive/1"


def manifest_line(
    d: PlannedDeletion, plan: Plan, deleted_at: str, actor: str, path: str
) -> dict[str, Any]:
    """The line of ``d``; ``deleted_at`` is empty when the line is written before the DELETE
    (an only copy: its line is on disk before its deletion is attempted)."""
    line: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "id": d.attachment_id,
        "issue": d.issue_key,
        "issue_id": d.issue_id,
        "project": d.project_key,
        "file_name": d.file_name,
        "size": d.size,
        "sha256": d.sha256,
        "mime_type": d.mime_type,
        "author": d.author,
        "uploaded": d.created,
        "kept_id": d.keep_id,
        "kept_issue": d.keep_issue_key,
        "deleted_at": deleted_at,
        "deleted_by": actor,
        "site": plan.site,
        "plan": plan.id,
        "path": path,
    }
    if d.proof.kind is not ProofKind.REDUNDANT_COPY:
        line["proof"] = d.proof.kind.value  # absent: a redundant copy (every line before it)
    return line


def parse_manifest(data: bytes) -> list[dict[str, Any]]:
    """Every whole line (a torn last line, a blank or unreadable line, a line without an id
    are left out)."""
    out = []
    for raw in data.split(b"\n")[:-1]:  # the last piece is empty, or a torn line
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(line, dict) and line.get("id") is not None:
            out.append(line)
    return out


def read_manifest(path: Path) -> list[dict[str, Any]]:
    """Every whole line of the manifest file at ``path`` (none when it does not exist)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    return parse_manifest(data)
