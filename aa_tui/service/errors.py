"""Every failure as the user reads it: one title, one sentence, one exit code, for both faces.

What aa-tui raises on purpose derives from one root; each class carries its title and exit
code (the command line's), so :func:`describe` reads them. The tree, checked against the classes
by ``tests/test_errors.py``::

    AaTuiError                   aa_tui.model.errors: the root                     "Cannot do that" (3)
    ├── Cancelled                aa_tui.model.errors: the user stopped it          (130)
    ├── InputError               aa_tui.service.errors: bad input from either face (2)
    │   └── ArchiveRequired      aa_tui.service.cleanup.apply: only copies, no archive
    ├── CredentialsError         aa_tui.credentials: no usable OS keyring          (2)
    ├── StoreError               aa_tui.store.errors: saved data missing, damaged  (2)
    │   ├── StoreDamagedError    a store file that cannot be read
    │   ├── JournalBusyError     another process holds the journal
    │   └── StoreBusyError       aa_tui.store.errors: another process holds the index
    ├── JiraError                aa_tui.jira.errors: the site or the network       (3)
    │   ├── UsageError           a request that cannot work                        (2)
    │   │   ├── InsecureURLError http:// to a host that is not loopback
    │   │   ├── QueryRejected    Jira refused the scan's search (project, JQL)
    │   │   └── MissingPermission  aa_tui.service.cleanup.permissions: a cleanup's grant
    │   ├── AuthError            credentials refused                               (2)
    │   │   └── ExpiredTokenError
    │   ├── NotJiraError         the site answered, not as Jira Cloud              (2)
    │   ├── NetworkError         unreachable, or failing after every retry         (3)
    │   │   ├── TLSVerifyError                                                     (2)
    │   │   ├── UnreachableError not reachable when first contacted                (2)
    │   │   └── GaveUpError      kept failing after the stated number of tries
    │   └── RequestRejected      one 4xx that retrying cannot fix
    │       └── Forbidden        aa_tui.jira.errors: a 403
    ├── UnknownList              aa_tui.analysis.lists: no such list of files
    ├── HashMismatch             aa_tui.archive.protocol: bytes are not the expected ones
    ├── ArchiveUnavailable       aa_tui.archive.protocol: a destination that cannot work (2)
    ├── DemoNotStarted           aa_tui.service.demo: the demo site's process failed
    └── InternalError            aa_tui.model.errors: never reaches the user; if it does, a bug
        ├── Retry                aa_tui.jira.transport: try again
        ├── IssueBusy            aa_tui.jira.errors: a per-issue write limit
        ├── UnexpectedLayout     aa_tui.store.table_reader: not the fast layout
        ├── NotStarted           aa_tui.service.cleanup.schedule: never sent
        └── PlanRuleBroken       aa_tui.service.cleanup.plan: a plan broke a safety rule

Not ours: ``KeyboardInterrupt`` reads as :class:`Cancelled`; ``OSError`` (a file the user
named) as "File error" (3). Anything else is a bug: "Unexpected error", exit 3, and the
traceback goes to the log file.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from aa_tui.credentials import ENV_TOKEN, CredentialsError
from aa_tui.jira.errors import JiraError, UsageError
from aa_tui.logs import redact
from aa_tui.model.errors import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    AaTuiError,
    Cancelled,
    Face,
    InternalError,
    Option,
)
from aa_tui.store.errors import StoreError

__all__ = [
    "ENV_TOKEN",
    "EXIT_CANCELLED",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "AaTuiError",
    "Cancelled",
    "CredentialsError",
    "Face",
    "InputError",
    "JiraError",
    "Option",
    "Problem",
    "StoreError",
    "UsageError",
    "describe",
]

UNEXPECTED = "Unexpected error"  # the title of an error no check foresaw: a bug
CANCELLED_DEFAULT = "Cancelled; the scan stays resumable."


class InputError(AaTuiError):
    """Input from the command line or a form that cannot be used; the sentence says why."""

    title = "Cannot do that"
    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Problem:
    """What went wrong, for the user: a title (the app's modal), a sentence, an exit code."""

    title: str
    message: str
    exit_code: int

    @property
    def unexpected(self) -> bool:
        return self.title == UNEXPECTED


def describe(error: BaseException, face: Face = Face.CLI) -> Problem:
    """The :class:`Problem` of any error, worded for ``face``; secrets registered with
    ``aa_tui.logs`` are masked."""
    title, message, code = _classify(error, face)
    return Problem(title, redact(message), code)


_FREE_SPACE = "Free some space there (or choose another place) and try again."
#: what to do about a file error, where it is not the path or its permissions
_FILE_ADVICE = {
    errno.ENOSPC: _FREE_SPACE,  # the disk is full
    errno.EDQUOT: _FREE_SPACE,  # the user's quota is
    errno.EISDIR: "Give a file's path, not a folder's.",
}


def _classify(error: BaseException, face: Face) -> tuple[str, str, int]:
    if isinstance(error, KeyboardInterrupt):
        return Cancelled.title, CANCELLED_DEFAULT, Cancelled.exit_code
    if isinstance(error, AaTuiError) and not isinstance(error, InternalError):
        message = error.worded(face)
        if isinstance(error, Cancelled) and not message:
            message = CANCELLED_DEFAULT
        return error.title, message, error.exit_code
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        advice = _FILE_ADVICE.get(error.errno or 0, "Check the path and permissions.")
        return "File error", f"{error.strerror or error}{where}. {advice}", EXIT_FAILED
    return (
        UNEXPECTED,
        f"{type(error).__name__}: {error}. This is a bug in aa-tui: please report it with the "
        "steps that led here.",
        EXIT_FAILED,
    )
