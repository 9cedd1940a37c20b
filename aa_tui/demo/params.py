"""Request parameters: query-string integers and POST bodies checked like Jira checks them."""

from __future__ import annotations

from typing import Any

from aa_tui.demo.replies import Rejected, errors

INVALID_PAYLOAD = "Invalid request payload. Refer to the REST API documentation and try again."


def int_param(query: dict[str, list[str]], name: str, default: int) -> int:
    """An integer query parameter (``default`` when absent or empty; 400 when not a number)."""
    values = query.get(name)
    if not values or values[0] == "":
        return default
    try:
        return int(values[0])
    except ValueError:
        raise Rejected(errors(400, f"The value '{values[0]}' is not valid for {name}.")) from None


def list_param(query: dict[str, list[str]], name: str) -> list[str]:
    """A comma-separated (or repeated) query parameter, as a list without empty items."""
    return [item for v in query.get(name, []) for item in v.split(",") if item]


def check_body(body: Any, allowed: dict[str, type]) -> dict[str, Any]:
    """A POST body with only known keys of the right types, else 400 Invalid request payload."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise Rejected(errors(400, INVALID_PAYLOAD))
    for key, value in body.items():
        kind = allowed.get(key)
        if kind is None:
            raise Rejected(errors(400, INVALID_PAYLOAD))
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is list and ok:
            inner = int if key == "reconcileIssues" else str
            ok = all(isinstance(x, inner) and not isinstance(x, bool) for x in value)
        if value is not None and not ok:
            raise Rejected(errors(400, INVALID_PAYLOAD))
    return {k: v for k, v in body.items() if v is not None}
