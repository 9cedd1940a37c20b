"""The root of every error aa-tui raises on purpose, and the user's stop.

Every exception class of aa-tui (outside the demo site) derives from :class:`AaTuiError`; each
class says what the user reads as its title and which exit code the command line uses, so
``aa_tui.service.errors.describe`` reads them instead of testing classes one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: exit codes of the command line
EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_CANCELLED = 0, 2, 3, 130


class Face(str, Enum):
    """Who shows a message: the command line names options as flags, the app as field labels."""

    CLI = "cli"
    APP = "app"


@dataclass(frozen=True)
class Option:
    """A setting a message names, as each face calls it (``--limit`` / ``Limit``)."""

    flag: str
    label: str

    def on(self, face: Face) -> str:
        return self.flag if face is Face.CLI else self.label


MessagePart = str | Option


class AaTuiError(Exception):
    """Base of every error aa-tui raises on purpose: one sentence for the user.

    ``title`` is what the app's modal (and the command line's ``error:`` line) calls it;
    ``exit_code`` what the command line exits with. The sentence is made of parts, so that one
    naming an option reads right on each face: ``InputError(LIMIT, " must be zero or more.")``
    is "--limit must be zero or more." on the command line and "Limit must be zero or more." in
    the app. ``str()`` is the command line's wording. Text from outside (a file name, JQL) is a
    plain part, never a format string, so braces in it are harmless."""

    title: str = "Cannot do that"
    exit_code: int = EXIT_FAILED

    def __init__(self, *parts: MessagePart) -> None:
        self.parts: tuple[MessagePart, ...] = parts
        super().__init__(self.worded(Face.CLI))

    def worded(self, face: Face) -> str:
        """The sentence as ``face`` shows it."""
        return "".join(p if isinstance(p, str) else p.on(face) for p in self.parts)


class Cancelled(AaTuiError):
    """The user stopped the work; what was done stays (a scan or a cleanup stays resumable)."""

    title = "Cancelled"
    exit_code = EXIT_CANCELLED


class InternalError(AaTuiError):
    """Control flow between aa-tui's own parts (a retry, a busy issue): caught where it is
    raised, it never reaches the user; if one does, ``describe`` calls it a bug."""
