"""The store on a real temp dir: round trips, atomic files, damaged files, journal."""

from __future__ import annotations

import os
import stat

import orjson
import pytest

from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile, ScanInfo
from aa_tui.store.journal import Journal, read_journal
from aa_tui.store.store import Store, StoreError


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


def test_of_scans_started_in_the_same_second_the_one_saved_last_lists_first(tmp_path):
    store = Store(tmp_path)
    for scan_id in ("b-first", "a-second", "c-third"):
        store.save_scan(info(scan_id))
    later = info("d-later")
    later.started_at = "2026-01-01T00:00:01+00:00"
    store.save_scan(later)
    store.save_scan(info("b-first", status="complete"))  # saved again: keeps its place
    assert [s.id for s in store.list_scans()] == ["d-later", "c-third", "a-second", "b-first"]


def test_the_results_of_a_deleted_scan_say_it_was_deleted(tmp_path):
    store = Store(tmp_path)
    store.save_scan(info("s1"))
    with pytest.raises(StoreError, match="has no saved results .it did not finish"):
        store.results("s1")
    store.delete_scan("s1")
    with pytest.raises(StoreError, match="s1 is no longer in the store: it was deleted"):
        store.results("s1")


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


def test_a_scope_is_one_whatever_order_its_projects_were_named_in(tmp_path):
    store = Store(tmp_path)
    scan = info("s1")
    scan.scope = Scope(("OPS", "HR", "OPS"))
    store.save_scan(scan)
    store.close()
    index = tmp_path / "aa-tui.json"  # as an older aa-tui saved it: in the order typed
    index.write_bytes(index.read_bytes().replace(b'["HR","OPS"]', b'["OPS","HR"]'))
    again = Store(tmp_path)
    assert b'["OPS","HR"]' in index.read_bytes()
    assert again.get_scan("s1").scope == Scope(("HR", "OPS")) == Scope(("OPS", "HR"))
    assert Scope(("OPS", "HR")).describe() == "projects HR, OPS"


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


# -- group rows: the duplicate-groups list without the locations -------------------------------
def report_group(n: int, copies: int = 3, *, created: str = "2026-10-20T10:00:00.000+0000") -> dict:
    name = f"file-{n}.pdf"
    return {
        "hash": f"sha256:{n:064x}",
        "size": 1000 + n,
        "file_name": name,
        "mime_type": "application/pdf",
        "copies": copies,
        "wasted_size": (copies - 1) * (1000 + n),
        "likely": n % 2 == 1,
        "locations": [
            {
                "attachment_id": f"{n}-{c}",
                "issue_key": f"{('OPS', 'WEB')[c % 2]}-{n * 10 + c}",
                "project_key": ("OPS", "WEB")[c % 2],
                "file_name": name,
                "author": f"User {c % 2}",
                "created": created if c else "not a date",
                "status": "Done",
                "status_category": "Done",
                "issue_updated": "2026-10-21T10:00:00.000+0000",
                "is_canonical": c == 0,
            }
            for c in range(copies)
        ],
    }


def test_group_rows_are_saved_beside_the_groups_and_each_group_opens_alone(tmp_path):
    from aa_tui.model.group_rows import GROUP_ROW_FIELDS, group_row, sort_orders

    groups = [report_group(n, copies=2 + n % 3) for n in range(2500)]  # more than one slice
    store = Store(tmp_path)
    store.save_results("s1", {"a": 1}, iter(groups), [])  # a generator, as the engine passes
    assert store.load_groups("s1") == groups  # groups.json is as it was
    table = store.load_group_rows("s1")
    assert table is not None and len(table.rows) == len(groups)
    fields = dict(zip(GROUP_ROW_FIELDS, table.rows[4], strict=True))
    assert fields["projects"] == ["OPS", "WEB"] and fields["uploaders"] == ["User 0", "User 1"]
    assert fields["created"] == [None, 1792490400000]  # "not a date", then Unix milliseconds
    assert fields["issue_keys"] == ["OPS-40", "WEB-41", "OPS-42"]
    assert [r[:-2] for r in table.rows] == [group_row(g)[:-2] for g in groups]
    assert table.orders == sort_orders(table.rows) and set(table.orders) == {
        "wasted", "copies", "size", "name"
    }  # fmt: skip
    for n in (0, 1, 1999, 2000, 2001, 2499):
        assert store.load_group("s1", n, table.rows) == groups[n]
        assert store.load_group("s1", n) == groups[n]
    # The file is one JSON document (one row a line); on one line it reads the same.
    path = store.scan_dir("s1") / "group_rows.json"
    path.write_bytes(orjson.dumps(orjson.loads(path.read_bytes())))
    again = store.load_group_rows("s1")
    assert again is not None and again.rows == table.rows and again.orders == table.orders


