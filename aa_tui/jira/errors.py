"""Typed errors, each with a sentence a user can act on."""

from __future__ import annotations


class JiraError(Exception):
    """Base class: ``str(error)`` is one clear sentence meant for the user."""

    #: Exit code the command line uses for this error.
    exit_code = 3


class UsageError(JiraError):
    """The user asked for something that cannot work (bad URL, bad scope...)."""

    exit_code = 2


class InsecureURLError(UsageError):
    pass


class AuthError(JiraError):
    """Credentials were refused (wrong or expired token, wrong email)."""

    exit_code = 2


class ExpiredTokenError(AuthError):
    pass


class NotJiraError(JiraError):
    """The site answered, but not like Jira Cloud."""

    exit_code = 2


class NetworkError(JiraError):
    """The site could not be reached, or kept failing after every retry."""


class TLSVerifyError(NetworkError):
    exit_code = 2


class UnreachableError(NetworkError):
    """The site could not be reached at all when first contacted (refused, no such host)."""

    exit_code = 2


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


class IssueBusy(Exception):
    """Jira's per-issue write limit: writes to ``issue`` wait ``retry_after`` seconds."""

    def __init__(self, issue: str, retry_after: float) -> None:
        super().__init__(f"writes to {issue} are limited for {retry_after:.0f}s")
        self.issue = issue
        self.retry_after = retry_after


class Cancelled(Exception):
    """The scan was cancelled by the user; it stays resumable."""
