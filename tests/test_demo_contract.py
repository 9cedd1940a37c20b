"""Contract test: every JSON the demo site sends or accepts conforms to Atlassian's OpenAPI subset.

With ``record=True`` the server keeps each exchange; every request body and response is then
validated with ``jsonschema`` against the schemas of /work/shared/jira/cloud-openapi-subset.json
(``$ref``s resolved into ``components/schemas``; OpenAPI's ``nullable`` translated).
"""

from __future__ import annotations

import copy

import httpx
import jsonschema
from helpers.contract import check_issue_fields, operation, schema_ref, v3, validator

from aa_tui.demo import DemoOptions, DemoServer, generate_site
from aa_tui.demo import catalog as cat
from aa_tui.demo.endpoints import jira_router

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
#: Schemas of the demo's routes that the subset does not describe (``self`` links resolve there).
EXTRA_SCHEMAS = {
    "/rest/api/3/statuscategory/{idOrKey}": schema_ref("StatusCategory"),
    "/rest/api/3/status/{idOrName}": schema_ref("StatusDetails"),
    "/rest/api/3/status": {"type": "array", "items": schema_ref("StatusDetails")},
    "/rest/api/3/project/{projectIdOrKey}": schema_ref("Project"),
    "/rest/api/3/issue/{issueIdOrKey}/comment/{id}": schema_ref("Comment"),
    "/rest/api/3/issuetype/{id}": schema_ref("IssueTypeDetails"),
}
#: Routes outside the subset checked against a small local schema (or only for their status).
LOCAL_ONLY = {
    "/_edge/tenant_info",
    "/rest/api/3/priority/{id}",
    "/rest/api/3/resolution/{id}",
    "/rest/api/3/issue/{issueIdOrKey}/watchers",
    "/rest/api/3/issue/{issueIdOrKey}/votes",
    "/rest/api/3/search",  # removed: 410 with an error collection
}


