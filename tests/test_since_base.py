"""A rescan's groups and breakdowns counted by difference from its base's equal those counted
afresh: after files came, went and changed, and with the clock moved on by a day, months or
years (ages and staleness move then), dates in every form Jira and odd data give."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from aa_tui.model.records import AttachmentRecord, Scope
from aa_tui.model.scans import ScanInfo
from aa_tui.scan.base_tally import counted_from
from aa_tui.scan.clock_edges import NearEdges, near_clock_edges
from aa_tui.scan.likely import metadata_groups
from aa_tui.scan.since_base import Since, aggregate_since, groups_since
from aa_tui.scan.stats import aggregate
from aa_tui.scan.summarize import build_summary
from aa_tui.store.members import Tally

THEN = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
NAMES = ("report.pdf", "Report.PDF", "log.txt", "dump.hprof", "a.png", "notes")
STATUSES = (("Open", "To Do"), ("Doing", "In Progress"), ("Closed", "Done"))


def stamp(when: datetime, form: int) -> str:
    """``when`` as text, in one of the forms a saved record may hold."""
    if form == 0:
        return when.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    if form == 1:  # another zone, far east or west
        zone = timezone(timedelta(hours=random.choice((-12, -5, 5, 13))))
        return when.astimezone(zone).isoformat(timespec="milliseconds")
    if form == 2:
        return when.strftime("%Y%m%dT%H%M%SZ")  # ISO 8601's basic form
    return random.choice(
        (
            "",
            "not a date",
            "2025-02-30T10:00:00.000+0000",
            "0001-01-01T00:00:00.000+0000",  # the first and last days a date can have
            "9999-12-31T23:59:59.000+0000",  # ("never", in some exports)
        )
    )


def make_records(rng: random.Random, count: int, first_id: int) -> list[AttachmentRecord]:
    records = []
    for n in range(count):
        status, category = rng.choice(STATUSES)
        # many dates right at a bracket's edge or a year back, the rest anywhere in 3 years
        days = rng.choice(
            (29, 30, 31, 89, 90, 179, 180, 364, 365, 366, 729, 730, rng.randrange(1100))
        )
        when = THEN - timedelta(days=days, minutes=rng.randrange(-2000, 2000))
        form = rng.choice((0, 0, 0, 1, 2, 3))
        updated = THEN - timedelta(
            days=rng.choice((364, 365, 366, 400, 10)), hours=rng.randrange(48)
        )
        records.append(
            AttachmentRecord(
                attachment_id=str(first_id + n),
                issue_id=str(rng.randrange(40)),
                issue_key=f"P{rng.randrange(3)}-{rng.randrange(40)}",
                project_key=f"P{rng.randrange(3)}",
                file_name=rng.choice(NAMES),
                size=rng.choice((0, 100, 200, 300, 400, 500, 600, rng.randrange(1000, 1040))),
                mime_type="text/plain",
                author=rng.choice(("ann", "bob", "cy")),
                created=stamp(when, form),
                status=status,
                status_category=category,
                issue_updated=stamp(updated, rng.choice((0, 0, 1, 3))),
            )
        )
    return records


def since_of(base: list[AttachmentRecord], kept: int, gone: list[AttachmentRecord]) -> Since:
    groups = metadata_groups(base)
    counted = aggregate(base, groups, now=THEN, issues_scanned=40, unreadable=0)
    summary = build_summary_of(counted)
    members = [(g.hash, [r.attachment_id for r in g.locations]) for g in groups]
    return Since(kept, gone, counted_from(Tally(THEN, members), summary))


def again(since: Since) -> Since:
    """``since`` with what is worked out of its tally and summary worked out again (after a
    test edited them), as the base's thread would from such files."""
    assert since.ahead is not None
    since.ahead = counted_from(since.ahead.tally, since.ahead.summary)
    return since


def build_summary_of(counted):
    info = ScanInfo(id="x", site="s", email="e", scope=Scope(), started_at="2026-03-01T00:00:00Z")
    return build_summary(info, counted)


@pytest.mark.parametrize("picked", [False, True])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "later", [timedelta(0), timedelta(days=1), timedelta(days=45), timedelta(days=400)]
)
def test_counted_by_difference_equals_counted_afresh(seed, later, picked):
    """``picked``: the base's files near a clock's edge were picked beside the listing, for a
    wider span than the count's (as a rescan does), not from the kept files at the count."""
    rng = random.Random(seed)
    random.seed(seed)
    base = make_records(rng, 400, 1000)
    rng.shuffle(base)
    gone = base[:60]  # their issues changed or left: some come back changed, some not at all
    kept = base[60:]
    changed = [replace(r, status="Closed", status_category="Done") for r in gone[:20]]
    gone_sizes = {r.size for r in gone}
    alone = [r for r in kept if r.size not in gone_sizes][:3]  # a copy of each is uploaded
    copies = [replace(r, attachment_id=f"9{r.attachment_id}", issue_id="77") for r in alone]
    assert copies
    new = changed + make_records(rng, 50, 5000) + copies
    since = since_of(kept + gone, len(kept), gone)
    now_records = kept + new
    now = THEN + later
    if picked:
        wider = (THEN - timedelta(hours=5), now + timedelta(days=1))
        since.near = NearEdges(near_clock_edges(kept + gone, *wider), *wider)

    groups = groups_since(since, now_records)
    expected_groups = metadata_groups(now_records)
    assert groups is not None
    assert [(g.hash, g.locations) for g in groups] == [
        (g.hash, g.locations) for g in expected_groups
    ]
    counted = aggregate_since(since, now_records, groups, now=now, issues_scanned=7, unreadable=2)
    expected = aggregate(now_records, expected_groups, now=now, issues_scanned=7, unreadable=2)
    assert counted is not None
    assert counted.totals == expected.totals
    assert counted.tables == expected.tables
    assert [g.hash for g in counted.quick_wins] == [g.hash for g in expected.quick_wins]


