"""Cleanup documents for scripts: a plan (and what became of each file) as JSON, the audit as
JSON or CSV. File names come from any Jira user: CSV cells that a spreadsheet would run as a
formula get a leading ``'`` (as the report's CSV tables); JSON keeps every name as Jira gave it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson

from aa_tui.model.cleanup import AUDIT_FIELDS, AuditEntry, Plan
from aa_tui.reports.csv_tables import csv_safe
from aa_tui.store.atomic import write_atomic
from aa_tui.store.audit import ApplyState

PLAN_SCHEMA = "aa-tui.cleanup/1"
AUDIT_SCHEMA = "aa-tui.audit/1"


def plan_document(plan: Plan, state: ApplyState) -> dict[str, Any]:
    """The plan with each file's outcome so far (``planned`` for a dry run)."""
    body = plan.to_dict()
    files = []
    for d in plan.deletions:
        resolved = state.outcomes.get(d.attachment_id)
        files.append(
            {
                **d.to_dict(),
                "sha256": d.sha256 or state.archived.get(d.attachment_id, {}).get("sha256", ""),
                "outcome": state.outcome_of(d.attachment_id).value,
                "reason": resolved.reason if resolved else "",
                "at": resolved.at if resolved else "",
                "archive": state.archived.get(d.attachment_id, {}).get("path", ""),
            }
        )
    del body["deletions"]
    body["policy"] = plan.policy  # in every document (a plan file leaves out duplicates)
    return {
        "schema": PLAN_SCHEMA,
        "plan": body,
        "applied": state.started,
        "finished_at": state.finished_at,
        "actor": state.actor,
        "files": files,
        "comments": dict(state.commented),
        "comment_problems": dict(state.comment_failed),
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    write_atomic(Path(path), orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")


def audit_document(entries: list[AuditEntry]) -> dict[str, Any]:
    return {"schema": AUDIT_SCHEMA, "entries": [e.to_dict() for e in entries]}


def write_audit_csv(path: Path, entries: list[AuditEntry]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_FIELDS)
    for entry in entries:
        row = entry.to_dict()
        writer.writerow([csv_safe(row[name]) for name in AUDIT_FIELDS])
    write_atomic(Path(path), buffer.getvalue().encode("utf-8"))
