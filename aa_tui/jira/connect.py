"""Where a Jira site's implementation is chosen and built: the one place that names one."""

from __future__ import annotations

from aa_tui.jira.auth import ApiToken, Auth
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.datacenter.client import DataCenterClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.protocol import JiraSite


def connect(
    site: str,
    auth: Auth,
    *,
    governor: RateGovernor | None = None,
    allow_insecure_http: bool = False,
) -> JiraSite:
    """A client for ``site`` signed in with ``auth``, picked by the kind of ``auth``: an email
    and API token is Jira Cloud; a personal access token or a user name and password is Data
    Center or Server. Each one's ``server_info`` refuses the other deployment with a sentence
    saying how to sign in there."""
    if isinstance(auth, ApiToken):
        return CloudClient(site, auth, governor=governor, allow_insecure_http=allow_insecure_http)
    return DataCenterClient(site, auth, governor=governor, allow_insecure_http=allow_insecure_http)
