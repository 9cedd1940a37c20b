"""The API token for a command that talks to Jira (``scan``, ``clean``, ``restore``)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aa_tui.service.workspace import Workspace


def read_token(args: argparse.Namespace, workspace: Workspace, site: str) -> str:
    """``--token-stdin`` when asked for; else ``JIRA_API_TOKEN``; else the OS keyring."""
    from aa_tui.logs import register_secret
    from aa_tui.model.accounts import account_label
    from aa_tui.model.scans import Profile
    from aa_tui.service.errors import ENV_TOKEN, CredentialsError, InputError

    if args.token_stdin:
        token = sys.stdin.readline().strip()
        if not token:
            raise InputError("--token-stdin was given but standard input held no token.")
        register_secret(token)
        return token
    try:
        token = workspace.token_for(Profile(site, args.email)) or ""
    except CredentialsError as exc:
        raise InputError(f"No API token: {ENV_TOKEN} is not set. {exc}") from None
    if not token:
        raise InputError(
            f"No API token for {account_label(args.email)} at {site}: set {ENV_TOKEN}, pass --token-stdin, or "
            "save the site in the app (aa-tui) so the token is kept in the OS keyring."
        )
    return token
