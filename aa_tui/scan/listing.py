"""The listing started beside the sign-in checks when its JQL is already known.

A scan of the whole site (or of a JQL filter alone) lists with the same JQL whatever the
checks find, so its first id page can be on its way while ``myself``, ``serverInfo`` and
``attachment/meta`` are answered: the details calls start one round trip sooner. A scope that
names projects waits for the project check, which may drop some from the JQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from aa_tui.jira.protocol import JiraSite


def begin_listing(
    client: JiraSite, jql: str, projects: tuple[str, ...], resumed: bool
) -> EarlyListing | None:
    """The listing begun now, unless projects are named (the project check may drop some
    from the JQL) or the scan is resumed (its checkpoint may hold the whole listing)."""
    return None if projects or resumed else EarlyListing(client, jql)


def id_pages_of(
    early: EarlyListing | None, client: JiraSite, jql: str, notes: list[str]
) -> Iterator[list[str]]:
    """The id pages of ``jql``: the early listing's when it lists that JQL, else a listing
    begun now; ``notes`` gets the paging's warnings either way."""
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
        if self._first is None:
            return
        yield self._first
        yield from self._pages

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
