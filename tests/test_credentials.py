"""The keyring layer: OS keyring only, JIRA_API_TOKEN first, plain sentences when it cannot."""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors
import pytest
from helpers.memory_keyring import MemoryKeyring
from keyring.backends import chainer, fail, null
from keyring.compat import properties

from aa_tui import credentials
from aa_tui.credentials import CredentialsError

SITE, EMAIL = "https://acme.atlassian.net", "ana@example.com"


class EmptyChainer(chainer.ChainerBackend):
    """What keyring picks when it finds no viable backend to chain."""

    backends = []  # type: ignore[assignment]


class BrokenKeyring(MemoryKeyring):
    """Viable on paper, but every write fails (a locked collection, a dead daemon...)."""

    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError("the collection is locked")


class PromptingKeyring(MemoryKeyring):
    """Like keyrings.alt's encrypted file: asks for a password on a terminal there is not."""

    def set_password(self, service, username, password):
        raise EOFError()


def test_save_read_delete_in_the_keyring(memory_keyring):
    credentials.save_token(SITE, EMAIL, "s3cret")
    assert memory_keyring.entries == {("aa-tui", f"{EMAIL}@{SITE}"): "s3cret"}
    assert credentials.get_token(SITE, EMAIL) == "s3cret"
    assert credentials.delete_token(SITE, EMAIL) is True
    assert credentials.get_token(SITE, EMAIL) is None
    assert credentials.delete_token(SITE, EMAIL) is False  # nothing left: no error


def test_environment_token_wins(memory_keyring, monkeypatch):
    credentials.save_token(SITE, EMAIL, "from-keyring")
    monkeypatch.setenv("JIRA_API_TOKEN", "from-env")
    assert credentials.get_token(SITE, EMAIL) == "from-env"
    assert credentials.token_from_env()


def test_empty_token_is_refused(memory_keyring):
    with pytest.raises(CredentialsError, match="empty"):
        credentials.save_token(SITE, EMAIL, "")


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), EmptyChainer(), null.Keyring()],
    ids=["fail", "empty-chainer", "null"],
)
def test_no_usable_keyring_is_explained(backend, monkeypatch):
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    usable, message = credentials.keyring_status(backend)
    assert not usable
    assert "No usable OS keyring" in message
    assert "Secret Service" in message and "JIRA_API_TOKEN" in message
    assert "never in a file" in message
    with pytest.raises(CredentialsError, match="JIRA_API_TOKEN"):
        credentials.save_token(SITE, EMAIL, "t", backend=backend)
    with pytest.raises(CredentialsError):
        credentials.get_token(SITE, EMAIL, backend=backend)
    assert credentials.delete_token(SITE, EMAIL, backend=backend) is False


def test_the_default_keyring_on_a_bare_machine_is_detected(monkeypatch):
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        usable, message = credentials.keyring_status()
        assert not usable and "no OS keyring" in message
    finally:
        keyring.set_keyring(previous)


def test_a_backend_that_is_not_viable_is_refused():
    class NotViable(MemoryKeyring):
        """Like SecretService without a session bus: its priority raises."""

        @properties.classproperty
        def priority(cls):
            raise RuntimeError("Environment variable DBUS_SESSION_BUS_ADDRESS is unset")

    usable, message = credentials.keyring_status(NotViable())
    assert not usable and "DBUS_SESSION_BUS_ADDRESS" in message


@pytest.mark.parametrize("backend_class", [BrokenKeyring, PromptingKeyring])
def test_errors_on_save_become_a_sentence(backend_class, monkeypatch):
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    with pytest.raises(CredentialsError) as caught:
        credentials.save_token(SITE, EMAIL, "t", backend=backend_class())
    text = str(caught.value)
    assert text.startswith("Could not save the token in the OS keyring")
    assert "JIRA_API_TOKEN" in text
