"""A rescan's base read back from the store: its records a row at a time (never every row's
dict at once), the same records whichever way the file is laid out."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from helpers.scanning import FROZEN_NOW, run_scan

from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.clock_edges import NearPicker, near_clock_edges
from aa_tui.scan.kept import KeptAsListed
from aa_tui.scan.rescan import _read_back, load_base, open_base
from aa_tui.store.basis import read_basis, write_basis


def test_the_base_is_read_a_row_at_a_time_and_equals_the_saved_records(demo_server, store):
    first = run_scan(demo_server, store)
    base = load_base(store, first.info)
    assert base is not None
    saved = {a["attachment_id"]: a for a in store.load_attachments(first.info.id)}
    got = {r.attachment_id: r.to_dict() for r in base.records()}
    assert got == saved and len(saved) > 100
    # repeated texts are one object each, as in a scan's own records
    statuses = {id(r.status) for r in base.records()}
    assert len(statuses) == len({r.status for r in base.records()})
    # and the texts of one issue are one object for all its files, as in a Jira answer
    assert any(
        not isinstance(kept, AttachmentRecord) and len(kept) > 1 for kept in base.by_issue.values()
    )
    for name in ("issue_id", "issue_key", "issue_updated"):
        ids = {id(getattr(r, name)) for r in base.records()}
        assert len(ids) == len({r.issue_id for r in base.records()}), name

    # a layout the one-at-a-time reader refuses (another table first): read whole, same records
    path = store.scan_dir(first.info.id) / "attachments.json"
    table = orjson.loads(path.read_bytes())["_default"]
    path.write_bytes(orjson.dumps({"other": {}, "_default": table}))
    (path.parent / "files.json").unlink()  # (else its table, or the cache of it, is read)
    again = load_base(store, first.info)
    assert again is not None
    assert {r.attachment_id: r.to_dict() for r in again.records()} == saved


def test_the_base_reuses_only_the_issues_its_basis_lists(demo_server, store):
    """An issue the earlier scan did not list and read (its rows or not) is never reused; one
    it read with no file is reused as no file."""
    first = run_scan(demo_server, store, verify="metadata")
    folder = store.scan_dir(first.info.id)
    basis = read_basis(folder)
    assert basis is not None
    rows = store.load_attachments(first.info.id)
    with_files = sorted({r["issue_id"] for r in rows})
    dropped, kept = with_files[0], with_files[1]
    listed = [i for i in basis.issues if i != dropped] + ["99999999"]  # read, no file
    write_basis(folder, listed, basis.hashes)
    base = load_base(store, first.info)
    assert base is not None
    assert not base.unchanged(dropped, set())
    assert base.unchanged("99999999", set()) and base.kept("99999999") == ()
    assert not base.unchanged("99999998", set())  # never listed
    assert not base.unchanged(kept, {kept})  # changed since
    assert base.unchanged(kept, set())
    assert {r.attachment_id for r in base.kept(kept)} == {
        r["attachment_id"] for r in rows if r["issue_id"] == kept
    }
    assert {r.issue_id for r in base.records()} == set(with_files) - {dropped}
    assert len(base.issues) == len(listed)


HOSTILE = ['a},"7":{"x":1', "b\\", 'c"},"8":{', "d},", "é ☃ \n}", '},"9":{}}']


def test_the_slices_reader_cuts_only_between_documents(tmp_path, monkeypatch):
    from aa_tui.store import table_reader
    from aa_tui.store.scan_files import write_table_atomic

    rows = [
        {"attachment_id": str(n), "file_name": HOSTILE[n % len(HOSTILE)] * (1 + n % 3), "size": n}
        for n in range(400)
    ]
    path = tmp_path / "attachments.json"
    write_table_atomic(path, rows)
    for block in (64, 333, 4096, 1 << 22):  # documents across blocks, longer than a block
        monkeypatch.setattr(table_reader, "SLICE_BLOCK", block)
        slices = list(table_reader.iter_table_slices(path))
        assert [r for s in slices for r in s] == rows == list(table_reader.iter_table(path))
        assert len(slices) > 1 or block == 1 << 22

    whole = path.read_bytes()
    for damaged, error in [
        (whole.replace(b'"2":{', b'"3":{', 1), ValueError),  # a document number skipped
        (whole[:-5], ValueError),  # cut short
        (b'{"other":{},' + whole[1:], table_reader.UnexpectedLayout),
    ]:
        path.write_bytes(damaged)
        with pytest.raises(error):
            list(table_reader.iter_table_slices(path))
    empty = tmp_path / "empty.json"
    write_table_atomic(empty, [])
    assert list(table_reader.iter_table_slices(empty)) == []


def test_rows_of_another_version_are_read_as_by_name(demo_server, store):
    """Rows made by position when they hold every field: an older aa-tui's rows (no uploader
    id or activity: the defaults), a later one's (a field this one does not know: left out),
    fields in another order: each record as ``AttachmentRecord`` by name would make it."""
    from aa_tui.store.scan_files import write_table_atomic

    first = run_scan(demo_server, store, verify="metadata")
    rows = store.load_attachments(first.info.id)
    assert len(rows) > 30
    for n, row in enumerate(rows):
        if n % 3 == 0:
            del row["author_id"], row["author_active"]
        elif n % 3 == 1:
            row["later_field"] = n
        else:
            rows[n] = dict(reversed(row.items()))
    write_table_atomic(store.scan_dir(first.info.id) / "attachments.json", rows)
    (store.scan_dir(first.info.id) / "files.json").unlink()  # read from the rows, then
    base = load_base(store, first.info)
    assert base is not None
    known = AttachmentRecord.__dataclass_fields__
    want = {
        r["attachment_id"]: AttachmentRecord(**{k: r[k] for k in r if k in known}) for r in rows
    }
    assert {r.attachment_id: r for r in base.records()} == want
    assert {r.author_id for r in base.records()} >= {""}  # the older rows' default


def test_a_rescans_records_share_each_text_with_its_bases(demo_server, store, monkeypatch):
    """The base's records keep the texts they were read with (no sharing again, one object per
    value): the records fetched again point at the same objects, the listing's ids too."""
    from test_scan_rescan import CHANGES, scan

    from aa_tui.scan import engine

    scan(demo_server, store, verify="metadata")
    CHANGES["status changed"](demo_server, store, None, None)
    seen: list = []
    real = engine.save_files

    def keep(store_, scan_id, records, groups, now):
        seen.extend(records)
        return real(store_, scan_id, records, groups, now)

    monkeypatch.setattr(engine, "save_files", keep)
    again = scan(demo_server, store, verify="metadata")
    assert again.rescan is not None and again.rescan.reread_issues >= 1
    assert again.rescan.reused_issues > 50
    for name in ("project_key", "status", "status_category", "mime_type", "author"):
        values = [getattr(r, name) for r in seen]
        assert len({id(v) for v in values}) == len(set(values)), name