def test_figures_that_do_not_add_up_are_counted_afresh():
    rng = random.Random(9)
    base = make_records(rng, 100, 1)
    since = since_of(base, len(base), [])
    since.ahead.summary["totals"]["total_files"] += 1  # not the base's files' figures
    assert aggregate_since(again(since), base, [], now=THEN, issues_scanned=1, unreadable=0) is None
    since = since_of(base, len(base), [])
    since.ahead.summary["projects"][0]["files"] = 0  # a row that cannot be
    assert (
        aggregate_since(
            again(since), base, metadata_groups(base), now=THEN, issues_scanned=1, unreadable=0
        )
        is None
    )
    since = since_of(base, len(base), [])  # the clock went back since the base counted
    before = THEN - timedelta(seconds=1)
    assert (
        aggregate_since(
            since, base, metadata_groups(base), now=before, issues_scanned=1, unreadable=0
        )
        is None
    )


def test_groups_that_are_not_metadata_ones_are_grouped_afresh():
    rng = random.Random(3)
    base = make_records(rng, 100, 1)
    since = since_of(base, len(base), [])
    since.tally.groups.append(("sha256:" + "0" * 64, ["1", "2"]))
    assert groups_since(again(since), base) is None


def test_a_tally_that_is_not_the_bases_groups_is_grouped_afresh():
    """Its files are not those its summary counts, or one of a group read (a quick win) is
    not a kept file (a gone one, or none): the groups are made afresh."""
    rng = random.Random(3)
    base = make_records(rng, 100, 1)
    since = since_of(base, len(base), [])
    last = max(range(len(since.tally.groups)), key=lambda n: _quick(since.tally.groups[n]))
    digest, ids = since.tally.groups[last]  # (not a quick win: its files are not read)
    since.tally.groups[last] = (digest, [*ids, "no such file"])  # one more than it counted
    assert groups_since(again(since), base) is None
    since = since_of(base, len(base), [])
    top = min(range(len(since.tally.groups)), key=lambda n: _quick(since.tally.groups[n]))
    digest, ids = since.tally.groups[top]
    since.tally.groups[top] = (digest, [*ids[:-1], "no such file"])  # as many, one not kept
    assert groups_since(again(since), base) is None
    # one of a quick win's files is a gone file (its issue changed): not kept
    *kept, new = make_records(rng, 100, 1)
    since = since_of(kept, len(kept) - 1, [kept[-1]])
    top = min(range(len(since.tally.groups)), key=lambda n: _quick(since.tally.groups[n]))
    digest, ids = since.tally.groups[top]
    odd = kept[-1]
    assert odd.attachment_id not in ids and odd.size != _size(digest)
    since.tally.groups[top] = (digest, [*ids[:-1], odd.attachment_id])
    assert groups_since(again(since), [*kept[:-1], new]) is None
    since = since_of(kept, len(kept) - 1, [kept[-1]])  # (as it was: held)
    assert groups_since(since, [*kept[:-1], new]) is not None


def _quick(group: tuple[str, list[str]]) -> tuple[int, int, str]:
    """A tally group's rank among the quick wins (most waste first)."""
    digest, ids = group
    return (-(len(ids) - 1) * _size(digest), -len(ids), digest)


def _size(digest: str) -> int:
    return int(digest.split(":")[1])


def test_files_picked_for_another_span_are_picked_again():
    """Files near a clock's edge picked for a span that does not hold the count's moments (a
    rescan counted over a day after it began) are not used: the kept files are looked at."""
    from aa_tui.scan.clock_edges import near_edges_of

    rng = random.Random(5)
    base = make_records(rng, 300, 1)
    gone, kept = base[:40], base[40:]
    now = THEN + timedelta(days=3)
    fresh = near_clock_edges(kept, THEN, now)
    assert fresh
    for since, until in [(THEN, now - timedelta(seconds=1)), (THEN + timedelta(seconds=1), now)]:
        picked = NearEdges([], since, until)  # (would hide every file)
        assert near_edges_of(picked, kept, gone, THEN, now) == fresh
    picked = NearEdges(near_clock_edges(base, THEN, now), THEN, now)
    assert near_edges_of(picked, kept, gone, THEN, now) == fresh  # the gone ones left out
