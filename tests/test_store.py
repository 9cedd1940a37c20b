"""The store on a real temp dir: round trips, atomic files, damaged files, journal."""

from __future__ import annotations

import os
import stat

import orjson
import pytest

from aa_tui.scan.records import Scope
from aa_tui.store.journal import Journal, read_journal
from aa_tui.store.store import Profile, ScanInfo, Store, StoreError


def info(scan_id="s1", status="running", **kw):
    return ScanInfo(
        id=scan_id,
        site="https://a.atlassian.net",
        email="e@x",
        scope=Scope(("OPS",)),
        status=status,
        started_at="2026-01-01T00:00:00+00:00",
        **kw,
    )


def test_scans_and_profiles_round_trip(tmp_path):
    store = Store(tmp_path)
    store.save_scan(info())
    store.save_profile(Profile("https://a.atlassian.net", "e@x"))
    store.close()
    again = Store(tmp_path)
    assert again.get_scan("s1").scope == Scope(("OPS",))
    assert [p.email for p in again.list_profiles()] == ["e@x"]
    again.delete_profile("https://a.atlassian.net", "e@x")
    assert again.list_profiles() == []


def test_results_round_trip_and_files_are_private(tmp_path):
    store = Store(tmp_path)
    store.save_scan(info())
    store.save_results(
        "s1", {"totals": {"x": 1}}, [{"hash": "h", "size": 3}], [{"attachment_id": "1"}]
    )
    assert store.load_summary("s1") == {"totals": {"x": 1}}
    assert store.load_groups("s1") == [{"hash": "h", "size": 3}]
    assert store.load_attachments("s1") == [{"attachment_id": "1"}]
    for path in [store.index_path, *store.scan_dir("s1").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    journal = store.open_journal("s2")
    journal.close()
    for folder in (store.scans_dir, store.scan_dir("s1"), store.scan_dir("s2")):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    leftovers = [p for p in tmp_path.rglob("*.tmp")]
    assert leftovers == []


def test_resumable_scan_is_found_by_site_scope_and_verify(tmp_path):
    store = Store(tmp_path)
    store.save_scan(info())
    journal = store.open_journal("s1")
    journal.append("ids", ids=["1"])
    journal.close()
    assert store.find_resumable("https://a.atlassian.net", Scope(("OPS",)), "exact").id == "s1"
    assert store.find_resumable("https://a.atlassian.net", Scope(), "exact") is None
    assert store.find_resumable("https://a.atlassian.net", Scope(("OPS",)), "metadata") is None


@pytest.mark.parametrize("damage", [b'{"scans": {"1": {"id": ', b"not json at all", b"[1, 2]"])
def test_damaged_index_is_kept_aside_with_a_clear_warning(tmp_path, damage):
    (tmp_path / "aa-tui.json").write_bytes(damage)
    store = Store(tmp_path)
    assert len(store.warnings) == 1
    assert "aa-tui.json" in store.warnings[0] and "moved aside" in store.warnings[0]
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == damage
    assert store.list_scans() == []


def test_unknown_schema_version_is_refused_and_left_untouched(tmp_path):
    content = orjson.dumps({"meta": {"1": {"schema": 99}}})
    (tmp_path / "aa-tui.json").write_bytes(content)
    with pytest.raises(StoreError, match="schema version 99"):
        Store(tmp_path)
    assert (tmp_path / "aa-tui.json").read_bytes() == content


def test_damaged_results_file_gives_a_clear_error(tmp_path):
    store = Store(tmp_path)
    store.save_results("s1", {"a": 1}, [], [])
    (store.scan_dir("s1") / "groups.json").write_bytes(b'{"_default": {"1": ')
    with pytest.raises(StoreError, match="groups.json"):
        store.load_groups("s1")


def test_journal_ignores_a_torn_last_line_and_repairs_it(tmp_path):
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.append("ids", ids=["1", "2"])
    journal.close()
    with open(path, "ab") as handle:
        handle.write(b'{"k": "ids", "ids": ["3"')  # a crash mid-write
    assert [e["ids"] for e in read_journal(path)] == [["1", "2"]]
    journal = Journal(path)
    journal.append("ids", ids=["4"])
    journal.close()
    assert [e["ids"] for e in read_journal(path)] == [["1", "2"], ["4"]]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