def test_records_are_equal_and_hashed_by_value():
    """Records are not frozen (for speed) but keep a frozen one's value semantics: sets and
    dict keys of records see two records of the same fields as one."""
    from dataclasses import replace

    from aa_tui.model.records import AttachmentRecord

    one = AttachmentRecord("1", "2", "A-1", "A", "a.txt", 3, "text/plain", "x", "", "", "", "")
    same = replace(one)
    assert one == same and one is not same and hash(one) == hash(same)
    assert len({one, same}) == 1
    assert replace(one, size=4) != one


def test_a_base_reads_the_same_from_its_file_table_as_from_its_attachments(
    demo_server, store, monkeypatch
):
    """A base is read from the cache of its records, or its file table (a whole scan's; a
    layer's root, less what it dropped, and delta) or, from a table without issue ids (an
    older aa-tui's), from its attachments: the same records, issue by issue, and the same row
    count."""
    from aa_tui.scan import base_read

    first = run_scan(demo_server, store)
    data = demo_server.data
    holding = [i for i in range(data.issue_count) if data.att_start[i + 1] > data.att_start[i]]
    for i in holding[:5]:
        demo_server.set_status(i, (data.issue_status[i] + 1) % 3)
    second = run_scan(demo_server, store)
    assert store.layer(second.info.id) is not None
    assert not (store.scan_dir(second.info.id) / "files.json").exists()  # none opened it
    read: dict[str, list] = {}
    real_cache = base_read.read_cached_records
    span = (FROZEN_NOW - timedelta(days=800), FROZEN_NOW)  # (the demo's files span ~2 years)
    for how in ("cache", "cache read whole, then not usable", "table", "attachments"):
        if how.startswith("cache read whole"):
            monkeypatch.setattr(
                base_read, "read_cached_records", lambda *args: real_cache(*args) and None
            )
        if how == "table":
            monkeypatch.setattr(base_read, "read_cached_records", lambda *args: None)
        if how == "attachments":
            monkeypatch.setattr(base_read, "read_file_records", lambda *args: None)
        for info in (first.info, second.info):
            base = open_base(store, info)
            assert base is not None
            near = NearPicker(*span)  # picked as the rows are read, in every way
            _read_back(store, base, near)
            by_issue = {i: sorted(map(str, base.kept(i))) for i in base.issues}
            read.setdefault(info.id, []).append((by_issue, base.rows))
            every = near_clock_edges(list(base.records()), *span)
            assert sorted(map(str, near.records)) == sorted(map(str, every)), how
            assert len(every) > 10
    for (cache, cache_rows), *others in read.values():
        assert sum(map(len, cache.values())) > 100
        for table, table_rows in others:
            assert cache == table and cache_rows == table_rows


