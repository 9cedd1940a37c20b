"""Issue beans of the demo site, built per request from the compact arrays.

REST v3 answers rich text (description, comment bodies) in Atlassian Document Format; v2
answers the same text as a plain string. Comments are generated per issue (0-2) plus the ones
posted while the server runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aa_tui.demo import catalog as cat
from aa_tui.demo.fields import BY_ID
from aa_tui.demo.generator import DemoData, mix64
from aa_tui.demo.views import (
    Links,
    attachment_json,
    jira_time,
    myself_json,
    project_json,
    status_json,
    user_json,
)

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
COMMENT_ID_BASE = 100000
COMMENTS_PER_ISSUE = 3  # at most 2 generated; the id space keeps one spare per issue
PRIORITIES = (("1", "Highest"), ("2", "High"), ("3", "Medium"), ("4", "Low"), ("5", "Lowest"))
RESOLUTION = {"id": "10000", "name": "Done", "description": "Work has been completed."}
ISSUE_TYPE = {"id": "10001", "name": "Task", "description": "A small, distinct piece of work."}
COMMENT_TEXTS = (
    "Attached the file from the customer ticket.",
    "Same screenshot as in the other issue, re-uploaded here for reference.",
    "Looks good to me, closing after the next release.",
    "Can you check the attached log? It fails on the second step.",
    "Uploaded the latest version; the previous one had a typo.",
)


DEMO_USER = -1  # the author index of what the demo user posts


@dataclass(frozen=True, slots=True)
class Upload:
    """A file uploaded while the server runs (here, not in changes.py, which imports this)."""

    j: int  # attachment index (>= the generated count)
    issue: int
    filename: str
    mime: str
    content: bytes
    created: float
    author: int = DEMO_USER


@dataclass(frozen=True, slots=True)
class CommentRecord:
    """A comment posted while the server runs (``author`` -1: the demo user)."""

    id: int
    issue: int
    author: int
    text: str
    created: float
    adf: Any = None  # the ADF body as posted through v3 (None: made from ``text``)


@dataclass(frozen=True)
class SiteView:
    """What an answer is built from: the data, the links of its REST version, the changes."""

    data: DemoData
    links: Links
    email: str = "demo@example.com"
    deleted: frozenset[int] = frozenset()
    comments: Mapping[int, tuple[CommentRecord, ...]] = field(default_factory=dict)
    uploads: Mapping[int, tuple[Upload, ...]] = field(default_factory=dict)


def adf(text: str) -> dict[str, Any]:
    """One paragraph of plain text in Atlassian Document Format."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}


def adf_text(doc: Any) -> str:
    """The plain text of an ADF document (paragraphs joined by newlines)."""
    if not isinstance(doc, dict):
        return ""
    if doc.get("type") == "text":
        return str(doc.get("text", ""))
    parts = [adf_text(c) for c in doc.get("content") or []]
    return ("\n" if doc.get("type") == "doc" else "").join(parts)


def issue_type_json(links: Links) -> dict[str, Any]:
    return {
        "self": links.rest(f"issuetype/{ISSUE_TYPE['id']}"),
        **ISSUE_TYPE,
        "iconUrl": f"{links.base}/images/icons/issuetypes/task.svg",
        "subtask": False,
        "hierarchyLevel": 0,
    }


def priority_json(links: Links, k: int) -> dict[str, Any]:
    pid, name = PRIORITIES[k]
    icon = f"{links.base}/images/icons/priorities/{name.lower()}.svg"
    return {"self": links.rest(f"priority/{pid}"), "iconUrl": icon, "name": name, "id": pid}


def resolution_json(links: Links) -> dict[str, Any]:
    return {"self": links.rest(f"resolution/{RESOLUTION['id']}"), **RESOLUTION}


def upload_json(
    links: Links, email: str, upload: Upload, *, int_id: bool = False
) -> dict[str, Any]:
    """An attachment uploaded while the server runs (its author is the demo user)."""
    aid = str(cat.ATTACHMENT_ID_BASE + upload.j)
    out: dict[str, Any] = {
        "self": links.rest(f"attachment/{aid}"),
        "id": int(aid) if int_id else aid,
        "filename": upload.filename,
        "author": _demo_user(links, email),
        "created": jira_time(upload.created),
        "size": len(upload.content),
        "mimeType": upload.mime,
        "content": links.content(aid, upload.filename),
    }
    return out


def _rich(view: SiteView, text: str, doc: Any = None) -> Any:
    return (doc or adf(text)) if view.links.api == "3" else text


def _demo_user(links: Links, email: str) -> dict[str, Any]:
    """The demo user as an author (UserDetails: no locale)."""
    out = myself_json(links, email)
    del out["locale"]
    return out


def _user(view: SiteView, u: int) -> dict[str, Any]:
    return _demo_user(view.links, view.email) if u < 0 else user_json(view.links, u)


def _issue_user(data: DemoData, i: int, salt: int) -> int:
    return mix64(data.seed, i, salt) % len(cat.USERS)


