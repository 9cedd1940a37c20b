"""A rescan: what an earlier complete scan of the same site, scope and verify mode lets a new
scan reuse, and the one question it leaves to Jira (which issues changed since then).

Jira cannot replace a file's bytes under its id, so hashes are reused by attachment id. An
issue whose ``updated`` did not move since the earlier scan started keeps its attachments as
that scan saw them (an upload, a deletion, a move or a status change sets ``updated``); one
that is new, changed, or that the earlier scan could not read is fetched again; one that is
no longer listed is gone. Relative JQL periods (``-90m``) do not depend on the token user's
time zone; the margin covers the search index's lag and the clocks' difference.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator, KeysView, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aa_tui.jira.protocol import JiraSite
from aa_tui.memory import (
    free_garbage,
    gc_paused,
    keep_out_of_collections,
    release_to_collections,
)
from aa_tui.model.dates import parse_jira_time
from aa_tui.model.enums import VerifyMode
from aa_tui.model.errors import Cancelled
from aa_tui.model.records import AttachmentRecord, Scope
from aa_tui.model.scans import ScanInfo
from aa_tui.model.summary import RescanNote
from aa_tui.scan.base_read import Kept, read_rows, records_of
from aa_tui.scan.checkpoint import Checkpoint, SerialJournal
from aa_tui.scan.clock_edges import NearEdges, NearPicker
from aa_tui.scan.listing import (
    MAX_RANGES,
    EarlyListing,
    RangeListing,
    begin_listing,
    narrowed,
    range_cuts,
)
from aa_tui.scan.staged import STAGES, HashBook
from aa_tui.store.basis import Basis, read_basis, read_cuts, write_basis, write_cuts
from aa_tui.store.journal import Journal
from aa_tui.store.store import Store

#: minutes added to the time since the earlier scan started: the search index's lag, clocks
MARGIN_MINUTES = 60
#: how long after its start a rescan's files near a clock's edge, picked as it lists, hold
NEAR_FOR = timedelta(days=1)


@dataclass
class Base:
    """The earlier scan a rescan starts from. Its issues and hashes are known at once (its
    basis); its files are read back from its rows meanwhile (:func:`read_apart`): the listing
    needs only to know which issues it read, the files are taken once the listing ends."""

    scan_id: str
    started_at: str
    #: every issue listed and read by the earlier scan: what it saw on it once its rows are
    #: read, until then its own id (the text its records then point at)
    by_issue: dict[str, Kept | str]
    hashes: HashBook = field(default_factory=HashBook)
    #: one object per repeated text of its records when read back from its attachments (a
    #: rescan's own records then share them); read from its file table, its records share
    #: each issue's, uploader's and file type's texts already, and from its records' cache
    #: as they did when saved, a chunk of 8,192 at a time: this stays empty then
    texts: dict[str, str] = field(default_factory=dict)
    #: the rows being read back in a thread of their own (``None``: read, or not begun)
    loading: Future[None] | None = None
    #: set when the scan ends before it takes the rows: their reading stops
    stopped: threading.Event = field(default_factory=threading.Event)
    #: the attachment rows it saved (its own, of any issue), once read
    rows: int = 0
    #: its files near a clock's edge, for counts between its start and a day after the
    #: rescan's (:func:`~aa_tui.scan.clock_edges.near_edges_of`), once read
    near: NearEdges | None = None
    #: where the next rescan's id ranges meet: its own ranges', else cut from its issues
    #: beside the listing (``[]``: one listing would do; ``None``: not cut yet, or to be cut
    #: from the rescan's listed ids), saved with the rescan
    next_cuts: list[int] | None = None
    #: whether its records are frozen out of the collector's walks (:meth:`freeze`)
    frozen: bool = False
    _freezing: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def issues(self) -> KeysView[str]:
        """The issues listed and read by the earlier scan."""
        return self.by_issue.keys()

    def read(self, cancel: threading.Event | None = None) -> None:
        """Wait until the rows are read back (raising what reading them raised); once
        ``cancel`` is set, stop them and raise :class:`Cancelled`."""
        while self.loading is not None:
            try:
                self.loading.result(timeout=0.1)
                return
            except WaitedTooLong:  # (not the built-in before Python 3.11)
                if cancel is not None and cancel.is_set():
                    self.stop()
                    raise Cancelled() from None

    def is_read(self) -> bool:
        """Whether its rows are read back, and were read without a failure."""
        loading = self.loading
        return loading is None or (loading.done() and loading.exception() is None)

    def stop(self) -> None:
        """Stop reading the rows back (the scan ended, or ended without them: :meth:`read`
        then raises :class:`Cancelled`), and give what :meth:`freeze` froze back to the
        collector: in the app, a frozen object that later forms a cycle would never be freed."""
        with self._freezing:
            self.stopped.set()
            if self.frozen:
                release_to_collections()
                self.frozen = False

    def freeze(self) -> None:
        """Keep its records, read, out of the collector's walks until :meth:`stop`: they live
        until the scan ends and hold no cycle, and the next collections walked all ~2 million
        objects three times (1.2 s at 531,000 files, in the listing's threads). What was
        garbage before they were read (in the app, a screen closed a moment ago: frozen, it
        would stay until the scan ends) is collected before, a walk of what the process held
        then (0.01 s in the command), not after, a walk of them too (0.34 s at 531,000 files,
        beside the listing, to find the ~1,400 objects dropped meanwhile)."""
        with self._freezing:
            if not self.stopped.is_set():
                keep_out_of_collections()
                self.frozen = True

    def kept(self, issue_id: str) -> Sequence[AttachmentRecord]:
        """The attachments the earlier scan saw on ``issue_id``, one of its issues (once
        :meth:`read`)."""
        return records_of(self.by_issue[issue_id])

    def unchanged(self, issue_id: str, changed: set[str]) -> bool:
        """Whether the earlier scan read ``issue_id`` and it did not change since (not in
        ``changed``): what it saw there holds (its files: :meth:`kept`, once :meth:`read`)."""
        return issue_id in self.by_issue and issue_id not in changed

    def records(self) -> Iterator[AttachmentRecord]:
        """Every attachment the base holds (once :meth:`read`)."""
        for issue_id in self.by_issue:
            yield from self.kept(issue_id)

    def own_ids(self, page: list[str]) -> list[str]:
        """``page`` with each id of an issue the base holds as the base's own text of it (the
        one its records hold, read or not): the scan keeps the listing's ids, and the base's
        texts of them, let go after the listing, would leave ~20 MB of holes in the heap at
        332,239 issues, taken back by nothing until the scan's end."""
        own = []
        for issue_id in page:
            kept = self.by_issue.get(issue_id)
            if isinstance(kept, str):
                issue_id = kept
            elif isinstance(kept, AttachmentRecord):
                issue_id = kept.issue_id
            elif kept:
                issue_id = kept[0].issue_id
            own.append(issue_id)
        return own


