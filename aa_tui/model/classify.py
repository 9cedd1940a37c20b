"""How files are classified for the breakdowns: file type, age bracket, staleness."""

from __future__ import annotations

from datetime import datetime

from aa_tui.model.dates import parse_jira_time

AGE_BRACKETS: tuple[tuple[str, int | None], ...] = (
    ("< 30 days", 30),
    ("30-90 days", 90),
    ("90-180 days", 180),
    ("180-365 days", 365),
    ("1-2 years", 730),
    ("> 2 years", None),
)
UNKNOWN_AGE = "unknown date"
NO_EXTENSION = "no-extension"
STALE_AFTER_DAYS = 365


def file_type(file_name: str) -> str:
    """The case-folded extension, or ``no-extension`` (``.bashrc`` and ``README`` have none)."""
    base = file_name.rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or not ext or len(ext) > 16 or " " in ext:
        return NO_EXTENSION
    return ext.casefold()


def age_bracket(created: str, now: datetime) -> str:
    when = parse_jira_time(created)
    if when is None:
        return UNKNOWN_AGE
    return age_of_days((now - when).days)


def age_of_days(days: int) -> str:
    """The bracket of an age in whole days (:func:`age_bracket` of a parsed date)."""
    for label, limit in AGE_BRACKETS:
        if limit is None or days < limit:
            return label
    return AGE_BRACKETS[-1][0]  # pragma: no cover
