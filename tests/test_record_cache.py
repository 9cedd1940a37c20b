"""The cache of a whole scan's records (``records.marshal``) that a rescan reads its base from:
the same records as its file table gives, and never used when it is not that table's whole,
sound mirror."""

from __future__ import annotations

import os

from helpers.scanning import run_scan

from aa_tui.model.records import AttachmentRecord
from aa_tui.store import record_cache
from aa_tui.store.file_rows import read_file_records
from aa_tui.store.layer import ROOT_CACHE
from aa_tui.store.layer import WHOLE_CACHE as CACHE
from aa_tui.store.record_cache import RecordCacheWriter, read_cached_records


def _read(reader, folder) -> tuple[int | None, list[AttachmentRecord]]:
    """What ``reader`` gives of the scan in ``folder``: its count and the records in order
    (every issue its own; each issue's id the text ``own`` names)."""
    got: list[AttachmentRecord] = []
    names: dict[str, str] = {}

    def own(issue_id: str) -> str:
        return names.setdefault(issue_id, issue_id)

    count = reader(folder, own, got.extend)
    return count, got


def _holding(demo_server) -> list[int]:
    data = demo_server.data
    return [i for i in range(data.issue_count) if data.att_start[i + 1] > data.att_start[i]]


def _changed_layer(demo_server, store):
    """A whole scan, then a rescan saved as a layer on it (five issues changed)."""
    first = run_scan(demo_server, store, verify="metadata")
    data = demo_server.data
    holding = _holding(demo_server)
    for i in holding[:5]:
        demo_server.set_status(i, (data.issue_status[i] + 1) % 3)
    demo_server.delete_attachment(data.att_start[holding[6]])
    second = run_scan(demo_server, store, verify="metadata")
    assert store.layer(second.info.id) is not None
    return first, second


def test_a_whole_scan_and_a_layer_read_the_same_from_the_cache_as_from_the_table(
    demo_server, store
):
    first, second = _changed_layer(demo_server, store)
    whole, layer = store.scan_dir(first.info.id), store.scan_dir(second.info.id)
    assert (whole / CACHE).exists() and (layer / ROOT_CACHE).exists()
    assert not (layer / CACHE).exists()
    assert os.stat(whole / CACHE).st_ino == os.stat(layer / ROOT_CACHE).st_ino  # linked
    for folder in (whole, layer):
        cached, from_cache = _read(read_cached_records, folder)
        counted, from_table = _read(read_file_records, folder)
        assert cached is not None and cached == counted
        assert from_cache == from_table and len(from_cache) > 100
    # the layer holds the root's records but those it dropped (the deleted file), and its
    # delta's (the changed issues' files, under their ids)
    gone = demo_server.data.attachment_id(demo_server.data.att_start[_holding(demo_server)[6]])
    assert gone in {r.attachment_id for r in _read(read_cached_records, whole)[1]}
    assert gone not in {r.attachment_id for r in _read(read_cached_records, layer)[1]}


