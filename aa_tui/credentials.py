"""API tokens live in the OS keyring (service ``aa-tui``, user ``<email>@<site>``), nowhere else.

``JIRA_API_TOKEN`` in the environment wins over the keyring (for one session, CI, or a machine
without a keyring); then a systemd credential named ``jira-api-token`` (``LoadCredential=`` puts
it in ``$CREDENTIALS_DIRECTORY``), for a scheduled scan on a server without a Secret Service. There is deliberately no file fallback: when no usable keyring exists every
function says so in a :class:`CredentialsError` whose text explains how to fix it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from aa_tui.model.errors import EXIT_USAGE, AaTuiError

if TYPE_CHECKING:  # keyring itself is imported when a token is asked of it: importing it took
    # ~0.1 s of every command's start (its backends' imports), a scheduled scan's token
    # coming from the environment or a systemd credential
    import keyring.backend

SERVICE = "aa-tui"
ENV_TOKEN = "JIRA_API_TOKEN"
#: the systemd credential a unit passes with ``LoadCredential=jira-api-token:/path/to/file``
CREDENTIAL_NAME = "jira-api-token"
FIX_HINT = (
    "aa-tui keeps API tokens only in the OS keyring, never in a file. To fix it, start a "
    "Secret Service (for example gnome-keyring-daemon, or KeePassXC with its Secret Service "
    f"integration on), or set {ENV_TOKEN} in the environment for this session."
)
_NULL_BACKEND = "keyring.backends.null"
_FILE_BACKENDS = "keyrings.alt"


class CredentialsError(AaTuiError):
    """A keyring problem, phrased for the user: what happened and what to do."""

    title = "OS keyring"
    exit_code = EXIT_USAGE


def account(site: str, email: str) -> str:
    """The keyring user name of one profile."""
    return f"{email}@{site}"


def _backend(backend: keyring.backend.KeyringBackend | None) -> keyring.backend.KeyringBackend:
    import keyring

    return backend if backend is not None else keyring.get_keyring()


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why ``backend`` cannot hold a token without a file or a prompt, or None if it can."""
    from keyring.backends import chainer, fail

    kind = type(backend)
    name = f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(backend, fail.Keyring):
        return "Python's keyring library found no OS keyring on this machine"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "Python's keyring library found no OS keyring on this machine"
    if kind.__module__.startswith(_NULL_BACKEND):
        return "the keyring is switched off (the null backend is selected)"
    if kind.__module__.startswith(_FILE_BACKENDS):
        return (
            f"the selected keyring ({name}) is a file that may ask for a password on the terminal"
        )
    try:
        kind.priority  # noqa: B018 - a backend that is not viable raises here
    except Exception as exc:  # noqa: BLE001 - every backend raises its own kind
        return f"the keyring {name} cannot be used ({exc})"
    return None


def keyring_status(
    backend: keyring.backend.KeyringBackend | None = None,
) -> tuple[bool, str]:
    """``(usable, message)``: whether tokens can be saved, in a sentence for the user."""
    try:
        chosen = _backend(backend)
    except Exception as exc:  # noqa: BLE001 - a broken keyring configuration
        return False, f"No usable OS keyring: {exc}. {FIX_HINT}"
    reason = _unusable_reason(chosen)
    if reason:
        return False, f"No usable OS keyring: {reason}. {FIX_HINT}"
    kind = type(chosen)
    label = getattr(chosen, "name", "") or f"{kind.__module__}.{kind.__qualname__}"
    return True, f"Tokens are kept in the OS keyring ({label})."


def _require_usable(
    backend: keyring.backend.KeyringBackend | None,
) -> keyring.backend.KeyringBackend:
    chosen = _backend(backend)
    usable, message = keyring_status(chosen)
    if not usable:
        raise CredentialsError(message)
    return chosen


def _failed(action: str, exc: BaseException) -> CredentialsError:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError):
        detail = "the keyring wanted a password on the terminal"
    return CredentialsError(f"Could not {action} the OS keyring ({detail}). {FIX_HINT}")


def get_token(
    site: str, email: str, *, backend: keyring.backend.KeyringBackend | None = None
) -> str | None:
    """The token for a profile: ``JIRA_API_TOKEN`` first, then the systemd credential, else
    the keyring; None if not saved.

    Raises :class:`CredentialsError` when the environment has no token and no keyring is usable.
    """
    from_env = os.environ.get(ENV_TOKEN, "").strip() or token_from_credential()
    if from_env:
        return from_env
    chosen = _require_usable(backend)
    from keyring.errors import KeyringError

    try:
        return chosen.get_password(SERVICE, account(site, email))
    except (KeyringError, EOFError, OSError) as exc:
        raise _failed("read from", exc) from None


def token_from_credential() -> str:
    """The token systemd passed as the credential :data:`CREDENTIAL_NAME`, or ``""`` when the
    process has none (no ``$CREDENTIALS_DIRECTORY``, or no such file in it)."""
    folder = os.environ.get("CREDENTIALS_DIRECTORY", "").strip()
    if not folder:
        return ""
    path = os.path.join(folder, CREDENTIAL_NAME)
    try:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(
            f"Could not read the systemd credential {CREDENTIAL_NAME} ({type(exc).__name__})."
        ) from None


def token_from_env() -> bool:
    """Whether ``JIRA_API_TOKEN`` is set (it then overrides every saved token)."""
    return bool(os.environ.get(ENV_TOKEN, "").strip())


def save_token(
    site: str,
    email: str,
    token: str,
    *,
    backend: keyring.backend.KeyringBackend | None = None,
) -> None:
    """Store the token in the OS keyring; raises :class:`CredentialsError` if it cannot."""
    if not token:
        raise CredentialsError("The API token is empty: paste the token you created.")
    chosen = _require_usable(backend)
    from keyring.errors import KeyringError

    try:
        chosen.set_password(SERVICE, account(site, email), token)
    except (KeyringError, EOFError, OSError) as exc:
        raise _failed("save the token in", exc) from None


def delete_token(
    site: str, email: str, *, backend: keyring.backend.KeyringBackend | None = None
) -> bool:
    """Remove a profile's token; False when there was none (or no keyring could hold one)."""
    from keyring.errors import KeyringError, PasswordDeleteError

    chosen = _backend(backend)
    if _unusable_reason(chosen):
        return False
    try:
        chosen.delete_password(SERVICE, account(site, email))
    except PasswordDeleteError:
        return False
    except (KeyringError, EOFError, OSError) as exc:
        raise _failed("delete the token from", exc) from None
    return True