class Calls:
    """An HTTP client that asserts the exact status of every request it makes."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.count = 0

    def __call__(self, status: int, method: str, path: str, **kw) -> httpx.Response:
        r = self.client.request(method, path, **kw)
        assert r.status_code == status, (method, path, kw, r.status_code, r.text[:300])
        self.count += 1
        return r


def _exercise(srv: DemoServer, data) -> int:
    """Call every route of the demo (good and bad requests), each with the status it must get."""
    jql = "attachments IS NOT EMPTY"
    fields = ["attachment", "status", "project", "updated", "created", "summary", "issuetype"]
    hr_issue = data.issue_id(data.project_issues[5][0])  # HR is hidden on this server
    with httpx.Client(base_url=srv.base_url, auth=srv.auth) as c:
        call = Calls(c)
        for v in ("3", "2"):
            api = f"/rest/api/{v}"
            call(200, "GET", f"{api}/myself")
            call(200, "GET", f"{api}/serverInfo")
            call(200, "GET", f"{api}/statuscategory")
            call(200, "GET", f"{api}/statuscategory/3")
            call(200, "GET", f"{api}/statuscategory/indeterminate")
            call(404, "GET", f"{api}/statuscategory/99")
            call(200, "GET", f"{api}/status")
            call(200, "GET", f"{api}/status/10004")
            call(404, "GET", f"{api}/status/nope")
            call(200, "GET", f"{api}/priority/3")
            call(404, "GET", f"{api}/priority/99")
            call(200, "GET", f"{api}/resolution/10000")
            call(404, "GET", f"{api}/resolution/1")
            call(200, "GET", f"{api}/issuetype/10001")
            call(404, "GET", f"{api}/issuetype/1")
            call(200, "GET", f"{api}/field")
            call(200, "GET", f"{api}/attachment/meta")
            call(200, "GET", f"{api}/project")
            call(200, "GET", f"{api}/project/OPS")
            call(200, "GET", f"{api}/project/10001")
            call(404, "GET", f"{api}/project/HR")
            call(200, "GET", f"{api}/project/search", params={"maxResults": 3})
            call(200, "GET", f"{api}/project/search", params={"startAt": 3})
            call(400, "GET", f"{api}/project/search", params={"startAt": -1})
            call(200, "GET", f"{api}/user", params={"accountId": cat.USERS[0].account_id})
            call(404, "GET", f"{api}/user", params={"accountId": "nobody"})
            first = call(
                200,
                "POST",
                f"{api}/search/jql",
                json={"jql": jql, "maxResults": 5, "fields": fields},
            ).json()
            call(
                200,
                "POST",
                f"{api}/search/jql",
                json={
                    "jql": jql,
                    "maxResults": 5,
                    "fields": fields,
                    "nextPageToken": first["nextPageToken"],
                    "expand": "names,schema",
                    "properties": [],
                    "fieldsByKeys": False,
                    "reconcileIssues": [10001],
                },
            )
            call(200, "POST", f"{api}/search/jql", json={"jql": jql, "maxResults": 5000})
            params = {"jql": jql, "fields": "id,key", "maxResults": 20}
            call(200, "GET", f"{api}/search/jql", params=params)
            params = {
                "jql": 'project = "OPS" ORDER BY key DESC',
                "fields": "*all",
                "expand": "names",
            }
            call(200, "GET", f"{api}/search/jql", params=params)
            call(400, "POST", f"{api}/search/jql", json={"jql": jql, "startAt": 0})
            call(400, "POST", f"{api}/search/jql", json={"jql": "ORDER BY key"})
            call(400, "POST", f"{api}/search/jql", json={"jql": "nonsense ~~ 1"})
            call(400, "GET", f"{api}/search/jql", params={"jql": jql, "maxResults": 0})
            call(200, "POST", f"{api}/search/approximate-count", json={"jql": jql})
            call(400, "POST", f"{api}/search/approximate-count", json={"jql": ""})
            ids = [i["id"] for i in first["issues"]]
            call(
                200,
                "POST",
                f"{api}/issue/bulkfetch",
                json={"issueIdsOrKeys": [*ids[::-1], "NOPE-9", hr_issue], "fields": fields},
            )
            body = {"issueIdsOrKeys": ids, "expand": ["names"], "fieldsByKeys": False}
            call(200, "POST", f"{api}/issue/bulkfetch", json=body | {"properties": []})
            call(400, "POST", f"{api}/issue/bulkfetch", json={"issueIdsOrKeys": ids, "startAt": 0})
            call(400, "POST", f"{api}/issue/bulkfetch", json={"issueIdsOrKeys": []})
            call(200, "GET", f"{api}/issue/{ids[0]}")
            key = data.issue_key(int(ids[0]) - 10000)
            issue = call(200, "GET", f"{api}/issue/{key}", params={"expand": "names"}).json()
            assert set(issue["names"]) == set(issue["fields"]) and len(issue["fields"]) > 20
            call(200, "GET", f"{api}/issue/{key}", params={"fields": "summary,attachment"})
            call(404, "GET", f"{api}/issue/NOPE-1")
            call(404, "GET", f"{api}/issue/{hr_issue}")
            call(200, "GET", f"{api}/issue/{key}/comment")
            call(404, "GET", f"{api}/issue/NOPE-1/comment")
            commented = next(
                i for i in ids if call(200, "GET", f"{api}/issue/{i}/comment").json()["total"]
            )
            comment = call(200, "GET", f"{api}/issue/{commented}/comment").json()["comments"][0]
            call(200, "GET", f"{api}/issue/{commented}/comment/{comment['id']}")
            call(404, "GET", f"{api}/issue/{commented}/comment/1")
            call(200, "GET", f"{api}/issue/{key}/watchers")
            call(200, "GET", f"{api}/issue/{key}/votes")
            attachments = [a for i in first["issues"] for a in i["fields"]["attachment"]]
            aid = attachments[0]["id"]
            call(200, "GET", f"{api}/attachment/{aid}")
            call(303, "GET", f"{api}/attachment/content/{aid}")
            call(200, "GET", f"{api}/attachment/content/{aid}", params={"redirect": "false"})
            range_header = {"Range": "bytes=0-9"}
            call(
                206,
                "GET",
                f"{api}/attachment/content/{aid}",
                params={"redirect": "false"},
                headers=range_header,
            )
            call(403, "GET", f"{api}/attachment/content/{sorted(data.truth.unreadable_403)[0]}")
            call(404, "GET", f"{api}/attachment/content/{sorted(data.truth.unreadable_404)[0]}")
            victim = attachments[-1]["id"] if v == "3" else attachments[-2]["id"]
            call(204, "DELETE", f"{api}/attachment/{victim}")
            call(404, "GET", f"{api}/attachment/{victim}")
            call(404, "DELETE", f"{api}/attachment/{victim}")
            perms = {"permissions": "DELETE_ALL_ATTACHMENTS,DELETE_OWN_ATTACHMENTS"}
            call(200, "GET", f"{api}/mypermissions", params=perms | {"projectKey": "OPS"})
            call(200, "GET", f"{api}/mypermissions", params=perms | {"issueKey": key})
            call(200, "GET", f"{api}/mypermissions", params=perms)
            call(400, "GET", f"{api}/mypermissions")
            call(400, "GET", f"{api}/mypermissions", params={"permissions": "NOPE"})
            call(404, "GET", f"{api}/mypermissions", params=perms | {"projectKey": "HR"})
            text = "Duplicate removed by aa-tui; the kept copy is on OPS-1."
            adf = {
                "type": "doc",
                "version": 1,
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
            }
            good, bad = (adf, text) if v == "3" else (text, adf)
            call(201, "POST", f"{api}/issue/{key}/comment", json={"body": good})
            call(400, "POST", f"{api}/issue/{key}/comment", json={"body": bad})
            call(404, "POST", f"{api}/issue/NOPE-1/comment", json={"body": good})
            files = {"file": ("notes.txt", b"restored bytes", "text/plain")}
            xsrf = {"X-Atlassian-Token": "no-check"}
            call(200, "POST", f"{api}/issue/{key}/attachments", files=files, headers=xsrf)
            call(403, "POST", f"{api}/issue/{key}/attachments", files=files)
            call(404, "POST", f"{api}/issue/NOPE-1/attachments", files=files, headers=xsrf)
            call(410, "GET", f"{api}/search", params={"jql": jql})
            call(410, "POST", f"{api}/search", json={"jql": jql})
            call(405, "PUT", f"{api}/myself")
        call(200, "GET", "/_edge/tenant_info")
        call(404, "GET", "/rest/api/3/nope")
        count = call.count
    with httpx.Client(base_url=srv.base_url, auth=(srv.email, "wrong")) as c:
        call = Calls(c)
        for path in ("/rest/api/3/myself", "/rest/api/2/myself", "/rest/api/3/serverInfo"):
            call(401, "GET", path)
        call(401, "POST", "/rest/api/3/search/jql", json={"jql": jql})
        call(401, "POST", "/rest/api/3/issue/bulkfetch", json={"issueIdsOrKeys": ["1"]})
        count += call.count
    with httpx.Client(base_url=srv.base_url) as c:  # no credentials at all
        call = Calls(c)
        call(200, "GET", "/rest/api/3/serverInfo")
        call(200, "GET", "/rest/api/2/serverInfo")
        call(401, "GET", "/rest/api/3/myself")
        call(401, "GET", "/rest/api/3/field")
        count += call.count
    return count


def test_every_exchange_conforms_to_the_openapi_subset(spec, components):
    data = generate_site(seed=11, issues=300)
    with DemoServer(data, DemoOptions(hidden_projects=("HR",))) as srv:
        srv.record = True
        calls = _exercise(srv, data)
        routes = {(m.lower(), t) for m, t in jira_router().templates() if "/latest/" not in t}
    assert len(srv.recorded) == calls
    covered: set[tuple[str, str]] = set()
    checked = 0
    attachment_in_issue = copy.deepcopy(components["schemas"]["AttachmentMetadata"])
    attachment_in_issue["properties"]["id"] = {"type": "string"}  # a string in issue results
    for ex in srv.recorded:
        where = f"{ex.method} {ex.path} -> {ex.status}"
        route = jira_router().match(ex.method, ex.path)
        if route is not None and route.endpoint is not None:
            covered.add((ex.method.lower(), route.name))
            covered.add(("*", route.name))
        found = operation(spec, ex.method, ex.path)
        template = v3(route.name) if route else ""
        if found is None:
            if ex.status >= 400:
                jsonschema.validate(ex.response, ERROR_COLLECTION)
            elif template == "/_edge/tenant_info":
                jsonschema.validate(ex.response, TENANT_INFO)
            elif template in EXTRA_SCHEMAS:
                schema = EXTRA_SCHEMAS[template]
                errors = list(validator(components, schema).iter_errors(ex.response))
                assert not errors, (where, errors[0].message, list(errors[0].absolute_path))
                checked += 1
            else:
                assert template in LOCAL_ONLY, where
                assert isinstance(ex.response, dict) and ex.response.get("self"), where
            continue
        _, op = found
        body_schema = (
            op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        )
        if body_schema and ex.request is not None:
            errors = list(validator(components, body_schema).iter_errors(ex.request))
            # The server refuses exactly the bodies the schema refuses (400 Invalid payload).
            assert bool(errors) == (
                ex.status == 400 and "Invalid request payload" in str(ex.response)
            ), (where, ex.request, errors[:1])
        response = op["responses"].get(str(ex.status))
        assert response is not None, f"status not in the contract: {where}"
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema and ex.response is not None:
            errors = list(validator(components, schema).iter_errors(ex.response))
            assert not errors, (where, errors[0].message, list(errors[0].absolute_path))
            checked += 1
            for issue in _issues(ex.response):
                check_issue_fields(components, issue, attachment_in_issue, where)
        elif ex.status >= 400:
            jsonschema.validate(ex.response, ERROR_COLLECTION)
        else:
            assert ex.response is None, where  # 204 / 303 / streamed bytes carry no JSON
    missing = {r for r in routes if r not in covered}
    assert not missing, sorted(missing)
    assert checked >= 60, checked


def _issues(response) -> list[dict]:
    if isinstance(response, dict) and isinstance(response.get("issues"), list):
        return response["issues"]
    if isinstance(response, dict) and "fields" in response:
        return [response]
    return []
