"""JSON shapes of the demo site's small objects (users, projects, statuses, attachments)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aa_tui.demo import catalog as cat
from aa_tui.demo.generator import ALL_KINDS, DemoData

MYSELF_ACCOUNT_ID = "5f0c1d2e3a4b5c006d7e8f90"
VIEWER_ACCOUNT_ID = "5f0c1d2e3a4b5c006d7e8f91"  # the read-only user


@dataclass(frozen=True, slots=True)
class Links:
    """The site's base URL and the REST version (``"2"`` or ``"3"``) an answer is made for;
    ``dc``: answers as Jira Data Center has them (users by name, bytes under ``/secure``)."""

    base: str
    api: str = "3"
    dc: bool = False

    def rest(self, path: str) -> str:
        return f"{self.base}/rest/api/{self.api}/{path}"

    def content(self, aid: str, filename: str) -> str:
        """Where an attachment's bytes are: Cloud's REST link, Data Center's ``/secure`` path."""
        if self.dc:
            return f"{self.base}/secure/attachment/{aid}/{quote(filename, safe='')}"
        return self.rest(f"attachment/content/{aid}")

    def thumbnail(self, aid: str) -> str:
        if self.dc:
            return f"{self.base}/secure/thumbnail/{aid}/_thumb_{aid}.png"
        return self.rest(f"attachment/thumbnail/{aid}")


def jira_time(epoch: int | float) -> str:
    """Jira's timestamp format: ``2023-06-24T19:24:50.123+0000``."""
    millis = int(round((epoch % 1) * 1000)) % 1000
    return time.strftime(f"%Y-%m-%dT%H:%M:%S.{millis:03d}+0000", time.gmtime(epoch))


def iso_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def avatar_urls(base: str, kind: str, ident: str) -> dict[str, str]:
    return {
        f"{s}x{s}": f"{base}/secure/{kind}avatar?size={s}&avatarId={ident}"
        for s in (16, 24, 32, 48)
    }


def user_index(account_id: str) -> int | None:
    return next((u for u, info in enumerate(cat.USERS) if info.account_id == account_id), None)


def user_name(u: int) -> str:
    """A Data Center user's login name (``mia.krystof``)."""
    return cat.USERS[u].display_name.lower().replace(" ", ".")


def dc_user_json(
    links: Links, name: str, display: str, email: str | None, key: str
) -> dict[str, Any]:
    """A Data Center user: ``name`` and ``key``, no ``accountId``; ``self`` by username."""
    out: dict[str, Any] = {
        "self": links.rest(f"user?username={quote(name)}"),
        "name": name,
        "key": key,
    }
    if email:
        out["emailAddress"] = email
    return out | {
        "avatarUrls": avatar_urls(links.base, "user", key),
        "displayName": display,
        "active": True,
        "timeZone": "Etc/UTC",
    }


def user_json(links: Links, u: int) -> dict[str, Any]:
    info = cat.USERS[u]
    if links.dc:
        out = dc_user_json(
            links, user_name(u), info.display_name, info.email, f"JIRAUSER{10100 + u}"
        )
        return out | {"active": info.active}
    out = {
        "self": links.rest(f"user?accountId={info.account_id}"),
        "accountId": info.account_id,
        "avatarUrls": avatar_urls(links.base, "user", str(10100 + u)),
        "displayName": info.display_name,
        "active": info.active,
        "timeZone": "Etc/UTC",
        "accountType": "atlassian",
    }
    if info.email:
        out["emailAddress"] = info.email
    return out


def myself_json(links: Links, email: str, account_id: str = MYSELF_ACCOUNT_ID) -> dict[str, Any]:
    name = email.split("@")[0].replace(".", " ").title()
    if links.dc:
        login = email.split("@")[0]
        key = "JIRAUSER10000" if account_id == MYSELF_ACCOUNT_ID else "JIRAUSER10001"
        return dc_user_json(links, login, name, email, key) | {"locale": "en_US"}
    return {
        "self": links.rest(f"user?accountId={account_id}"),
        "accountId": account_id,
        "accountType": "atlassian",
        "emailAddress": email,
        "avatarUrls": avatar_urls(links.base, "user", "10099"),
        "displayName": name,
        "active": True,
        "timeZone": "Etc/UTC",
        "locale": "en_US",
    }


def status_category_json(links: Links, key: str) -> dict[str, Any]:
    cid, name, color = cat.STATUS_CATEGORIES[key]
    return {
        "self": links.rest(f"statuscategory/{cid}"),
        "id": cid,
        "key": key,
        "colorName": color,
        "name": name,
    }


def status_json(links: Links, s: int) -> dict[str, Any]:
    info = cat.STATUSES[s]
    return {
        "self": links.rest(f"status/{info.id}"),
        "description": "",
        "iconUrl": f"{links.base}/images/icons/statuses/generic.png",
        "name": info.name,
        "id": info.id,
        "statusCategory": status_category_json(links, info.category),
    }


def project_json(links: Links, p: int, full: bool = False) -> dict[str, Any]:
    info = cat.PROJECTS[p]
    pid = str(cat.PROJECT_ID_BASE + p)
    out = {
        "self": links.rest(f"project/{pid}"),
        "id": pid,
        "key": info.key,
        "name": info.name,
        "projectTypeKey": "software" if p < 4 else "business",
        "simplified": False,
        "avatarUrls": avatar_urls(links.base, "project", pid),
    }
    if full:
        out = {"expand": "description,lead,issueTypes,url,projectKeys,permissions,insight"} | out
        out |= {"style": "classic", "isPrivate": False, "properties": {}}
    return out


def attachment_json(
    data: DemoData, links: Links, j: int, *, int_id: bool = False
) -> dict[str, Any]:
    aid = data.attachment_id(j)
    kind = ALL_KINDS[data.att_kind[j]]
    out: dict[str, Any] = {
        "self": links.rest(f"attachment/{aid}"),
        "id": int(aid) if int_id else aid,
        "filename": data.att_name[j],
    }
    author = data.att_author[j]
    if author >= 0:
        out["author"] = user_json(links, author)
    out |= {
        "created": jira_time(data.att_created[j]),
        "size": data.attachment_size(j),
        "mimeType": kind.mime,
        "content": links.content(aid, data.att_name[j]),
    }
    if kind.mime.startswith("image/"):
        out["thumbnail"] = links.thumbnail(aid)
    return out
