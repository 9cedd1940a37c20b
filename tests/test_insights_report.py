"""The report of a scan's insights: JSON /2, CSV tables, the HTML page and the CLI flags."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timezone

import pytest
from helpers.cli import aa
from helpers.scanning import run_scan

from aa_tui.analysis.whatif import WHAT_IF_STEPS
from aa_tui.demo.insights_truth import insight_truth
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.insights import InsightSettings, parse_cap, parse_size
from aa_tui.reports.csv_tables import write_csv
from aa_tui.reports.html_page import render
from aa_tui.service.workspace import Workspace
from aa_tui.store.store import Store

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
NOW_S = int(NOW.timestamp())


@pytest.fixture(scope="module")
def stored(small_site, tmp_path_factory):
    """A data dir holding one exact scan of the small demo site, and the scan's id."""
    data = tmp_path_factory.mktemp("report") / "data"
    store = Store(data)
    with DemoServer(small_site, DemoOptions()) as server:
        outcome = run_scan(server, store, now=NOW)
    store.close()
    return data, outcome.info.id


def test_json_report_v2_with_a_cap_and_thresholds(stored, small_site, tmp_path):
    data, scan_id = stored
    truth = insight_truth(small_site)
    total = small_site.truth.total_size
    workspace = Workspace.open(data)
    try:
        settings = InsightSettings(stale_days=30, idle_days=40, cap=total // 2)
        workspace.export(scan_id, json_path=tmp_path / "r.json", settings=settings)
        saved = workspace.insights(scan_id)
        rebuilt = workspace.insights(scan_id, settings)
        stale = workspace.files(scan_id, "stale", settings=settings)
    finally:
        workspace.close()
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["schema"] == "aa-tui.report/2"
    for name in (
        "uploads_by_month",
        "idle_projects",
        "inactive_uploaders",
        "clutter",
        "hygiene",
        "heat",
        "what_if",
        "unreadable",
        "stale_files",
        "empty_files",
    ):
        assert name in report, name
    assert report["insight_settings"]["cap"] == total // 2
    assert report["what_if"][0]["under_cap"] == total // 2 - total
    assert {s["attachment_id"] for s in report["stale_files"]} == truth.stale(NOW_S, 30)
    assert {r.attachment_id for r in stale} == truth.stale(NOW_S, 30)
    assert {p["key"] for p in report["idle_projects"]} == set(truth.idle_projects(NOW_S, 40))
    assert saved.settings == InsightSettings() and rebuilt.settings == settings
    assert saved.table("uploads_by_month") == rebuilt.table("uploads_by_month")
    empty = {a for a, s in truth.sizes.items() if s == 0}
    assert {e["attachment_id"] for e in report["empty_files"]} == empty


def test_every_stale_figure_of_an_export_counts_the_days_asked_for(stored, tmp_path):
    """``--stale-days 30``: the totals (what the scan saw), the totals after cleanup and the
    list of stale files all count 30 days (totals.csv said the saved 365 days' count beside
    the others' 30: two tables of one export disagreed), and the saved summary is unchanged."""
    data, scan_id = stored
    folder = tmp_path / "csv"
    said = aa(["report", scan_id, "--stale-days", "30", "--csv", str(folder), "--json",
               str(tmp_path / "r.json")], data)  # fmt: skip
    assert said.returncode == 0, said.stderr
    report = json.loads((tmp_path / "r.json").read_text())

    def row(name: str) -> dict[str, str]:
        with open(folder / f"{name}.csv", newline="", encoding="utf-8") as handle:
            return next(csv.DictReader(handle))

    listed = report["stale_files"]
    stale = (str(len(listed)), str(sum(f["size"] for f in listed)))
    for name in ("totals", "totals_after_cleanup"):
        assert (row(name)["stale_files"], row(name)["stale_size"]) == stale, name
    assert report["totals"]["stale_files"] == len(listed)
    workspace = Workspace.open(data)
    try:
        saved = workspace.results(scan_id).summary().totals
        assert saved.stale_files != len(listed)  # the saved count is the default days'
        default = workspace.files(scan_id, "stale")
        assert saved.stale_files == len(default)
    finally:
        workspace.close()


def test_csv_has_one_file_per_insight_table(stored, tmp_path):
    data, scan_id = stored
    workspace = Workspace.open(data)
    try:
        done = workspace.export(scan_id, csv_dir=tmp_path / "csv")
    finally:
        workspace.close()
    names = {p.stem for p in done.csv_files}
    assert {"uploads_by_month", "what_if", "hygiene", "heat", "stale_files"} <= names
    with open(tmp_path / "csv" / "what_if.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # our own labels are written as they are: "+ stale files" is not a formula (issue 19 #12)
    assert [r["step"] for r in rows] == list(WHAT_IF_STEPS)
    assert oct((tmp_path / "csv" / "what_if.csv").stat().st_mode & 0o777) == "0o600"


def exported_report(stored, tmp_path) -> dict:
    """The stored scan's report, written by the workspace as JSON and read back."""
    data, scan_id = stored
    workspace = Workspace.open(data)
    try:
        workspace.export(scan_id, json_path=tmp_path / "report.json")
    finally:
        workspace.close()
    return json.loads((tmp_path / "report.json").read_text())


def test_a_csv_folder_holds_only_the_tables_of_the_last_export(stored, tmp_path):
    """A weekly export into one folder: a table the newer report has none of leaves no file
    of an older export behind (``unreadable.csv`` of a scan that found none is a header)."""
    older = exported_report(stored, tmp_path)
    assert older["unreadable"] == [] and "totals_after_cleanup" in older
    report = {k: v for k, v in older.items() if k != "totals_after_cleanup"}  # as a /1 one
    # an earlier week's export found a file unreadable
    older["unreadable"] = [{"attachment_id": "1", "reason": "HTTP 404", "file_name": "gone.bin"}]
    folder = tmp_path / "csv"
    write_csv(folder, older)
    assert (folder / "totals_after_cleanup.csv").exists()
    written = write_csv(folder, report)
    with open(folder / "unreadable.csv", newline="") as handle:
        assert list(csv.DictReader(handle)) == []
    assert not (folder / "totals_after_cleanup.csv").exists()
    assert {p.name for p in folder.iterdir()} == {p.name for p in written}


def test_a_csv_export_that_fails_part_way_leaves_the_folder_as_it_was(stored, tmp_path):
    """A full disk part-way left 7 of 21 new tables beside 14 of an older export, and nothing
    said the folder held a mix."""
    import errno

    report = exported_report(stored, tmp_path)
    folder = tmp_path / "csv"
    write_csv(folder, report)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def full_disk():
        yield report["stale_files"][0]
        raise OSError(errno.ENOSPC, "No space left on device")

    newer = {**report, "totals": {**report["totals"], "total_files": 1}, "stale_files": full_disk()}
    with pytest.raises(OSError) as raised:
        write_csv(folder, newer)
    assert raised.value.filename == str(folder / "stale_files.csv")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no hidden folder


def test_html_report_is_self_contained(stored, small_site, tmp_path):
    data, scan_id = stored
    page = tmp_path / "report.html"
    result = aa(["report", scan_id, "--html", str(page), "--cap", "20MB"], data)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {page}" in result.stderr
    html = page.read_text()
    assert oct(page.stat().st_mode & 0o777) == "0o600"
    assert html.startswith("<!doctype html>") and html.count("<svg") == 2
    # nothing to fetch: no scripts, no external resources, no links to load
    assert not re.search(r"<script|<link|<img|<iframe|src=|href=|@import|url\(", html)
    assert "cap 20 MB" in html  # the cap line of the what-if chart, in the units plans use
    # the room under it in the same units (MB), never MiB beside "cap 20 MB"
    rooms = re.findall(r'<td class="n">([^<]*(?:to spare|over by)[^<]*)</td>', html)
    unit = r"(over by )?[\d,]+\.\d [KM]B( to spare)?"
    assert len(rooms) == 5 and all(re.fullmatch(unit, r) for r in rooms), rooms
    assert "SHA-256" in html and "Under the cap" in html
    months = json.loads(json.dumps(insight_truth(small_site).months))
    assert html.count("<title>") == 1 + len(months)  # the page's title and one per month bar
    assert "Largest files" in html and "Unreadable files" in html


def test_html_escapes_what_jira_users_wrote():
    evil = '<script>alert("x")</script>.log'
    report = {
        "scan": {"site": "https://a<b>.example", "verify": "exact"},
        "totals": {},
        "hygiene": [{"kind": "log", "files": 1, "size": 5}],
        "heat": [{"issue_key": "A-1", "file_name": evil, "size": 5, "days_idle": 3}],
        "uploads_by_month": [{"month": "<m>", "files": 1, "size": 5, "wasted_size": 0}],
    }
    html = render(report)
    assert "<script" not in html and "&lt;script&gt;" in html and "<b>.example" not in html


def test_report_flags_refuse_bad_input(stored, tmp_path):
    data, scan_id = stored
    result = aa(["report", scan_id, "--html", str(tmp_path / "x.html"), "--cap", "lots"], data)
    assert result.returncode == 2 and "250GB" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.html").exists()
    result = aa(["report", scan_id, "--json", str(tmp_path / "x.json"), "--idle-days", "-1"], data)
    assert result.returncode == 2 and "--idle-days" in result.stderr
    result = aa(["report", scan_id], data)
    assert result.returncode == 2 and "--html FILE" in result.stderr


@pytest.mark.parametrize(
    ("text", "size"),
    [("250GB", 250 * 10**9), ("2 GiB", 2 * 2**30), ("1.5TB", 15 * 10**11), ("4096", 4096)],
)
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "GB", "-1GB", "10XB", "lots", "nanGB", "infGB"])
def test_parse_size_refuses(text):
    with pytest.raises(ValueError, match="250GB"):
        parse_size(text)


