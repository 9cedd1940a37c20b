"""Narrow unit tests of the Data Center pieces that need no site: wiki markup, id-range JQL,
and the hashing where each read is a request (an in-memory reader counts the reads)."""

from __future__ import annotations

import hashlib
import os

import pytest

from aa_tui.jira.datacenter.search import id_range_pages, page_jql, scope_of
from aa_tui.jira.datacenter.wiki import to_wiki, wiki_text
from aa_tui.jira.document import Bullets, Document, Paragraph, Text
from aa_tui.scan.staged import HEAD_BYTES, StagedHasher
from aa_tui.scan.whole_read import WholeFile
from tests.test_staged import MemoryReader, build


def test_wiki_markup_escapes_effects_and_gives_back_the_plain_text():
    doc = Document(
        (
            Paragraph((Text("aa-tui removed 2 files [plan *x_1*] {code} | !img!"),)),
            Bullets(
                (
                    Paragraph(
                        (Text("report_v2.pdf"), Text(" 1.2 MB "), Text("where", "https://h/a b"))
                    ),
                    Paragraph((Text("# not a numbered list"),)),
                )
            ),
        )
    )
    wiki = to_wiki(doc)
    assert "\\*x\\_1\\*" in wiki and "\\[plan" in wiki and "\\{code\\}" in wiki
    assert "[where|https://h/a%20b]" in wiki
    assert "* report\\_v2.pdf" in wiki
    assert wiki_text(wiki) == doc.plain


@pytest.mark.parametrize(
    ("jql", "scope"),
    [
        ("attachments IS NOT EMPTY ORDER BY id ASC", "attachments IS NOT EMPTY"),
        ('summary ~ "order by x" ORDER BY created DESC', 'summary ~ "order by x"'),
        ("project = A", "project = A"),
    ],
)
def test_the_scope_loses_its_order_and_pages_start_after_the_last_id(jql, scope):
    assert scope_of(jql) == scope
    assert page_jql(scope, None) == f"({scope}) ORDER BY id ASC"
    assert page_jql(scope, 41) == f"({scope}) AND id > 41 ORDER BY id ASC"


def test_id_range_paging_reads_every_id_past_any_depth_and_stops_on_a_repeat():
    ids = list(range(10_001, 35_001))
    asked: list[str] = []

    def fetch(jql: str):
        asked.append(jql)
        after = int(jql.split("id > ")[1].split()[0]) if "id > " in jql else 0
        page = [i for i in ids if i > after][:1000]
        return {
            "startAt": 0,
            "maxResults": 1000,
            "total": len([i for i in ids if i > after]),
            "issues": [{"id": str(i)} for i in page],
        }

    got = [i for page in id_range_pages(fetch, "x ORDER BY id ASC") for i in page]
    assert got == [str(i) for i in ids] and len(asked) == 25

    notes: list[str] = []
    stuck = list(id_range_pages(lambda jql: {"issues": [{"id": 5}], "total": 9}, "x", notes))
    assert stuck == [["5"]] and "already given" in notes[0]


def test_a_whole_read_gives_the_head_tail_and_full_digests_of_a_staged_read():
    data = os.urandom(50_000)
    whole = WholeFile(len(data), 4096, 4096)
    for at in range(0, len(data), 7_777):
        whole(data[at : at + 7_777])
    head, tail, full = whole.digests()
    assert head == hashlib.sha256(data[:4096]).hexdigest()
    assert tail == hashlib.sha256(data[-4096:]).hexdigest()
    assert full == hashlib.sha256(data).hexdigest()


def test_where_reads_are_requests_each_candidate_costs_one_read_and_groups_are_the_same():
    base, big = os.urandom(60_000), os.urandom(3 * 1024 * 1024)
    blobs = {
        "1": base,
        "2": base,
        "3": base[:-1] + b"\0",  # a copy and a same-head trap
        "4": big,
        "5": big,
        "6": os.urandom(len(big)),  # big: head first, full if it matches
        "7": os.urandom(999),  # unique size: never read
    }
    staged, whole = MemoryReader(blobs), MemoryReader(blobs)
    expected = StagedHasher(staged, workers=2).find_groups(build(blobs))
    got = StagedHasher(whole, workers=2, whole_up_to=2 * 1024 * 1024).find_groups(build(blobs))
    assert [(g.hash, [r.attachment_id for r in g.locations]) for g in got] == [
        (g.hash, [r.attachment_id for r in g.locations]) for g in expected
    ]
    reads: dict[str, int] = {}
    for aid, _start, _end in whole.calls:
        reads[aid] = reads.get(aid, 0) + 1
    # small candidates: one read each; big ones: a head, then a full read for the two alike
    assert reads == {"1": 1, "2": 1, "3": 1, "4": 2, "5": 2, "6": 1}
    assert all(end == len(big) - 1 for aid, start, end in whole.calls if aid in "45" and start)
    assert len(staged.calls) > len(whole.calls)
    assert len(base) > HEAD_BYTES


def test_cloud_plans_hold_what_would_move_after_each_step():
    from aa_tui.model.cloud_plans import migration_rows, migration_sentence, smallest_plan
    from aa_tui.model.insights import WhatIfRow

    assert smallest_plan(2 * 10**9) == "Free"
    assert smallest_plan(2 * 10**9 + 1) == "Standard"
    assert smallest_plan(250 * 10**9 + 1) == "Premium or Enterprise"
    rows = migration_rows(
        [
            WhatIfRow("as it is", 0, 0, 0, 300 * 10**9),
            WhatIfRow("duplicates", 10, 40 * 10**9, 40 * 10**9, 260 * 10**9),
            WhatIfRow("+ stale files", 10, 20 * 10**9, 60 * 10**9, 240 * 10**9),
        ]
    )
    assert [r.plan for r in rows] == ["Premium or Enterprise", "Premium or Enterprise", "Standard"]
    assert migration_sentence(rows) == (
        "As it is, 300.0 GB of attachments would move to Jira Cloud (Premium or Enterprise "
        "holds it: over Standard's 250 GB cap). After stale files, 240.0 GB: Standard holds it."
    )
    assert [r.share_text for r in rows] == ["120%", "104%", "96%"]


def test_a_small_share_of_standards_cap_is_not_zero():
    """A 1 GB site is 0.4% of Standard's 250 GB: "<1%", not "0%" (which reads as nothing)."""
    from aa_tui.model.cloud_plans import migration_rows
    from aa_tui.model.insights import WhatIfRow

    rows = migration_rows(
        [WhatIfRow("as it is", 0, 0, 0, 10**9), WhatIfRow("duplicates", 0, 10**9, 10**9, 0)]
    )
    assert [r.share_text for r in rows] == ["<1%", "0%"]