def test_scans_without_usable_group_rows_fall_back_to_the_groups(tmp_path):
    store = Store(tmp_path)
    groups = [report_group(n) for n in range(3)]
    store.save_results("s1", {"a": 1}, groups, [])
    rows_file = store.scan_dir("s1") / "group_rows.json"
    rows_file.unlink()  # a scan saved by an older aa-tui
    assert store.load_group_rows("s1") is None
    assert store.load_group("s1", 2) == groups[2]
    with pytest.raises(StoreError, match="no duplicate group number 4"):
        store.load_group("s1", 3)
    # Rows of another groups.json (rewritten since) are not used.
    store.save_results("s2", {"a": 1}, groups, [])
    (store.scan_dir("s2") / "groups.json").write_bytes(
        orjson.dumps({"_default": {"1": groups[1], "2": groups[0]}})
    )
    assert store.load_group_rows("s2") is None
    assert store.load_group("s2", 0) == groups[1]
    # Groups that are not report-format get no rows, and earlier rows do not linger.
    store.save_results("s2", {"a": 1}, [{"hash": "h", "size": 3}], [])
    assert not (store.scan_dir("s2") / "group_rows.json").exists()
    assert store.load_group("s2", 0) == {"hash": "h", "size": 3}
    # Damaged rows are not used either.
    store.save_results("s3", {"a": 1}, groups, [])
    (store.scan_dir("s3") / "group_rows.json").write_bytes(b'{"format": ')
    assert store.load_group_rows("s3") is None


def test_a_running_scan_cannot_be_opened_twice(tmp_path):
    store = Store(tmp_path)
    first = store.open_journal("s1")
    with pytest.raises(StoreError, match="running right now"):
        Store(tmp_path).open_journal("s1")
    first.close()
    store.open_journal("s1").close()  # free again once the first engine let go


def test_resume_match_can_require_the_same_account(tmp_path):
    store = Store(tmp_path)
    store.save_scan(info())
    store.open_journal("s1").close()
    site, scope = "https://a.atlassian.net", Scope(("OPS",))
    assert store.find_resumable(site, scope, "exact", email="e@x").id == "s1"
    assert store.find_resumable(site, scope, "exact", email="other@x") is None


def test_a_newer_index_is_refused_even_when_its_rows_look_odd(tmp_path):
    content = orjson.dumps({"meta": {"1": {"schema": 2}}, "scans": {"1": ["new", "shape"]}})
    (tmp_path / "aa-tui.json").write_bytes(content)
    with pytest.raises(StoreError, match="schema version 2"):
        Store(tmp_path)
    assert (tmp_path / "aa-tui.json").read_bytes() == content
    assert not [p for p in tmp_path.iterdir() if ".damaged-" in p.name]


def test_sort_orders_are_those_of_each_sorts_key():
    """The orders the store saves are those of :data:`GROUP_SORTS`' keys, ties and all."""
    import random

    from aa_tui.model.group_rows import GROUP_SORTS, sort_orders

    rng = random.Random(4)
    rows = [
        [f"h{rng.randrange(50):03d}", rng.choice((1, 2, 5)), rng.choice(("a", "B", "b", "é")),
         rng.choice((2, 3)), rng.choice((0, 5, 10))]
        for _ in range(400)
    ]  # fmt: skip
    want = {
        n: sorted(range(len(rows)), key=lambda i, k=k: k(rows[i])) for n, k in GROUP_SORTS.items()
    }
    assert sort_orders(rows) == want
    assert sort_orders([]) == {n: [] for n in GROUP_SORTS}
