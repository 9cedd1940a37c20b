"""What keeps a scan's peak memory down, without changing a result (issue 17: under 700 MiB at
1,000,000 issues): the file table's issue look-up, the shared issue ids, glibc's threshold."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import tracemalloc
from datetime import datetime, timezone

import pytest

from aa_tui.analysis.insights import build_insights, file_table, file_table_stream
from aa_tui.model.file_table import ISSUE, FileTable
from aa_tui.model.insights import InsightSettings
from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.likely import metadata_groups
from aa_tui.scan.shared_texts import share_texts
from aa_tui.store.file_rows import write_file_rows, writing_file_rows


def issue(key: str, status: str = "Open", updated: str = "2026-01-01T00:00:00.000+0000"):
    return (key, key.split("-")[0], status, "To Do", updated)


def test_the_file_table_keeps_one_row_per_issue_with_exactly_its_values() -> None:
    """Looked up by key, an issue is shared only when every value is equal: the same key
    with another status or update (a rescan's base beside a fetched issue) is a row of its
    own, and each later file finds its own row again, as a look-up by all values did."""
    table = FileTable()
    person = ("Ann", "acc-1", True)
    added = [
        issue("P-1"),
        issue("P-2"),
        issue("P-1", status="Done"),
        issue("P-1"),
        issue("P-1", updated="2026-02-01T00:00:00.000+0000"),
        issue("P-1", status="Done"),
        issue("Q-1"),
    ]
    for n, values in enumerate(added):
        table.add(str(n), values, "f.txt", 1, "text/plain", person, "2026-01-01")
    assert [r[ISSUE] for r in table.rows] == [0, 1, 2, 0, 3, 2, 4]
    firsts = [added[n] for n in (0, 1, 2, 4, 6)]
    assert [tuple(i[:5]) for i in table.issues] == firsts
    table.seal()
    assert table.issues[2][:5] == list(added[2])


def record(issue_id: str) -> AttachmentRecord:
    return AttachmentRecord(
        "10", issue_id, "P-1", "P", "f.txt", 1, "text/plain", "Ann", "2026-01-01", "Open",
        "To Do", "2026-01-01",
    )  # fmt: skip


def test_a_records_issue_id_is_the_listings_text_when_equal() -> None:
    listed = "".join(["100", "01"])  # a text object of its own, equal to the record's
    r = record("10001")
    assert r.issue_id is not listed
    share_texts(r, {}, listed)
    assert r.issue_id is listed
    other = record("10002")
    share_texts(other, {}, listed)  # not its issue: left as it is
    assert other.issue_id == "10002"
    kept = record("10003")
    before = kept.issue_id
    share_texts(kept, {})
    assert kept.issue_id is before


HELD_MIB = """
import ctypes, sys
from aa_tui.memory import return_large_blocks
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.free(libc.malloc(8 << 20))  # freed, it raises glibc's threshold to 8 MiB
if sys.argv[1] == "on":
    return_large_blocks()
before = rss()
big, small = [], []
for _ in range(100):  # ~1 MiB answers, a kept object after each (as a record's texts)
    big.append(bytearray(1 << 20))
    small.append(bytearray(1024))  # from glibc's heap too (over 512 bytes)
del big
print(rss() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_large_blocks_freed_go_back_to_the_system() -> None:
    """After ``return_large_blocks`` a freed ~1 MiB block is memory the process no longer
    holds, even with small objects kept after it; glibc's default would keep ~100 MiB."""

    def held(mode: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(HELD_MIB), mode],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return float(out.stdout.strip())

    assert held("off") > 80  # what the default does: the test can tell the two apart
    assert held("on") < 20


# -- the file table streamed while it is written and counted -----------------------------------
NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)


def many_records(n: int, seed: int = 5) -> list[AttachmentRecord]:
    """Files of ~n/3 issues: sizes that tie, names that repeat (case aside), zero bytes, old and
    new updates, departed uploaders; shuffled, so a group's copy may come before its original."""
    rng = random.Random(seed)
    out = []
    for n_ in range(n):
        issue = rng.randrange(n // 3 + 1)
        project = "PQR"[issue % 3]
        updated = f"20{16 + issue % 10}-0{1 + issue % 9}-15T10:00:00.000+0000"
        out.append(
            AttachmentRecord(
                str(10_000 + n_), str(issue), f"{project}-{issue}", project,
                rng.choice(["a.PNG", "a.png", "b.log", "c.tmp", "d.pdf", f"e{n_}.bin"]),
                rng.choice([0, 10, 10, 2048, 2048, 5_000_000, n_]),
                "image/png", rng.choice(["Ann", "Bob", "Cy"]),
                f"20{15 + n_ % 11}-0{1 + n_ % 9}-01T00:00:00.000+0000",
                "Done" if issue % 2 else "Open", "Done" if issue % 2 else "To Do", updated,
                author_id=rng.choice(["a", "b", "c"]), author_active=rng.choice([True, False, None]),
            )
        )  # fmt: skip
    rng.shuffle(out)
    return out


def test_the_streamed_file_table_is_the_held_one_and_counts_the_same(tmp_path) -> None:
    """files.json written as its rows are made, and the insights counted from that one
    stream, equal the held table's file and insights byte for byte and field for field; the
    largest files and the clutter's originals are what the rules say (biggest, then lowest id;
    a group's first original file, by the table's order)."""
    records = many_records(3_000)
    groups = metadata_groups(records)
    settings = InsightSettings(top=7, clutter_copies=3)
    held = file_table(records, groups)
    held_insights = build_insights(held, now=NOW, settings=settings)
    write_file_rows(tmp_path / "held", held)
    table, rows = file_table_stream(records, groups)
    assert table.rows == []  # the rows are made as they are read, not held
    streamed = build_insights(
        table,
        now=NOW,
        settings=settings,
        rows=writing_file_rows(tmp_path / "streamed", table, rows),
    )
    assert (tmp_path / "streamed" / "files.json").read_bytes() == (
        tmp_path / "held" / "files.json"
    ).read_bytes()
    assert streamed == held_insights
    files = held.files()
    biggest = sorted(files, key=lambda f: (-f.size, f.attachment_id))[:7]
    assert streamed.largest == biggest
    clutter = streamed.tables["clutter"]
    assert clutter and all(c.copies >= 3 for c in clutter)
    for row in clutter:
        members = [f for f in files if f.hash == row.hash]
        first = next((f for f in members if not f.is_copy), members[0])
        assert (row.file_name, row.size, row.copies) == (first.file_name, first.size, len(members))
        assert row.issues == len({(f.issue_key, f.status, f.issue_updated) for f in members})
    # a group whose first file in the table's order is a copy: its original is named
    assert any(next(f for f in files if f.hash == c.hash).is_copy for c in clutter)


def test_a_file_table_stream_left_before_its_end_leaves_no_file(tmp_path) -> None:
    records = many_records(1_000)
    table, rows = file_table_stream(records, [])
    stream = writing_file_rows(tmp_path, table, rows)
    for _, _ in zip(range(300), stream, strict=False):
        pass
    stream.close()
    assert list(tmp_path.iterdir()) == []  # neither files.json nor its temporary file


def test_streamed_rows_are_not_held_while_written_and_counted(tmp_path) -> None:
    """Counting and writing the stream holds a few rows at a time: a traced peak well under
    what the same work holds when the rows are kept (~0.13 KiB a file)."""
    records = many_records(30_000)
    groups = metadata_groups(records)

    def peak(keep: bool) -> int:
        table, rows = file_table_stream(records, groups)
        tracemalloc.start()
        try:
            made = list(rows) if keep else rows
            build_insights(
                table, now=NOW, rows=writing_file_rows(tmp_path / str(keep), table, made)
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    held, streamed = peak(True), peak(False)
    assert held > 30_000 * 100  # the test tells the two apart
    assert streamed < held / 2


def test_likely_groups_give_no_key_to_a_file_whose_size_is_its_own() -> None:
    """Grouping by size first: 50,000 files of sizes of their own make no key, name or list
    each (~0.2 KiB a file, ~10 MB here, freed among what the scan keeps)."""
    records = [
        AttachmentRecord(str(n), "1", "P-1", "P", f"f{n}.bin", 1000 + n, "x", "Ann",
                         "2025-01-01T00:00:00.000+0000", "Open", "To Do", "2025-01-01")
        for n in range(50_000)
    ]  # fmt: skip
    tracemalloc.start()
    try:
        assert metadata_groups(records) == []
        _, traced = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert traced < 2_000_000
