"""What a Data Center site's refusal of the credentials means."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from aa_tui.jira.errors import AuthError

#: what a site that answers with something other than JSON is asked about
DATA_CENTER_HINT = "is this the address of a Jira Data Center or Server site (with its path)?"


def check_auth(response: httpx.Response, site: str, who: str, *, basic: bool = False) -> None:
    """Raise when the site ignored or refused the credentials (a 200 can be anonymous);
    ``basic``: a user name and password (``who`` is the name), else a personal access token."""
    reason = response.headers.get("x-seraph-loginreason", "").upper()
    if reason.startswith("AUTHENTICATED_FAILED") or reason == "AUTHENTICATION_DENIED":
        if basic:
            raise AuthError(
                f"{site} refused the user name {who} or its password: check both (too many "
                "failed sign-ins ask for a CAPTCHA in the browser first)."
            )
        raise AuthError(
            f"{site} refused {who}: check it in your Jira profile (a personal access token may "
            "have expired; too many failed sign-ins ask for a CAPTCHA in the browser first)."
        )
    if response.status_code == 401 and _cloud_host(site):
        raise AuthError(
            f"{site} is Jira Cloud, which signs in with the account's email and an API token, "
            "not with a personal access token or a user name."
        )
    if response.status_code == 401:
        raise AuthError(
            f"{site} refused {who} (HTTP 401): check that it is current and belongs to this site."
        )
    if (
        response.status_code in (301, 302, 303, 307, 308)
        and "login" in response.headers.get("location", "").lower()
    ):
        raise AuthError(
            f"{site} sent the request to its login page instead of answering it: this Jira "
            "version does not take a personal access token there; sign in with a user name "
            "and password instead."
        )


def _cloud_host(site: str) -> bool:
    host = (urlsplit(site).hostname or "").lower()
    return host.endswith(".atlassian.net") or host == "api.atlassian.com"
