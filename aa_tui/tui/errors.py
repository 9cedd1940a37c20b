"""Turn an exception into a title and a sentence for the user (never a traceback)."""

from __future__ import annotations

from aa_tui.credentials import CredentialsError
from aa_tui.jira.errors import AuthError, JiraError, NetworkError, NotJiraError, UsageError
from aa_tui.store.store import StoreError

UNEXPECTED = "Unexpected error"  # the title of an error no check foresaw: a bug


def describe(error: BaseException) -> tuple[str, str]:
    """``(title, message)``: what happened and, where known, what to do."""
    if isinstance(error, AuthError):
        return "Sign-in refused", str(error)
    if isinstance(error, NetworkError):
        return "Site unreachable", str(error)
    if isinstance(error, NotJiraError):
        return "Not a Jira Cloud site", str(error)
    if isinstance(error, UsageError):
        return "Cannot do that", str(error)
    if isinstance(error, JiraError):
        return "Jira refused", str(error)
    if isinstance(error, CredentialsError):
        return "OS keyring", str(error)
    if isinstance(error, StoreError):
        return "Saved data", str(error)
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return "File error", f"{error.strerror or error}{where}. Check the path and permissions."
    return (
        UNEXPECTED,
        f"{type(error).__name__}: {error}. This is a bug in aa-tui: please report it with the "
        "steps that led here.",
    )
