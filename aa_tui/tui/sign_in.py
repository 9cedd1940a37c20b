"""The three ways the Sites form signs in to a site, as the form shows and checks each: Jira
Cloud (email + API token), Data Center or Server with a personal access token, or with a user
name and password. The account each one saves is a string (:mod:`aa_tui.model.accounts`)."""

from __future__ import annotations

from dataclasses import dataclass

from aa_tui.model.accounts import PAT_ACCOUNT, USER_PREFIX, account_for
from aa_tui.service.sites import Deployment, ServerInfo

DC_SITE_HINT = "https://jira.example.com  or  https://example.com/jira  (with its path)"


@dataclass(frozen=True)
class SignInKind:
    """One way to sign in: what its fields are called and what they ask for."""

    name: str  # the radio button's id is ``kind-<name>``
    choice: str  # the radio button's label
    short: str  # the saved sites' Kind column
    account_label: str  # "" when the kind has no account field (a token says who)
    account_hint: str
    secret_label: str
    secret_noun: str  # in sentences: "Paste the <noun> first"
    secret_hint: str
    site_hint: str
    keep_path: bool  # a Data Center site lives under its context path (/jira)

    def account(self, typed: str) -> str:
        """The account string saved for what was typed in the account field."""
        if self.name == "cloud":
            return account_for(email=typed)
        if self.name == "basic":
            return account_for(user=typed)
        return PAT_ACCOUNT

    def account_problem(self, typed: str) -> str:
        """What is wrong with the account field, or ``""``."""
        if self.name == "cloud" and "@" not in typed:
            return "Enter the email of the Atlassian account the token belongs to."
        if self.name == "basic" and not typed:
            return "Enter the Jira user name the password belongs to."
        return ""


CLOUD = SignInKind(
    name="cloud",
    choice="Jira Cloud",
    short="Jira Cloud",
    account_label="Email",
    account_hint="you@example.com",
    secret_label="API token",
    secret_noun="API token",
    secret_hint="create one at id.atlassian.com › Security › API tokens",
    site_hint="https://acme.atlassian.net  or  https://api.atlassian.com/ex/jira/<cloudId>",
    keep_path=False,
)
PERSONAL_TOKEN = SignInKind(
    name="pat",
    choice="DC: access token",  # DC: Data Center or Server; short to fit 80 columns
    short="Data Center",
    account_label="",
    account_hint="",
    secret_label="Access token",
    secret_noun="personal access token",
    secret_hint="a personal access token: Jira profile › Personal Access Tokens (Jira 8.14+)",
    site_hint=DC_SITE_HINT,
    keep_path=True,
)
USER_PASSWORD = SignInKind(
    name="basic",
    choice="DC: password",
    short="Data Center",
    account_label="User name",
    account_hint="your Jira user name",
    secret_label="Password",
    secret_noun="password",
    secret_hint="the password of that Jira user",
    site_hint=DC_SITE_HINT,
    keep_path=True,
)
KINDS = (CLOUD, PERSONAL_TOKEN, USER_PASSWORD)


def kind_of(account: str) -> SignInKind:
    """The way a saved account signs in."""
    if account == PAT_ACCOUNT:
        return PERSONAL_TOKEN
    if account.startswith(USER_PREFIX):
        return USER_PASSWORD
    return CLOUD


def typed_account(account: str) -> str:
    """What the account field shows for a saved account (the email, the user name, nothing)."""
    kind = kind_of(account)
    if kind is USER_PASSWORD:
        return account.removeprefix(USER_PREFIX)
    return "" if kind is PERSONAL_TOKEN else account


def site_kind(info: ServerInfo) -> str:
    """The site as a connection test names it: "Jira Cloud", "Jira Data Center 9.12.4"."""
    if info.deployment is Deployment.CLOUD:
        return "Jira Cloud"  # its version is a build number nobody reads
    name = "Data Center" if info.deployment is Deployment.DATA_CENTER else "Server"
    return f"Jira {name} {info.version}".rstrip()
