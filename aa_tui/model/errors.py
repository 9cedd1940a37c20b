"""The root of every error aa-tui raises on purpose, and the user's stop.

Every exception class of aa-tui (outside the demo site) derives from :class:`AaTuiError`; each
class says what the user reads as its title and which exit code the command line uses, so
``aa_tui.service.errors.describe`` reads them instead of testing classes one by one.
"""

from __future__ import annotations

#: exit codes of the command line
EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_CANCELLED = 0, 2, 3, 130


class AaTuiError(Exception):
    """Base of every error aa-tui raises on purpose: ``str(error)`` is one sentence for the user.

    ``title`` is what the app's modal (and the command line's ``error:`` line) calls it;
    ``exit_code`` what the command line exits with."""

    title: str = "Cannot do that"
    exit_code: int = EXIT_FAILED


class Cancelled(AaTuiError):
    """The user stopped the work; what was done stays (a scan or a cleanup stays resumable)."""

    title = "Cancelled"
    exit_code = EXIT_CANCELLED
