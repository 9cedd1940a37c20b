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
import operator
import threading
from collections.abc import Iterable, Iterator, KeysView, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from aa_tui.jira.protocol import JiraSite
from aa_tui.memory import gc_paused
from aa_tui.model.dates import parse_jira_time
from aa_tui.model.enums import VerifyMode
from aa_tui.model.records import AttachmentRecord, Scope
from aa_tui.model.scans import ScanInfo
from aa_tui.model.summary import RescanNote
from aa_tui.scan.checkpoint import Checkpoint, SerialJournal
from aa_tui.scan.listing import EarlyListing, narrowed, range_cuts
from aa_tui.scan.shared_texts import share_row_texts
from aa_tui.scan.staged import STAGES, HashBook
from aa_tui.store.basis import Basis, read_basis, write_basis
from aa_tui.store.journal import Journal
from aa_tui.store.store import Store
from aa_tui.store.table_reader import UnexpectedLayout

#: minutes added to the time since the earlier scan started: the search index's lag, clocks
MARGIN_MINUTES = 60


#: what the base saw on one issue it read: its one attachment, or a tuple of them (no list
#: for each one-file issue: ~18 MB at 332,239 issues)
Kept = AttachmentRecord | tuple[AttachmentRecord, ...]


@dataclass
class Base:
    """The earlier scan a rescan starts from."""

    scan_id: str
    started_at: str
    #: every issue listed and read by the earlier scan, with what it saw on it
    by_issue: dict[str, Kept]
    hashes: HashBook = field(default_factory=HashBook)
    #: one object per repeated text of its records: a rescan's own records share them, and
    #: the base's records need no sharing again
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def issues(self) -> KeysView[str]:
        """The issues listed and read by the earlier scan."""
        return self.by_issue.keys()

    def reusable(self, issue_id: str, changed: set[str]) -> Sequence[AttachmentRecord] | None:
        """The attachments of ``issue_id`` as the earlier scan saw them, when they still hold."""
        if issue_id in changed:
            return None
        kept = self.by_issue.get(issue_id)
        return (kept,) if isinstance(kept, AttachmentRecord) else kept

    def records(self) -> Iterator[AttachmentRecord]:
        """Every attachment the base holds."""
        for kept in self.by_issue.values():
            yield from (kept,) if isinstance(kept, AttachmentRecord) else kept

    def own_ids(self, page: list[str]) -> list[str]:
        """``page`` with each id of an issue the base holds files of as the base's own text of
        it (the one its records hold): the scan keeps the listing's ids, and the base's texts
        of them, let go after the listing, would leave ~20 MB of holes in the heap at
        332,239 issues, taken back by nothing until the scan's end."""
        own = []
        for issue_id in page:
            kept = self.by_issue.get(issue_id)
            if isinstance(kept, AttachmentRecord):
                issue_id = kept.issue_id
            elif kept:
                issue_id = kept[0].issue_id
            own.append(issue_id)
        return own


def load_base(store: Store, info: ScanInfo, basis: Basis | None = None) -> Base | None:
    """The base that scan ``info`` saved (``basis``: its basis, read already), or ``None``
    when its files are gone."""
    basis = basis or read_basis(store.scan_dir(info.id))
    if basis is None or not store.has_results(info.id):
        return None
    texts: dict[str, str] = {}
    try:
        by_issue = _records_by_issue(basis.issues, store.iter_attachments(info.id), texts)
    except (UnexpectedLayout, ValueError):  # a layout the one-at-a-time reader does not know
        by_issue = _records_by_issue(basis.issues, store.load_attachments(info.id), texts)
    book = HashBook(**{s: dict(basis.hashes.get(s) or {}) for s in STAGES})
    return Base(info.id, info.started_at, by_issue, book, texts)


