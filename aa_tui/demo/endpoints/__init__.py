"""The Jira-origin endpoints, by family; :func:`jira_router` puts them in one route table.

Each family lists its ``ROUTES`` under ``/rest/api/3/``; the table serves each of them under
``/rest/api/2/`` and ``/rest/api/latest/`` too (answers follow the version: plain text where
v3 has ADF, links to the same version). ``PUBLIC`` templates answer without credentials.
A Data Center site (``jira_router(data_center=True)``) serves v2 and ``latest`` only, without
the Cloud-only routes, plus :mod:`~aa_tui.demo.endpoints.datacenter`'s own.
"""

from __future__ import annotations

from aa_tui.demo.endpoints import (
    attachments,
    datacenter,
    identity,
    issues,
    metadata,
    permissions,
    projects,
    search,
)
from aa_tui.demo.router import Router

FAMILIES = (identity, metadata, projects, search, issues, attachments, permissions)
#: Cloud serves the same resources under REST v2 (and ``latest``, an alias of v2).
MIRRORS = ("/rest/api/2/", "/rest/api/latest/")


def jira_router(data_center: bool = False) -> Router:
    router = Router()
    for family in FAMILIES:
        public: set[str] = getattr(family, "PUBLIC", set())
        for method, template, endpoint in family.ROUTES:
            if data_center and template in datacenter.CLOUD_ONLY:
                continue
            if not data_center or not template.startswith("/rest/api/3/"):
                router.add(method, template, endpoint, public=template in public)
            if template.startswith("/rest/api/3/"):
                for prefix in MIRRORS:
                    mirror = prefix + template.removeprefix("/rest/api/3/")
                    router.add(method, mirror, endpoint, public=template in public)
    if data_center:
        for method, template, endpoint in datacenter.ROUTES:
            router.add(method, template, endpoint)
            if template.startswith("/rest/api/2/"):
                router.add(method, template.replace("/api/2/", "/api/latest/"), endpoint)
    return router
