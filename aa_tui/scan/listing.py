"""The listing started beside the sign-in checks when its JQL is already known, and a
rescan's listing as disjoint id ranges in parallel.

A scan of the whole site (or of a JQL filter alone) lists with the same JQL whatever the
checks find, so its first id page can be on its way while ``myself``, ``serverInfo`` and
``attachment/meta`` are answered: the details calls start one round trip sooner. A scope that
names projects waits for the project check, which may drop some from the JQL.

``nextPageToken`` paging is sequential (each token comes with the page before), so one listing
of 14 pages costs 14 round trips. A rescan knows roughly where the scope's ids lie (its base's
sorted ids): it lists them as K queries over disjoint id ranges (``(scope) AND id >= A AND
id < B``), the first open below and the last open above (issues created since), all at once,
each paging on its own. The ranges cover every id, so their union is the single listing's.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Iterable, Iterator
from itertools import chain

from aa_tui.jira.protocol import JiraSite

#: ids a range is cut to hold (Cloud's largest id page: one page per range)
RANGE_IDS = 5000
#: ranges listed at once at most: as many as the governor lets out during a burst. Each range
#: pages one page after another; at 16, a 1,000,000-issue site's 67 pages were 4-5 a range,
#: and its rescan's listing ended on a few ranges' last pages, one round trip each, while the
#: rate let more out (5.6-6.2 s); at 32, 2-3 pages a range (5.4-5.7 s)
MAX_RANGES = 32


def begin_listing(
    client: JiraSite,
    jql: str,
    projects: tuple[str, ...],
    resumed: bool,
    cuts: list[int] | None = None,
) -> EarlyListing | RangeListing | None:
    """The listing begun now, unless projects are named (the project check may drop some
    from the JQL) or the scan is resumed (its checkpoint may hold the whole listing); by id
    ranges when ``cuts`` are given (see :func:`range_cuts`)."""
    if projects or resumed:
        return None
    return RangeListing(client, jql, cuts) if cuts else EarlyListing(client, jql)


def narrowed(jql: str, clause: str) -> str:
    """``jql`` with ``AND clause`` (a scan's JQL ANDs its clauses and parenthesises any user
    JQL, so one more AND only narrows it), its ``ORDER BY`` kept last."""
    where, sep, order = jql.rpartition(" ORDER BY ")
    if not sep:
        where, order = jql, ""
    out = f"{where} AND {clause}"
    return f"{out} ORDER BY {order}" if order else out


def range_cuts(ids: Iterable[str], per_range: int = 0) -> list[int] | None:
    """The ids where the ranges meet (``None`` when one range would do): the sorted ``ids`` as
    pages of ``per_range`` (:data:`RANGE_IDS` unless given) less 2% (room for issues that
    enter a range), the pages shared out over :data:`MAX_RANGES` ranges at most, each range
    a whole number of pages, so the ranges ask for no more pages than one listing would (an
    even split of 332,239 ids over 16 ranges asked for 80 pages instead of 67)."""
    # sorted as texts, then by length (stable): numeric order, without an int per id (~10 MB
    # of them at 332,239 ids, let go at once, holes the rest of a rescan fills slowly). Deduped
    # in their order, not as a set: a base's ids come in sorted runs (its pages), which the
    # sort takes as they are (0.40 -> 0.10 s at 332,239 ids, before the listing can begin)
    numbers = [
        i for i in dict.fromkeys(ids) if i.isascii() and i.isdigit() and (i == "0" or i[0] != "0")
    ]
    numbers.sort()
    numbers.sort(key=len)
    fill = max(1, (per_range or RANGE_IDS) * 49 // 50)
    pages = math.ceil(len(numbers) / fill)
    count = min(MAX_RANGES, pages)
    if count <= 1:
        return None
    ends = [fill * (pages * k // count) for k in range(1, count)]  # pages before each cut
    return sorted({int(numbers[end]) for end in ends if end < len(numbers)}) or None


def cuts_fit(ids: list[int]) -> bool:
    """Whether ranges that listed ``ids`` ids each are still cut as :func:`range_cuts` would
    cut them: as many as their pages of :data:`RANGE_IDS` (up to :data:`MAX_RANGES`; more
    ask for searches one listing would not, fewer leave pages to page on one after
    another), none past an even share (cut as whole pages, they differ by one page at most;
    the last, open one takes the issues created since, and past its share pages on alone
    while the others wait)."""
    pages = [math.ceil(n / RANGE_IDS) for n in ids]
    total = sum(pages)
    return len(pages) == min(MAX_RANGES, max(1, total)) and max(pages) <= math.ceil(
        total / len(pages)
    )


def range_queries(jql: str, cuts: list[int]) -> list[str]:
    """One query per range: below the first cut, between two cuts, from the last cut up."""
    lows: list[int | None] = [None, *cuts]
    highs: list[int | None] = [*cuts, None]
    out = []
    for low, high in zip(lows, highs, strict=True):
        bounds = [f"id >= {low}"] if low is not None else []
        bounds += [f"id < {high}"] if high is not None else []
        out.append(narrowed(jql, " AND ".join(bounds)))
    return out


class _Ended:
    """A range's paging ended: with ``error`` when a page failed (never taken for its end)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class RangeListing:
    """``jql``'s ids as one listing per id range, all paging at once in threads; :meth:`pages`
    hands the pages on as they come (any order) and raises the first failure; :meth:`close`
    stops the ranges after the pages in the air."""

    def __init__(self, client: JiraSite, jql: str, cuts: list[int]) -> None:
        self.jql = jql
        self.notes: list[str] = []
        self._client = client
        self._queue: queue.SimpleQueue[list[str] | _Ended] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._queries = range_queries(jql, cuts)
        self._listed = [0] * len(self._queries)  # the ids each range listed
        self._whole = False  # every range listed to its end, every page handed on
        for n, query in enumerate(self._queries):
            name = f"aa-range-{n}"
            threading.Thread(target=self._list, args=(n, query), name=name, daemon=True).start()

    def _list(self, n: int, query: str) -> None:
        pages = iter(self._client.iter_issue_id_pages(query, notes=self.notes))
        ended = _Ended()
        try:
            for page in pages:
                self._listed[n] += len(page)
                self._queue.put(page)
                if self._stop.is_set():
                    break
        except BaseException as exc:  # raised where the pages are read
            ended = _Ended(exc)
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()
            self._queue.put(ended)

    def pages(self) -> Iterator[list[str]]:
        running = len(self._queries)
        try:
            while running:
                item = self._queue.get()
                if isinstance(item, _Ended):
                    if item.error is not None:
                        raise item.error
                    running -= 1
                    continue
                yield item
            self._whole = True
        finally:
            self.close()

    def close(self) -> None:
        self._stop.set()

    def fits(self) -> bool:
        """Whether its cuts can serve the next rescan: it listed whole, and they still fit
        (:func:`cuts_fit`)."""
        return self._whole and cuts_fit(self._listed)


