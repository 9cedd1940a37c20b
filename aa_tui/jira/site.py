"""Site URL checks: https only (plain http for loopback alone), one normal form."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from aa_tui.jira.errors import InsecureURLError, UsageError

LOOPBACK_NAMES = {"localhost"}


def is_loopback_host(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_site_url(
    raw: str, *, allow_insecure_http: bool = False, keep_path: bool = False
) -> str:
    """Return ``scheme://host[:port][/ex/jira/<cloudId>]`` without a trailing slash.

    A bare host name (``acme.atlassian.net``) gets ``https://``. Plain ``http://`` is refused
    unless the host is a loopback address (the demo site) or the user explicitly allowed it.
    ``keep_path``: a Data Center site lives under its context path (``/jira``), kept as given.
    """
    text = (raw or "").strip()
    if not text:
        raise UsageError("No site URL given: pass something like https://acme.atlassian.net.")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:  # ("http://[::1": Invalid IPv6 URL)
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise UsageError(
            f"{raw!r} is not a site URL: pass something like https://acme.atlassian.net."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise UsageError(f"{raw!r} has an invalid port number.") from None
    if parts.scheme == "http" and not is_loopback_host(parts.hostname) and not allow_insecure_http:
        raise InsecureURLError(
            f"Refusing plain http:// for {parts.hostname}: your API token would cross the network "
            "unencrypted. Use https:// (plain http is accepted for loopback addresses only)."
        )
    path = parts.path.rstrip("/")
    # Keep the api.atlassian.com/ex/jira/<cloudId> base for scoped tokens; drop anything else
    # (people paste browse links like /jira/software/projects/X/board).
    if parts.hostname.lower() == "api.atlassian.com":
        segments = [s for s in path.split("/") if s]
        if len(segments) < 3 or segments[:2] != ["ex", "jira"]:
            raise UsageError(
                "For a scoped API token use https://api.atlassian.com/ex/jira/<cloudId>."
            )
        path = "/" + "/".join(segments[:3])
    elif keep_path:
        path = "/" + "/".join(s for s in path.split("/") if s) if path else ""
    else:
        path = ""
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc}{path}"


def same_origin(url_a: str, url_b: str) -> bool:
    a, b = urlsplit(url_a), urlsplit(url_b)
    default = {"http": 80, "https": 443}
    return (
        a.scheme == b.scheme
        and (a.hostname or "").lower() == (b.hostname or "").lower()
        and (a.port or default.get(a.scheme)) == (b.port or default.get(b.scheme))
    )
