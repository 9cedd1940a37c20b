"""Who the caller is and what the site is: ``/myself``, ``/user``, ``/serverInfo``, tenant info."""

from __future__ import annotations

import time

from aa_tui.demo import catalog as cat
from aa_tui.demo.http import Request
from aa_tui.demo.replies import Reply, errors
from aa_tui.demo.views import (
    MYSELF_ACCOUNT_ID,
    VIEWER_ACCOUNT_ID,
    Links,
    jira_time,
    myself_json,
    user_index,
    user_json,
    user_name,
)

NO_USER = "Specified user does not exist or you do not have required permissions"


def _links(req: Request) -> Links:
    return req.links


def myself(req: Request) -> Reply:
    if req.viewer:
        return Reply(200, myself_json(_links(req), req.demo.viewer_email, VIEWER_ACCOUNT_ID))
    return Reply(200, myself_json(_links(req), req.demo.email))


def user(req: Request) -> Reply:
    """``GET /user?accountId=``: every author's ``self`` link resolves here."""
    account = (req.query.get("accountId") or [""])[0]
    if req.anonymous:
        return errors(401, "Client must be authenticated to access this resource.")
    if req.demo.options.data_center:
        return _user_by_name(req, (req.query.get("username") or [""])[0])
    if account == MYSELF_ACCOUNT_ID:
        return Reply(200, myself_json(_links(req), req.demo.email))
    if account == VIEWER_ACCOUNT_ID:
        return Reply(200, myself_json(_links(req), req.demo.viewer_email, VIEWER_ACCOUNT_ID))
    u = user_index(account)
    if u is None:
        return errors(404, NO_USER)
    return Reply(200, user_json(_links(req), u) | {"locale": "en_US"})


def _user_by_name(req: Request, name: str) -> Reply:
    """Data Center's ``GET /user?username=``: users have names, not account ids."""
    demo = req.demo
    if name == demo.username:
        return Reply(200, myself_json(req.links, demo.email))
    if name == demo.viewer_username:
        return Reply(200, myself_json(req.links, demo.viewer_email, VIEWER_ACCOUNT_ID))
    u = next((u for u in range(len(cat.USERS)) if user_name(u) == name), None)
    if u is None:
        return errors(404, f"The user named '{name}' does not exist")
    return Reply(200, user_json(req.links, u) | {"locale": "en_US"})


def server_info(req: Request) -> Reply:
    """Answered to anyone, credentials or not (as Jira Cloud does)."""
    demo = req.demo
    kind = demo.options.deployment or ("Server" if demo.options.data_center else "Cloud")
    cloud = kind.lower() == "cloud"
    version = "1001.0.0-SNAPSHOT" if cloud else "9.12.15"
    return Reply(
        200,
        {
            "baseUrl": demo.base_url,
            "displayUrl": demo.base_url,
            "version": version,
            "versionNumbers": [int(x) for x in version.split("-")[0].split(".")],
            "deploymentType": kind,
            "buildNumber": 100270 if cloud else 9120015,
            "buildDate": "2026-10-28T00:00:00.000+0000",
            "serverTime": jira_time(time.time()),  # the wall clock, as Jira's
            "scmInfo": "0f4e2c1b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f",
            "serverTitle": "Jira",
            "serverTimeZone": "Etc/UTC",
        },
    )


def tenant_info(req: Request) -> Reply:
    return Reply(200, {"cloudId": req.demo.data.cloud_id})


ROUTES = [
    ("GET", "/rest/api/3/myself", myself),
    ("GET", "/rest/api/3/user", user),
    ("GET", "/rest/api/3/serverInfo", server_info),
    ("GET", "/_edge/tenant_info", tenant_info),
]
PUBLIC = {"/rest/api/3/serverInfo", "/_edge/tenant_info"}