def basis_of(store: Store, info: ScanInfo) -> Basis | None:
    """What a rescan starts from of scan ``info``; ``None`` when it cannot start from it
    (its basis missing or damaged, or its results gone)."""
    basis = read_basis(store.scan_dir(info.id))
    return basis if basis is not None and store.has_results(info.id) else None


def open_base(store: Store, info: ScanInfo) -> Base | None:
    """The base that scan ``info`` saved, its rows not read yet; ``None`` when a rescan
    cannot start from it (:func:`basis_of`)."""
    basis = basis_of(store, info)
    if basis is None:
        return None
    book = HashBook(**{s: dict(basis.hashes.get(s) or {}) for s in STAGES})
    by_issue: dict[str, Kept | str] = {i: i for i in basis.issues}
    return Base(info.id, info.started_at, by_issue, book)


def _read_back(store: Store, base: Base, near: NearPicker | None = None) -> None:
    base.rows = read_rows(store, base.scan_id, base.by_issue, base.texts, base.stopped, near)


def load_base(store: Store, info: ScanInfo) -> Base | None:
    """The base that scan ``info`` saved, its rows read back; ``None`` when its files are
    gone."""
    base = open_base(store, info)
    if base is not None:
        _read_back(store, base)
    return base


def read_apart(store: Store, base: Base | None, now: datetime | None = None) -> Base | None:
    """Begin reading ``base``'s rows back in a thread of its own (:meth:`Base.read` waits);
    given the scan's start (``now``), its files near a clock's edge are picked there too, for
    any count until a day later (:attr:`Base.near`), and the next rescan's id ranges cut
    unless carried (:attr:`Base.next_cuts`)."""
    if base is None:
        return None
    loading: Future[None] = Future()
    then = parse_jira_time(base.started_at) if now is not None else None

    def load() -> None:
        try:
            with gc_paused():  # (picked as read, not after the listing: 0.25 s)
                free_garbage()  # see Base.freeze
                near = NearPicker(then, now + NEAR_FOR, quiet=True) if then and now else None
                _read_back(store, base, near)
                base.freeze()
                base.near = near.picked() if near is not None else None
                if base.next_cuts is None:  # (not while saving: 0.18 s at 332,239 ids)
                    base.next_cuts = range_cuts(base.issues) or []
            loading.set_result(None)
        except BaseException as exc:  # raised where the rows are waited for
            loading.set_exception(exc)

    base.loading = loading
    threading.Thread(target=load, name="aa-base", daemon=True).start()
    return base


