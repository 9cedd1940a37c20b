"""Where people open an issue in a browser (the same address on Jira Cloud and Data Center)."""

from __future__ import annotations


def issue_url(base: str, key: str) -> str:
    """``https://site/browse/KEY`` for the issue ``key`` of the site at ``base``."""
    return f"{base.rstrip('/')}/browse/{key}"
