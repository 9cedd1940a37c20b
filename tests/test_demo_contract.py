"""Contract test: every JSON the demo site sends or accepts conforms to Atlassian's OpenAPI subset.

With ``record=True`` the server keeps each exchange; every request body and response is then
validated with ``jsonschema`` against the schemas of /work/shared/jira/cloud-openapi-subset.json
(``$ref``s resolved into ``components/schemas``; OpenAPI's ``nullable`` translated).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import httpx
import jsonschema

from aa_tui.demo import DemoOptions, DemoServer, generate_site

# A copy of Atlassian's published subset (../shared/jira/), kept in the repo so CI has it.
SPEC_PATH = Path(__file__).parent / "contract" / "cloud-openapi-subset.json"
ERROR_COLLECTION = {
    "type": "object",
    "required": ["errorMessages"],
    "properties": {
        "errorMessages": {"type": "array", "items": {"type": "string"}},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
TENANT_INFO = {
    "type": "object",
    "required": ["cloudId"],
    "properties": {"cloudId": {"type": "string"}},
    "additionalProperties": False,
}
#: Operations of the subset the demo implements (thumbnails, archives and issue edits it does not).
IMPLEMENTED = {
    ("get", "/rest/api/3/search/jql"),
    ("post", "/rest/api/3/search/jql"),
    ("post", "/rest/api/3/search/approximate-count"),
    ("post", "/rest/api/3/issue/bulkfetch"),
    ("get", "/rest/api/3/attachment/content/{id}"),
    ("get", "/rest/api/3/attachment/{id}"),
    ("delete", "/rest/api/3/attachment/{id}"),
    ("get", "/rest/api/3/attachment/meta"),
    ("get", "/rest/api/3/myself"),
    ("get", "/rest/api/3/serverInfo"),
    ("get", "/rest/api/3/project/search"),
    ("get", "/rest/api/3/statuscategory"),
    ("get", "/rest/api/3/issue/{issueIdOrKey}"),
}


def _translate(node):
    """OpenAPI 3.0 schema -> JSON Schema: ``nullable: true`` allows null."""
    if isinstance(node, list):
        return [_translate(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _translate(v) for k, v in node.items() if k not in ("example", "xml")}
    if out.pop("nullable", False):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _validator(components: dict, schema: dict) -> jsonschema.Draft202012Validator:
    root = {"components": components, **_translate(schema)}
    return jsonschema.Draft202012Validator(root)


def _schema_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(spec: dict, method: str, path: str) -> tuple[str, dict] | None:
    for template, ops in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in ops:
            # /attachment/meta also matches /attachment/{id}: prefer the literal template.
            if "{" in template and path in spec["paths"]:
                continue
            return template, ops[method.lower()]
    return None


def _exercise(srv: DemoServer, data) -> None:
    """Call every implemented endpoint (good and bad requests)."""
    jql = "attachments IS NOT EMPTY"
    fields = ["attachment", "status", "project", "updated", "created", "summary", "issuetype"]
    with httpx.Client(base_url=srv.base_url, auth=srv.auth) as c:
        c.get("/rest/api/3/myself")
        c.get("/rest/api/3/serverInfo")
        c.get("/_edge/tenant_info")
        c.get("/rest/api/3/statuscategory")
        c.get("/rest/api/3/attachment/meta")
        c.get("/rest/api/3/project/search", params={"maxResults": 3})
        c.get("/rest/api/3/project/search", params={"startAt": 3})
        first = c.post(
            "/rest/api/3/search/jql", json={"jql": jql, "maxResults": 5, "fields": fields}
        )
        c.post(
            "/rest/api/3/search/jql",
            json={
                "jql": jql,
                "maxResults": 5,
                "fields": fields,
                "nextPageToken": first.json()["nextPageToken"],
                "expand": "names",
                "properties": [],
                "fieldsByKeys": False,
                "reconcileIssues": [10001],
            },
        )
        c.post("/rest/api/3/search/jql", json={"jql": jql, "maxResults": 5000})
        c.get("/rest/api/3/search/jql", params={"jql": jql, "fields": "id,key", "maxResults": 20})
        c.get(
            "/rest/api/3/search/jql",
            params={"jql": 'project = "OPS" ORDER BY key DESC', "fields": "*all"},
        )
        c.post("/rest/api/3/search/jql", json={"jql": jql, "startAt": 0})  # 400
        c.post("/rest/api/3/search/jql", json={"jql": "ORDER BY key"})  # 400
        c.post("/rest/api/3/search/jql", json={"jql": "nonsense ~~ 1"})  # 400
        c.post("/rest/api/3/search/approximate-count", json={"jql": jql})
        ids = [i["id"] for i in first.json()["issues"]]
        c.post(
            "/rest/api/3/issue/bulkfetch",
            json={"issueIdsOrKeys": [*ids[::-1], "NOPE-9"], "fields": fields},
        )
        c.post(
            "/rest/api/3/issue/bulkfetch",
            json={
                "issueIdsOrKeys": ids,
                "expand": ["names"],
                "fieldsByKeys": False,
                "properties": [],
            },
        )
        c.post("/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": ids, "startAt": 0})  # 400
        c.get(f"/rest/api/3/issue/{ids[0]}")
        c.get("/rest/api/3/issue/NOPE-1")  # 404
        attachments = [a for i in first.json()["issues"] for a in i["fields"]["attachment"]]
        aid = attachments[0]["id"]
        c.get(f"/rest/api/3/attachment/{aid}")
        c.get(f"/rest/api/3/attachment/content/{aid}")  # 303
        c.get(f"/rest/api/3/attachment/content/{aid}", params={"redirect": "false"})
        c.get(f"/rest/api/3/attachment/content/{sorted(data.truth.unreadable_403)[0]}")  # 403
        c.delete(f"/rest/api/3/attachment/{attachments[-1]['id']}")
        c.get(f"/rest/api/3/attachment/{attachments[-1]['id']}")  # 404
        c.get("/rest/api/3/search", params={"jql": jql})  # 410
    with httpx.Client(base_url=srv.base_url, auth=(srv.email, "wrong")) as c:
        c.get("/rest/api/3/myself")  # 401


def test_every_exchange_conforms_to_the_openapi_subset(spec, components):
    data = generate_site(seed=11, issues=300)
    with DemoServer(data, DemoOptions()) as srv:
        srv.record = True
        _exercise(srv, data)
    assert srv.recorded
    covered: set[tuple[str, str]] = set()
    checked = 0
    attachment_in_issue = copy.deepcopy(components["schemas"]["AttachmentMetadata"])
    attachment_in_issue["properties"]["id"] = {"type": "string"}  # a string in issue results
    for ex in srv.recorded:
        where = f"{ex.method} {ex.path} -> {ex.status}"
        if ex.path == "/_edge/tenant_info":
            jsonschema.validate(ex.response, TENANT_INFO)
            continue
        found = _operation(spec, ex.method, ex.path)
        if found is None:
            assert ex.status in (404, 410), where  # removed or unknown: an error collection
            jsonschema.validate(ex.response, ERROR_COLLECTION)
            continue
        template, op = found
        covered.add((ex.method.lower(), template))
        body_schema = (
            op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        )
        if body_schema and ex.request is not None:
            errors = list(_validator(components, body_schema).iter_errors(ex.request))
            # The server refuses exactly the bodies the schema refuses (400 Invalid payload).
            assert bool(errors) == (
                ex.status == 400 and "Invalid request payload" in str(ex.response)
            ), (where, ex.request, errors[:1])
        response = op["responses"].get(str(ex.status))
        assert response is not None, f"status not in the contract: {where}"
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema:
            errors = list(_validator(components, schema).iter_errors(ex.response))
            assert not errors, (where, errors[0].message, list(errors[0].absolute_path))
            checked += 1
            for issue in _issues(ex.response):
                _check_issue_fields(components, issue, attachment_in_issue, where)
        elif ex.status >= 400:
            jsonschema.validate(ex.response, ERROR_COLLECTION)
        else:
            assert ex.response is None, where  # 204 / 303 / streamed bytes carry no JSON
    assert covered == IMPLEMENTED, sorted(IMPLEMENTED - covered)
    assert checked >= 15


def _issues(response) -> list[dict]:
    if isinstance(response, dict) and isinstance(response.get("issues"), list):
        return response["issues"]
    if isinstance(response, dict) and "fields" in response:
        return [response]
    return []


def _check_issue_fields(components: dict, issue: dict, attachment_schema: dict, where: str) -> None:
    """IssueBean.fields is free-form in the contract: check the fields a scanner reads."""
    fields = issue.get("fields", {})
    checks = {
        "status": _schema_ref("StatusDetails"),
        "project": _schema_ref("ProjectDetails"),
    }
    for name, schema in checks.items():
        if name in fields:
            _validator(components, schema).validate(fields[name])
    for att in fields.get("attachment", []):
        _validator(components, attachment_schema).validate(att)
        assert isinstance(att["id"], str) and isinstance(att["size"], int), where
    for name in ("created", "updated"):
        if name in fields:
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$", fields[name])