def test_a_base_read_apart_is_kept_out_of_the_collectors_walks(demo_server, store):
    """Its records live until the rescan ends and hold no cycle: the next collections do not
    walk them (they walked ~2 million objects three times at 531,000 files)."""
    import gc

    from aa_tui.scan.rescan import open_base, read_apart

    first = run_scan(demo_server, store)
    gc.unfreeze()
    base = read_apart(store, open_base(store, first.info))
    assert base is not None
    base.read()
    frozen = gc.get_freeze_count()
    assert frozen >= sum(1 for _ in base.records())
    assert gc.isenabled()
    base.stop()  # the scan ended: nothing stays frozen (a cycle formed later would stay)
    assert gc.get_freeze_count() == 0


def test_a_rescan_leaves_nothing_frozen(demo_server, store):
    import gc

    run_scan(demo_server, store)
    gc.unfreeze()
    again = run_scan(demo_server, store)
    assert again.rescan is not None
    assert gc.get_freeze_count() == 0


def test_the_garbage_made_before_a_base_is_read_is_not_kept_frozen(demo_server, store):
    """What was garbage before the base is read (in the app, a screen closed a moment ago) is
    collected before the base is frozen, while the heap is small: frozen, it would stay until
    the rescan ends."""
    import gc
    import weakref

    from aa_tui.scan.rescan import open_base, read_apart

    first = run_scan(demo_server, store)

    class Node:
        other: object = None

    gc.collect()
    gc.unfreeze()
    gc.disable()  # as while the base is read: garbage with cycles waits
    try:
        one, two = Node(), Node()
        one.other, two.other = two, one
        garbage = weakref.ref(one)
        del one, two
        assert garbage() is not None  # (garbage, not collected yet)
        base = read_apart(store, open_base(store, first.info))
        assert base is not None
        base.read()
        assert base.frozen and garbage() is None
        base.stop()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_rescan_picks_its_bases_files_near_a_clocks_edge_beside_its_listing(
    demo_server, store, monkeypatch
):
    """The files near a clock's edge are picked while the base is read, for a span from the
    base's start to a day after the rescan's, and handed to the count by difference."""
    from test_scan_rescan import CHANGES, scan

    from aa_tui.model.dates import parse_jira_time
    from aa_tui.scan import engine
    from aa_tui.scan.clock_edges import near_clock_edges

    first = scan(demo_server, store, verify="metadata")
    CHANGES["status changed"](demo_server, store, None, None)
    handed: list = []
    real = engine.since_base

    def keep(store_, plan, gone, near=None):
        handed.append((near, list(gone)))
        return real(store_, plan, gone, near)

    monkeypatch.setattr(engine, "since_base", keep)
    again = scan(demo_server, store, verify="metadata")
    assert again.rescan is not None and len(handed) == 1
    near, gone = handed[0]
    assert near is not None
    assert near.since == parse_jira_time(first.info.started_at)
    assert near.until - near.since >= timedelta(days=1)
    base = load_base(store, first.info)
    every = list(base.records())
    assert sorted(map(str, near.records)) == sorted(
        map(str, near_clock_edges(every, near.since, near.until))
    )
    assert near.records  # (the demo site has files near each edge)


