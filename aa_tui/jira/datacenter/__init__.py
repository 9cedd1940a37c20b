"""Jira Data Center and Server (REST v2): the second implementation of
:class:`~aa_tui.jira.protocol.JiraSite`.

``client`` (the API calls on the site's one origin), ``search`` (id-range paging: deep
``startAt`` paging fails past 10,000 results), ``downloads`` (``/secure/attachment`` reads),
``wiki`` (comments in wiki markup), ``responses`` (what a refused sign-in means here).
"""

from aa_tui.jira.datacenter.client import DataCenterClient

__all__ = ["DataCenterClient"]