def test_a_cache_is_not_used_unless_it_is_its_tables_whole_sound_mirror(demo_server, store):
    first = run_scan(demo_server, store, verify="metadata")
    folder = store.scan_dir(first.info.id)
    path = folder / CACHE
    sound = path.read_bytes()
    assert _read(read_cached_records, folder)[0] is not None

    def refused(data: bytes) -> bool:
        path.write_bytes(data)
        return _read(read_cached_records, folder)[0] is None

    first_length = sound.index(b"\n") + 1  # (little-endian: its last byte is its highest)
    assert refused(sound[: first_length + 7] + b"\x7f" + sound[first_length + 8 :])
    middle = len(sound) // 2
    flipped = sound[:middle] + bytes([sound[middle] ^ 0x40]) + sound[middle + 1 :]
    assert refused(flipped)  # a chunk's bytes are not those it was written with
    assert refused(sound[: middle + 7])  # cut short
    assert refused(sound[:-10])  # its end cut
    other = sound.replace(b'"marshal":', b'"marshal":9', 1)
    assert refused(other)  # another marshal version (or Python, or fields)
    assert not refused(sound)
    # a table written anew (its size and time are not those the cache names)
    table = folder / "files.json"
    stat = table.stat()
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert refused(sound)
    os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not refused(sound)
    anew = folder / "files.anew"  # the same bytes and time, written anew (another inode)
    anew.write_bytes(table.read_bytes())
    os.utime(anew, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(anew, table)
    assert table.stat().st_mtime_ns == stat.st_mtime_ns
    assert refused(sound)
    table.unlink()
    assert refused(sound)


def test_a_cache_not_bound_leaves_no_file(tmp_path, monkeypatch):
    """A save that fails before its table is whole leaves no cache; a write that fails leaves
    none either, and never fails the save."""
    record = AttachmentRecord("1", "2", "A-1", "A", "a.txt", 3, "text/plain", "x", "", "", "", "")
    writer = RecordCacheWriter(tmp_path)
    writer.add(record)
    writer.close()
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(record_cache, "CHUNK", 1)
    writer = RecordCacheWriter(tmp_path)

    class Full:  # the disk is full from the first chunk on
        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    writer._handle = Full()
    writer.add(record)  # a chunk: its write fails, the cache is given up
    writer.add(record)
    table = tmp_path / "files.json"
    table.write_bytes(b"{}")
    writer.bind(table)
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files.json"]


def test_a_record_marshal_cannot_write_leaves_no_cache(tmp_path):
    class Odd(str):  # a text marshal does not know
        pass

    record = AttachmentRecord(
        "1", "2", "A-1", "A", Odd("a.txt"), 3, "text/plain", "x", "", "", "", ""
    )
    writer = RecordCacheWriter(tmp_path)
    writer.add(record)
    table = tmp_path / "files.json"
    table.write_bytes(b"{}")
    writer.bind(table)  # (no error: the save goes on)
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files.json"]


def test_an_issue_split_across_chunks_reads_the_same_as_from_the_table(
    demo_server, store, monkeypatch
):
    """Chunks of 7 records: issues' files fall in two chunks; the base read from the cache
    holds every one of them, as read from its file table."""
    from aa_tui.scan import base_read
    from aa_tui.scan.rescan import load_base

    monkeypatch.setattr(record_cache, "CHUNK", 7)
    first = run_scan(demo_server, store, verify="metadata")
    folder = store.scan_dir(first.info.id)
    assert _read(read_cached_records, folder)[0] is not None  # (the cache is read)
    read = []
    for cached in (True, False):
        if not cached:
            monkeypatch.setattr(base_read, "read_cached_records", lambda *args: None)
        base = load_base(store, first.info)
        read.append({i: sorted(map(str, base.kept(i))) for i in base.issues})
    assert read[0] == read[1]
    assert any(len(files) > 1 for files in read[0].values())


def test_an_issues_files_apart_in_the_cache_are_all_read_back(tmp_path, monkeypatch):
    """An issue whose files do not lie together (and so across chunks) keeps every one of
    them when its base is read back from the cache, as from the table."""
    import threading
    from datetime import datetime, timezone

    from aa_tui.scan import base_read
    from aa_tui.scan.save_files import save_files
    from aa_tui.store.store import Store

    monkeypatch.setattr(record_cache, "CHUNK", 2)
    records = [
        AttachmentRecord(str(n), f"{n % 3}", f"A-{n % 3}", "A", f"f{n}.txt", n, "text/plain",
                         "x", "2026-01-01T00:00:00.000+0000", "Done", "Done", "")
        for n in range(1, 10)
    ]  # fmt: skip
    store = Store(tmp_path / "data")
    save_files(store, "s1", list(records), [], datetime(2026, 2, 1, tzinfo=timezone.utc))
    got = []
    for cached in (True, False):
        if not cached:
            monkeypatch.setattr(base_read, "read_cached_records", lambda *args: None)
        by_issue = {i: i for i in ("0", "1", "2")}
        count = base_read.read_rows(store, "s1", by_issue, {}, threading.Event())
        got.append(
            (count, {i: sorted(r.attachment_id for r in kept) for i, kept in by_issue.items()})
        )
    assert (
        got[0] == got[1] == (9, {"0": ["3", "6", "9"], "1": ["1", "4", "7"], "2": ["2", "5", "8"]})
    )
