"""Issues: bulkfetch, one issue, its comments, watchers and votes."""

from __future__ import annotations

from aa_tui.demo import faults
from aa_tui.demo.endpoints.permissions import can
from aa_tui.demo.fields import select_fields
from aa_tui.demo.http import Request
from aa_tui.demo.issue_view import (
    adf_text,
    comment_json,
    comment_page,
    comments_of,
    field_names,
    field_schemas,
    issue_json,
    wants,
)
from aa_tui.demo.params import INVALID_PAYLOAD, check_body, int_param, list_param
from aa_tui.demo.replies import Rejected, Reply, errors
from aa_tui.demo.views import user_json

NOT_VISIBLE = "Issue does not exist or you do not have permission to see it."
BULK_KEYS = {
    "issueIdsOrKeys": list,
    "fields": list,
    "expand": list,
    "properties": list,
    "fieldsByKeys": bool,
}


def find_issue(req: Request) -> int:
    """The index of the visible issue ``{issueIdOrKey}``, else a 404 raised as Rejected."""
    demo, data = req.demo, req.demo.data
    i = data.issue_index(req.params["issueIdOrKey"])
    if i is None or req.anonymous or data.issue_project[i] in demo.hidden:
        raise Rejected(errors(404, NOT_VISIBLE))
    return i


def bulkfetch(req: Request) -> Reply:
    demo, data = req.demo, req.demo.data
    params = check_body(req.body, BULK_KEYS)
    wanted = params.get("issueIdsOrKeys")
    if wanted is None or not all(isinstance(x, str) for x in wanted):
        return errors(400, INVALID_PAYLOAD)
    if not 1 <= len(wanted) <= 100:
        return errors(400, "The number of issue ids or keys must be between 1 and 100.")
    fields, _ = select_fields(params.get("fields"), ("*navigable",))
    found: dict[int, None] = {}
    issue_errors = []
    for item in wanted:
        i = data.issue_index(item)
        if (
            i is None
            or req.anonymous
            or data.issue_project[i] in demo.hidden
            or faults.bulk_hidden(data, demo.options.bulk_not_visible, i)
        ):
            issue_errors.append({"id": item, "errorMessage": NOT_VISIBLE})
        else:
            found[i] = None
    view = demo.view(req.api)
    issues = [issue_json(view, i, fields, True) for i in sorted(found)]
    faults.damage_issues(data, demo.options.fault_fields, issues)
    if fields:
        req.work(len(issues) * demo.options.per_issue_s)
    return Reply(200, {"issues": issues, "issueErrors": issue_errors})


def issue_get(req: Request) -> Reply:
    i = find_issue(req)
    fields, _ = select_fields(list_param(req.query, "fields") or ["*all"], ("*all",))
    out = issue_json(req.demo.view(req.api), i, fields, True)
    expand = ",".join(list_param(req.query, "expand"))
    if wants(expand, "names"):
        out["names"] = field_names(fields)
    if wants(expand, "schema"):
        out["schema"] = field_schemas(fields)
    return Reply(200, out)


def comments_get(req: Request) -> Reply:
    i = find_issue(req)
    start = int_param(req.query, "startAt", 0)
    size = int_param(req.query, "maxResults", 5000)
    if start < 0 or size < 0:
        return errors(400, "startAt and maxResults must be zero or positive.")
    return Reply(200, comment_page(req.demo.view(req.api), i, start, size))


def comment_get(req: Request) -> Reply:
    i = find_issue(req)
    view = req.demo.view(req.api)
    for c in comments_of(view, i):
        if str(c.id) == req.params["id"]:
            return Reply(200, comment_json(view, i, c))
    return errors(404, f"Can not find a comment for the id: {req.params['id']}.")


def comment_post(req: Request) -> Reply:
    """201 with the Comment; v3 takes an ADF ``body``, v2 a string. A write to the issue."""
    demo = req.demo
    i = find_issue(req)
    demo.check_write(i, req.route)
    if not can(req, "ADD_COMMENTS"):
        return errors(403, "You do not have the permission to comment on this issue.")
    body = req.body.get("body") if isinstance(req.body, dict) else None
    if req.api == "3":
        if not isinstance(body, dict) or body.get("type") != "doc" or body.get("version") != 1:
            return errors(400, "Comment body is not valid: expected an Atlassian Document.")
        text, doc = adf_text(body), body
    else:
        if not isinstance(body, str):
            return errors(400, "Comment body is not valid: expected a string.")
        text, doc = body, None
    if not text.strip():
        return errors(400, "Comment body can not be empty!")
    record = demo.changes.add_comment(i, text, doc)
    demo.touch(i)  # a comment updates its issue, as in Jira
    return Reply(201, comment_json(demo.view(req.api), i, record))


def watchers(req: Request) -> Reply:
    i = find_issue(req)
    links = req.links
    key = req.demo.data.issue_key(i)
    who = user_json(links, req.demo.data.issue_num[i] % 9)
    body = {"self": links.rest(f"issue/{key}/watchers"), "isWatching": False, "watchCount": 1}
    return Reply(200, body | {"watchers": [who]})


def votes(req: Request) -> Reply:
    i = find_issue(req)
    links = req.links
    key = req.demo.data.issue_key(i)
    body = {"self": links.rest(f"issue/{key}/votes"), "votes": 0, "hasVoted": False}
    return Reply(200, body | {"voters": []})


ROUTES = [
    ("POST", "/rest/api/3/issue/bulkfetch", bulkfetch),
    ("GET", "/rest/api/3/issue/{issueIdOrKey}", issue_get),
    ("GET", "/rest/api/3/issue/{issueIdOrKey}/comment", comments_get),
    ("POST", "/rest/api/3/issue/{issueIdOrKey}/comment", comment_post),
    ("GET", "/rest/api/3/issue/{issueIdOrKey}/comment/{id}", comment_get),
    ("GET", "/rest/api/3/issue/{issueIdOrKey}/watchers", watchers),
    ("GET", "/rest/api/3/issue/{issueIdOrKey}/votes", votes),
]
