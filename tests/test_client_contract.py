"""Contract: what aa-tui's own client sends during a scan, and what the demo answers, conform
to Atlassian's OpenAPI subset (recorded by the demo server over real HTTP)."""

from __future__ import annotations

import copy

from helpers.contract import check_issue_fields, operation, validator
from helpers.scanning import run_scan


def test_a_scan_speaks_only_the_contract(spec, components, demo_server, store):
    demo_server.record = True
    run_scan(demo_server, store)
    exchanges = list(demo_server.recorded)
    assert exchanges
    attachment_in_issue = copy.deepcopy(components["schemas"]["AttachmentMetadata"])
    attachment_in_issue["properties"]["id"] = {"type": "string"}
    operations = set()
    for ex in exchanges:
        where = f"{ex.method} {ex.path} -> {ex.status}"
        found = operation(spec, ex.method, ex.path)
        assert found is not None, f"the client called an endpoint outside the contract: {where}"
        template, op = found
        operations.add((ex.method, template))
        assert "startAt" not in (ex.request or {}), where
        assert ex.path != "/rest/api/3/search", "the removed search endpoint was called"
        body_schema = (
            op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        )
        if body_schema is not None and ex.request is not None:
            errors = list(validator(components, body_schema).iter_errors(ex.request))
            assert not errors, (where, errors[0].message)
        assert ex.status < 400, where
        schema = op["responses"].get(str(ex.status), {}).get("content", {})
        schema = schema.get("application/json", {}).get("schema")
        if schema and ex.response is not None:
            errors = list(validator(components, schema).iter_errors(ex.response))
            assert not errors, (where, errors[0].message)
            for issue in ex.response.get("issues", []) if isinstance(ex.response, dict) else []:
                check_issue_fields(components, issue, attachment_in_issue, where)
    assert ("POST", "/rest/api/3/search/jql") in operations
    assert ("POST", "/rest/api/3/issue/bulkfetch") in operations
    assert ("GET", "/rest/api/3/attachment/content/{id}") in operations
