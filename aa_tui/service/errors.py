"""Every failure as the user reads it: one title, one sentence, one exit code, for both faces.

What aa-tui raises, and where it comes from (the exit code the command line uses)::

    Exception
    ├── JiraError                    aa_tui.jira.errors: the site or the network       (3)
    │   ├── UsageError               a request that cannot work                        (2)
    │   │   ├── InsecureURLError     http:// to a host that is not loopback
    │   │   └── QueryRejected        Jira refused the scan's search (project, JQL)
    │   ├── AuthError                credentials refused                               (2)
    │   │   └── ExpiredTokenError
    │   ├── NotJiraError             the site answered, not as Jira Cloud              (2)
    │   ├── NetworkError             unreachable, or failing after every retry         (3)
    │   │   ├── TLSVerifyError                                                          (2)
    │   │   ├── UnreachableError     not reachable when first contacted                (2)
    │   │   └── GaveUpError          kept failing after the stated number of tries
    │   └── RequestRejected          one 4xx that retrying cannot fix
    ├── Cancelled                    aa_tui.jira.errors: the user stopped it         (130)
    ├── StoreError                   aa_tui.store: saved data missing or damaged       (2)
    ├── CredentialsError             aa_tui.credentials: no usable OS keyring          (2)
    ├── InputError                   aa_tui.service: bad input from either face        (2)
    └── OSError                      a file the user named                             (3)

Anything else is a bug: "Unexpected error", exit 3, and the traceback goes to the log file.
"""

from __future__ import annotations

from dataclasses import dataclass

from aa_tui.credentials import ENV_TOKEN, CredentialsError
from aa_tui.jira.errors import (
    AuthError,
    Cancelled,
    JiraError,
    NetworkError,
    NotJiraError,
    UsageError,
)
from aa_tui.logs import redact
from aa_tui.store.store import StoreError

__all__ = [
    "ENV_TOKEN",
    "EXIT_CANCELLED",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Cancelled",
    "CredentialsError",
    "InputError",
    "JiraError",
    "Problem",
    "StoreError",
    "UsageError",
    "describe",
]

EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_CANCELLED = 0, 2, 3, 130
UNEXPECTED = "Unexpected error"  # the title of an error no check foresaw: a bug


class InputError(Exception):
    """Input from the command line or a form that cannot be used; ``str()`` says why."""


@dataclass(frozen=True)
class Problem:
    """What went wrong, for the user: a title (the app's modal), a sentence, an exit code."""

    title: str
    message: str
    exit_code: int

    @property
    def unexpected(self) -> bool:
        return self.title == UNEXPECTED


def describe(error: BaseException) -> Problem:
    """The :class:`Problem` of any error; secrets registered with ``aa_tui.logs`` are masked."""
    title, message, code = _classify(error)
    return Problem(title, redact(message), code)


def _classify(error: BaseException) -> tuple[str, str, int]:
    if isinstance(error, (Cancelled, KeyboardInterrupt)):
        return "Cancelled", str(error) or "Cancelled; the scan stays resumable.", EXIT_CANCELLED
    if isinstance(error, AuthError):
        return "Sign-in refused", str(error), error.exit_code
    if isinstance(error, NetworkError):
        return "Site unreachable", str(error), error.exit_code
    if isinstance(error, NotJiraError):
        return "Not a Jira Cloud site", str(error), error.exit_code
    if isinstance(error, UsageError):
        return "Cannot do that", str(error), error.exit_code
    if isinstance(error, JiraError):
        return "Jira refused", str(error), error.exit_code
    if isinstance(error, InputError):
        return "Cannot do that", str(error), EXIT_USAGE
    if isinstance(error, CredentialsError):
        return "OS keyring", str(error), EXIT_USAGE
    if isinstance(error, StoreError):
        return "Saved data", str(error), EXIT_USAGE
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return (
            "File error",
            f"{error.strerror or error}{where}. Check the path and permissions.",
            EXIT_FAILED,
        )
    return (
        UNEXPECTED,
        f"{type(error).__name__}: {error}. This is a bug in aa-tui: please report it with the "
        "steps that led here.",
        EXIT_FAILED,
    )
