"""What the faces need to know of a site before they reach it: its URL, who signs in."""

from __future__ import annotations

from aa_tui.jira.protocol import Deployment, Identity, ServerInfo
from aa_tui.jira.site import normalize_site_url

__all__ = ["Deployment", "Identity", "ServerInfo", "normalize_site_url"]