def comment_json(view: SiteView, i: int, c: CommentRecord) -> dict[str, Any]:
    iid = view.data.issue_id(i)
    return {
        "self": view.links.rest(f"issue/{iid}/comment/{c.id}"),
        "id": str(c.id),
        "author": _user(view, c.author),
        "body": _rich(view, c.text, c.adf),
        "updateAuthor": _user(view, c.author),
        "created": jira_time(c.created),
        "updated": jira_time(c.created),
        "jsdPublic": True,
    }


def comments_of(view: SiteView, i: int) -> list[CommentRecord]:
    """Generated comments of issue ``i`` then the posted ones, oldest first."""
    data = view.data
    h = mix64(data.seed, i, 0xC0)
    created, updated = data.issue_created[i], data.issue_updated[i]
    out = [
        CommentRecord(
            COMMENT_ID_BASE + i * COMMENTS_PER_ISSUE + k,
            i,
            _issue_user(data, i, 0xC1 + k),
            COMMENT_TEXTS[(h >> (8 + k)) % len(COMMENT_TEXTS)],
            created + (updated - created) * (k + 1) // 3,
        )
        for k in range(h % 3)
    ]
    return out + list(view.comments.get(i, ()))


def comment_page(view: SiteView, i: int, start: int = 0, size: int = 5000) -> dict[str, Any]:
    everything = comments_of(view, i)
    return {
        "comments": [comment_json(view, i, c) for c in everything[start : start + size]],
        "self": view.links.rest(f"issue/{view.data.issue_id(i)}/comment"),
        "maxResults": size,
        "total": len(everything),
        "startAt": start,
    }


def _field_value(view: SiteView, i: int, name: str) -> Any:  # noqa: C901 - one branch a field
    data, links = view.data, view.links
    key = data.issue_key(i)
    status = cat.STATUSES[data.issue_status[i]]
    done = status.category == "done"
    if name == "summary":
        return data.summary(i)
    if name == "status":
        return status_json(links, data.issue_status[i])
    if name == "project":
        return project_json(links, data.issue_project[i])
    if name in ("created", "updated", "statuscategorychangedate"):
        return jira_time(data.issue_created[i] if name == "created" else data.issue_updated[i])
    if name == "issuetype":
        return issue_type_json(links)
    if name == "attachment":
        generated = [
            attachment_json(data, links, j) for j in data.attachments_of(i) if j not in view.deleted
        ]
        uploaded = [upload_json(links, view.email, u) for u in view.uploads.get(i, ())]
        return generated + uploaded
    if name == "description":
        return _rich(view, f"{data.summary(i)}. Details and files are attached to {key}.")
    if name == "comment":
        return comment_page(view, i)
    if name in ("reporter", "creator"):
        return user_json(links, _issue_user(data, i, 0x7E))
    if name == "assignee":
        u = _issue_user(data, i, 0xA5)
        return None if u % 4 == 0 else user_json(links, u)
    if name == "priority":
        return priority_json(links, mix64(data.seed, i, 0x9) % len(PRIORITIES))
    if name == "labels":
        return ["customer"] if mix64(data.seed, i, 0x1A) % 5 == 0 else []
    if name == "resolution":
        return resolution_json(links) if done else None
    if name == "resolutiondate":
        return jira_time(data.issue_updated[i]) if done else None
    if name == "watches":
        return {"self": links.rest(f"issue/{key}/watchers"), "watchCount": 1, "isWatching": False}
    if name == "votes":
        return {"self": links.rest(f"issue/{key}/votes"), "votes": 0, "hasVoted": False}
    if name == "worklog":
        return {"startAt": 0, "maxResults": 20, "total": 0, "worklogs": []}
    if name in ("components", "fixVersions", "versions", "issuelinks", "subtasks"):
        return []
    return None  # lastViewed, duedate, environment


def issue_json(view: SiteView, i: int, fields: list[str], include_key: bool) -> dict[str, Any]:
    """An IssueBean; with no fields and no key it is ``{"id": ...}`` alone (id-only pages)."""
    data = view.data
    iid = data.issue_id(i)
    if not fields and not include_key:
        return {"id": iid}
    out: dict[str, Any] = {
        "expand": ISSUE_EXPAND,
        "id": iid,
        "self": view.links.rest(f"issue/{iid}"),
        "key": data.issue_key(i),
    }
    if fields:
        out["fields"] = {name: _field_value(view, i, name) for name in fields}
    return out


def field_names(fields: list[str]) -> dict[str, str]:
    """``expand=names``: field id -> display name."""
    return {f: BY_ID[f.lower()].name for f in fields}


def field_schemas(fields: list[str]) -> dict[str, dict[str, Any]]:
    """``expand=schema``: field id -> JsonTypeBean."""
    return {f: BY_ID[f.lower()].schema() for f in fields}


def wants(expand: Any, name: str) -> bool:
    """Whether an ``expand`` value (a comma-separated string or a list) asks for ``name``."""
    items = expand if isinstance(expand, list) else [expand or ""]
    return any(name == part.strip() for item in items for part in str(item).split(","))
