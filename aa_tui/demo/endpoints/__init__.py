"""The Jira-origin endpoints, by family; :func:`jira_router` puts them in one route table."""

from __future__ import annotations

from aa_tui.demo.endpoints import attachments, identity, issues, projects, search
from aa_tui.demo.router import Router

FAMILIES = (identity, projects, search, issues, attachments)


def jira_router() -> Router:
    router = Router()
    for family in FAMILIES:
        for method, template, endpoint in family.ROUTES:
            router.add(method, template, endpoint)
    return router