def window_minutes(base_started_at: str, now: datetime) -> int:
    """Minutes back from now that ``updated >= -<minutes>m`` must look: since the base scan
    started its listing, plus the margin."""
    started = parse_jira_time(base_started_at)
    elapsed = max(0.0, (now - started).total_seconds()) if started else 0.0
    return math.ceil(elapsed / 60) + MARGIN_MINUTES


def changed_jql(scan_jql: str, minutes: int) -> str:
    """The scan's JQL narrowed to issues updated in the last ``minutes`` (its clauses are
    ANDed and any user JQL is parenthesised, so one more AND only narrows it)."""
    return narrowed(scan_jql, f"updated >= -{minutes}m")


@dataclass
class EarlyRescan:
    """What a fresh rescan begins beside the sign-in checks: reading its base back, its
    listing (by the id ranges the base saved, else cut from its listed ids) and the changed
    ids' listing."""

    base: Base  # its rows being read back
    listing: EarlyListing | RangeListing | None = None  # None: projects named
    changed: EarlyListing | None = None

    def stop(self) -> None:
        """Let its base go, and stop its listings (none pages on after a scan that failed
        before it read them: a network error was retried in the background)."""
        self.base.stop()
        for begun in (self.listing, self.changed):
            if begun is not None:
                begun.close()


def begin_rescan(
    client: JiraSite, store: Store, like: tuple[Scope, VerifyMode, str], jql: str, now: datetime
) -> EarlyRescan | None:
    """The newest complete scan a fresh scan of ``client``'s site and ``like`` (scope, verify
    mode, account) would start from, and (when the JQL is known now: no projects named) its
    listings begun: the changed ids' and the scope's, by the ranges that scan saved, before
    its basis is read (0.35 s at 332,239 ids: parsed, then cut); ``None`` without such a
    scan."""
    scope, verify, email = like
    found = store.last_complete(client.site, scope, verify, email=email)
    if found is None:
        return None
    changed: EarlyListing | None = None
    listing: EarlyListing | RangeListing | None = None
    if not scope.projects:
        minutes = window_minutes(found.started_at, now)
        changed = EarlyListing(client, changed_jql(jql, minutes))
    saved = read_cuts(store.scan_dir(found.id))
    if saved is not None and len(saved) < MAX_RANGES:  # (more: damaged, or not ours)
        listing = begin_listing(client, jql, scope.projects, False, saved)
    else:
        saved = None
    base = None
    try:
        base = open_base(store, found)
    finally:
        if base is None:  # none, or reading it failed: the listings begun stop
            for begun in (changed, listing):
                if begun is not None:
                    begun.close()
    if base is None:
        return None
    if saved is None:  # (saved by an older aa-tui)
        listing = begin_listing(client, jql, scope.projects, False, range_cuts(base.issues))
    elif listing is not None:  # listed by them: the next rescan's too, while they fit
        base.next_cuts = list(saved)
    read_apart(store, base, now)
    return EarlyRescan(base, listing, changed)


