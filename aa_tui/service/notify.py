"""A scan's notice to a webhook (Slack, Teams, or any receiver of a JSON POST).

The URL is checked before the scan starts (``https://``; plain ``http://`` to a loopback
address only, unless insecure http was allowed as for the site); the POST carries no Jira
credential, no cookie, follows no redirect and gives up after a short timeout. A notice that
fails is a warning: the scan's results and exit code stand. A webhook URL is a secret of its
own (whoever has it can post to the channel): messages name its host only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from aa_tui import __version__
from aa_tui.jira.site import is_loopback_host
from aa_tui.jira.transport import answers_plain_http, is_tls_failure, tls_reason
from aa_tui.logs import register_secret
from aa_tui.service.errors import InputError
from aa_tui.service.wording import NOTIFY

#: seconds a notice may take, connecting included
NOTICE_TIMEOUT_S = 10.0


def notice_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """``url`` when a notice may go there; an error says why not."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:  # (a bad port, or "http://[::1": Invalid IPv6 URL)
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise InputError(
            NOTIFY, " needs a webhook URL such as https://hooks.slack.com/services/..."
        )
    if parts.scheme == "http" and not is_loopback_host(parts.hostname) and not allow_insecure_http:
        raise InputError(
            NOTIFY,
            f": refusing plain http:// for {parts.hostname}; use https:// (plain http is "
            "accepted for loopback addresses only).",
        )
    register_secret(text)  # the whole URL is the webhook's key: never printed or logged
    return text


def send_notice(
    url: str, payload: dict[str, Any], *, timeout_s: float = NOTICE_TIMEOUT_S
) -> str | None:
    """POST ``payload`` as JSON to ``url``; ``None`` when the receiver took it (2xx), else
    the warning to show (refused, timed out, answered with an error)."""
    host = urlsplit(url).hostname or "the webhook"
    try:
        with httpx.Client(
            timeout=timeout_s,
            follow_redirects=False,
            headers={"User-Agent": f"aa-tui/{__version__}"},
        ) as client:
            response = client.post(url, json=payload)
    except httpx.TimeoutException:
        return f"the notice to {host} timed out after {timeout_s:g} s; the scan itself is saved."
    except httpx.ConnectError as exc:
        why = _not_connected(exc)
        return f"the notice to {host} could not be sent: {why}; the scan itself is saved."
    except httpx.HTTPError as exc:
        return f"the notice to {host} failed ({type(exc).__name__}); the scan itself is saved."
    if not response.is_success:
        return (
            f"the notice to {host} was refused (HTTP {response.status_code}); the scan itself "
            "is saved."
        )
    return None


def _not_connected(exc: httpx.ConnectError) -> str:
    """Why a connection to the webhook failed: a certificate or TLS to a plain-HTTP port (a
    server took the connection), else nothing there took it."""
    if is_tls_failure(exc):
        return f"its TLS certificate did not verify ({tls_reason(exc)})"
    if answers_plain_http(exc):
        return "it answers plain HTTP, not HTTPS (check the webhook's address)"
    return "nothing took the connection there (is the webhook's address right, and its server up?)"
