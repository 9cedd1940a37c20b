"""The details calls of a scan (``bulkfetch``), parsed in the requests' threads, and a
rescan's changed issues asked for before its base is read back.

A rescan lists the issues updated since its base began beside the sign-in checks. Their
details do not depend on the base (a changed issue is read again whatever the base saw), so
their calls go out as soon as their ids are in, while the base's records are read back (seconds
at 1,000,000 issues), not after. Their answers are taken in by the listing's loop like any
other batch's, and journaled there (``issues`` entries): a scan killed before that asks for
them again when resumed. The scan's issues stay its listing's: an issue asked for early that
the scope's listing then does not hold (it left the scope between the two listings) is dropped
(:func:`drop_unlisted`).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from aa_tui.jira.parse import ParseResult, parse_issue
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.own_updates import OwnUpdates, discounted

#: what a details call gives: the ids that came, their records, how many Jira refused
Fetched = tuple[set[str], ParseResult, int]


def fetch_parsed(client: JiraSite, batch: list[str], own: OwnUpdates | None = None) -> Fetched:
    """The details of ``batch`` parsed in the request's thread. Jira's answer is let go at
    once, not kept while it waits for the listing's thread (up to 64 answers, and the memory
    they leave). ``own``: the updates cleanups made themselves (see :mod:`.own_updates`)."""
    issues, errors = client.fetch_issues(batch)
    parsed = ParseResult()
    for issue in issues:
        parse_issue(issue, parsed)
    if own:
        parsed.records = discounted(parsed.records, own)
    return {str(issue.get("id")) for issue in issues}, parsed, len(errors)


class DetailCalls:
    """A pool for a scan's details calls: a thread for each request the governor may let
    out at once (more during a burst); ``pending`` maps each call in the air to its ids."""

    def __init__(self, client: JiraSite, workers: int, own: OwnUpdates | None = None) -> None:
        self.client = client
        self.own = own
        self.threads = max(workers, client.governor.burst_concurrency)
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="aa-meta")
        self.pending: dict[Future[Fetched], list[str]] = {}
        self.early: set[str] = set()  # the ids asked for before the listing

    def submit(self, batch: list[str]) -> None:
        self.pending[self.pool.submit(fetch_parsed, self.client, batch, self.own)] = batch

    def ahead(self, ids: Iterable[str]) -> None:
        """Ask for the details of ``ids`` now, in batches, before the listing meets them."""
        batch: list[str] = []
        for issue_id in ids:
            if issue_id in self.early:
                continue
            self.early.add(issue_id)
            batch.append(issue_id)
            if len(batch) == self.client.details_batch:
                self.submit(batch)
                batch = []
        if batch:
            self.submit(batch)

    def close(self) -> None:
        """Cancel the calls not begun, wait for those in the air (as a pool's ``with`` does)."""
        for future in self.pending:
            future.cancel()
        self.pool.shutdown(wait=True)

    def __enter__(self) -> DetailCalls:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def listed_anew(
    page: list[str], prior: set[str], unlisted: set[str], done: set[str], queued: set[str]
) -> list[str]:
    """The ids of ``page`` the listing holds anew: not listed by an earlier run (``prior``)
    nor by an earlier page (then ``done`` or ``queued``), unless read or asked for before any
    page held them (``unlisted``: they leave it). No set of every listed id is kept: it took
    16 MB at 332,239 issues, at a rescan's peak."""
    fresh = [
        i for i in page if i not in prior and (i in unlisted or (i not in done and i not in queued))
    ]
    unlisted.difference_update(fresh)
    return fresh


def drop_unlisted(
    records: dict[str, AttachmentRecord], done: set[str], unread: set[str], unlisted: set[str]
) -> None:
    """Drop the issues read that the listing does not hold (``unlisted``: those read before
    it could hold them, asked for early: see the module, that no page then held), and their
    files."""
    extra = done & unlisted
    if not extra:
        return
    done -= extra
    unread -= extra
    for attachment_id in [a for a, r in records.items() if r.issue_id in extra]:
        del records[attachment_id]
