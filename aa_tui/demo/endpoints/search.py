"""Enhanced search (``/search/jql`` GET and POST), approximate count, and the removed search."""

from __future__ import annotations

from typing import Any

from aa_tui.demo import faults
from aa_tui.demo.fields import select_fields
from aa_tui.demo.http import Request
from aa_tui.demo.issue_view import field_names, field_schemas, issue_json, wants
from aa_tui.demo.jql import UNBOUNDED_MESSAGE, JqlError
from aa_tui.demo.params import check_body, int_param, list_param
from aa_tui.demo.replies import Reply, errors

SEARCH_REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
SEARCH_KEYS = {
    "jql": str,
    "nextPageToken": str,
    "maxResults": int,
    "fields": list,
    "expand": str,
    "properties": list,
    "fieldsByKeys": bool,
    "reconcileIssues": list,
}
MAX_ID_PAGE = 5000
MAX_FIELDS_PAGE = 100


def search_get(req: Request) -> Reply:
    """GET parameters (``startAt`` and unknown ones are ignored, as Jira does)."""
    query = req.query
    params: dict[str, Any] = {"maxResults": int_param(query, "maxResults", 50)}
    if "jql" in query:
        params["jql"] = query["jql"][0]
    if query.get("nextPageToken") and query["nextPageToken"][0]:
        params["nextPageToken"] = query["nextPageToken"][0]
    if "fields" in query:
        params["fields"] = list_param(query, "fields")
    if "expand" in query:
        params["expand"] = ",".join(list_param(query, "expand"))
    return search(req, params)


def search_post(req: Request) -> Reply:
    return search(req, check_body(req.body, SEARCH_KEYS))


def search(req: Request, params: dict[str, Any]) -> Reply:
    demo, opts = req.demo, req.demo.options
    jql = params.get("jql") or ""
    size = params.get("maxResults", 50)
    if not 1 <= size <= MAX_ID_PAGE:
        return errors(400, f"The value of maxResults must be between 1 and {MAX_ID_PAGE}.")
    fields, include_key = select_fields(params.get("fields"), ("id",))
    try:
        q, matches = demo.query(jql)
    except JqlError as e:
        return errors(400, str(e))
    if not q.bounded:
        return errors(400, UNBOUNDED_MESSAGE)
    start, tag = 0, ""
    given = params.get("nextPageToken")
    if given:
        start, tag = demo.tokens.read(jql, given)
    if req.anonymous:
        matches = ()
    id_only = not fields
    if id_only and opts.empty_pages and tag != "e" and start < len(matches):
        # An empty page that still carries a token (seen in the wild): follow it.
        return Reply(
            200,
            {"issues": [], "nextPageToken": demo.tokens.make(jql, start, "e"), "isLast": False},
        )
    limit = size if id_only else min(size, MAX_FIELDS_PAGE)
    if id_only and opts.id_page_size:
        limit = min(limit, opts.id_page_size)
    first = start - 1 if id_only and opts.repeat_ids and start > 0 else start
    page = matches[first : start + limit]
    view = demo.view(req.api)
    issues = [issue_json(view, i, fields, include_key) for i in page]
    if fields:
        faults.damage_issues(demo.data, opts.fault_fields, issues)
    req.work(len(page) * (opts.per_id_s if id_only else opts.per_issue_s))
    out: dict[str, Any] = {"issues": issues}
    end = start + len(matches[start : start + limit])
    if end < len(matches):
        repeat = given if opts.repeat_token and given else None
        out["nextPageToken"] = repeat or demo.tokens.make(jql, end)
        out["isLast"] = False
    else:
        out["isLast"] = True
    if wants(params.get("expand"), "names"):
        out["names"] = field_names(fields)
    if wants(params.get("expand"), "schema"):
        out["schema"] = field_schemas(fields)
    return Reply(200, out)


def approximate_count(req: Request) -> Reply:
    params = check_body(req.body, {"jql": str})
    try:
        q, matches = req.demo.query(params.get("jql") or "")
    except JqlError as e:
        return errors(400, str(e))
    if not q.bounded:
        return errors(400, UNBOUNDED_MESSAGE)
    return Reply(200, {"count": 0 if req.anonymous else len(matches)})


def search_removed(req: Request) -> Reply:
    return errors(410, SEARCH_REMOVED)


ROUTES = [
    ("GET", "/rest/api/3/search/jql", search_get),
    ("POST", "/rest/api/3/search/jql", search_post),
    ("POST", "/rest/api/3/search/approximate-count", approximate_count),
    ("*", "/rest/api/3/search", search_removed),
]
