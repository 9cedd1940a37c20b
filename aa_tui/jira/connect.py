"""Where a Jira site's implementation is chosen and built: the one place that names one."""

from __future__ import annotations

from aa_tui.jira.auth import Auth
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.protocol import JiraSite


def connect(
    site: str,
    auth: Auth,
    *,
    governor: RateGovernor | None = None,
    allow_insecure_http: bool = False,
) -> JiraSite:
    """A client for ``site`` signed in with ``auth``. Jira Cloud is the only deployment so far
    (a Data Center site is refused by its ``server_info``); a second one is picked here, by
    the kind of ``auth`` or by asking the site."""
    return CloudClient(site, auth, governor=governor, allow_insecure_http=allow_insecure_http)
