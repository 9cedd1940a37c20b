"""What keeps a scan's peak memory down, without changing a result (issue 17: under 700 MiB at
1,000,000 issues): the file table's issue look-up, the shared issue ids, glibc's threshold."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from aa_tui.model.file_table import ISSUE, FileTable
from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.shared_texts import share_texts


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
