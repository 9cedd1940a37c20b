"""Jira Cloud (REST v3): the first implementation of :class:`~aa_tui.jira.protocol.JiraSite`.

``client`` (the API calls, one client per origin), ``search`` (``nextPageToken`` paging),
``downloads`` (Range reads through the media host), ``writes`` (a cleanup's calls), ``adf``
(comments in Atlassian Document Format), ``responses`` (Jira's answers, what a 401 means).
"""

from aa_tui.jira.cloud.client import CloudClient

__all__ = ["CloudClient"]