def test_files_near_an_edge_that_cannot_be_picked_beside_the_listing_are_picked_later(
    demo_server, store, monkeypatch
):
    """Picking them beside the listing is a head start, never the base's failure: the count
    picks them itself."""
    from test_scan_rescan import CHANGES, scan

    from aa_tui.scan import clock_edges, engine

    scan(demo_server, store, verify="metadata")
    CHANGES["status changed"](demo_server, store, None, None)

    real_pick = clock_edges.NearPicker._pick

    def broken(picker, records):
        if picker.quiet:  # the base's picker, not the count's
            raise OverflowError("date value out of range")
        return real_pick(picker, records)

    monkeypatch.setattr(clock_edges.NearPicker, "_pick", broken)
    handed: list = []
    real = engine.since_base
    monkeypatch.setattr(engine, "since_base", lambda *a: handed.append(a[3]) or real(*a))
    again = scan(demo_server, store, verify="metadata")
    assert again.rescan is not None and handed == [None]


def test_kept_files_take_each_issues_files_in_order_its_id_the_listings(demo_server, store):
    """The reused issues' files, in the listing's order, each told to ``saw``; an issue whose
    id the listing holds as another text (equal, not the base's) points its files at it."""
    first = run_scan(demo_server, store)
    base = load_base(store, first.info)
    assert base is not None
    issues = list(base.issues)
    many = next(i for i in issues if not isinstance(base.by_issue[i], AttachmentRecord))
    one = next(i for i in issues if isinstance(base.by_issue[i], AttachmentRecord))
    reused = [i for i in reversed(issues) if i not in (many, one)][:50]
    texts_of = {i: "".join(list(i)) for i in (many, one)}  # equal texts, other objects
    reused[10:10] = [texts_of[many], texts_of[one]]
    seen: list[AttachmentRecord] = []
    kept = KeptAsListed(base, reused, {}, seen.append).all()
    expected = [r for i in reused for r in base.kept(i)]
    assert kept == expected == seen and len(kept) > len(reused)
    for issue_id, text in texts_of.items():
        files = base.kept(issue_id)
        assert files and all(r.issue_id is text for r in files)


def test_kept_files_are_taken_as_the_listing_goes_once_the_base_is_read(demo_server, store):
    """Pages listed while the base's rows are still read wait; once read, each page's reused
    issues' files are taken as it comes, and every one is in the end, in the listing's order,
    as they are taken at once. A read that failed takes nothing early."""
    from concurrent.futures import Future

    first = run_scan(demo_server, store)
    base = load_base(store, first.info)
    assert base is not None
    issues = list(base.issues)
    reused: list[str] = []
    seen: list[AttachmentRecord] = []
    taken = KeptAsListed(base, reused, {}, seen.append)
    base.loading = Future()  # still being read
    reused += issues[:40]
    taken.take()
    assert taken.files == [] and seen == []
    base.loading.set_result(None)
    taken.take()
    assert taken.files == [r for i in issues[:40] for r in base.kept(i)] and taken.files
    reused += issues[40:90]
    assert taken.all() == KeptAsListed(base, issues[:90], {}).all() == seen
    assert taken.size == sum(r.size for r in taken.files)
    failed = Future()
    failed.set_exception(OSError("read"))
    base.loading = failed
    late = KeptAsListed(base, issues[:5], {})
    late.take()
    assert late.files == []
    with pytest.raises(OSError):
        late.all()


