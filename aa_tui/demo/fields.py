"""The issue fields of the demo site: what ``GET /field`` lists and ``fields=`` selects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldInfo:
    id: str
    name: str
    type: str  # JsonTypeBean.type
    items: str | None = None  # JsonTypeBean.items for arrays
    navigable: bool = True
    orderable: bool = True
    searchable: bool = True
    clauses: tuple[str, ...] = ()  # JQL names (default: the id)

    def json(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": self.type, "system": self.id}
        if self.items:
            schema["items"] = self.items
        return {
            "id": self.id,
            "key": self.id,
            "name": self.name,
            "custom": False,
            "orderable": self.orderable,
            "navigable": self.navigable,
            "searchable": self.searchable,
            "clauseNames": list(self.clauses or (self.id,)),
            "schema": schema,
        }

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = self.json()["schema"]
        return schema


FIELDS: tuple[FieldInfo, ...] = (
    FieldInfo("summary", "Summary", "string"),
    FieldInfo("status", "Status", "status"),
    FieldInfo("project", "Project", "project"),
    FieldInfo("created", "Created", "datetime", clauses=("created", "createdDate")),
    FieldInfo("updated", "Updated", "datetime", clauses=("updated", "updatedDate")),
    FieldInfo("attachment", "Attachment", "array", "attachment", orderable=False),
    FieldInfo("issuetype", "Issue Type", "issuetype", clauses=("issuetype", "type")),
    FieldInfo("description", "Description", "string"),
    FieldInfo("comment", "Comment", "comments-page", navigable=False),
    FieldInfo("reporter", "Reporter", "user"),
    FieldInfo("creator", "Creator", "user", orderable=False),
    FieldInfo("assignee", "Assignee", "user"),
    FieldInfo("priority", "Priority", "priority"),
    FieldInfo("labels", "Labels", "array", "string"),
    FieldInfo("resolution", "Resolution", "resolution"),
    FieldInfo("resolutiondate", "Resolved", "datetime", orderable=False),
    FieldInfo("statuscategorychangedate", "Status Category Changed", "datetime", orderable=False),
    FieldInfo("lastViewed", "Last Viewed", "datetime", orderable=False, searchable=False),
    FieldInfo("duedate", "Due date", "date", clauses=("due", "duedate")),
    FieldInfo("environment", "Environment", "string"),
    FieldInfo("components", "Components", "array", "component", clauses=("component",)),
    FieldInfo("fixVersions", "Fix versions", "array", "version", clauses=("fixVersion",)),
    FieldInfo("versions", "Affects versions", "array", "version", clauses=("affectedVersion",)),
    FieldInfo("issuelinks", "Linked Issues", "array", "issuelinks", clauses=("issueLink",)),
    FieldInfo("subtasks", "Sub-tasks", "array", "issuelinks", orderable=False),
    FieldInfo("watches", "Watchers", "watches", orderable=False, clauses=("watchers",)),
    FieldInfo("votes", "Votes", "votes", orderable=False),
    FieldInfo("worklog", "Log Work", "array", "worklog", navigable=False),
)
BY_ID = {f.id.lower(): f for f in FIELDS}
NAVIGABLE = tuple(f.id for f in FIELDS if f.navigable)
ALL = tuple(f.id for f in FIELDS)


def select_fields(requested: list[str] | None, default: tuple[str, ...]) -> tuple[list[str], bool]:
    """Resolve a ``fields`` list into (field ids to return, in FIELDS order; include ``key``).

    ``*all`` is every field, ``*navigable`` the navigable ones, ``-name`` removes one, unknown
    names are ignored (as Jira does). An empty result with ``key`` False means an id-only page."""
    names = [n.strip() for item in (requested or default) for n in str(item).split(",")]
    chosen: set[str] = set()
    removed: set[str] = set()
    include_key = False
    for n in (n for n in names if n):
        low = n.lower()
        if low in ("*all", "*navigable"):
            chosen |= set(ALL if low == "*all" else NAVIGABLE)
            include_key = True
        elif low.startswith("-"):
            info = BY_ID.get(low[1:])
            if info:
                removed.add(info.id)
        elif low == "key":
            include_key = True
        elif low in BY_ID:
            chosen.add(BY_ID[low].id)
            include_key = True
    return [f for f in ALL if f in chosen and f not in removed], include_key
