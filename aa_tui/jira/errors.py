"""What talking to Jira can raise, each with a sentence a user can act on.

(The user's stop, ``Cancelled``, is not a Jira error: it lives in :mod:`aa_tui.model.errors`.)
"""

from __future__ import annotations

from aa_tui.model.errors import EXIT_FAILED, EXIT_USAGE, AaTuiError, InternalError

__all__ = [
    "AuthError",
    "ExpiredTokenError",
    "Forbidden",
    "GaveUpError",
    "InsecureURLError",
    "IssueBusy",
    "JiraError",
    "NetworkError",
    "NotJiraError",
    "QueryRejected",
    "RequestRejected",
    "TLSVerifyError",
    "UnreachableError",
    "UsageError",
]


class JiraError(AaTuiError):
    """Base class: ``str(error)`` is one clear sentence meant for the user."""

    title = "Jira refused"
    exit_code = EXIT_FAILED


class UsageError(JiraError):
    """The user asked for something that cannot work (bad URL, bad scope...)."""

    title = "Cannot do that"
    exit_code = EXIT_USAGE


class InsecureURLError(UsageError):
    """``http://`` to a host that is not loopback: the token would cross the network in clear."""


class AuthError(JiraError):
    """Credentials were refused (wrong or expired token, wrong email)."""

    title = "Sign-in refused"
    exit_code = EXIT_USAGE


class ExpiredTokenError(AuthError):
    """The token was accepted once and has expired (or was revoked)."""


#: what a server that has no such REST API answers (Jira answers none of them to its own paths)
NO_SUCH_API = frozenset({404, 405, 410, 501})


class NotJiraError(JiraError):
    """The site answered, but not like Jira Cloud."""

    title = "Not a Jira Cloud site"
    exit_code = EXIT_USAGE


class NetworkError(JiraError):
    """The site could not be reached, or kept failing after every retry."""

    title = "Site unreachable"
    exit_code = EXIT_FAILED


class TLSVerifyError(NetworkError):
    """The site's certificate could not be verified."""

    exit_code = EXIT_USAGE


class UnreachableError(NetworkError):
    """The site could not be reached at all when first contacted (refused, no such host)."""

    exit_code = EXIT_USAGE


class QueryRejected(UsageError):
    """Jira refused the scan's search query (an unknown project, a JQL error...)."""


class GaveUpError(NetworkError):
    """A request kept failing after the stated number of tries."""


class RequestRejected(JiraError):
    """Jira refused one request with a 4xx that retrying cannot fix."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Forbidden(RequestRejected):
    """A 403: the account lacks a permission for this request."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 403)


class IssueBusy(InternalError):
    """Jira's per-issue write limit: writes to ``issue`` wait ``retry_after`` seconds (the
    cleanup's scheduler catches it; it never reaches the user)."""

    def __init__(self, issue: str, retry_after: float) -> None:
        super().__init__(f"writes to {issue} are limited for {retry_after:.0f}s")
        self.issue = issue
        self.retry_after = retry_after
