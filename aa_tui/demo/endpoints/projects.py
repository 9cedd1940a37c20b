"""Projects: ``/project/search`` (paged), ``/project`` (all at once), ``/project/{idOrKey}``."""

from __future__ import annotations

from typing import Any

from aa_tui.demo import catalog as cat
from aa_tui.demo.http import Request
from aa_tui.demo.params import int_param
from aa_tui.demo.replies import Reply, errors
from aa_tui.demo.views import project_json

MAX_PROJECT_PAGE = 100


def _visible(req: Request) -> list[int]:
    """Projects the caller can browse, by key (none for an anonymous caller)."""
    visible = [] if req.anonymous else req.demo.visible_projects()
    return sorted(visible, key=lambda p: cat.PROJECTS[p].key)


def project_search(req: Request) -> Reply:
    start = int_param(req.query, "startAt", 0)
    size = int_param(req.query, "maxResults", 50)
    if start < 0 or size < 0:
        return errors(400, "startAt and maxResults must be zero or positive.")
    size = min(size, MAX_PROJECT_PAGE)
    visible = _visible(req)
    page = visible[start : start + size]
    last = start + len(page) >= len(visible)
    links = req.links
    base = links.rest("project/search")
    out: dict[str, Any] = {
        "self": f"{base}?startAt={start}&maxResults={size}",
        "maxResults": size,
        "startAt": start,
        "total": len(visible),
        "isLast": last,
        "values": [project_json(links, p, full=True) for p in page],
    }
    if not last:
        out["nextPage"] = f"{base}?startAt={start + len(page)}&maxResults={size}"
    return Reply(200, out)


def project_list(req: Request) -> Reply:
    links = req.links
    return Reply(200, [project_json(links, p, full=True) for p in _visible(req)])


def project_get(req: Request) -> Reply:
    text = req.params["projectIdOrKey"]
    p = req.demo.data.project_index(text)
    if p is None or p not in _visible(req):
        return errors(404, f"No project could be found with key '{text}'.")
    return Reply(200, project_json(req.links, p, full=True))


ROUTES = [
    ("GET", "/rest/api/3/project/search", project_search),
    ("GET", "/rest/api/3/project", project_list),
    ("GET", "/rest/api/3/project/{projectIdOrKey}", project_get),
]
