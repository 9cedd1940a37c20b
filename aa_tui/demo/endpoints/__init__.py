"""The Jira-origin endpoints, by family; :func:`jira_router` puts them in one route table.

Each family lists its ``ROUTES`` under ``/rest/api/3/``; the table serves each of them under
``/rest/api/2/`` and ``/rest/api/latest/`` too (answers follow the version: plain text where
v3 has ADF, links to the same version). ``PUBLIC`` templates answer without credentials.
"""

from __future__ import annotations

from aa_tui.demo.endpoints import (
    attachments,
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


def jira_router() -> Router:
    router = Router()
    for family in FAMILIES:
        public: set[str] = getattr(family, "PUBLIC", set())
        for method, template, endpoint in family.ROUTES:
            router.add(method, template, endpoint, public=template in public)
            if template.startswith("/rest/api/3/"):
                for prefix in MIRRORS:
                    mirror = prefix + template.removeprefix("/rest/api/3/")
                    router.add(method, mirror, endpoint, public=template in public)
    return router
