"""Data Center search paging by id ranges: ``(scope) AND id > LAST ORDER BY id ASC``.

``startAt`` paging fails past 10,000 results on OpenSearch-backed sites and shifts when issues
are added while it runs; a page that starts after the last id seen is stable and has no depth.
Each page is asked for as soon as the one before arrives (its last id is known then), while the
reader works on it. A page that fails is raised, never taken for the end of the list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aa_tui.jira.errors import NotJiraError

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')


def scope_of(jql: str) -> str:
    """``jql`` without its ``ORDER BY`` (the paging sets its own order)."""
    hidden = _STRINGS.sub(lambda m: "_" * len(m.group(0)), jql)
    found = list(_ORDER_BY.finditer(hidden))
    return (jql[: found[-1].start()] if found else jql).strip()


def page_jql(scope: str, after: int | None) -> str:
    """The query of the page after id ``after`` (``None``: the first page)."""
    parts = [f"({scope})"] if scope else []
    if after is not None:
        parts.append(f"id > {after}")
    return " AND ".join(parts) + " ORDER BY id ASC"


def _ids(data: Any) -> list[int]:
    if not isinstance(data, dict) or not isinstance(data.get("issues", []), list):
        raise NotJiraError("search answered without an issue list.")
    out = []
    for issue in data.get("issues") or []:
        raw = issue.get("id") if isinstance(issue, dict) else None
        if isinstance(raw, int) and not isinstance(raw, bool):
            out.append(raw)
        elif isinstance(raw, str) and raw.isdigit():
            out.append(int(raw))
    return out


def id_range_pages(
    fetch: Callable[[str], Any], jql: str, notes: list[str] | None = None
) -> Iterator[list[str]]:
    """Issue ids page by page: ``fetch(page_jql)`` answers one search page (from startAt 0)."""
    scope = scope_of(jql)
    ahead = ThreadPoolExecutor(1, thread_name_prefix="aa-ids")
    try:
        last: int | None = None
        pending = ahead.submit(fetch, page_jql(scope, None))
        while True:
            data = pending.result()
            ids = _ids(data)
            if not ids:
                return
            top = max(ids)
            if last is not None and top <= last:
                stop = (
                    "Jira's search answered a page of ids it had already given; paging stopped "
                    "there, so issues after that point may be missing (run the scan again later)."
                )
                if notes is not None and stop not in notes:
                    notes.append(stop)
                return
            total = data.get("total")
            more = not (isinstance(total, int) and len(ids) >= total)
            last = top
            if more:
                pending = ahead.submit(fetch, page_jql(scope, last))
            yield [str(i) for i in sorted(ids)]
            if not more:
                return
    finally:
        ahead.shutdown(wait=False, cancel_futures=True)
