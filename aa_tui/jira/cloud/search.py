"""Enhanced-search paging (``nextPageToken`` only), one page ahead of its reader."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aa_tui.jira.errors import NotJiraError
from aa_tui.jira.transport import request_priority

log = logging.getLogger(__name__)

MAX_EMPTY_PAGES = 5  # empty search pages in a row that still carry a token, followed at most
#: A listing's pages go before other requests that wait with them (each page waits for the one
#: before it: a chain the rest of a scan waits on), its later pages after its earlier ones (the
#: ranges a rescan lists at once advance together, none left with pages to go at the end).
LISTING_PRIORITY = 1000


def _listed(page: int, fetch: Callable[[str | None], Any], token: str | None) -> Any:
    with request_priority(max(1, LISTING_PRIORITY - page)):  # (still before the rest)
        return fetch(token)


def id_pages(
    fetch: Callable[[str | None], Any], notes: list[str] | None = None
) -> Iterator[list[str]]:
    """Issue ids page by page: ``fetch(token)`` answers one ``search/jql`` page.

    Paging is sequential by design, but the next page is asked for as soon as this one has
    arrived, while the reader works on it (bulkfetch calls, the journal), so the listing never
    waits for the reader. An empty page that still carries a token is followed (a few in a row
    at most); a token that comes back a second time ends the paging, since following it would
    loop. Either way ``notes`` gets a sentence saying the list may be incomplete.
    """
    seen_tokens: set[str] = set()
    empty_run = 0
    ahead = ThreadPoolExecutor(1, thread_name_prefix="aa-ids")
    try:
        pages = 0
        pending = ahead.submit(_listed, pages, fetch, None)
        while True:
            data = pending.result()
            if not isinstance(data, dict) or not isinstance(data.get("issues", []), list):
                raise NotJiraError("search/jql answered without an issue list.")
            ids = [
                str(issue["id"])
                for issue in data.get("issues") or []
                if isinstance(issue, dict) and issue.get("id") is not None
            ]
            token = data.get("nextPageToken") or None
            if not isinstance(token, str):
                token = None
            empty_run = 0 if ids else empty_run + 1
            stop = ""
            if not token or data.get("isLast") is True:
                stop = "done"
            elif token in seen_tokens:
                stop = (
                    "Jira's search handed back a page token it had already given; paging "
                    "stopped there to avoid a loop, so issues after that point may be missing "
                    "(run the scan again later)."
                )
            elif empty_run > MAX_EMPTY_PAGES:
                stop = (
                    f"Jira's search answered {empty_run} empty pages in a row that still "
                    "pointed to more; paging stopped there, so issues after that point may be "
                    "missing (run the scan again later)."
                )
            else:
                seen_tokens.add(token)
                pages += 1
                pending = ahead.submit(_listed, pages, fetch, token)
            if ids:
                yield ids
            if stop:
                if stop != "done":
                    log.warning("%s", stop)
                    if notes is not None and stop not in notes:
                        notes.append(stop)
                return
    finally:
        # A reader that stops early (it failed) does not wait for the page asked ahead.
        ahead.shutdown(wait=False, cancel_futures=True)
