"""Jira Cloud REST client: authentication, enhanced-search paging, retries and rate limits."""

from aa_tui.jira.client import JiraClient
from aa_tui.jira.errors import JiraError

__all__ = ["JiraClient", "JiraError"]