def test_a_picker_whose_moments_have_no_edges_fails_quietly_and_stays_failed():
    """A base started within a year of 0001-01-01 (a damaged scan record) has no edges before
    it: the head start is lost (the count picks the files itself), the scan is not, and
    starting the read again does not make an empty pick look whole."""
    from datetime import datetime, timezone

    early = datetime(1, 2, 1, tzinfo=timezone.utc)
    with pytest.raises(OverflowError):
        NearPicker(early, early + timedelta(days=9))
    picker = NearPicker(early, early + timedelta(days=9), quiet=True)
    picker.pick([])
    assert picker.failed and picker.picked() is None
    picker.restart()
    assert picker.failed and picker.picked() is None


def test_the_bases_tally_is_read_after_the_listings_ids_are_let_go(demo_server, store, monkeypatch):
    """What a rescan counts from is read when first needed, after the basis is saved and the
    listing's ids let go: beside them it raised the peak of a 1,000,000-issue rescan."""
    from test_scan_rescan import CHANGES, scan

    from aa_tui.scan import engine
    from aa_tui.scan import since_base as since_module

    scan(demo_server, store, verify="metadata")
    CHANGES["status changed"](demo_server, store, None, None)
    order: list[str] = []
    real_read = since_module.read_base_tally
    real_save = engine.ScanEngine._save_basis

    def reading(*args):
        order.append("tally")
        return real_read(*args)

    def saving(self, *args):
        order.append("basis")
        return real_save(self, *args)

    monkeypatch.setattr(since_module, "read_base_tally", reading)
    monkeypatch.setattr(engine.ScanEngine, "_save_basis", saving)
    again = scan(demo_server, store, verify="metadata")
    assert again.rescan is not None and order == ["basis", "tally"]


def test_a_tally_damaged_into_other_json_is_not_counted_from(demo_server, store, monkeypatch):
    """``members.json`` damaged into other valid JSON (a file id changed) no longer matches
    the digest saved after its groups: the rescan groups afresh, and equals a full scan (the
    review's case: a group not read would have carried the wrong id on)."""
    from helpers.scanning import assert_reads_same, counted_by_difference
    from test_scan_rescan import CHANGES, scan

    from aa_tui.store.members import MEMBERS

    base = scan(demo_server, store, verify="metadata")
    path = store.scan_dir(base.info.id) / MEMBERS
    raw = path.read_bytes()
    last = base.groups[-1].locations[-1].attachment_id  # (not a quick win's file)
    damaged = raw.replace(f'"{last}"'.encode(), f'"9{last[1:]}"'.encode(), 1)
    assert damaged != raw and len(damaged) == len(raw)
    path.write_bytes(damaged)
    CHANGES["status changed"](demo_server, store, base, None)
    by_difference = counted_by_difference(monkeypatch)
    rescan = scan(demo_server, store, verify="metadata")
    assert "groups" not in by_difference
    full = scan(demo_server, store, full=True, verify="metadata")
    assert_reads_same(store, rescan.info.id, full.info.id)


def test_a_tally_whose_ids_are_not_texts_is_not_read(tmp_path):
    """Groups whose files are not ids (numbers, lists: another tool's file, or damage) are no
    tally: a rescan then counts afresh rather than fail on them (the review's Low)."""
    from datetime import datetime, timezone

    import orjson

    from aa_tui.store.members import MEMBERS, read_members, write_members

    when = datetime(2026, 12, 1, tzinfo=timezone.utc)
    write_members(tmp_path, when, [("likely:10:ab", ["1", "2"])])
    tally = read_members(tmp_path)
    assert tally is not None and [tuple(g) for g in tally.groups] == [("likely:10:ab", ["1", "2"])]
    for ids in ([1, 2], [["1"], "2"], "12"):
        document = {"format": "aa-tui.members/1", "counted_at": when.isoformat()}
        document["groups"] = [["likely:10:ab", ids]]
        (tmp_path / MEMBERS).write_bytes(orjson.dumps(document))
        assert read_members(tmp_path) is None, ids
