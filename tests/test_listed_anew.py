"""Which ids of a page the listing holds anew (journaled, kept for the next rescan), without
a set of every listed id: each id once, an earlier run's listing kept, ids asked for early
listed when a page holds them, and those no page held dropped."""

from __future__ import annotations

from aa_tui.model.records import AttachmentRecord
from aa_tui.scan.details import drop_unlisted, listed_anew


def test_each_id_is_listed_once_across_pages_and_runs() -> None:
    prior = {"1", "2"}  # listed by an earlier run of this scan
    done = {"1"}  # read by it
    queued = {"7"}  # asked for early (changed), before any page held it
    unlisted = (done | queued) - prior
    assert listed_anew(["1", "2", "3", "7"], prior, unlisted, done, queued) == ["3", "7"]
    assert unlisted == set()
    queued.add("3")  # the engine asks for the page's new ids
    assert listed_anew(["3", "4", "7"], prior, unlisted, done, queued) == ["4"]


def test_an_id_read_early_that_no_page_holds_is_dropped_with_its_files() -> None:
    done, queued = {"8", "9"}, {"8", "9"}
    unlisted = set(done)
    assert listed_anew(["9"], set(), unlisted, done, queued) == ["9"]
    records = {"a8": _record("8"), "a9": _record("9")}
    unread = {"8"}
    drop_unlisted(records, done, unread, unlisted)
    assert set(records) == {"a9"} and done == {"9"} and unread == set()


def _record(issue_id: str) -> AttachmentRecord:
    return AttachmentRecord(
        f"a{issue_id}", issue_id, f"P-{issue_id}", "P", "f", 1, "text/plain", "Ann",
        "2026-01-01T00:00:00.000+0000", "Open", "To Do", "2026-01-01T00:00:00.000+0000",
    )  # fmt: skip
