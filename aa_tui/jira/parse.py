"""Turn Jira issue JSON into attachment records, tolerating what real sites send."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aa_tui.model.records import UNKNOWN_AUTHOR, AttachmentRecord

CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}


@dataclass
class ParseResult:
    records: list[AttachmentRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why each bad attachment was skipped


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _active(author: dict[str, Any]) -> bool | None:
    """``author.active`` when Jira says it (a bool), else ``None``."""
    value = author.get("active")
    return value if isinstance(value, bool) else None


def status_category(status: object) -> str:
    if not isinstance(status, dict):
        return "Unknown"
    category = status.get("statusCategory")
    if not isinstance(category, dict):
        return "Unknown"
    key = _text(category.get("key")).lower()
    return CATEGORY_NAMES.get(key) or _text(category.get("name")) or "Unknown"


def parse_issue(issue: object, result: ParseResult | None = None) -> ParseResult:
    """Records for every usable attachment on one issue (bulkfetch/search issue bean)."""
    result = result or ParseResult()
    if not isinstance(issue, dict):
        result.skipped.append("an issue that is not an object")
        return result
    issue_id = issue.get("id")
    issue_key = _text(issue.get("key"), str(issue_id or "?"))
    fields = issue.get("fields")
    if issue_id is None or not isinstance(fields, dict):
        result.skipped.append(f"{issue_key}: no id or fields")
        return result
    project = fields.get("project")
    project = project if isinstance(project, dict) else {}
    project_key = _text(project.get("key")) or issue_key.rsplit("-", 1)[0] or "?"
    status = fields.get("status")
    status_name = _text(status.get("name"), "Unknown") if isinstance(status, dict) else "Unknown"
    category = status_category(status)
    updated = _text(fields.get("updated"))
    attachments = fields.get("attachment")
    if attachments is None:
        return result
    if not isinstance(attachments, list):
        result.skipped.append(f"{issue_key}: attachment field is not a list")
        return result
    for item in attachments:
        if not isinstance(item, dict) or item.get("id") is None:
            result.skipped.append(f"{issue_key}: attachment without an id")
            continue
        size = item.get("size")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            result.skipped.append(f"{issue_key}: attachment {item.get('id')} has no valid size")
            continue
        author = item.get("author")
        author = author if isinstance(author, dict) else {}
        result.records.append(
            AttachmentRecord(
                attachment_id=str(item["id"]),
                issue_id=str(issue_id),
                issue_key=issue_key,
                project_key=project_key,
                file_name=_text(item.get("filename"), f"attachment-{item['id']}"),
                size=size,
                mime_type=_text(item.get("mimeType"), "application/octet-stream"),
                author=_text(author.get("displayName")) or UNKNOWN_AUTHOR,
                # Cloud names an account by accountId; Data Center and Server by key (or name)
                author_id=_text(author.get("accountId"))
                or _text(author.get("key"))
                or _text(author.get("name")),
                author_active=_active(author),
                created=_text(item.get("created")),
                status=status_name,
                status_category=category,
                issue_updated=updated,
            )
        )
    return result
