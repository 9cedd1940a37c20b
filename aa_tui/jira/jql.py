"""Build bounded JQL from a scan scope without splicing user text into the query."""

from __future__ import annotations

import re

from aa_tui.jira.errors import UsageError
from aa_tui.model.errors import Option
from aa_tui.model.records import PROJECT_KEY

JQL = Option("--jql", "the JQL")

BASE_RESTRICTION = "attachments IS NOT EMPTY"


def quote(value: str) -> str:
    """A JQL string literal: double quotes, with backslash and quote escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def validate_project_keys(keys: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for raw in keys:
        key = raw.strip()
        if not key:
            continue
        if not PROJECT_KEY.match(key):
            raise UsageError(
                f"{raw!r} is not a Jira project key (letters, digits and underscores, starting "
                "with a letter)."
            )
        if key.upper() not in out:
            out.append(key.upper())
    return tuple(out)


def build_scan_jql(projects: tuple[str, ...] = (), user_jql: str = "") -> str:
    """``attachments IS NOT EMPTY`` plus the scope; the user's JQL is parenthesised.

    Project keys are validated and quoted. The user's JQL is the user's own query (they may
    write any JQL they could type in Jira); it is wrapped in parentheses so it can only narrow
    the search, and an ``ORDER BY`` in it is refused because it would break the wrapping.
    """
    clauses = [BASE_RESTRICTION]
    keys = validate_project_keys(projects)
    if keys:
        clauses.append("project in (" + ", ".join(quote(k) for k in keys) + ")")
    jql = (user_jql or "").strip()
    if jql:
        if re.search(r"\border\s+by\b", _strip_strings(jql), re.IGNORECASE):
            raise UsageError("Leave ORDER BY out of ", JQL, ": aa-tui orders the search itself.")
        outside = _strip_strings(jql)
        if '"' in outside or "'" in outside:
            # A string left open would swallow the closing parenthesis and ORDER BY.
            raise UsageError("The JQL filter has an unterminated string (check its quotes).")
        if not _balanced(outside):
            # "A) OR (B" would escape the wrapping parentheses and widen the search.
            raise UsageError("The JQL filter has unbalanced parentheses.")
        clauses.append(f"({jql})")
    return " AND ".join(clauses) + " ORDER BY id ASC"


def _strip_strings(jql: str) -> str:
    """``jql`` with every complete string literal replaced by a placeholder."""
    return re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', "_", jql)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
