"""Who the caller is and what the site is: ``/myself``, ``/serverInfo``, ``/_edge/tenant_info``."""

from __future__ import annotations

from aa_tui.demo import catalog as cat
from aa_tui.demo.http import Reply, Request
from aa_tui.demo.views import jira_time, myself_json


def myself(req: Request) -> Reply:
    return Reply(200, myself_json(req.demo.base_url, req.demo.email))


def server_info(req: Request) -> Reply:
    demo = req.demo
    cloud = demo.options.deployment.lower() == "cloud"
    version = "1001.0.0-SNAPSHOT" if cloud else "9.12.15"
    return Reply(
        200,
        {
            "baseUrl": demo.base_url,
            "displayUrl": demo.base_url,
            "version": version,
            "versionNumbers": [int(x) for x in version.split("-")[0].split(".")],
            "deploymentType": "Cloud" if cloud else "Server",
            "buildNumber": 100270 if cloud else 9120015,
            "buildDate": "2026-10-28T00:00:00.000+0000",
            "serverTime": jira_time(cat.REFERENCE_EPOCH),
            "scmInfo": "0f4e2c1b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f",
            "serverTitle": "Jira",
            "serverTimeZone": "Etc/UTC",
        },
    )


def tenant_info(req: Request) -> Reply:
    return Reply(200, {"cloudId": req.demo.data.cloud_id})


ROUTES = [
    ("GET", "/rest/api/3/myself", myself),
    ("GET", "/rest/api/3/serverInfo", server_info),
    ("GET", "/_edge/tenant_info", tenant_info),
]