def id_pages_of(
    early: EarlyListing | RangeListing | None, client: JiraSite, jql: str, notes: list[str]
) -> Iterator[list[str]]:
    """The id pages of ``jql``: the early (or range) listing's when it lists that JQL, else a
    listing begun now; ``notes`` gets the paging's warnings either way."""
    if early is None or early.jql != jql:
        if early is not None:
            early.close()
        yield from client.iter_issue_id_pages(jql, notes=notes)
        return
    yield from early.pages()
    notes.extend(n for n in early.notes if n not in notes)


class EarlyListing:
    """``client.iter_issue_id_pages(jql)`` begun now, its first page fetched in a thread.

    :meth:`pages` hands the pages on (in the caller's thread from the second one on, as
    :func:`~aa_tui.jira.cloud.search.id_pages` keeps asking one page ahead); :meth:`close`
    drops it when the scan stops before listing. The warnings the paging gives land in
    :attr:`notes`."""

    def __init__(self, client: JiraSite, jql: str) -> None:
        self.jql = jql
        self.notes: list[str] = []
        self._pages = iter(client.iter_issue_id_pages(jql, notes=self.notes))
        self._first: list[str] | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._dropped = self._fetched = False
        self._listed = 0  # the ids it handed on
        self._whole = False  # every page handed on
        self._thread = threading.Thread(target=self._fetch, name="aa-list", daemon=True)
        self._thread.start()

    def _fetch(self) -> None:
        try:
            self._first = next(self._pages, None)
        except BaseException as exc:  # raised where the pages are read, as a listing's would be
            self._error = exc
        with self._lock:
            self._fetched = True
            if self._dropped:
                self._shut()

    def pages(self) -> Iterator[list[str]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        try:
            for page in () if self._first is None else chain((self._first,), self._pages):
                self._listed += len(page)
                yield page
            self._whole = True
        finally:
            if not self._whole:  # left part-way: the paging is shut (as ``yield from`` did)
                self._shut()

    def fits(self) -> bool:
        """Whether one listing (no cuts) can serve the next rescan: it listed whole, and
        one range's ids at most (:func:`cuts_fit`)."""
        return self._whole and cuts_fit([self._listed])

    def close(self) -> None:
        """Drop it (the scan stopped before listing): the paging is shut now, or as soon as
        the page in the air is answered, without waiting for it."""
        with self._lock:
            self._dropped = True
            if self._fetched:
                self._shut()

    def _shut(self) -> None:
        close = getattr(self._pages, "close", None)
        if close is not None:
            close()
