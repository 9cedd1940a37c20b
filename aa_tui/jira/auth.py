"""How a client proves who it is: the credentials an implementation of ``JiraSite`` is built with.

Jira Cloud signs in with an Atlassian account's email and API token (HTTP Basic). Data Center
will add a personal access token (``Authorization: Bearer``); each kind is a class here that
turns itself into the ``httpx.Auth`` the Jira origin's requests carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import httpx


class Auth(Protocol):
    """Credentials for one account on one site."""

    @property
    def user(self) -> str:
        """Who signs in, as messages name them (an email address, a user name)."""
        ...

    @property
    def secret(self) -> str:
        """What must never reach a log (registered for redaction by the client)."""
        ...

    def httpx_auth(self) -> httpx.Auth:
        """The ``auth`` of the Jira origin's ``httpx.Client``."""
        ...


@dataclass(frozen=True)
class ApiToken:
    """Jira Cloud: an account's email and API token, sent as HTTP Basic."""

    email: str
    token: str = field(repr=False)

    @property
    def user(self) -> str:
        return self.email

    @property
    def secret(self) -> str:
        return self.token

    def httpx_auth(self) -> httpx.Auth:
        return httpx.BasicAuth(self.email, self.token)
