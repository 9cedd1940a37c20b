"""How a client proves who it is: the credentials an implementation of ``JiraSite`` is built with.

Jira Cloud signs in with an Atlassian account's email and API token (HTTP Basic); Jira Data
Center and Server with a personal access token (``Authorization: Bearer``, Jira 8.14+) or a user
name and password (HTTP Basic). Each kind is a class here that turns itself into the
``httpx.Auth`` the Jira origin's requests carry; :func:`aa_tui.jira.connect.connect` picks the
implementation by the kind.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from aa_tui.model.accounts import PAT_ACCOUNT, USER_PREFIX


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


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


@dataclass(frozen=True)
class PersonalAccessToken:
    """Jira Data Center / Server: a personal access token, sent as ``Authorization: Bearer``."""

    token: str = field(repr=False)

    @property
    def user(self) -> str:
        return "the personal access token"

    @property
    def secret(self) -> str:
        return self.token

    def httpx_auth(self) -> httpx.Auth:
        return _Bearer(self.token)


@dataclass(frozen=True)
class UserPassword:
    """Jira Data Center / Server: a user name and its password (or token), sent as HTTP Basic."""

    name: str
    password: str = field(repr=False)

    @property
    def user(self) -> str:
        return self.name

    @property
    def secret(self) -> str:
        return self.password

    def httpx_auth(self) -> httpx.Auth:
        return httpx.BasicAuth(self.name, self.password)


def auth_for(account: str, secret: str) -> Auth:
    """The credentials an account string names: an email (Cloud's API token), ``user:NAME``
    (Data Center's Basic sign-in) or ``pat:`` (a Data Center personal access token)."""
    if account == PAT_ACCOUNT:
        return PersonalAccessToken(secret)
    if account.startswith(USER_PREFIX):
        return UserPassword(account[len(USER_PREFIX) :], secret)
    return ApiToken(account, secret)