@pytest.mark.parametrize(
    ("text", "said"),
    [("2", "has no unit"), ("250000000000", "has no unit"), ("0GB", "more than 0"),
     ("9999999999999999999999TB", "more than any Jira plan"), ("lots", "is not a size")],
)  # fmt: skip
def test_parse_cap_refuses_what_no_plan_means(text, said):
    with pytest.raises(ValueError, match=said):
        parse_cap(text)
    assert parse_cap("250 GB") == 250 * 10**9 and parse_cap("1.5TB") == 15 * 10**11


def test_report_refuses_a_cap_of_0_or_without_a_unit(stored, tmp_path):
    data, scan_id = stored
    for cap in ("0", "2", "0GB"):
        result = aa(["report", scan_id, "--html", str(tmp_path / "x.html"), "--cap", cap], data)
        assert result.returncode == 2 and "250GB" in result.stderr, (cap, result.stderr)
        assert not (tmp_path / "x.html").exists()


def test_a_scan_saved_before_insights_still_reports_them(stored, small_site, tmp_path):
    """A /1 summary (no insight tables) and no files.json: both are rebuilt from the scan's
    attachments and groups, and the report says what a fresh scan says."""
    import shutil

    import orjson

    data, scan_id = stored
    old = tmp_path / "old"
    shutil.copytree(data, old)
    folder = old / "scans" / scan_id
    (folder / "files.json").unlink()
    table = orjson.loads((folder / "summary.json").read_bytes())
    summary = table["_default"]["1"]
    fresh = json.loads(json.dumps(summary))
    for name in (
        "insight_settings", "uploads_by_month", "idle_projects", "inactive_uploaders",
        "clutter", "hygiene", "heat", "what_if", "largest_files", "insight_counts",
    ):  # fmt: skip
        summary.pop(name)
    summary["schema"] = "aa-tui.report/1"
    (folder / "summary.json").write_bytes(orjson.dumps(table))
    result = aa(["report", scan_id, "--json", str(tmp_path / "r.json"), "--html",
                 str(tmp_path / "r.html")], old)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    for name in ("uploads_by_month", "inactive_uploaders", "hygiene", "heat", "what_if"):
        assert report[name] == fresh[name], name
    assert "<svg" in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize(
    ("room", "cap", "said"),
    [
        (248_970_000_000, 250 * 10**9, "249.0 GB to spare"),
        (-505_600_000, 250 * 10**9, "over by 505.6 MB"),  # less than a GB: a unit that shows it
        (-1_500_000_000, 10**9, "over by 1.5 GB"),
        (12_300_000, 20 * 10**6, "12.3 MB to spare"),
        (0, 250 * 10**9, "0 B to spare"),
        (999, 2_000_000, "999 B to spare"),
    ],
)
def test_a_caps_room_is_in_the_caps_decimal_units(room, cap, said):
    from aa_tui.model.insights import room_text

    assert room_text(room, cap) == said


