"""Unit tests of the staged grouping with an in-memory reader (narrow: no HTTP here)."""

from __future__ import annotations

import hashlib
import os
import threading

from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.likely import metadata_groups
from aa_tui.scan.staged import HEAD_BYTES, TAIL_BYTES, HashBook, StagedHasher


def record(aid: str, size: int, name: str = "f.bin", created: str = "2025-01-01T00:00:00.000+0000"):
    return AttachmentRecord(
        attachment_id=aid,
        issue_id="1",
        issue_key="A-1",
        project_key="A",
        file_name=name,
        size=size,
        mime_type="application/octet-stream",
        author="x",
        created=created,
        status="Open",
        status_category="To Do",
        issue_updated=created,
    )


class MemoryReader:
    def __init__(self, blobs: dict[str, bytes]) -> None:
        self.blobs = blobs
        self.calls: list[tuple[str, int, int | None]] = []
        self.lock = threading.Lock()

    def __call__(self, aid, start, end, sink):
        with self.lock:
            self.calls.append((aid, start, end))
        data = self.blobs[aid][start : None if end is None else end + 1]
        sink(data)
        return len(data)


def build(blobs: dict[str, bytes], names: dict[str, str] | None = None):
    names = names or {}
    return [record(aid, len(b), names.get(aid, "f.bin")) for aid, b in blobs.items()]


def test_traps_are_split_and_copies_found():
    base = os.urandom(50_000)
    blobs = {
        "1": base,
        "2": base,  # copy
        "3": base[:-1] + bytes([base[-1] ^ 1]),  # same head, other tail
        "4": bytes([base[0] ^ 1]) + base[1:],  # same tail, other head
        "5": base[:25_000] + bytes([base[25_000] ^ 1]) + base[25_001:],  # only the middle differs
        "6": os.urandom(50_000),  # same size, other bytes
        "7": os.urandom(1234),  # unique size: never read
        "8": b"",
        "9": b"",
    }
    reader = MemoryReader(blobs)
    groups = StagedHasher(reader, workers=4).find_groups(build(blobs))
    assert [sorted(a.attachment_id for a in g.locations) for g in groups] == [["1", "2"]]
    assert groups[0].hash == "sha256:" + hashlib.sha256(base).hexdigest()
    read_ids = {c[0] for c in reader.calls}
    assert "7" not in read_ids and "8" not in read_ids and "9" not in read_ids
    # Full reads only for the files that survived head and tail: 1, 2 and the middle trap 5.
    full_reads = {aid for aid, start, _ in reader.calls if start == HEAD_BYTES}
    assert full_reads == {"1", "2", "5"}


