"""What the demo's endpoints answer: replies, Jira's error collection, a 429 as Jira sends it,
and the exchanges recorded for contract tests (no HTTP server here)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

JSON_TYPE = "application/json;charset=UTF-8"
#: A request body that was not JSON (recorded as None, refused by the endpoints).
BAD_JSON = object()


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able object, or None
    headers: dict[str, str] | None = None
    raw: bytes | None = None  # non-JSON body
    content_type: str = JSON_TYPE


def errors(status: int, *messages: str, **headers: str) -> Reply:
    """Jira's ErrorCollection: ``{"errorMessages": [...], "errors": {}}``."""
    return Reply(status, {"errorMessages": list(messages), "errors": {}}, headers or None)


def throttled(limit: int, wait: float, reason: str) -> Reply:
    """A 429 as Jira sends it: ``Retry-After`` (whole seconds), ``X-RateLimit-*`` (the reset
    as an ISO-8601 time) and ``RateLimit-Reason``."""
    seconds = max(1, math.ceil(wait))
    reset = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))
    return errors(
        429,
        "Rate limit exceeded.",
        **{
            "Retry-After": str(seconds),
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-NearLimit": "true",
            "X-RateLimit-Reset": reset,
            "RateLimit-Reason": reason,
        },
    )


def rate_window(rps: float) -> tuple[int, str]:
    """Data Center's limiter as its headers say it: ``(X-RateLimit-Interval-Seconds,
    X-RateLimit-FillRate)``, tokens added per interval (a whole second or more)."""
    interval = 1 if rps >= 1 else math.ceil(1 / rps)
    return interval, f"{rps * interval:g}"


def dc_rate_headers(limit: int, remaining: int, rps: float) -> dict[str, str]:
    """The headers Jira Data Center's rate limiter puts on every answer to a limited user."""
    interval, fill = rate_window(rps)
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Interval-Seconds": str(interval),
        "X-RateLimit-FillRate": fill,
    }


def throttled_dc(limit: int, wait: float, rps: float) -> Reply:
    """A 429 as Jira Data Center sends it: ``Retry-After`` and its ``X-RateLimit-*`` headers
    (no reset time, no reason: the limit is the user's)."""
    headers = dc_rate_headers(limit, 0, rps) | {"Retry-After": str(max(1, math.ceil(wait)))}
    return errors(429, "Rate limit exceeded.", **headers)


class Rejected(Exception):
    """Raised anywhere below an endpoint to answer ``reply`` at once."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply


class Exchange(NamedTuple):
    """One recorded Jira-origin request and its answer (for contract tests)."""

    method: str
    path: str
    query: dict[str, list[str]]
    request: Any  # parsed JSON body or None
    status: int
    response: Any  # parsed JSON answer or None
