"""How a sign-in is kept where an account is one string (profiles, scans, plans, manifests, the
keyring's user): a Jira Cloud email, ``user:<name>`` (Data Center or Server, HTTP Basic) or
``pat:`` (Data Center or Server, a personal access token)."""

from __future__ import annotations

USER_PREFIX = "user:"
PAT_ACCOUNT = "pat:"


def account_for(email: str = "", user: str = "") -> str:
    """The account string of a sign-in: an email (Cloud), a user name (Data Center, Basic) or
    neither (Data Center, a personal access token)."""
    if email:
        return email
    return f"{USER_PREFIX}{user}" if user else PAT_ACCOUNT


def account_label(account: str) -> str:
    """The account as messages name it: the email, the user name, or "the personal access
    token"."""
    if account == PAT_ACCOUNT:
        return "the personal access token"
    return account.removeprefix(USER_PREFIX)


def is_data_center(account: str) -> bool:
    """Whether the account signs in to Data Center or Server (not a Cloud email)."""
    return account == PAT_ACCOUNT or account.startswith(USER_PREFIX)