def test_the_cap_line_crosses_no_bar_label():
    """Issue 19 #12: a bar ending just short of the cap had its figure crossed by the cap's
    dashed line. Every figure's span (7 px a character, generous at font-size 12) keeps clear
    of the line."""
    from aa_tui.model.units import size_text
    from aa_tui.reports.html_charts import what_if_bars

    mib = 1024 * 1024
    cap = 500 * mib
    steps = [  # just under the cap (label would start on the line), far under, over it
        {"step": s, "remaining_size": r}
        for s, r in (("as it is", 980 * mib), ("duplicates", 497 * mib), ("+ stale", 30 * mib),
                     ("+ hygiene", 470 * mib))
    ]  # fmt: skip
    svg = what_if_bars(steps, cap, size_text)
    cap_x = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    for step in steps:
        label = size_text(step["remaining_size"])
        x, anchor = re.search(
            rf'<text x="([\d.]+)" y="\d+"(?: text-anchor="(\w+)")?[^>]*>{re.escape(label)}</text>',
            svg,
        ).groups()
        start = float(x) - (7.0 * len(label) if anchor == "end" else 0)
        assert not start - 2 <= cap_x <= start + 7.0 * len(label) + 2, (label, start, cap_x)


def test_the_html_page_reads_no_list_of_files(stored, monkeypatch, tmp_path):
    """The page counts stale and empty files from the totals; building their lists (468,028
    rows at 1,000,000 issues: 155 against 38 MiB at 200,000) for a page that shows none of them
    is what it must not do."""
    import aa_tui.service.exports as exports

    asked: list[str] = []
    real_files_of = exports.files_of

    def files_of(results, name, **kwargs):
        asked.append(name)
        return real_files_of(results, name, **kwargs)

    monkeypatch.setattr(exports, "files_of", files_of)
    data, scan_id = stored
    workspace = Workspace.open(data)
    try:
        workspace.export(scan_id, html_path=tmp_path / "r.html")
    finally:
        workspace.close()
    assert (tmp_path / "r.html").read_text().startswith("<!doctype html>")
    assert asked == []
