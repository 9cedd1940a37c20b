"""The listing's ids are journaled a few entries per listing, not one per page: the first
page's at once, then IDS_PER_ENTRY at a time, the rest before the ``enumerated`` entry; read
back, the journal gives every id in the listing's order."""

from __future__ import annotations

from aa_tui.scan import checkpoint
from aa_tui.scan.checkpoint import Checkpoint, SerialJournal
from aa_tui.store.journal import Journal, read_journal


def test_listed_ids_are_journaled_in_few_entries_and_read_back_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "IDS_PER_ENTRY", 10)
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    serial = SerialJournal(journal)
    pages = [[str(n) for n in range(k * 4, k * 4 + 4)] for k in range(5)]
    sizes = []
    for page in pages:
        serial.listed(page)
        sizes.append([len(e["ids"]) for e in read_journal(path) if e["k"] == "ids"])
    # the first page at once; then nothing until 10 are waiting (12 after 3 more pages)
    assert sizes == [[4], [4], [4], [4, 12], [4, 12]]
    serial.append("issues", ids=["0"], records=[], not_visible=0, skipped=0, missing=[])
    serial.end_listing(["a note"])
    journal.close()
    entries = list(read_journal(path))
    assert [e["k"] for e in entries] == ["ids", "ids", "issues", "ids", "enumerated"]
    state = Checkpoint.replay(entries)
    assert state.ids == [i for page in pages for i in page]
    assert state.enumerated and state.notes == ["a note"]


def test_a_listing_killed_before_its_end_keeps_its_first_page(tmp_path):
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    serial = SerialJournal(journal)
    serial.listed(["1", "2"])
    serial.listed(["3"])
    journal.close()  # killed here: the journal says the listing began, not that it ended
    state = Checkpoint.replay(read_journal(path))
    assert state.ids == ["1", "2"] and not state.enumerated
