"""Site metadata: ``/field``, statuses, status categories, priorities, resolutions, issue types.

Every ``self`` link an issue carries resolves here (a client may follow any of them).
"""

from __future__ import annotations

from aa_tui.demo import catalog as cat
from aa_tui.demo.fields import FIELDS
from aa_tui.demo.http import Request
from aa_tui.demo.issue_view import (
    ISSUE_TYPE,
    PRIORITIES,
    RESOLUTION,
    issue_type_json,
    priority_json,
    resolution_json,
)
from aa_tui.demo.replies import Reply, errors
from aa_tui.demo.views import Links, status_category_json, status_json


def _links(req: Request) -> Links:
    return req.links


def fields(req: Request) -> Reply:
    return Reply(200, [f.json() for f in FIELDS])


def status_categories(req: Request) -> Reply:
    return Reply(200, [status_category_json(_links(req), k) for k in cat.STATUS_CATEGORIES])


def status_category(req: Request) -> Reply:
    wanted = req.params["idOrKey"].lower()
    for key, (cid, _name, _color) in cat.STATUS_CATEGORIES.items():
        if wanted in (key, str(cid)):
            return Reply(200, status_category_json(_links(req), key))
    return errors(
        404, f"The status category with id or key '{req.params['idOrKey']}' was not found."
    )


def status(req: Request) -> Reply:
    wanted = req.params["idOrName"].lower()
    for s, info in enumerate(cat.STATUSES):
        if wanted in (info.id, info.name.lower()):
            return Reply(200, status_json(_links(req), s))
    return errors(404, f"The status with id or name '{req.params['idOrName']}' was not found.")


def statuses(req: Request) -> Reply:
    """Every status (Data Center's status list; Cloud serves it too)."""
    return Reply(200, [status_json(_links(req), s) for s in range(len(cat.STATUSES))])


def priority(req: Request) -> Reply:
    k = next((k for k, (pid, _) in enumerate(PRIORITIES) if pid == req.params["id"]), None)
    if k is None:
        return errors(404, f"The priority with id '{req.params['id']}' does not exist.")
    return Reply(200, priority_json(_links(req), k) | {"statusColor": "#ffab00"})


def resolution(req: Request) -> Reply:
    if req.params["id"] != RESOLUTION["id"]:
        return errors(404, f"The resolution with id '{req.params['id']}' does not exist.")
    return Reply(200, resolution_json(_links(req)))


def issue_type(req: Request) -> Reply:
    if req.params["id"] != ISSUE_TYPE["id"]:
        return errors(404, f"The issue type with id '{req.params['id']}' does not exist.")
    return Reply(200, issue_type_json(_links(req)))


ROUTES = [
    ("GET", "/rest/api/3/field", fields),
    ("GET", "/rest/api/3/statuscategory", status_categories),
    ("GET", "/rest/api/3/statuscategory/{idOrKey}", status_category),
    ("GET", "/rest/api/3/status", statuses),
    ("GET", "/rest/api/3/status/{idOrName}", status),
    ("GET", "/rest/api/3/priority/{id}", priority),
    ("GET", "/rest/api/3/resolution/{id}", resolution),
    ("GET", "/rest/api/3/issuetype/{id}", issue_type),
]