def save_basis(
    store: Store,
    scan_id: str,
    issues: list[str],
    book: HashBook,
    records: list[AttachmentRecord],
    base: Base | None,
) -> Reuse | None:
    """Save what the next rescan starts from (the listed ids that were read, the hashes of the
    files still there); for a rescan, the files it read and the hashes it reused."""
    # the ids of every file: only needed when there are hashes to keep (~60 MB of ids at
    # 800,000 files, at the scan's peak); a metadata scan reads none
    hashed = any(book.stage(s) for s in STAGES)
    if base is not None:
        hashed = hashed or any(base.hashes.stage(s) for s in STAGES)
    present = {r.attachment_id for r in records} if hashed else set()
    hashes = {s: {a: h for a, h in book.stage(s).items() if a in present} for s in STAGES}
    folder = store.scan_dir(scan_id)
    write_basis(folder, issues, hashes)
    cuts = base.next_cuts if base is not None else None
    write_cuts(folder, range_cuts(issues) if cuts is None else cuts)
    return tally(base, book, present) if base is not None else None


@dataclass
class Reuse:
    """What a rescan reused and what it read again (for the summary and the progress line)."""

    base: str
    reread_issues: int = 0
    reused_issues: int = 0
    read_files: int = 0
    reused_hashes: int = 0  # files whose hashes came from the base

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)

    def line(self, files: bool = True) -> str:
        """What it re-read and reused; ``files=False``: the issues alone (before the reads)."""
        return RescanNote(**self.__dict__).line(files)


def after_listing(base: Base, reuse: Reuse, done: int) -> str:
    """Count what the listing re-read and reused, and let go of the base's records and ids
    (the scan holds the records it kept; only the hashes are needed from here): the line the
    progress shows until the files are counted."""
    reuse.reread_issues = done - reuse.reused_issues
    base.by_issue.clear()
    base.texts = {}
    return reuse.line(files=False)


def merge_hashes(book: HashBook, base: Base) -> None:
    """Put the base's hashes under what this scan's own journal already holds."""
    for stage in STAGES:
        known = book.stage(stage)
        merged = {**base.hashes.stage(stage), **known}
        known.clear()
        known.update(merged)


def tally(base: Base, book: HashBook, present: set[str]) -> Reuse:
    """Count the files this scan read and the base's hashes it kept."""
    reuse = Reuse(base.scan_id)
    old = base.hashes
    reuse.read_files = len(
        {a for s in STAGES for a, h in book.stage(s).items() if old.stage(s).get(a) != h}
    )
    # files, not hashes: a file's head, tail and full hash are one reuse (it said "reused
    # 1,581 hashes" of 1,551 files)
    reuse.reused_hashes = len({a for s in STAGES for a in old.stage(s) if a in present})
    return reuse


