"""Issues: ``POST /issue/bulkfetch`` and ``GET /issue/{issueIdOrKey}``."""

from __future__ import annotations

import time

from aa_tui.demo import faults
from aa_tui.demo.http import Reply, Request, errors
from aa_tui.demo.params import INVALID_PAYLOAD, check_body, list_param
from aa_tui.demo.views import ISSUE_FIELDS, issue_json, select_fields

NOT_VISIBLE = "Issue does not exist or you do not have permission to see it."
BULK_KEYS = {
    "issueIdsOrKeys": list,
    "fields": list,
    "expand": list,
    "properties": list,
    "fieldsByKeys": bool,
}


def bulkfetch(req: Request) -> Reply:
    demo, data = req.demo, req.demo.data
    params = check_body(req.body, BULK_KEYS)
    wanted = params.get("issueIdsOrKeys")
    if wanted is None or not all(isinstance(x, str) for x in wanted):
        return errors(400, INVALID_PAYLOAD)
    if not 1 <= len(wanted) <= 100:
        return errors(400, "The number of issue ids or keys must be between 1 and 100.")
    fields, include_key = select_fields(params.get("fields"), ("*navigable",))
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
    deleted = demo.deleted_now()
    issues = [issue_json(data, demo.base_url, i, fields, True, deleted) for i in sorted(found)]
    faults.damage_issues(data, demo.options.fault_fields, issues)
    if demo.options.per_issue_s and fields:
        time.sleep(len(issues) * demo.options.per_issue_s)
    return Reply(200, {"issues": issues, "issueErrors": issue_errors})


def issue_get(req: Request) -> Reply:
    demo, data = req.demo, req.demo.data
    i = data.issue_index(req.params["issueIdOrKey"])
    if i is None or req.anonymous or data.issue_project[i] in demo.hidden:
        return errors(404, NOT_VISIBLE)
    fields, _ = select_fields(list_param(req.query, "fields") or ["*all"], ISSUE_FIELDS)
    return Reply(200, issue_json(data, demo.base_url, i, fields, True, demo.deleted_now()))


ROUTES = [
    ("POST", "/rest/api/3/issue/bulkfetch", bulkfetch),
    ("GET", "/rest/api/3/issue/{issueIdOrKey}", issue_get),
]
