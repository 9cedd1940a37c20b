"""Rescans: a scan with a complete earlier scan of the same site, scope and mode starts from
it, against the demo site over real HTTP after each kind of change, and equals a full scan."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from helpers.scanning import (
    FROZEN_NOW,
    SAME_TOTALS,
    assert_reads_same,
    counted_by_difference,
    group_ids,
    make_client,
)

from aa_tui.demo import DemoOptions, DemoServer
from aa_tui.demo import catalog as cat
from aa_tui.model.enums import Phase
from aa_tui.model.errors import Cancelled
from aa_tui.model.events import ScanProgress
from aa_tui.model.records import Scope
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanOutcome, ScanRequest
from aa_tui.scan.rescan import MARGIN_MINUTES, changed_jql, window_minutes
from aa_tui.store.basis import BASIS
from aa_tui.store.store import Store

#: what must be equal between a rescan and a full scan (the rest: requests, bytes, times)
SAME = (*SAME_TOTALS, "issues_scanned", "unreadable_files")


def scan(server, store, *, full=False, verify="exact", listener=None, resume=False):
    client = make_client(server)
    try:
        request = ScanRequest(
            site=client.site,
            email=server.email,
            scope=Scope(),
            verify=verify,
            full=full,
            resume=resume,
        )
        engine = ScanEngine(client, store, request, listener=listener, clock=lambda: FROZEN_NOW)
        return engine.run()
    finally:
        client.close()


def records(store, outcome: ScanOutcome) -> dict[str, dict]:
    return {a["attachment_id"]: a for a in store.load_attachments(outcome.info.id)}


def assert_same(store, rescan: ScanOutcome, full: ScanOutcome) -> None:
    assert group_ids(rescan.groups) == group_ids(full.groups)
    assert [g.hash for g in rescan.groups] == [g.hash for g in full.groups]
    a, b = rescan.summary["totals"], full.summary["totals"]
    assert {k: a.get(k) for k in SAME} == {k: b.get(k) for k in SAME}
    assert records(store, rescan) == records(store, full)
    assert_reads_same(store, rescan.info.id, full.info.id)


def detail_fetches(server) -> int:
    return sum(n for k, n in server.stats.snapshot()["requests"].items() if "bulkfetch" in k)


def issue_with_files(server, count=1) -> list[int]:
    data = server.data
    found = [i for i in range(data.issue_count) if data.att_start[i + 1] - data.att_start[i] > 1]
    return found[:count]


def upload_copy(server, tmp_path):
    """Upload a copy of a file that has no partner yet onto another issue (the REST call)."""
    base = records_of_site(server)
    sizes: dict[int, int] = {}
    for size in base.values():
        sizes[size] = sizes.get(size, 0) + 1
    j = next(j for j, size in base.items() if size > 5000 and sizes[size] == 1)
    path = tmp_path / "copy.bin"
    path.write_bytes(b"".join(server.iter_file(j, 0, server.file_size(j))))
    client = make_client(server)
    try:
        issue = str(cat.ISSUE_ID_BASE + issue_with_files(server)[0])
        client.upload(issue, path, "copy.bin", "application/octet-stream")
    finally:
        client.close()


def records_of_site(server) -> dict[int, int]:
    data = server.data
    return {
        j: data.attachment_size(j)
        for j in range(data.attachment_count)
        if not server.is_deleted(j) and data.download_status(j) == 200
    }


def delete_a_grouped_file(server, store, outcome, tmp=None):
    client = make_client(server)
    try:
        loc = outcome.groups[0].locations[-1]
        client.delete_attachment(loc.attachment_id, loc.issue_key)
    finally:
        client.close()


def move(server) -> None:
    i = issue_with_files(server)[0]
    old = server.data.issue_key(i)
    new = server.move_issue(i, (server.data.issue_project[i] + 1) % len(cat.PROJECTS))
    assert new.split("-")[0] != old.split("-")[0]


CHANGES = {
    "nothing": lambda server, store, base, tmp: None,
    "upload of a copy": lambda server, store, base, tmp: upload_copy(server, tmp),
    "attachment deleted": delete_a_grouped_file,
    "issue moved": lambda server, store, base, tmp: move(server),
    "status changed": lambda server, store, base, tmp: server.set_status(
        issue_with_files(server)[0], (server.data.issue_status[issue_with_files(server)[0]] + 1) % 3
    ),
    "issue deleted": lambda server, store, base, tmp: server.delete_issue(
        base.groups[0].locations[0].issue_id
        and int(base.groups[0].locations[0].issue_id) - cat.ISSUE_ID_BASE
    ),
}


@pytest.mark.parametrize("verify", ["exact", "metadata"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_rescan_after_each_kind_of_change_equals_a_full_scan(
    demo_server, store, tmp_path, change, verify, monkeypatch
):
    base = scan(demo_server, store, verify=verify)
    CHANGES[change](demo_server, store, base, tmp_path)
    by_difference = counted_by_difference(monkeypatch)
    rescan = scan(demo_server, store, verify=verify)
    # its groups (metadata ones) and breakdowns were counted from the base's, not afresh
    if verify == "metadata":  # and the groups it held unchanged left where the base has them
        assert by_difference == ["groups", "breakdowns", "group layer"]
    else:
        assert by_difference == ["breakdowns"]
    full = scan(demo_server, store, full=True, verify=verify)
    assert rescan.rescan is not None and rescan.rescan.base == base.info.id
    assert full.rescan is None
    layer = store.layer(rescan.info.id)  # saved as what changed on the base's files
    assert layer is not None and layer.root == base.info.id and store.layer(full.info.id) is None
    assert_same(store, rescan, full)
    if change != "nothing":  # the change is really there: the site is not what the base saw
        assert records(store, full) != records(store, base) or group_ids(full.groups) != group_ids(
            base.groups
        )
    assert (
        rescan.info.totals["rescan"]["reused_issues"]
        > 0.9 * full.summary["totals"]["issues_scanned"]
    )


def test_a_rescan_with_no_change_sends_only_the_listing(demo_server, store):
    base = scan(demo_server, store)
    before = demo_server.stats.snapshot()
    rescan = scan(demo_server, store)
    after = demo_server.stats.snapshot()
    sent = {k: n - before["requests"].get(k, 0) for k, n in after["requests"].items()}
    sent = {k: n for k, n in sent.items() if n}
    assert not any("bulkfetch" in k or "content" in k for k in sent), sent
    assert after["media_requests"] == before["media_requests"]
    searches = sum(n for k, n in sent.items() if "search" in k)
    assert searches == 2, sent  # the scope's listing and the changed issues' (one page each)
    assert sum(sent.values()) <= 6, sent  # and the sign-in checks
    reuse = rescan.rescan
    assert reuse is not None and reuse.reread_issues == 0 and reuse.read_files == 0
    assert reuse.reused_issues == base.summary["totals"]["issues_scanned"]
    # files whose hashes were reused, each once (not its head, tail and full hash apart)
    from aa_tui.scan.rescan import STAGES, load_base

    book = load_base(store, store.get_scan(base.info.id)).hashes
    hashes = sum(len(book.stage(s)) for s in STAGES)
    files = {a for s in STAGES for a in book.stage(s)}
    assert reuse.reused_hashes == len(files) < hashes  # nothing changed: every file's
    assert "re-read 0 issues" in reuse.line()
    assert f"reused the hashes of {reuse.reused_hashes:,} files" in reuse.line()


def test_a_rescans_progress_counts_the_listing_then_only_the_issues_it_fetches(demo_server, store):
    """Reused issues are listed, not fetched: the progress never says "fetching details" of
    more issues than changed (it once counted every reused issue as fetched)."""
    base = scan(demo_server, store)
    listed = base.summary["totals"]["issues_scanned"]
    changed = issue_with_files(demo_server, 3)
    for i in changed:
        demo_server.touch(i)
    events: list[ScanProgress] = []
    rescan = scan(demo_server, store, listener=events.append)
    assert rescan.rescan is not None and rescan.rescan.reread_issues == len(changed)
    fetching = [e for e in events if e.phase is Phase.FETCHING]
    assert all(e.done <= e.total <= len(changed) for e in fetching), fetching
    # (progress events come at most every 0.1 s: the first, forced, counts from the base's)
    listing = [e for e in events if e.phase is Phase.ENUMERATING]
    assert listing and all(e.done <= e.total == listed for e in listing)


def test_a_rescans_listing_ends_at_what_it_listed(demo_server, store):
    """An issue whose only file was deleted is listed no more: the listing's last count is
    of what it listed ("931/992 issues" stood at the end, never whole)."""
    base = scan(demo_server, store)
    listed = base.summary["totals"]["issues_scanned"]
    data = demo_server.data
    i = next(i for i in range(data.issue_count) if data.att_start[i + 1] - data.att_start[i] == 1)
    client = make_client(demo_server)
    try:
        client.delete_attachment(data.attachment_id(data.att_start[i]), data.issue_key(i))
    finally:
        client.close()
    events: list[ScanProgress] = []
    scan(demo_server, store, listener=events.append)
    last = [e for e in events if e.phase is Phase.ENUMERATING][-1]
    assert (last.done, last.total) == (listed - 1, listed - 1)


def test_the_saving_phase_says_the_waste_with_the_groups(demo_server, store):
    """While a scan saved, the live screen showed its groups beside "Wasted 0 B", and its
    Elapsed stood still (a 1,000,000-issue rescan saves for ~7 s)."""
    events: list[ScanProgress] = []  # metadata: no reading said the waste before
    outcome = scan(demo_server, store, listener=events.append, verify="metadata")
    first = next(e for e in events if e.phase is Phase.SAVING)
    wasted = outcome.summary["totals"]["duplicate_size"]
    assert (first.groups, first.wasted) == (len(outcome.groups), wasted) and wasted > 0
    saving = [e for e in events if e.phase is Phase.SAVING]
    assert len(saving) >= 4  # and the time moves on while it saves (Elapsed stood for ~8 s)
    assert [e.elapsed_s for e in saving] == sorted(e.elapsed_s for e in saving)


def test_full_reads_everything_again(demo_server, store):
    scan(demo_server, store)
    first = detail_fetches(demo_server)
    scan(demo_server, store, full=True)
    assert detail_fetches(demo_server) == 2 * first


def test_an_exact_rescan_does_not_start_from_a_metadata_scan(demo_server, store):
    scan(demo_server, store, verify="metadata")
    exact = scan(demo_server, store)
    assert exact.rescan is None
    again = scan(demo_server, store, verify="metadata")
    assert again.rescan is not None and again.summary["totals"]["bytes_read"] == 0
    # it reads no file: it says the issues alone (not "read 0 files, reused the hashes of 0")
    assert again.rescan.line() == again.rescan.line(files=False)
    assert again.rescan.line().startswith("re-read 0 issues, reused ")


def test_a_rescan_killed_part_way_resumes_exactly(demo_server, store):
    base = scan(demo_server, store)
    changed = [i for i in range(demo_server.data.issue_count) if i % 3 == 0][:300]
    for i in changed:
        demo_server.set_status(i, (demo_server.data.issue_status[i] + 1) % 3)
    upload = demo_server.changes.add_upload  # a copy of a grouped file, via the state
    loc = base.groups[0].locations[0]
    j = int(loc.attachment_id) - cat.ATTACHMENT_ID_BASE
    content = b"".join(demo_server.iter_file(j, 0, demo_server.file_size(j)))
    upload(changed[1], "again.bin", "application/octet-stream", content)
    demo_server.touch(changed[1])

    seen = {"batches": 0}
    before = detail_fetches(demo_server)

    def kill(event: ScanProgress) -> None:  # once some changed issues' details came
        if event.phase.name != "SAVING" and detail_fetches(demo_server) > before:
            seen["batches"] += 1
            raise Cancelled()

    with pytest.raises(Cancelled):
        scan(demo_server, store, listener=kill)
    assert detail_fetches(demo_server) > before  # killed part-way, after some details came
    (killed,) = [s for s in store.list_scans() if s.id != base.info.id]
    left = store.scan_dir(killed.id) / ".attachments.json.k1ll3d.tmp"  # a write a kill cut
    left.write_bytes(b'{"_default":{"1":')
    resumed = scan(demo_server, store, resume=True)
    assert not list(store.scan_dir(resumed.info.id).glob(".*.tmp"))  # (tester27)
    assert resumed.rescan is not None and resumed.rescan.base == base.info.id
    full = scan(demo_server, store, full=True)
    assert_same(store, resumed, full)
    assert seen["batches"] == 1


def test_the_changed_listing_is_relative_with_a_margin():
    jql = 'attachments IS NOT EMPTY AND (project = "A") ORDER BY id ASC'
    assert changed_jql(jql, 75) == (
        'attachments IS NOT EMPTY AND (project = "A") AND updated >= -75m ORDER BY id ASC'
    )
    started = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    later = started + timedelta(days=7, seconds=30)
    assert window_minutes(started.isoformat(), later) == 7 * 24 * 60 + 1 + MARGIN_MINUTES
    assert MARGIN_MINUTES >= 60


def test_the_command_line_rescans_says_what_it_reused_and_full_reads_all(demo_server, tmp_path):
    from helpers.cli import aa

    data = tmp_path / "data"
    site = ["scan", "--site", demo_server.base_url, "--email", demo_server.email]
    first = aa(site, data, token=demo_server.token)
    assert first.returncode == 0, first.stderr and "Rescan" not in first.stdout
    again = aa(site, data, token=demo_server.token)
    assert again.returncode == 0, again.stderr
    assert "Rescan from scan " in again.stdout and ": re-read 0 issues, reused " in again.stdout
    assert "read 0 files, reused " in again.stdout
    fetched = detail_fetches(demo_server)
    full = aa([*site, "--full"], data, token=demo_server.token)
    assert full.returncode == 0, full.stderr
    assert "Rescan" not in full.stdout
    assert detail_fetches(demo_server) == 2 * fetched


def test_a_rescan_resumed_after_its_base_was_deleted_says_it_reads_everything(demo_server, store):
    """Its base deleted (History does not refuse it), the resumed rescan read every issue
    again without a word why (tester27)."""
    base = scan(demo_server, store)
    for i in issue_with_files(demo_server, 40):
        demo_server.touch(i)
    before = detail_fetches(demo_server)

    def kill(event: ScanProgress) -> None:
        if event.phase.name != "SAVING" and detail_fetches(demo_server) > before:
            raise Cancelled()

    with pytest.raises(Cancelled):
        scan(demo_server, store, listener=kill)
    store.delete_scan(base.info.id)
    resumed = scan(demo_server, store, resume=True)
    assert resumed.rescan is None
    said = f"Scan {base.info.id}, which this rescan started from, was deleted: it reads every"
    assert any(w.startswith(said) for w in resumed.warnings), resumed.warnings


@pytest.mark.parametrize("damage", [b"", b"{", b'{"format": "other"}'])
def test_a_scan_that_cannot_start_from_the_newest_one_says_why(demo_server, store, damage):
    """The newest complete scan's basis damaged: the next scan reads everything (its figures
    are a full scan's) and says why, not silently (found in a real terminal: a 1 s rescan
    became a 36 s scan without a word)."""
    first = scan(demo_server, store)
    basis = store.scan_dir(first.info.id) / BASIS
    basis.write_bytes(damage or basis.read_bytes()[:100])
    again = scan(demo_server, store)
    assert again.rescan is None
    totals = again.summary["totals"], first.summary["totals"]
    assert {k: totals[0].get(k) for k in SAME} == {k: totals[1].get(k) for k in SAME}
    when = first.info.started_at[:16].replace("T", " ")
    said = f"The scan of {when} ({first.info.id}), the newest complete one of this site and"
    assert any(w.startswith(said) for w in again.warnings), again.warnings
    plain = scan(demo_server, store, full=True)  # asked for: nothing to say
    assert not any("cannot be" in w for w in plain.warnings)


def test_a_scans_duration_is_the_time_its_run_took(small_site, tmp_path):
    """Its sign-in and the listings a rescan begins beside it count: a rescan said 'in 0.0s'
    of a command that took a second (found in a real terminal)."""
    store = Store(tmp_path / "data")
    try:
        with DemoServer(small_site, DemoOptions(latency_s=0.1)) as server:
            scan(server, store)
            started = time.monotonic()
            again = scan(server, store)
            took = time.monotonic() - started
    finally:
        store.close()
    assert again.rescan is not None
    # at least its sign-in's answers (0.1 s each, asked together), at most the whole call
    assert 0.1 <= again.info.duration_s <= took, (again.info.duration_s, took)


def test_a_damaged_rescan_note_reads_as_none():
    """History reads it of each scan highlighted: a damaged one says nothing, not a crash."""
    from aa_tui.model.summary import RescanNote

    assert RescanNote.from_dict({"base": "x", "reread_issues": "2"}).reread_issues == 2
    for damaged in ({"base": "x", "reread_issues": "lots"}, {"base": "x", "read_files": {"a": 1}}):
        assert RescanNote.from_dict(damaged) is None
