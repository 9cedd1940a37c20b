"""JSON shapes of the demo site, built per request from the compact arrays."""

from __future__ import annotations

import time

from aa_tui.demo import catalog as cat
from aa_tui.demo.generator import ALL_KINDS, DemoData

#: Fields an issue can return; ``*all`` and ``*navigable`` mean all of them.
ISSUE_FIELDS = ("summary", "status", "project", "created", "updated", "attachment", "issuetype")


def jira_time(epoch: int | float) -> str:
    """Jira's timestamp format: ``2023-06-24T19:24:50.000+0000``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000+0000", time.gmtime(epoch))


def iso_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def select_fields(requested: list[str] | None, default: tuple[str, ...]) -> tuple[set[str], bool]:
    """Resolve a ``fields`` list into (issue fields to return, include ``key``).

    An empty result with ``key`` False means an id-only page."""
    names = [n.strip() for item in (requested or default) for n in str(item).split(",")]
    names = [n for n in names if n]
    chosen: set[str] = set()
    include_key = False
    for n in names:
        low = n.lower()
        if low in ("*all", "*navigable"):
            chosen |= set(ISSUE_FIELDS)
            include_key = True
        elif low.startswith("-"):
            chosen.discard(low[1:])
        elif low == "key":
            include_key = True
        elif low in ISSUE_FIELDS:
            chosen.add(low)
            include_key = True
    return chosen, include_key


def avatar_urls(base: str, kind: str, ident: str) -> dict[str, str]:
    return {
        f"{s}x{s}": f"{base}/secure/{kind}avatar?size={s}&avatarId={ident}"
        for s in (16, 24, 32, 48)
    }


def user_json(base: str, u: int) -> dict:
    info = cat.USERS[u]
    out = {
        "self": f"{base}/rest/api/3/user?accountId={info.account_id}",
        "accountId": info.account_id,
        "avatarUrls": avatar_urls(base, "user", str(10100 + u)),
        "displayName": info.display_name,
        "active": info.active,
        "timeZone": "Etc/UTC",
        "accountType": "atlassian",
    }
    if info.email:
        out["emailAddress"] = info.email
    return out


def myself_json(base: str, email: str) -> dict:
    name = email.split("@")[0].replace(".", " ").title()
    return {
        "self": f"{base}/rest/api/3/user?accountId=5f0c1d2e3a4b5c006d7e8f90",
        "accountId": "5f0c1d2e3a4b5c006d7e8f90",
        "accountType": "atlassian",
        "emailAddress": email,
        "avatarUrls": avatar_urls(base, "user", "10099"),
        "displayName": name,
        "active": True,
        "timeZone": "Etc/UTC",
        "locale": "en_US",
    }


def status_category_json(base: str, key: str) -> dict:
    cid, name, color = cat.STATUS_CATEGORIES[key]
    return {
        "self": f"{base}/rest/api/3/statuscategory/{cid}",
        "id": cid,
        "key": key,
        "colorName": color,
        "name": name,
    }


def status_json(base: str, s: int) -> dict:
    info = cat.STATUSES[s]
    return {
        "self": f"{base}/rest/api/3/status/{info.id}",
        "description": "",
        "iconUrl": f"{base}/images/icons/statuses/generic.png",
        "name": info.name,
        "id": info.id,
        "statusCategory": status_category_json(base, info.category),
    }


def project_json(base: str, p: int, full: bool = False) -> dict:
    info = cat.PROJECTS[p]
    pid = str(cat.PROJECT_ID_BASE + p)
    out = {
        "self": f"{base}/rest/api/3/project/{pid}",
        "id": pid,
        "key": info.key,
        "name": info.name,
        "projectTypeKey": "software" if p < 4 else "business",
        "simplified": False,
        "avatarUrls": avatar_urls(base, "project", pid),
    }
    if full:
        out = {"expand": "description,lead,issueTypes,url,projectKeys,permissions,insight"} | out
        out |= {"style": "classic", "isPrivate": False, "properties": {}}
    return out


def attachment_json(data: DemoData, base: str, j: int, *, int_id: bool = False) -> dict:
    aid = data.attachment_id(j)
    kind = ALL_KINDS[data.att_kind[j]]
    out: dict = {
        "self": f"{base}/rest/api/3/attachment/{aid}",
        "id": int(aid) if int_id else aid,
        "filename": data.att_name[j],
    }
    author = data.att_author[j]
    if author >= 0:
        out["author"] = user_json(base, author)
    out |= {
        "created": jira_time(data.att_created[j]),
        "size": data.attachment_size(j),
        "mimeType": kind.mime,
        "content": f"{base}/rest/api/3/attachment/content/{aid}",
    }
    if kind.mime.startswith("image/"):
        out["thumbnail"] = f"{base}/rest/api/3/attachment/thumbnail/{aid}"
    return out


def issue_json(
    data: DemoData,
    base: str,
    i: int,
    fields: set[str],
    include_key: bool,
    deleted: set[int] | frozenset[int] = frozenset(),
) -> dict:
    """An IssueBean; with no fields and no key it is ``{"id": ...}`` alone (id-only pages)."""
    iid = data.issue_id(i)
    if not fields and not include_key:
        return {"id": iid}
    out: dict = {
        "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
        "id": iid,
        "self": f"{base}/rest/api/3/issue/{iid}",
        "key": data.issue_key(i),
    }
    if not fields:
        return out
    f: dict = {}
    if "summary" in fields:
        f["summary"] = data.summary(i)
    if "status" in fields:
        f["status"] = status_json(base, data.issue_status[i])
    if "project" in fields:
        f["project"] = project_json(base, data.issue_project[i])
    if "created" in fields:
        f["created"] = jira_time(data.issue_created[i])
    if "updated" in fields:
        f["updated"] = jira_time(data.issue_updated[i])
    if "issuetype" in fields:
        f["issuetype"] = {
            "self": f"{base}/rest/api/3/issuetype/10001",
            "id": "10001",
            "name": "Task",
            "subtask": False,
            "iconUrl": f"{base}/images/icons/issuetypes/task.svg",
        }
    if "attachment" in fields:
        f["attachment"] = [
            attachment_json(data, base, j) for j in data.attachments_of(i) if j not in deleted
        ]
    out["fields"] = f
    return out
