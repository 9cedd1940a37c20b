"""Insight building blocks: hygiene patterns, months in UTC, what-if, heat and lists."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aa_tui.analysis.hygiene import hygiene_kind
from aa_tui.analysis.insights import build_insights, month_of
from aa_tui.analysis.lists import UnknownList, select_files
from aa_tui.model.file_table import FileTable
from aa_tui.model.insights import FileRow, InsightSettings

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def row(aid, size, *, name="a.png", project="P", updated="2026-10-01T00:00:00.000+0000",
        created="2026-10-01T00:00:00.000+0000", category="To Do", active=True, digest="",
        copy=False, author="Ann"):  # fmt: skip
    return FileRow(aid, f"{project}-1", project, name, size, "image/png", author, "acc-" + author,
                   active, created, "Open", category, updated, digest, copy)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("server.log", "log"),
        ("app.log.3", "log"),
        ("java_pid123.hprof", "heap/core dump"),
        ("core", "heap/core dump"),
        ("core.4711", "heap/core dump"),
        ("session.HAR", "HAR"),
        ("~$budget.xlsx", "temp"),
        ("download.crdownload", "temp"),
        (".DS_Store", "OS junk"),
        ("Thumbs.db", "OS junk"),
        ("._photo.jpg", "OS junk"),
        ("catalog.png", ""),
        ("logbook.pdf", ""),
        ("core-values.pdf", ""),
        # zipped log bundles
        ("logs-2026-03-01.zip", "log"),
        ("LOGS_jira.zip", "log"),
        ("logs.zip", "log"),
        ("support-logs.zip", "log"),
        ("server.log.gz", "log"),
        ("app.log.1.gz", "log"),
        ("catalog.zip", ""),
        ("blogs.zip", ""),
        ("logbook.zip", ""),
        # HAR files saved as JSON
        ("network.har.json", "HAR"),
        ("har-3.json", "HAR"),
        ("HAR_export.json", "HAR"),
        ("login-har.json", "HAR"),
        ("my har capture.json", "HAR"),
        ("har.json", "HAR"),
        ("capture.har.gz", "HAR"),
        ("charter.json", ""),
        ("sharing.json", ""),
        ("harbor-plan.json", ""),
        ("har-notes.txt", ""),
    ],
)
def test_hygiene_patterns(name, kind):
    assert hygiene_kind(name) == kind


def test_month_is_utc():
    assert month_of("2026-03-31T23:30:00.000-0200") == "2026-04"
    assert month_of("2026-03-31T23:30:00.000+0000") == "2026-03"
    assert month_of("") == "unknown"


def test_insights_of_a_handmade_site():
    old = "2024-01-01T00:00:00.000+0000"
    rows = [
        row("1", 100, digest="h", project="A"),
        row("2", 100, digest="h", copy=True, project="B", updated=old, category="Done"),
        row("3", 50, name="x.log", project="B", updated=old, category="Done", active=False),
        row("4", 30, name="y.log", project="A"),
        row("5", 0, name="empty.txt", project="A"),
        row("6", 7, project="B", updated=old, active=False, author="Bo"),
    ]
    files, rows = rows, FileTable.of(rows)
    assert rows.files() == files  # the compact table gives back every file as it was
    ins = build_insights(rows, now=NOW, settings=InsightSettings(clutter_copies=2, cap=200))
    assert [(p.key, p.files, p.size) for p in ins.table("idle_projects")] == [("B", 3, 157)]
    departed = {(u.name, u.files, u.size) for u in ins.table("inactive_uploaders")}
    assert departed == {("Ann", 1, 50), ("Bo", 1, 7)}
    assert [(c.copies, c.issues, c.projects) for c in ins.table("clutter")] == [(2, 2, 2)]
    steps = [(s.step, s.files, s.size, s.remaining_size, s.under_cap) for s in ins.table("what_if")]
    assert steps == [
        ("as it is", 0, 0, 287, -87),
        ("duplicates", 1, 100, 187, 13),
        ("+ stale files", 1, 50, 137, 63),  # file 2 is stale too, counted once
        ("+ hygiene", 1, 30, 107, 93),
        ("+ idle projects", 1, 7, 100, 100),
    ]
    assert ins.counts["stale_files"] == 2 and ins.counts["empty_files"] == 1
    assert ins.table("heat")[0].attachment_id == "2"  # 100 bytes x 1035 days
    assert [r.attachment_id for r in select_files(rows, "heat", now=NOW)][:2] == ["2", "3"]
    assert [r.attachment_id for r in select_files(rows, "file_types", "log", now=NOW)] == ["3", "4"]
    assert [r.attachment_id for r in select_files(rows, "copies", now=NOW)] == ["2"]
    with pytest.raises(UnknownList):
        select_files(rows, "nope", now=NOW)


def test_times_in_other_offsets_count_like_utc_ones():
    # 2025-10-31T23:30-0200 is 2025-11-01T01:30Z: a day and a half before the cutoff below
    old_offset = "2025-10-31T23:30:00.000-0200"
    new_utc = "2026-10-31T00:00:00.000+0000"
    rows = FileTable.of(
        [
            row("1", 10, project="A", updated=old_offset, category="Done"),
            row("2", 10, project="B", updated="2025-11-01T01:29:00.000+0000", category="Done"),
            row("3", 10, project="B", updated=new_utc),
            row("4", 10, project="C", updated="not a date", category="Done"),
        ]
    )
    settings = InsightSettings(stale_days=364, idle_days=364)  # cutoff 2025-11-02T00:00Z
    ins = build_insights(rows, now=NOW, settings=settings)
    assert ins.counts["stale_files"] == 2  # 1 and 2; 4's date cannot be read
    assert [(p.key, p.last_update) for p in ins.table("idle_projects")] == [("A", old_offset)]
    stale = select_files(rows, "stale", now=NOW, settings=settings)
    assert {r.attachment_id for r in stale} == {"1", "2"}


@pytest.mark.parametrize(
    "name",
    ["a.LOG", "x.log.12", "y.Log.gz", "trace.trace", "Core", "core.12", "~$x.docx", "a.TMP",
     "b~", ".~lock.x#", "Thumbs.DB", "._x", "desktop.ini", "plain.png", "catalog.txt", "corel.cdr",
     "logs.zip", "partial.pdf", "x.parts", "", "dir/.DS_Store", "x-har-y.json", "charter.json",
     "my_logs.zip", "a.log.zip", "Har_1.JSON"],
)  # fmt: skip
def test_the_quick_check_never_hides_a_match(name):
    import re
    from fnmatch import translate

    from aa_tui.analysis.hygiene import HYGIENE_PATTERNS

    base = name.rsplit("/", 1)[-1]
    slow = next(
        (
            kind
            for kind, patterns in HYGIENE_PATTERNS.items()
            if any(re.match(translate(p), base, re.IGNORECASE) for p in patterns)
        ),
        "",
    )
    assert hygiene_kind(name) == slow


def test_a_list_cut_at_its_first_files_keeps_ties_in_order():
    files = [row(str(10 + i), size, project="A") for i, size in enumerate([5, 9, 9, 9, 1, 0, 9])]
    table = FileTable.of(files)
    whole = select_files(table, "largest", now=NOW)
    for limit in range(len(files) + 2):
        assert select_files(table, "largest", now=NOW, limit=limit) == whole[:limit]
    heat = select_files(table, "heat", now=NOW)
    assert select_files(table, "heat", now=NOW, limit=2) == heat[:2]


@pytest.mark.parametrize(
    "damage",
    [
        {"uploads_by_month": 7, "heat": "x", "what_if": {"a": 1}},
        {"insight_settings": {"stale_days": "soon", "cap": "big", "top": True}},
        {"insight_settings": [1], "insight_counts": [1, 2], "largest_files": 3},
        {"clutter": [{"hash": "h"}, 5, None], "idle_projects": [{"key": "A", "last_update": ""}]},
    ],
)
def test_a_damaged_summary_opens_with_what_it_can(damage):
    from aa_tui.model.summary import ScanSummary

    summary = ScanSummary.from_dict({"schema": "aa-tui.report/2", **damage})
    assert summary.insight_settings == InsightSettings()
    assert summary.uploads_by_month == [] and summary.heat == [] and summary.what_if == []
    assert summary.clutter == [] and summary.largest_files == []
    assert summary.insight_counts == {}
    if "idle_projects" in damage:
        assert [p.key for p in summary.idle_projects] == ["A"]


def test_a_table_saved_without_update_times_gives_the_same_insights():
    old = "2024-01-01T00:00:00.000+0000"
    files = [
        row("1", 100, project="A", updated=old, category="Done"),
        row("2", 50, project="B"),
        row("3", 70, project="A", updated="2025-02-03T04:05:06.000+0200"),
    ]
    table = FileTable.of(files)
    earlier = FileTable(
        rows=table.rows, issues=[i[:5] for i in table.issues], people=table.people,
        mimes=table.mimes,
    )  # fmt: skip
    settings = InsightSettings(idle_days=200)
    assert build_insights(earlier, now=NOW, settings=settings) == build_insights(
        table, now=NOW, settings=settings
    )
    for name in ("heat", "stale", "idle_projects"):
        assert select_files(earlier, name, now=NOW) == select_files(table, name, now=NOW)


def test_the_readme_lists_every_hygiene_pattern():
    """README's table of hygiene patterns is the code's table, kind by kind."""
    from pathlib import Path

    from aa_tui.analysis.hygiene import HYGIENE_PATTERNS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for kind, patterns in HYGIENE_PATTERNS.items():
        listed = ", ".join("`" + p.replace("\r", "\\r") + "`" for p in patterns)
        assert f"| {kind} | {listed} |" in readme, kind
