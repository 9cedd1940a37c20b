"""Contract test of the Data Center mode: what the demo answers on REST v2 conforms to
Atlassian's OpenAPI subset wherever the subset describes the same resource (its v3 path: the
subset is Cloud's), and to a local schema of Data Center's ``/search`` (startAt paging) where it
does not. A route counts as covered only by an answer below 400 (a 404 covers nothing), and
every route of the Data Center table must be covered."""

from __future__ import annotations

import httpx
import jsonschema
from helpers.contract import check_issue_fields, operation, schema_ref, v3, validator
from test_demo_contract import ERROR_COLLECTION, EXTRA_SCHEMAS, LOCAL_ONLY, Calls

from aa_tui.demo import DemoOptions, DemoServer, generate_site
from aa_tui.demo.endpoints import jira_router

#: Data Center's search answer (``/rest/api/2/search``: not in the Cloud subset).
DC_SEARCH = {
    "type": "object",
    "required": ["startAt", "maxResults", "total", "issues"],
    "additionalProperties": False,
    "properties": {
        "expand": {"type": "string"},
        "startAt": {"type": "integer", "minimum": 0},
        "maxResults": {"type": "integer", "minimum": 0},
        "total": {"type": "integer", "minimum": 0},
        "issues": {"type": "array", "items": schema_ref("IssueBean")},
        "names": {"type": "object"},
        "schema": {"type": "object"},
    },
}
DC_LIMIT = {
    "type": "object",
    "required": ["message", "status-code"],
    "properties": {"message": {"type": "string"}, "status-code": {"const": 500}},
}


def _exercise(srv: DemoServer, data) -> int:
    fields = "attachment,status,project,updated,created,summary,issuetype"
    api = "/rest/api/2"
    with httpx.Client(base_url=srv.base_url, headers={"Authorization": f"Bearer {srv.token}"}) as c:
        call = Calls(c)
        for path in ("myself", "serverInfo", "statuscategory", "statuscategory/3", "status",
                     "status/10004", "priority/3", "resolution/10000", "issuetype/10001", "field",
                     "attachment/meta", "project", "project/OPS"):  # fmt: skip
            call(200, "GET", f"{api}/{path}")
        call(404, "GET", f"{api}/project/HR")
        call(200, "GET", f"{api}/user", params={"username": "mia.krystof"})
        call(200, "GET", f"{api}/user", params={"username": "demo"})
        call(404, "GET", f"{api}/user", params={"username": "nobody"})
        page = call(200, "GET", f"{api}/search", params={"jql": "attachments IS NOT EMPTY",
                    "fields": fields, "maxResults": 5, "expand": "names,schema"}).json()  # fmt: skip
        call(200, "POST", f"{api}/search", json={"jql": "id > 10010 ORDER BY id ASC",
             "startAt": 2, "maxResults": 3, "fields": ["id"], "validateQuery": "strict"})  # fmt: skip
        call(200, "GET", "/rest/api/latest/search", params={"maxResults": 0})
        call(400, "POST", f"{api}/search", json={"jql": "", "nextPageToken": "x"})
        call(400, "GET", f"{api}/search", params={"jql": "nonsense ~~ 1"})
        call(500, "GET", f"{api}/search", params={"startAt": 10_000})
        issue = page["issues"][0]
        key = issue["key"]
        call(200, "GET", f"{api}/issue/{key}")
        call(404, "GET", f"{api}/issue/NOPE-1")
        call(200, "GET", f"{api}/issue/{key}/comment")
        call(200, "GET", f"{api}/issue/{key}/watchers")
        call(200, "GET", f"{api}/issue/{key}/votes")
        commented = next(
            x["key"] for x in page["issues"]
            if call(200, "GET", f"{api}/issue/{x['key']}/comment").json()["total"]
        )  # fmt: skip
        cid = call(200, "GET", f"{api}/issue/{commented}/comment").json()["comments"][0]["id"]
        call(200, "GET", f"{api}/issue/{commented}/comment/{cid}")
        att = issue["fields"]["attachment"][0]
        call(200, "GET", f"{api}/attachment/{att['id']}")
        call(200, "GET", att["content"])
        call(206, "GET", att["content"], headers={"Range": "bytes=0-9"})
        call(200, "HEAD", att["content"])
        perms = {"permissions": "DELETE_ALL_ATTACHMENTS,DELETE_OWN_ATTACHMENTS"}
        call(200, "GET", f"{api}/mypermissions", params=perms | {"projectKey": "OPS"})
        call(200, "GET", f"{api}/mypermissions")
        call(201, "POST", f"{api}/issue/{key}/comment", json={"body": "Removed by aa-tui."})
        files = {"file": ("notes.txt", b"restored bytes", "text/plain")}
        xsrf = {"X-Atlassian-Token": "no-check"}
        call(200, "POST", f"{api}/issue/{key}/attachments", files=files, headers=xsrf)
        call(204, "DELETE", f"{api}/attachment/{att['id']}")
        call(404, "DELETE", f"{api}/attachment/{att['id']}")
        call(404, "GET", "/rest/api/3/myself")
        call(404, "POST", f"{api}/search/jql", json={"jql": "id > 1"})
        return call.count


def test_data_center_exchanges_conform(spec, components):
    data = generate_site(seed=11, issues=300)
    with DemoServer(data, DemoOptions(data_center=True, hidden_projects=("HR",))) as srv:
        srv.record = True
        calls = _exercise(srv, data)
    router = jira_router(data_center=True)
    routes = {(m, t) for m, t in router.templates() if "/latest/" not in t}
    assert len(srv.recorded) == calls
    covered: set[tuple[str, str]] = set()
    checked = 0
    for ex in srv.recorded:
        where = f"{ex.method} {ex.path} -> {ex.status}"
        match = router.match(ex.method, ex.path)
        assert match is not None or ex.status == 404, where
        if match is not None and match.endpoint is not None and ex.status < 400:
            covered.add((ex.method, match.name.replace("/latest/", "/2/")))
        template = v3(match.name) if match else ""
        if ex.status >= 400:
            schema = DC_LIMIT if ex.status == 500 else ERROR_COLLECTION
            jsonschema.validate(ex.response, schema)
            continue
        if ex.path.startswith("/secure/") or ex.status == 204:
            assert ex.response is None, where  # bytes, or nothing
            continue
        found = operation(spec, ex.method, ex.path)
        if template == "/rest/api/3/search":
            schema = DC_SEARCH
        elif found is not None:
            response = found[1]["responses"].get(str(ex.status))
            assert response is not None, f"status not in the contract: {where}"
            schema = response["content"]["application/json"]["schema"]
        elif template in EXTRA_SCHEMAS:
            schema = EXTRA_SCHEMAS[template]
        else:
            assert template in LOCAL_ONLY, where
            assert isinstance(ex.response, dict) and ex.response.get("self"), where
            continue
        errors = list(validator(components, schema).iter_errors(ex.response))
        assert not errors, (where, errors[0].message, list(errors[0].absolute_path))
        checked += 1
        for issue in ex.response.get("issues", []) if isinstance(ex.response, dict) else []:
            check_issue_fields(components, issue, _attachment_in_issue(components), where)
    missing = routes - covered
    assert not missing, sorted(missing)
    assert checked >= 25, checked


def _attachment_in_issue(components) -> dict:
    schema = dict(components["schemas"]["AttachmentMetadata"])
    schema["properties"] = schema["properties"] | {"id": {"type": "string"}}
    return schema
