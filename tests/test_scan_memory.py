"""What keeps a scan's peak memory down, without changing a result (issue 17: under 700 MiB at
1,000,000 issues): the file table's issue look-up, the shared issue ids, glibc's threshold, the
files saved in one pass that lets each record go (rows spilled, not held), likely groups keyed
only where sizes repeat."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import tracemalloc
from datetime import datetime, timezone

import pytest

from aa_tui.analysis.insights import FileRows, build_insights, file_table
from aa_tui.model.file_table import ISSUE, FileTable
from aa_tui.model.insights import InsightSettings
from aa_tui.model.records import AttachmentRecord
from aa_tui.scan import save_files as save_files_module
from aa_tui.scan.likely import metadata_groups
from aa_tui.scan.save_files import save_files
from aa_tui.scan.shared_texts import share_texts
from aa_tui.store import file_rows as file_rows_module
from aa_tui.store.file_rows import RowSpill, write_file_rows
from aa_tui.store.scan_files import write_table_atomic
from aa_tui.store.store import Store


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


def test_saved_files_are_the_held_tables_bytes_and_count_the_same(tmp_path) -> None:
    """attachments.json and files.json written in one pass that lets each record go, and the
    insights counted from the rows read back, equal what the held records and table give,
    byte for byte and field for field; the largest files and the clutter's originals are what
    the rules say (biggest, then lowest id; a group's first original in the table's order)."""
    records = many_records(3_000)
    groups = metadata_groups(records)
    settings = InsightSettings(top=7, clutter_copies=3)
    held = file_table(records, groups)
    held_insights = build_insights(held, now=NOW, settings=settings)
    write_file_rows(tmp_path / "held", held)
    write_table_atomic(tmp_path / "held" / "attachments.json", records)
    store = Store(tmp_path / "store")
    taken = list(records)
    with monkeypatch_settings(settings):
        streamed = save_files(store, "s1", taken, groups, NOW)
    assert taken == []  # each record let go once written (but those the groups hold)
    saved = store.scan_dir("s1")
    for name in ("files.json", "attachments.json"):
        assert (saved / name).read_bytes() == (tmp_path / "held" / name).read_bytes()
    names = ["attachments.json", "files.json", "records.marshal"]  # (the cache: no spill left)
    assert sorted(p.name for p in saved.iterdir()) == names
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


class monkeypatch_settings:  # noqa: N801 - used as a context
    """build_insights as save_files calls it, with ``settings``."""

    def __init__(self, settings: InsightSettings) -> None:
        self.settings = settings

    def __enter__(self) -> None:
        self.saved = save_files_module.build_insights
        settings = self.settings

        def build(table, *, now, rows):
            return self.saved(table, now=now, rows=rows, settings=settings)

        save_files_module.build_insights = build

    def __exit__(self, *_: object) -> None:
        save_files_module.build_insights = self.saved


def test_a_pass_stopped_part_way_leaves_no_file(tmp_path, monkeypatch) -> None:
    """A scan's files are written atomically: a pass that fails part-way leaves neither
    attachments.json nor files.json, nor a temporary file; one that fails while files.json
    is written leaves attachments.json whole and no files.json."""
    made = []
    row = FileRows.row

    def failing(self, record):
        if len(made) == 700:
            raise RuntimeError("stopped")
        made.append(record)
        return row(self, record)

    with monkeypatch.context() as patch:
        patch.setattr(FileRows, "row", failing)
        store = Store(tmp_path / "a")
        with pytest.raises(RuntimeError):
            save_files(store, "s1", many_records(1_000), [], NOW)
        assert list(store.scan_dir("s1").iterdir()) == []

    def copy_part(source, target, length):
        target.write(source.read(1000))
        raise OSError("disk full")

    monkeypatch.setattr(file_rows_module.shutil, "copyfileobj", copy_part)
    store = Store(tmp_path / "b")
    with pytest.raises(OSError):
        save_files(store, "s1", many_records(1_000), [], NOW)
    assert [p.name for p in store.scan_dir("s1").iterdir()] == ["attachments.json"]


def test_saving_lets_each_record_go_and_holds_no_row(tmp_path, monkeypatch) -> None:
    """Saving 10,000 files ends holding far less than their records (~0.5 KiB each), and
    at no moment holds their rows: a traced peak well under that of the same pass keeping
    the rows it makes (~0.13 KiB a file). (Their rows, ~1.2 MB, are still read back in
    several blocks; 30,000 took ~10 s under tracemalloc and told the passes apart no better:
    the margin is ~0.4 KiB a file either way.)"""

    files = 10_000

    def run(keep_rows: bool) -> tuple[int, int, int]:
        kept: list[list] = []
        if keep_rows:
            add = RowSpill.add
            monkeypatch.setattr(RowSpill, "add", lambda self, r: (kept.append(r), add(self, r)))
        tracemalloc.start()
        try:
            records = [
                AttachmentRecord(str(10**6 + n), str(n // 2), f"P-{n // 2}", "P",
                                 f"file {n}.bin", 1000 + n, "x", "Ann",
                                 f"2025-01-01T00:00:{n % 60:02d}.{n % 1000:03d}+0000",
                                 "Open", "To Do", "2025-01-01T00:00:00.000+0000")
                for n in range(files)
            ]  # fmt: skip
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            save_files(Store(tmp_path / str(keep_rows)), "s", records, [], NOW)
            after, peak = tracemalloc.get_traced_memory()
            return before, after, peak
        finally:
            tracemalloc.stop()
            monkeypatch.undo()

    before, after, peak = run(keep_rows=False)
    assert after < before / 3  # the records are gone
    _, _, held_peak = run(keep_rows=True)
    assert held_peak > peak + files * 100  # the test tells holding rows apart


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