def _records_by_issue(
    issues: list[str], rows: Iterable[dict[str, Any]], texts: dict[str, str]
) -> dict[str, Kept]:
    """The base's records by issue id for each of ``issues`` (the rows of other issues are
    never reused), built a row at a time (a 200,000-issue scan's rows parsed at once peaked
    at 322 MiB, one at a time 139 MiB), their repeated texts shared as a scan's own records'
    are (``texts``: one object per text), and the texts of one issue shared by its records as
    in a Jira answer (each row's, before its record is made: :func:`share_row_texts`)."""
    # an issue with no row met yet maps to its own id: the text its records then point at
    by_issue: dict[str, Kept | str] = {i: i for i in issues}
    with gc_paused():  # ~100,000s of new objects: collections would walk them all
        for row in rows:
            kept = by_issue.get(row["issue_id"])
            if kept is None:
                continue
            if isinstance(kept, str):
                row["issue_id"] = kept
                share_row_texts(row, texts)
            else:
                share_row_texts(row, texts, kept if isinstance(kept, AttachmentRecord) else kept[0])
            try:  # the fields as this version saves them, by position: 2x faster than by name
                record = AttachmentRecord(*_fields_of(row))
            except KeyError:  # one it does not have: the defaults, as by name
                record = _by_name(row)
            if isinstance(kept, str):
                by_issue[kept] = record
            elif isinstance(kept, AttachmentRecord):
                by_issue[kept.issue_id] = (kept, record)
            else:
                by_issue[kept[0].issue_id] = (*kept, record)
    found = cast(dict[str, Kept], by_issue)
    for issue_id, kept in by_issue.items():
        if isinstance(kept, str):
            found[issue_id] = ()  # read, with no file
    return found


_fields_of = operator.itemgetter(*AttachmentRecord.__dataclass_fields__)


def _by_name(row: dict[str, Any]) -> AttachmentRecord:
    try:
        return AttachmentRecord(**row)
    except TypeError:  # a field it does not know: the ones it knows
        return AttachmentRecord.from_dict(row)


def find_base(store: Store, site: str, info: ScanInfo) -> Base | None:
    """The newest complete scan of ``info``'s site, scope, verify mode and account: an exact
    rescan needs an exact base (a metadata scan read no hash), a metadata rescan takes a
    metadata one (so the two kinds of scan stay two lines of history)."""
    found = store.last_complete(site, info.scope, info.verify, email=info.email)
    return load_base(store, found) if found is not None else None


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
    """What a fresh rescan begins beside the sign-in checks: reading its base back, the id
    ranges of its listing (cut from the base's listed ids) and the changed ids' listing."""

    base: str  # the base scan's id
    cuts: list[int] | None
    loading: Future[Base | None]
    changed: EarlyListing | None = None


def _load_apart(store: Store, info: ScanInfo, basis: Basis) -> Future[Base | None]:
    """:func:`load_base` in a thread of its own (its answer, or its error, in the future)."""
    loading: Future[Base | None] = Future()

    def load() -> None:
        try:
            loading.set_result(load_base(store, info, basis))
        except BaseException as exc:  # raised where the base is taken
            loading.set_exception(exc)

    threading.Thread(target=load, name="aa-base", daemon=True).start()
    return loading


def begin_rescan(
    client: JiraSite, store: Store, like: tuple[Scope, VerifyMode, str], jql: str, now: datetime
) -> EarlyRescan | None:
    """The newest complete scan a fresh scan of ``client``'s site and ``like`` (scope, verify
    mode, account) would start from, its listing's ranges, and (when the JQL is known now: no
    projects named) the changed ids' listing begun; ``None`` without such a scan."""
    scope, verify, email = like
    found = store.last_complete(client.site, scope, verify, email=email)
    basis = read_basis(store.scan_dir(found.id)) if found is not None else None
    if found is None or basis is None:
        return None
    early = EarlyRescan(found.id, range_cuts(basis.issues), _load_apart(store, found, basis))
    if not scope.projects:
        minutes = window_minutes(found.started_at, now)
        early.changed = EarlyListing(client, changed_jql(jql, minutes))
    return early


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
    write_basis(store.scan_dir(scan_id), issues, hashes)
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
) -> Base | None:
    """The earlier scan a scan starts from: a resumed rescan's own (its journal names it;
    ``None`` if it was deleted meanwhile: then everything is read), else for a ``fresh`` scan
    the newest complete one (``early``'s, being read already), named in the journal. Its
    hashes go into ``checkpoint.book``."""
    base = None
    if checkpoint.base:
        found = store.get_scan(checkpoint.base)
        base = load_base(store, found) if found is not None else None
    elif fresh:
        base = early.loading.result() if early else find_base(store, info.site, info)
        if base is not None:
            journal.append("base", id=base.scan_id)
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
    if (
        base is None
        or checkpoint.changed is not None
        or early is None
        or early.base != base.scan_id
    ):
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
