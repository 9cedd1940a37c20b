"""Feeding an answer's bytes to a sink: exactly the range asked for, once each, in order.

Both deployments read attachments with ``Range``: a 206 must start where asked; a 200 (a server
or proxy that ignores ``Range``) is read from its start, the bytes before the wanted range
skipped, and the stream closed as soon as the range is complete. A cut answer raises
:class:`~aa_tui.jira.transport.Retry` with ``progressed`` set when bytes were delivered, so the
caller's retry resumes from ``ReadState.position``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from aa_tui.jira.transport import Retry, short
from aa_tui.model.errors import Cancelled

STREAM_CHUNK = 256 * 1024
#: Waits between download retries are a quarter of the API's: nothing is lost by trying again.
DOWNLOAD_BACKOFF = 0.25

Sink = Callable[[bytes], None]


@dataclass
class ReadState:
    """Where one read is: the next byte wanted and the bytes seen on the network."""

    position: int
    end: int | None
    network: int = 0


def range_header(state: ReadState) -> dict[str, str]:
    """The headers of a request for what ``state`` still wants."""
    return {
        "Range": f"bytes={state.position}-" + ("" if state.end is None else str(state.end)),
        # Hash the file's bytes, never a compressed encoding of them.
        "Accept-Encoding": "identity",
    }


def feed(response: httpx.Response, state: ReadState, sink: Sink, cancel: threading.Event) -> None:
    """Feed a 200/206 answer's bytes from ``state.position`` on, up to ``state.end``."""
    status = response.status_code
    if status not in (200, 206):
        raise Retry(f"unexpected HTTP {status}", backoff=DOWNLOAD_BACKOFF)
    start = state.position
    if status == 206 and range_start(response) not in (None, start):
        raise Retry("the server sent another range", backoff=DOWNLOAD_BACKOFF)
    skip = start if status == 200 else 0
    remaining = None if state.end is None else state.end - start + 1
    delivered = got = 0
    try:
        for chunk in response.iter_bytes(STREAM_CHUNK):
            state.network += len(chunk)
            got += len(chunk)
            if skip:
                if len(chunk) <= skip:
                    skip -= len(chunk)
                    continue
                chunk = chunk[skip:]
                skip = 0
            if remaining is not None and len(chunk) >= remaining:
                sink(chunk[:remaining])
                state.position += remaining
                return
            sink(chunk)
            delivered += len(chunk)
            state.position += len(chunk)
            if remaining is not None:
                remaining -= len(chunk)
            if cancel.is_set():
                raise Cancelled()
    except (httpx.TransportError, httpx.DecodingError) as exc:
        raise Retry(short(exc), progressed=delivered > 0, backoff=DOWNLOAD_BACKOFF) from None
    expected = response.headers.get("content-length")
    if expected is not None and expected.isdigit() and got < int(expected):
        raise Retry("download ended early", progressed=delivered > 0, backoff=DOWNLOAD_BACKOFF)
    if state.end is not None and state.position <= state.end:
        raise Retry(
            f"answered without all its bytes ({got} read)",
            progressed=delivered > 0,
            backoff=DOWNLOAD_BACKOFF,
        )


def range_start(response: httpx.Response) -> int | None:
    """The first byte of a 206's ``Content-Range: bytes a-b/n`` (None when absent or odd)."""
    match = re.match(r"\s*bytes\s+(\d+)-", response.headers.get("content-range", ""))
    return int(match.group(1)) if match else None
