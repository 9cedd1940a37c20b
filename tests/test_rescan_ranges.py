"""A rescan lists the scope's ids as disjoint id ranges side by side (cut from its base's ids):
their union is the single listing's, over real HTTP against the demo site after issues
appeared in and left the scope; a range whose page fails fails the listing; a rescan listed
by ranges equals a full scan."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from helpers.scanning import FROZEN_NOW, fast_governor, group_ids, make_client
from test_scan_rescan import SAME, assert_same, move, scan

from aa_tui.demo import DemoOptions, DemoServer
from aa_tui.demo import catalog as cat
from aa_tui.jira.auth import PersonalAccessToken
from aa_tui.jira.connect import connect
from aa_tui.jira.errors import JiraError
from aa_tui.jira.jql import build_scan_jql
from aa_tui.model.enums import VerifyMode
from aa_tui.model.records import Scope
from aa_tui.scan import listing, rescan
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.listing import RangeListing, range_cuts, range_queries
from aa_tui.scan.request import ScanRequest
from aa_tui.store.basis import CUTS, read_basis, read_cuts, write_cuts
from aa_tui.store.store import Store

JQL = build_scan_jql()


def searches(server) -> int:
    """Issue searches sent so far (not project/search)."""
    requests = server.stats.snapshot()["requests"].items()
    return sum(n for k, n in requests if "search" in k and "project/search" not in k)


def single_listing(server) -> list[str]:
    client = make_client(server)
    try:
        return [i for page in client.iter_issue_id_pages(JQL) for i in page]
    finally:
        client.close()


def ranged_listing(server, cuts: list[int]) -> list[str]:
    client = make_client(server)
    try:
        return [i for page in RangeListing(client, JQL, cuts).pages() for i in page]
    finally:
        client.close()


def without_files(server) -> list[int]:
    data = server.data
    return [i for i in range(data.issue_count) if data.att_start[i + 1] == data.att_start[i]]


def add_file(server, i: int) -> None:
    server.changes.add_upload(i, "new.bin", "application/octet-stream", b"x" * 1234)
    server.touch(i)


def test_the_cuts_give_each_range_whole_pages_and_the_ranges_cover_every_id():
    ids = [str(10_000 + 3 * n) for n in range(1000)]
    assert range_cuts(ids, per_range=1100) is None  # one range would do
    cuts = range_cuts(ids, per_range=100)  # pages of 98 ids: 11 pages, 11 ranges
    assert cuts is not None and len(cuts) == 10 and cuts == sorted(cuts)
    numbers = [int(i) for i in ids]
    bounds = [numbers[0] - 1, *cuts, numbers[-1] + 1]
    counts = [
        sum(1 for n in numbers if lo <= n < hi)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    assert counts[:-1] == [98] * 10 and sum(counts) == len(ids)
    # more pages than ranges: each range a whole number of pages, no more pages than one listing
    many = [str(n) for n in range(33_224)]
    cuts = range_cuts(many, per_range=500)
    assert cuts is not None and len(cuts) == listing.MAX_RANGES - 1
    bounds = [-1, *cuts, 10**9]
    counts = [
        sum(1 for n in range(33_224) if lo <= n < hi)
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    assert all(c % 490 == 0 for c in counts[:-1]) and sum(counts) == 33_224
    assert sum(-(-c // 490) for c in counts) == -(-33_224 // 490)  # 68 pages either way
    queries = range_queries("a AND (b) ORDER BY id ASC", [20, 30])
    assert queries == [
        "a AND (b) AND id < 20 ORDER BY id ASC",  # open below
        "a AND (b) AND id >= 20 AND id < 30 ORDER BY id ASC",
        "a AND (b) AND id >= 30 ORDER BY id ASC",  # open above: issues created since
    ]


def test_the_ranges_union_equals_the_single_listing_after_issues_came_and_went(demo_server):
    before = single_listing(demo_server)
    cuts = range_cuts(before, per_range=40)
    assert cuts is not None and len(cuts) >= 3
    # issues enter the scope below the first cut, between cuts and above the highest id;
    # others leave it (deleted, their files deleted)
    empty = without_files(demo_server)
    lowest, highest = int(before[0]), int(before[-1])
    below = [i for i in empty if cat.ISSUE_ID_BASE + i < lowest]
    middle = [i for i in empty if cuts[0] < cat.ISSUE_ID_BASE + i < cuts[-1]]
    above = [i for i in empty if cat.ISSUE_ID_BASE + i > highest]
    assert middle and above
    for i in below[:1] + middle[:3] + above[:2]:
        add_file(demo_server, i)
    gone = [int(i) - cat.ISSUE_ID_BASE for i in before[5::37]]
    for i in gone:
        demo_server.delete_issue(i)
    data = demo_server.data
    emptied = int(before[len(before) // 2]) - cat.ISSUE_ID_BASE
    for j in range(data.att_start[emptied], data.att_start[emptied + 1]):
        demo_server.delete_attachment(j)

    single = single_listing(demo_server)
    assert set(single) != set(before)  # the site really changed
    sent = searches(demo_server)
    ranged = ranged_listing(demo_server, cuts)
    assert sorted(ranged, key=int) == single  # the same ids, each once
    assert searches(demo_server) - sent == len(cuts) + 1  # one page per range
    assert {str(cat.ISSUE_ID_BASE + i) for i in middle[:3] + above[:2]} <= set(ranged)
    assert not {str(cat.ISSUE_ID_BASE + i) for i in gone} & set(ranged)


class FailingRange:
    """A site whose search of one range fails after its first page (a narrow unit: the real
    paging raises the same way when a page cannot be had)."""

    site = "https://x.atlassian.net"
    details_batch = 100

    def iter_issue_id_pages(self, jql: str, notes: list[str] | None = None) -> Iterator[list[str]]:
        low = 0 if "id >=" not in jql else int(jql.split("id >= ")[1].split()[0])
        yield [str(low + 1)]
        if low == 200:
            raise JiraError("search/jql failed (HTTP 500) after retries.")


def test_a_failing_range_page_is_never_the_end_of_the_listing():
    ranges = RangeListing(FailingRange(), JQL, [100, 200, 300])  # type: ignore[arg-type]
    with pytest.raises(JiraError, match="HTTP 500"):
        for _page in ranges.pages():
            pass


def test_a_rescan_listed_by_ranges_equals_a_full_scan(demo_server, store, monkeypatch):
    monkeypatch.setattr(listing, "RANGE_IDS", 30)  # before the base: it saves its cuts
    base = scan(demo_server, store)
    listed = single_listing(demo_server)
    cuts = range_cuts(listed)
    assert read_cuts(store.scan_dir(base.info.id)) == cuts
    assert cuts is not None and len(cuts) >= 4
    empty = without_files(demo_server)
    for i in [i for i in empty if cuts[1] < cat.ISSUE_ID_BASE + i < cuts[2]][:2] + empty[-1:]:
        add_file(demo_server, i)  # issues that enter the scope in a middle range and above
    demo_server.delete_issue(int(listed[len(listed) // 3]) - cat.ISSUE_ID_BASE)
    move(demo_server)
    sent = searches(demo_server)
    rescan = scan(demo_server, store)
    assert searches(demo_server) - sent == len(cuts) + 2  # the ranges and the changed ids
    full = scan(demo_server, store, full=True)
    assert rescan.rescan is not None and rescan.rescan.base == base.info.id
    assert 0 < rescan.rescan.reread_issues < 10
    assert_same(store, rescan, full)


def engine_scan(server, store, client, scope: Scope, *, full: bool = False):
    try:
        request = ScanRequest(
            site=client.site, email=server.email, scope=scope, verify="exact", full=full
        )
        return ScanEngine(client, store, request, clock=lambda: FROZEN_NOW).run()
    finally:
        client.close()


@pytest.mark.parametrize("kind", ["data center, whole site", "cloud, projects named"])
def test_a_rescan_by_ranges_of_a_data_center_site_or_of_projects_equals_a_full_scan(
    small_site, tmp_path, monkeypatch, kind
):
    dc = kind.startswith("data center")
    scope = Scope() if dc else Scope(projects=tuple(p.key for p in cat.PROJECTS[:3]))
    with DemoServer(small_site, DemoOptions(data_center=dc)) as server:

        def client():
            if dc:
                token = PersonalAccessToken(server.token)
                return connect(server.base_url, token, governor=fast_governor())
            return make_client(server)

        store = Store(tmp_path / "data")
        try:
            monkeypatch.setattr(listing, "RANGE_IDS", 20)
            base = engine_scan(server, store, client(), scope)
            move(server)
            server.set_status(5, (server.data.issue_status[5] + 1) % 3)
            sent = searches(server)
            rescan = engine_scan(server, store, client(), scope)
            ranged = searches(server) - sent
            full = engine_scan(server, store, client(), scope, full=True)
            assert rescan.rescan is not None and rescan.rescan.base == base.info.id
            assert group_ids(rescan.groups) == group_ids(full.groups)
            a, b = rescan.summary["totals"], full.summary["totals"]
            assert {k: a.get(k) for k in SAME} == {k: b.get(k) for k in SAME}
            cuts = range_cuts(read_basis(store.scan_dir(base.info.id)).issues)  # type: ignore[union-attr]
            assert cuts is not None and len(cuts) >= 3
            # the ranges, one page each, and the changed ids (Data Center: and the details)
            assert (ranged == len(cuts) + 2) if not dc else (ranged >= len(cuts) + 2), (
                ranged,
                cuts,
            )
        finally:
            store.close()


def test_a_rescan_lists_by_the_ranges_its_base_saved_and_saves_its_own(
    demo_server, store, monkeypatch
):
    """The ranges come from the base's ``cuts.json`` (the listing begins before its basis is
    read), else (none, or damaged) are cut from its basis; a rescan saves the cuts of its
    base's ids, for the next one."""
    monkeypatch.setattr(listing, "RANGE_IDS", 30)
    base = scan(demo_server, store)
    folder = store.scan_dir(base.info.id)
    listed = read_basis(folder).issues  # type: ignore[union-attr]
    assert read_cuts(folder) == range_cuts(listed)
    write_cuts(folder, [int(listed[len(listed) // 2])])  # two ranges, where the base says
    sent = searches(demo_server)
    first = scan(demo_server, store)
    assert searches(demo_server) - sent == 2 + 1  # the two ranges and the changed ids
    assert first.rescan is not None and first.rescan.base == base.info.id
    assert read_cuts(store.scan_dir(first.info.id)) == range_cuts(listed)
    too_many = orjson.dumps({"format": "aa-tui.listing-cuts/1", "cuts": list(range(1, 99))})
    for damage in (b"{", b'{"format": "aa-tui.listing-cuts/1", "cuts": ["1"]}', too_many, None):
        saved = store.scan_dir(first.info.id) / CUTS
        if damage is None:
            saved.unlink()
        else:
            saved.write_bytes(damage)
        sent = searches(demo_server)
        again = scan(demo_server, store)
        assert again.rescan is not None and again.rescan.base == first.info.id
        cuts = range_cuts(read_basis(store.scan_dir(first.info.id)).issues)  # type: ignore[union-attr]
        assert cuts is not None
        assert searches(demo_server) - sent == len(cuts) + 2, damage  # ranges, changed ids
        first = again


def test_the_listings_begun_for_a_base_stop_when_it_cannot_be_read(demo_server, store, monkeypatch):
    """The listings go out before the base is read: when reading it fails, they are closed,
    not left paging the scope for nobody."""
    monkeypatch.setattr(listing, "RANGE_IDS", 30)
    base = scan(demo_server, store)
    closed: list[str] = []
    for kind in (RangeListing, listing.EarlyListing):
        monkeypatch.setattr(kind, "close", lambda self, k=kind.__name__: closed.append(k))

    def unreadable(*_args):
        raise OSError("the base's basis cannot be read")

    monkeypatch.setattr(rescan, "open_base", unreadable)
    client = make_client(demo_server)
    try:
        like = (Scope(), VerifyMode.EXACT, demo_server.email)
        with pytest.raises(OSError, match="cannot be read"):
            rescan.begin_rescan(client, store, like, JQL, FROZEN_NOW)
    finally:
        client.close()
    assert sorted(closed) == ["EarlyListing", "RangeListing"], base.info.id


def test_a_basis_looks_whole_only_as_written(tmp_path):
    """The New scan form's quick look (no parse): cut short, empty, of another format or
    missing, it does not; a basis written whole does."""
    from aa_tui.store.basis import BASIS, basis_looks_whole, write_basis

    assert not basis_looks_whole(tmp_path)  # none
    for hashes in ({"head": {"1": "ab"}}, {"full": {"9": "cd"}}):
        write_basis(tmp_path, ["10001", "10002"], hashes)
        whole = (tmp_path / BASIS).read_bytes()
        assert basis_looks_whole(tmp_path)
        for damaged in (b"", b"{", whole[:20], whole[:-1], whole[:-2], b'{"format":"x",}}'):
            (tmp_path / BASIS).write_bytes(damaged)
            assert not basis_looks_whole(tmp_path), damaged


class PagedRanges:
    """A site whose ranges list so many pages of 5,000 ids each (by the range's low id; a
    narrow unit)."""

    site = "https://x.atlassian.net"
    details_batch = 100

    def __init__(self, pages: dict[int, int]) -> None:
        self.pages = pages

    def iter_issue_id_pages(self, jql: str, notes: list[str] | None = None) -> Iterator[list[str]]:
        low = 0 if "id >=" not in jql else int(jql.split("id >= ")[1].split()[0])
        for n in range(self.pages[low]):
            yield [str(low + n + 1)] * 5000


@pytest.mark.parametrize(
    ("pages", "fits"),
    [
        ([1, 1, 1, 1], True),
        ([1, 1, 1, 2], False),  # more pages than ranges (fewer than the most there can be)
        ([2, 2, 2, 4], False),  # the last, open range past its share
        ([0, 1, 1, 1], False),  # more ranges than pages: a search one listing would not ask
    ],
)
def test_ranges_fit_the_next_rescan_while_cut_as_range_cuts_would_cut_them(pages, fits):
    site = PagedRanges(dict(zip([0, 100, 200, 300], pages, strict=True)))
    ranges = RangeListing(site, JQL, [100, 200, 300])  # type: ignore[arg-type]
    assert not ranges.fits()  # not listed yet
    assert sum(len(page) for page in ranges.pages()) == 5000 * sum(pages)
    assert ranges.fits() is fits


def test_ranges_of_several_pages_fit_while_one_page_apart_at_most():
    most = listing.MAX_RANGES
    assert listing.cuts_fit([15000] * (most - 1) + [19600])  # cut as whole pages of 4,900 ids
    assert listing.cuts_fit([15000] * (most - 1) + [20000])
    assert not listing.cuts_fit([15000] * (most - 1) + [20001])  # the open range, past its share
    assert listing.cuts_fit([25000] * most)
    assert not listing.cuts_fit([5000] * 3 + [5001])  # more pages than ranges
    assert not listing.cuts_fit([3000] * 3 + [0] * (most - 3))  # a scope that shrank: one would do
    assert listing.cuts_fit([0]) and listing.cuts_fit([4999])  # one listing, none or one page
    assert not listing.cuts_fit([25000] * (most // 2))  # cut for fewer ranges than it may list


def test_a_rescan_keeps_its_bases_cuts_while_they_fit_and_cuts_anew_once_not(
    demo_server, store, monkeypatch
):
    """The next rescan's ranges are the ones a rescan listed by, while they fit (the cut,
    0.1 s at 332,239 ids, is not made again); once one range takes more than its share, they
    are cut anew from the ids it listed."""
    monkeypatch.setattr(listing, "RANGE_IDS", 30)
    base = scan(demo_server, store)
    cuts = read_cuts(store.scan_dir(base.info.id))
    assert cuts is not None and len(cuts) >= 4
    listed = single_listing(demo_server)
    for n in (1, 2, 3):  # issues leave the first range: cut anew, every cut would move
        demo_server.delete_issue(int(listed[n]) - cat.ISSUE_ID_BASE)
    assert range_cuts(single_listing(demo_server)) != cuts
    cut: list[int] = []
    monkeypatch.setattr(rescan, "range_cuts", lambda ids: cut.append(1) or range_cuts(ids))
    first = scan(demo_server, store)
    assert first.rescan is not None and first.rescan.base == base.info.id
    assert read_cuts(store.scan_dir(first.info.id)) == cuts
    assert not cut  # neither from the base's ids nor from the listed ones
    above = [i for i in without_files(demo_server) if cat.ISSUE_ID_BASE + i >= cuts[-1]]
    assert len(above) >= 30
    for i in above[:30]:  # the last range takes a page more than any other
        add_file(demo_server, i)
    second = scan(demo_server, store)
    assert second.rescan is not None and second.rescan.base == first.info.id
    now = range_cuts(single_listing(demo_server))
    assert now != cuts and read_cuts(store.scan_dir(second.info.id)) == now
    assert cut


def test_a_projects_rescan_carries_no_cuts_it_did_not_list_by(small_site, tmp_path, monkeypatch):
    """A scope that names projects lists by ranges cut from its base's ids once the project
    check is done, never by its saved cuts: it saves the cuts of the ids it listed, not the
    base's (found in review: a damaged cuts.json was carried on unchecked)."""
    scope = Scope(projects=tuple(p.key for p in cat.PROJECTS[:3]))
    with DemoServer(small_site, DemoOptions()) as server:
        store = Store(tmp_path / "data")
        try:
            monkeypatch.setattr(listing, "RANGE_IDS", 20)
            base = engine_scan(server, store, make_client(server), scope)
            folder = store.scan_dir(base.info.id)
            listed = read_basis(folder).issues  # type: ignore[union-attr]
            write_cuts(folder, [int(listed[len(listed) // 2])])  # unbalanced, and not used
            again = engine_scan(server, store, make_client(server), scope)
            assert again.rescan is not None and again.rescan.base == base.info.id
            assert read_cuts(store.scan_dir(again.info.id)) == range_cuts(listed)
        finally:
            store.close()