def test_small_files_cost_no_third_read():
    small = os.urandom(HEAD_BYTES // 2)
    medium = os.urandom(HEAD_BYTES + TAIL_BYTES - 10)
    blobs = {"1": small, "2": small, "3": medium, "4": medium, "5": os.urandom(len(medium))}
    reader = MemoryReader(blobs)
    hasher = StagedHasher(reader, workers=2)
    groups = hasher.find_groups(build(blobs))
    assert sorted(sorted(a.attachment_id for a in g.locations) for g in groups) == [
        ["1", "2"],
        ["3", "4"],
    ]
    assert hasher.reports["full"].bytes_read == 0
    # Everything of the four copies, plus only the head of "5" (its head already differs).
    expected = 2 * len(small) + 2 * len(medium) + HEAD_BYTES
    assert sum(r.bytes_read for r in hasher.reports.values()) == expected


def test_canonical_is_oldest_then_lowest_id():
    data = os.urandom(9000)
    records = [
        record("30", 9000, created="2025-05-01T00:00:00.000+0000"),
        record("20", 9000, created="2024-05-01T00:00:00.000+0200"),
        record("10", 9000, created="2024-05-01T00:00:00.000+0200"),
    ]
    reader = MemoryReader({"10": data, "20": data, "30": data})
    (group,) = StagedHasher(reader).find_groups(records)
    assert [a.attachment_id for a in group.locations] == ["10", "20", "30"]
    assert group.wasted_size == 2 * 9000


def test_resume_reuses_known_hashes():
    data = os.urandom(20_000)
    blobs = {"1": data, "2": data, "3": os.urandom(20_000)}
    first = MemoryReader(blobs)
    book = HashBook()
    StagedHasher(first, book=book).find_groups(build(blobs))
    again = MemoryReader(blobs)
    groups = StagedHasher(again, book=book).find_groups(build(blobs))
    assert again.calls == []
    assert len(groups) == 1


def test_unreadable_files_are_excluded():
    from aa_tui.jira.errors import RequestRejected

    data = os.urandom(8000)
    blobs = {"1": data, "2": data, "3": data}

    def reader(aid, start, end, sink):
        if aid == "3":
            raise RequestRejected("gone", 404)
        return MemoryReader(blobs)(aid, start, end, sink)

    hasher = StagedHasher(reader)
    (group,) = hasher.find_groups(build(blobs))
    assert sorted(a.attachment_id for a in group.locations) == ["1", "2"]
    assert hasher.book.unreadable == {"3": "HTTP 404"}


def test_metadata_mode_groups_by_size_and_name_and_says_likely():
    blobs = {"1": b"a" * 10, "2": b"b" * 10, "3": b"c" * 10}
    groups = metadata_groups(build(blobs, {"1": "A.txt", "2": "a.TXT", "3": "other.txt"}))
    assert len(groups) == 1 and groups[0].likely and groups[0].copies == 2


def test_an_unreadable_file_answering_first_does_not_abort_the_batch():
    """A 403 that arrives while other reads are still running is an answer, not a failure."""
    import time

    from aa_tui.jira.errors import RequestRejected

    data = os.urandom(9000)
    blobs = {str(i): data for i in range(1, 9)}
    memory = MemoryReader(blobs)

    def reader(aid, start, end, sink):
        if aid == "1":
            raise RequestRejected("forbidden", 403)
        time.sleep(0.05)
        return memory(aid, start, end, sink)

    hasher = StagedHasher(reader, workers=4)
    (group,) = hasher.find_groups(build(blobs))
    assert group.copies == 7 and hasher.book.unreadable == {"1": "HTTP 403"}


def test_running_tally_reaches_the_final_groups_and_waste():
    a, b = os.urandom(20_000), os.urandom(30_000)
    blobs = {"1": a, "2": a, "3": a, "4": b, "5": b, "6": os.urandom(30_000)}
    seen: list[tuple[int, int]] = []
    hasher = StagedHasher(MemoryReader(blobs), batch_size=1)
    hasher.on_progress = lambda progress: seen.append((hasher.tally.groups, hasher.tally.wasted))
    groups = hasher.find_groups(build(blobs))
    assert (hasher.tally.groups, hasher.tally.wasted) == (2, 2 * 20_000 + 30_000)
    assert sum(g.wasted_size for g in groups) == hasher.tally.wasted
    assert seen[0] == (0, 0) and seen[-1] == (2, 70_000)
    assert len(set(seen)) > 2  # it grew as the full stage went, not all at the end


def test_each_size_group_is_read_through_before_later_groups():
    """Head, tail and full of a size group come before the heads of later groups (its media
    links are still young), biggest sizes first."""
    blobs = {}
    for n in range(10):
        data = os.urandom(10_000 + n)
        blobs[f"{n}a"], blobs[f"{n}b"] = data, data
    reader = MemoryReader(blobs)
    groups = StagedHasher(reader, workers=1).find_groups(build(blobs))
    assert len(groups) == 10
    order = [(aid, start) for aid, start, _ in reader.calls]
    first_full = order.index(("9a", HEAD_BYTES))  # the biggest size goes first
    assert first_full < order.index(("8a", 0)) < order.index(("0a", 0))
    assert len(reader.calls) == 10 * 2 * 3


def test_no_batch_waits_for_a_slow_read():
    """One read takes long: the pool goes on with the others and checkpoints them meanwhile."""
    import time

    blobs = {str(i): os.urandom(5000) for i in range(30)}
    blobs["slow"] = os.urandom(9000)
    blobs["slow-copy"] = blobs["slow"]
    memory = MemoryReader(blobs)
    slow_done = threading.Event()
    checkpoints_before_slow: list[int] = []

    def reader(aid, start, end, sink):
        if aid == "slow" and start == 0:
            time.sleep(0.6)
            slow_done.set()
        return memory(aid, start, end, sink)

    def on_hashes(stage, hashes, unreadable):
        if not slow_done.is_set():
            checkpoints_before_slow.append(len(hashes))

    hasher = StagedHasher(reader, workers=2, on_hashes=on_hashes, batch_size=4)
    (group,) = hasher.find_groups(build(blobs))
    assert group.copies == 2
    # the 30 other heads were read and checkpointed while the slow one was still running
    assert sum(checkpoints_before_slow) >= 30


def test_the_reads_work_is_counted_in_bytes_across_the_stages():
    """The stages overlap, so the reads' work is one count in bytes: at first every candidate
    may cost its head, tail and full reads; a file that stops matching no longer can. The
    share done only grows, and at the end the work left is 0 and the work done is what the
    reads took."""
    big, mid = os.urandom(900_000), os.urandom(60_000)
    blobs = {"b1": big, "b2": big, "m1": mid, "m2": mid, "m3": mid, "u": os.urandom(60_000)}
    blobs |= {f"s{i}": b"x" * 9000 for i in range(6)}  # small, all alike, past both probes
    events = []
    reader = MemoryReader(blobs)
    hasher = StagedHasher(reader, workers=3, on_progress=events.append)
    groups = hasher.find_groups(build(blobs))
    assert sorted(g.copies for g in groups) == [2, 3, 6]
    # in reads: 3 per file read to the end, 1 for "u"; at the end, every one was made
    assert events[0].reads_left == 3 * 11 + 3 and events[-1].reads_left == 0
    assert events[-1].reads_done == len(reader.calls) == 3 * 11 + 1
    # a file read to the end costs its head, its tail and the rest after the head
    whole = {aid: len(b) + TAIL_BYTES for aid, b in blobs.items()}
    first, last = events[0], events[-1]
    assert first.work_done == 0 and first.work_left == sum(whole.values())
    shares = [e.work_done / (e.work_done + e.work_left) for e in events]
    assert shares == sorted(shares) and shares[-1] == 1.0
    # "u" differs from the "m" files in its head: it cost its head only
    assert last.work_left == 0
    assert last.work_done == sum(whole.values()) - whole["u"] + HEAD_BYTES
    assert last.work_done == last.bytes_read
