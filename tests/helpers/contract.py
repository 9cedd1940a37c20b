"""Atlassian's OpenAPI subset as JSON Schema: the spec, its operations, validators."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema

# A copy of Atlassian's published subset (../shared/jira/), kept in the repo so CI has it.
SPEC_PATH = Path(__file__).parent.parent / "contract" / "cloud-openapi-subset.json"


def translate(node):
    """OpenAPI 3.0 schema -> JSON Schema: ``nullable: true`` allows null."""
    if isinstance(node, list):
        return [translate(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: translate(v) for k, v in node.items() if k not in ("example", "xml")}
    if out.pop("nullable", False):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def validator(components: dict, schema: dict) -> jsonschema.Draft202012Validator:
    root = {"components": components, **translate(schema)}
    return jsonschema.Draft202012Validator(root)


def schema_ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def v3(path: str) -> str:
    """The v3 path of a v2 or ``latest`` one (the same resource, the same contract)."""
    return re.sub(r"^/rest/api/(2|latest)/", "/rest/api/3/", path)


def operation(spec: dict, method: str, path: str) -> tuple[str, dict] | None:
    """``(path template, operation)`` of the spec that ``method path`` calls, else None."""
    path = v3(path)
    if path in spec["paths"] and method.lower() in spec["paths"][path]:
        return path, spec["paths"][path][method.lower()]
    for template, ops in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if "{" in template and re.match(pattern, path) and method.lower() in ops:
            if path in spec["paths"]:  # /attachment/meta is not the attachment "meta"
                continue
            return template, ops[method.lower()]
    return None


def check_issue_fields(components: dict, issue: dict, attachment_schema: dict, where: str) -> None:
    """IssueBean.fields is free-form in the contract: check the fields a scanner reads."""
    fields = issue.get("fields", {})
    checks = {
        "status": schema_ref("StatusDetails"),
        "project": schema_ref("ProjectDetails"),
    }
    for name, schema in checks.items():
        if name in fields:
            validator(components, schema).validate(fields[name])
    for att in fields.get("attachment", []):
        validator(components, attachment_schema).validate(att)
        assert isinstance(att["id"], str) and isinstance(att["size"], int), where
    for name in ("created", "updated"):
        if name in fields:
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$", fields[name])
