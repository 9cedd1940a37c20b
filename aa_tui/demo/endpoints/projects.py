"""Projects and status categories: ``/project/search``, ``/statuscategory``."""

from __future__ import annotations

from aa_tui.demo import catalog as cat
from aa_tui.demo.http import Reply, Request, errors
from aa_tui.demo.params import int_param
from aa_tui.demo.views import project_json, status_category_json

MAX_PROJECT_PAGE = 100


def project_search(req: Request) -> Reply:
    demo = req.demo
    start = int_param(req.query, "startAt", 0)
    size = int_param(req.query, "maxResults", 50)
    if start < 0 or size < 0:
        return errors(400, "startAt and maxResults must be zero or positive.")
    size = min(size, MAX_PROJECT_PAGE)
    visible = [] if req.anonymous else demo.visible_projects()
    visible.sort(key=lambda p: cat.PROJECTS[p].key)
    page = visible[start : start + size]
    last = start + len(page) >= len(visible)
    base = f"{demo.base_url}/rest/api/3/project/search"
    out: dict = {
        "self": f"{base}?startAt={start}&maxResults={size}",
        "maxResults": size,
        "startAt": start,
        "total": len(visible),
        "isLast": last,
        "values": [project_json(demo.base_url, p, full=True) for p in page],
    }
    if not last:
        out["nextPage"] = f"{base}?startAt={start + len(page)}&maxResults={size}"
    return Reply(200, out)


def status_categories(req: Request) -> Reply:
    base = req.demo.base_url
    return Reply(200, [status_category_json(base, k) for k in cat.STATUS_CATEGORIES])


ROUTES = [
    ("GET", "/rest/api/3/project/search", project_search),
    ("GET", "/rest/api/3/statuscategory", status_categories),
]
