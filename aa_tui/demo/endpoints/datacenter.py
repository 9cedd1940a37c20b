"""Jira Data Center's own endpoints: ``/rest/api/2/search`` paged by ``startAt`` (capped pages,
the deep-paging failure of OpenSearch-backed sites) and bytes from ``/secure/attachment``.

Served only in Data Center mode (``DemoOptions.data_center``), where the Cloud-only endpoints
(enhanced search, bulkfetch, ``attachment/content``, the media host) answer 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aa_tui.demo import faults
from aa_tui.demo.endpoints.attachments import find_attachment
from aa_tui.demo.fields import select_fields
from aa_tui.demo.http import Request
from aa_tui.demo.issue_view import field_names, field_schemas, issue_json, wants
from aa_tui.demo.jql import JqlError
from aa_tui.demo.params import int_param, list_param
from aa_tui.demo.replies import Reply, errors

SEARCH_BEAN = "com.atlassian.jira.rest.v2.search.SearchRequestBean"
#: Keys of the POST body and their types (Jackson refuses any other key, ``properties`` too).
SEARCH_KEYS: dict[str, tuple[type, ...]] = {
    "jql": (str,),
    "startAt": (int,),
    "maxResults": (int,),
    "fields": (list,),
    "expand": (str, list),
    "validateQuery": (str, bool),
    "fieldsByKeys": (bool,),
}
SEARCH_EXPAND = "schema,names"


def search_limit_message(asked: int, window: int) -> str:
    """What an OpenSearch-backed Data Center site says past its result window."""
    return (
        f"Search limit exceeded. We couldn't complete your search because it requests "
        f"{asked:,} results which exceeded the search platform limit of {window:,}. Try refining "
        "your query or contact your Jira administrator. Repeating the same search may not work."
    )


def search_get(req: Request) -> Reply:
    query = req.query
    params: dict[str, Any] = {
        "startAt": int_param(query, "startAt", 0),
        "maxResults": int_param(query, "maxResults", 50),
        "jql": (query.get("jql") or [""])[0],
    }
    if "fields" in query:
        params["fields"] = list_param(query, "fields")
    if "expand" in query:
        params["expand"] = ",".join(list_param(query, "expand"))
    return search(req, params)


def search_post(req: Request) -> Reply:
    body = req.body if req.body is not None else {}
    if not isinstance(body, dict):
        return errors(400, "Can not deserialize instance of SearchRequestBean out of the body.")
    for key, value in body.items():
        kinds = SEARCH_KEYS.get(key)
        if kinds is None:
            return errors(
                400,
                f'Unrecognized field "{key}" (Class {SEARCH_BEAN}), not marked as ignorable',
            )
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if value is not None and (not isinstance(value, kinds) or wrong_bool):
            return errors(400, f"Can not deserialize the value of {key!r}.")
    params = {k: v for k, v in body.items() if v is not None}
    if isinstance(params.get("expand"), list):
        params["expand"] = ",".join(str(x) for x in params["expand"])
    return search(req, params)


def search(req: Request, params: dict[str, Any]) -> Reply:
    """``startAt`` + ``maxResults`` (capped at the site's page size) + ``total``; past the
    result window a 500, whatever the total (OpenSearch refuses ``from + size`` beyond it)."""
    demo, opts = req.demo, req.demo.options
    start, asked = params.get("startAt", 0), params.get("maxResults", 50)
    if start < 0 or asked < 0:
        return errors(400, "startAt and maxResults must be zero or positive.")
    size = min(asked, opts.search_page_cap)
    if opts.search_window and start + size > opts.search_window:
        body = {
            "message": search_limit_message(start + size, opts.search_window),
            "status-code": 500,
            "stack-trace": "Please contact your admin passing attached Log's referral number: "
            f"{demo.dice.integer(0, 1 << 62, 'referral'):016x}",
        }
        return Reply(500, body)
    fields, _ = select_fields(params.get("fields"), ("*navigable",))
    try:
        _q, matches = demo.query(params.get("jql") or "")
    except JqlError as e:
        return errors(400, str(e))
    page = matches[start : start + size] if not req.anonymous else ()
    view = demo.view(req.api)
    issues = [issue_json(view, i, fields, True) for i in page]
    if fields:
        faults.damage_issues(demo.data, opts.fault_fields, issues)
    req.work(len(page) * (opts.per_issue_s if fields else opts.per_id_s))
    out: dict[str, Any] = {
        "expand": SEARCH_EXPAND,
        "startAt": start,
        "maxResults": size,
        "total": 0 if req.anonymous else len(matches),
        "issues": issues,
    }
    if wants(params.get("expand"), "names"):
        out["names"] = field_names(fields)
    if wants(params.get("expand"), "schema"):
        out["schema"] = field_schemas(fields)
    return Reply(200, out)


def secure_attachment(req: Request) -> Reply | None:
    """The bytes of an attachment on the Jira origin itself (``content`` of the attachment);
    Range answered 206 unless the site (or this file) ignores it; the file name is not checked."""
    demo, text = req.demo, req.params["id"]
    j = find_attachment(req, text)
    status = demo.download_status(j)
    if status == 403:
        return errors(403, f"You do not have permission to view attachment with id: {text}")
    if status == 404:
        return errors(404, f"The attachment file for id '{text}' could not be found.")
    name = quote(demo.file_name(j))
    disposition = {"Content-Disposition": f"inline; filename*=UTF-8''{name}"}
    req.handler.send_file(j, "jira_bytes", disposition)
    return None


ROUTES = [
    ("GET", "/rest/api/2/search", search_get),
    ("POST", "/rest/api/2/search", search_post),
    ("GET", "/secure/attachment/{id}/{filename}", secure_attachment),
    ("HEAD", "/secure/attachment/{id}/{filename}", secure_attachment),
]
#: Cloud-only routes (templates as the Cloud families list them): 404 on a Data Center site.
CLOUD_ONLY = {
    "/rest/api/3/search/jql",
    "/rest/api/3/search/approximate-count",
    "/rest/api/3/search",
    "/rest/api/3/issue/bulkfetch",
    "/rest/api/3/attachment/content/{id}",
    "/rest/api/3/project/search",
    "/_edge/tenant_info",
}
