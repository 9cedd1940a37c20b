"""Reading Jira's answers, whatever the deployment: the JSON body and its error messages."""

from __future__ import annotations

from typing import Any

import httpx

from aa_tui.jira.errors import GaveUpError, NotJiraError
from aa_tui.jira.transport import PARSED, is_not_json, parse_json_body

#: what a site that answers with something other than JSON is asked about (Cloud's wording)
CLOUD_HINT = "is this the address of a Jira Cloud site (https://<name>.atlassian.net)?"


def json_of(response: httpx.Response, site: str, hint: str = CLOUD_HINT) -> Any:
    """The parsed body of a 2xx answer (the transport parsed it already when it could).

    The parsed body is taken out of the answer: httpx's client leaves each answer in a
    reference cycle (its stream points back at it), so what the answer holds lives until a
    garbage collection; while a rescan reads its base back with collection paused, the
    listing's 67 id pages (5,000 parsed ids each) held ~80 MB of a 1,000,000-issue site."""
    if PARSED in response.extensions:
        return response.extensions.pop(PARSED)
    content_type = response.headers.get("content-type", "")
    parsed = parse_json_body(response.content, content_type)
    if not is_not_json(parsed):
        return parsed
    if "json" in content_type.lower():  # only when the request bypassed the transport's retries
        raise GaveUpError(f"{site} answered {response.request.url.path} with broken JSON.")
    kind = "an HTML page" if "html" in content_type.lower() else "something that is not JSON"
    raise NotJiraError(
        f"{site} answered {response.request.url.path} with {kind}, not Jira's JSON: {hint}"
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


#: fields that Jira's serverInfo always holds (an answer with none of them is not Jira's)
SERVER_INFO_FIELDS = ("baseUrl", "version", "deploymentType")


def server_info_of(data: Any, site: str) -> dict[str, Any]:
    """``data``, a serverInfo answer, when it is Jira's: a JSON object holding one of
    :data:`SERVER_INFO_FIELDS` (a server answering one object to every path holds none)."""
    if not isinstance(data, dict) or not any(data.get(k) for k in SERVER_INFO_FIELDS):
        raise NotJiraError(f"{site} did not answer serverInfo like Jira.")
    return data
