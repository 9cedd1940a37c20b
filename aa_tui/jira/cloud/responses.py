"""Reading Jira's answers: the JSON body, its error messages, and what a 401 means."""

from __future__ import annotations

from typing import Any

import httpx

from aa_tui.jira.errors import AuthError, ExpiredTokenError, GaveUpError, NotJiraError
from aa_tui.jira.transport import PARSED, is_not_json, parse_json_body


def json_of(response: httpx.Response, site: str) -> Any:
    """The parsed body of a 2xx answer (the transport parsed it already when it could)."""
    if PARSED in response.extensions:
        return response.extensions[PARSED]
    content_type = response.headers.get("content-type", "")
    parsed = parse_json_body(response.content, content_type)
    if not is_not_json(parsed):
        return parsed
    if "json" in content_type.lower():  # only when the request bypassed the transport's retries
        raise GaveUpError(f"{site} answered {response.request.url.path} with broken JSON.")
    kind = "an HTML page" if "html" in content_type.lower() else "something that is not JSON"
    raise NotJiraError(
        f"{site} answered {response.request.url.path} with {kind}, not Jira's JSON: is "
        "this the address of a Jira Cloud site (https://<name>.atlassian.net)?"
    )


def error_text(response: httpx.Response) -> str:
    """Jira's ``errorMessages`` and ``errors`` in one line (empty when there are none)."""
    try:
        data = response.json()
    except (ValueError, httpx.ResponseNotRead):
        return ""
    if not isinstance(data, dict):
        return ""
    messages = list(data.get("errorMessages") or [])
    errors = data.get("errors")
    if isinstance(errors, dict):
        messages += [f"{k}: {v}" for k, v in errors.items()]
    return "; ".join(str(m) for m in messages)[:300]


def check_auth(response: httpx.Response, site: str, email: str) -> None:
    """Raise when Jira ignored or refused the credentials (a 200 can be anonymous)."""
    if response.headers.get("x-seraph-loginreason", "").upper() == "AUTHENTICATED_FAILED":
        raise ExpiredTokenError(
            f"Jira ignored the API token for {email} (expired or revoked): create a new "
            "token at https://id.atlassian.com/manage-profile/security/api-tokens."
        )
    if response.status_code == 401:
        body = error_text(response).lower()
        if "scope does not match" in body:
            raise AuthError(
                "This is a scoped API token: use https://api.atlassian.com/ex/jira/<cloudId> "
                "as the site (GET <site>/_edge/tenant_info gives the cloudId)."
            )
        raise AuthError(
            f"Jira refused the email and API token for {site} (HTTP 401): check the "
            "email, and that the token is current."
        )