def start_from_base(
    store: Store,
    info: ScanInfo,
    checkpoint: Checkpoint,
    journal: Journal,
    fresh: bool,
    early: EarlyRescan | None = None,
    warnings: list[str] | None = None,
    unusable: Callable[[str], None] | None = None,
) -> Base | None:
    """The earlier scan a scan starts from: a resumed rescan's own (its journal names it;
    ``None`` if it was deleted meanwhile: then everything is read, and ``warnings`` say so),
    else for a ``fresh`` scan the newest complete one (``early``'s), named in the journal; its
    rows being read back (:meth:`Base.read` waits for them). Its hashes go into
    ``checkpoint.book``. ``unusable`` hears of a newest complete scan that cannot be started
    from (what a rescan reads of it is damaged: everything is read)."""
    base = None
    if checkpoint.base:
        found = store.get_scan(checkpoint.base)
        base = read_apart(store, open_base(store, found)) if found is not None else None
        if base is None and warnings is not None:
            warnings.append(
                f"Scan {checkpoint.base}, which this rescan started from, was deleted: it "
                "reads every issue again."
            )
    elif fresh:
        newest = None
        if early is not None:
            base = early.base
        else:  # its site, scope, verify mode and account: an exact rescan needs an exact base
            # (a metadata scan read no hash), so the two kinds of scan stay two lines
            newest = store.last_complete(info.site, info.scope, info.verify, email=info.email)
            base = read_apart(store, open_base(store, newest)) if newest is not None else None
        if base is not None:
            journal.append("base", id=base.scan_id)
        elif newest is not None and warnings is not None:  # it cannot be started from
            warnings.append(  # (named by when it ran, as the app names scans, and its id)
                f"The scan of {newest.started_at[:16].replace('T', ' ')} ({newest.id}), the "
                "newest complete one of this site and scope, cannot be started from (what a "
                "rescan reads of it is damaged): this scan reads every issue again."
            )
            if unusable is not None:
                unusable(newest.id)
    if base is not None:
        merge_hashes(checkpoint.book, base)
    return base


def changed_ahead(
    early: EarlyRescan | None, checkpoint: Checkpoint, journal: SerialJournal
) -> list[str]:
    """The changed ids whose details can be asked for before the base is read back: a fresh
    rescan's changed listing (begun beside the checks, listed and journaled now, as
    :func:`changed_since` would), a resumed one's journal's; those not read yet."""
    if checkpoint.changed is None and early is not None and early.changed is not None:
        checkpoint.changed = _listed(early.changed.pages(), early.changed, checkpoint.notes)
        journal.append("changed", ids=checkpoint.changed)
    done = checkpoint.done_issues
    return [i for i in checkpoint.changed or () if i not in done]


def changed_since(
    client: JiraSite,
    jql: str,
    base: Base | None,
    checkpoint: Checkpoint,
    journal: SerialJournal,
    notes: list[str],
    now: datetime,
    early: EarlyRescan | None = None,
) -> set[str]:
    """The ids of the scope's issues updated since ``base`` started (listed once a scan: a
    resumed rescan reads them from its journal; ``early``'s listing when begun for that
    base); none without a base."""
    listing = early.changed if early is not None else None
    if base is None or checkpoint.changed is not None or early is None or early.base is not base:
        if listing is not None:
            listing.close()
        listing = None
    if base is None:
        return set()
    if checkpoint.changed is None:
        if listing is not None:
            pages: Iterable[list[str]] = listing.pages()
        else:
            query = changed_jql(jql, window_minutes(base.started_at, now))
            pages = client.iter_issue_id_pages(query, notes)
        changed = _listed(pages, listing, notes)
        journal.append("changed", ids=changed)
        checkpoint.changed = changed
    return set(checkpoint.changed)


def _listed(
    pages: Iterable[list[str]], listing: EarlyListing | None, notes: list[str]
) -> list[str]:
    """Every id of ``pages``; the notes of ``listing`` (when they came from one) added to
    ``notes``, each once."""
    ids = [i for page in pages for i in page]
    if listing is not None:
        notes.extend(n for n in listing.notes if n not in notes)
    return ids
