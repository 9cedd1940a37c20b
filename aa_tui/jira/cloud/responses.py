"""What Jira Cloud's refusals of the credentials mean (a 401, an ignored token)."""

from __future__ import annotations

import httpx

from aa_tui.jira.errors import AuthError, ExpiredTokenError
from aa_tui.jira.responses import error_text


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
