"""Exports written as streams: the same bytes as the whole report encoded at once, the long
tables never held whole, and no half-written file under the final name."""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from helpers.cli import aa
from helpers.scanning import run_scan

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.file_table import I_PROJECT, FileTable
from aa_tui.model.insights import FileRow
from aa_tui.reports.csv_tables import LOCATION_COLUMNS, csv_safe
from aa_tui.reports.json_file import write_json
from aa_tui.reports.rows import Rows
from aa_tui.service.after_cleanup import summary_after
from aa_tui.service.cleanup import NOTHING_REMOVED
from aa_tui.service.insights import files_of, insights_of
from aa_tui.service.workspace import Workspace
from aa_tui.store import atomic, file_rows, table_reader
from aa_tui.store.errors import StoreError
from aa_tui.store.scan_files import write_table_atomic
from aa_tui.store.store import Store

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def stored(small_site, tmp_path_factory):
    """A data dir holding one exact scan of the small demo site, and the scan's id."""
    data = tmp_path_factory.mktemp("stream") / "data"
    store = Store(data)
    with DemoServer(small_site, DemoOptions()) as server:
        outcome = run_scan(server, store, now=NOW)
    store.close()
    return data, outcome.info.id


def whole_report(data: Path, scan_id: str) -> dict:
    """The report as exports built it before they streamed: every table in memory."""
    workspace = Workspace.open(data)
    try:
        forecast = workspace.forecast(scan_id).to_dict()
    finally:
        workspace.close()
    store = Store(data)
    try:
        results = store.results(scan_id)
        report = dict(results.summary().to_dict())
        report["duplicate_groups"] = store.load_groups(scan_id)
        report.update(insights_of(results).to_summary())
        for name, list_name in (("stale_files", "stale"), ("empty_files", "empty")):
            report[name] = [row.to_dict() for row in files_of(results, list_name)]
        report["totals_after_cleanup"] = summary_after(results, NOTHING_REMOVED).totals.to_dict()
        report["forecast"] = forecast
    finally:
        store.close()
    return report


def table_csv(columns: list[str], rows: list[dict]) -> bytes:
    """One CSV table as the writer made it before it streamed."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue().encode()


def test_the_json_export_is_the_whole_report_encoded_at_once(stored, tmp_path):
    data, scan_id = stored
    expected = orjson.dumps(whole_report(data, scan_id), option=orjson.OPT_INDENT_2)
    workspace = Workspace.open(data)
    try:
        workspace.export(scan_id, json_path=tmp_path / "r.json")
    finally:
        workspace.close()
    report = orjson.loads(expected)
    assert report["duplicate_groups"] and report["stale_files"] and report["empty_files"]
    assert (tmp_path / "r.json").read_bytes() == expected
    # the command line's report of the stored scan: the same bytes
    done = aa(["report", scan_id, "--json", str(tmp_path / "cli.json")], data)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cli.json").read_bytes() == expected


def test_the_csv_export_has_the_rows_of_the_whole_report(stored, tmp_path):
    data, scan_id = stored
    report = whole_report(data, scan_id)
    workspace = Workspace.open(data)
    try:
        done = workspace.export(scan_id, csv_dir=tmp_path / "csv")
    finally:
        workspace.close()
    group_columns = ["hash", "size", "file_name", "mime_type", "copies", "wasted_size", "likely"]
    base = report["scan"]["browse_url"]
    locations = [
        {
            "hash": g["hash"],
            "size": g["size"],
            **loc,
            "issue_url": f"{base}/browse/{loc['issue_key']}",
            "attachment_url": f"{base}/rest/api/3/attachment/content/{loc['attachment_id']}",
        }
        for g in report["duplicate_groups"]
        for loc in g["locations"]
    ]
    file_columns = list(report["stale_files"][0])
    expected = {
        "duplicate_groups.csv": table_csv(group_columns, report["duplicate_groups"]),
        "locations.csv": table_csv(
            ["hash", "size", *LOCATION_COLUMNS, "issue_url", "attachment_url"], locations
        ),
        "stale_files.csv": table_csv(file_columns, report["stale_files"]),
        "empty_files.csv": table_csv(file_columns, report["empty_files"]),
    }
    assert len(locations) > len(report["duplicate_groups"]) > 0
    for name, content in expected.items():
        assert (tmp_path / "csv" / name).read_bytes() == content, name
    assert {p.name for p in done.csv_files} >= set(expected)
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in done.csv_files)


def test_a_long_table_is_written_without_being_held_whole(tmp_path):
    group = {"hash": "ab" * 32, "size": 1234, "locations": [{"file_name": "x" * 200}] * 4}
    rows = Rows(lambda: (dict(group, n=n) for n in range(20_000)))
    tracemalloc.start()
    try:
        write_json(tmp_path / "r.json", {"schema": "aa-tui.report/2", "duplicate_groups": rows})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = (tmp_path / "r.json").stat().st_size
    assert size > 20_000_000
    assert peak < size / 5  # a megabyte or so of chunks, not the report


def test_the_table_reader_reads_across_blocks(tmp_path, monkeypatch):
    rows = [
        {
            "n": n,
            "name": f"Ünïcödé 日本 🎉 {'é' * n}",
            "size": 10 ** (n % 19),
            "x": [1.5, None, True],
        }
        for n in range(40)
    ]
    path = tmp_path / "groups.json"
    write_table_atomic(path, rows)
    monkeypatch.setattr(table_reader, "BLOCK", 7)  # every value and character cut somewhere
    assert list(table_reader.iter_table(path)) == rows


def _disk_fills_after(limit: int, monkeypatch) -> None:
    """Writes to files opened by the atomic writer fail with ENOSPC after ``limit`` bytes."""
    opened = os.fdopen

    class Full(io.BufferedWriter):
        written = 0

        def write(self, data) -> int:  # type: ignore[override]
            Full.written += len(data)
            if Full.written > limit:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return super().write(data)

    def fdopen(fd, mode="r", *args, **kwargs):
        if "w" in mode:
            return Full(io.FileIO(fd, "w"))
        return opened(fd, mode, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)


def test_a_full_disk_leaves_the_old_files_and_no_half_written_one(stored, tmp_path, monkeypatch):
    data, scan_id = stored
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.json").write_bytes(b"the old report")
    (out / "csv").mkdir()
    (out / "csv" / "locations.csv").write_bytes(b"the old locations")
    workspace = Workspace.open(data)
    try:
        _disk_fills_after(20_000, monkeypatch)
        with pytest.raises(OSError, match="No space"):
            workspace.export(scan_id, json_path=out / "r.json")
        with pytest.raises(OSError, match="No space"):
            workspace.export(scan_id, csv_dir=out / "csv")
    finally:
        workspace.close()
    assert (out / "r.json").read_bytes() == b"the old report"
    assert (out / "csv" / "locations.csv").read_bytes() == b"the old locations"
    left = [p.name for p in out.rglob("*")]
    assert not [name for name in left if name.endswith(".tmp")], left


def test_the_file_table_reads_back_a_slice_at_a_time(stored, tmp_path, monkeypatch):
    data, scan_id = stored
    folder = Store(data).scan_dir(scan_id)
    saved = (folder / "files.json").read_bytes()
    whole = orjson.loads(saved)  # one JSON document, as before: one item a line
    assert saved.count(b"\n") == len(whole["rows"]) + len(whole["issues"]) + 2
    monkeypatch.setattr(file_rows, "_BLOCK", 64)  # many blocks, items cut anywhere
    table = file_rows.read_file_rows(folder)
    assert table is not None
    assert (table.rows, table.issues, table.people, table.mimes) == (
        whole["rows"],
        whole["issues"],
        whole["people"],
        whole["mimes"],
    )
    # what many issues share is kept once
    projects = {id(issue[I_PROJECT]) for issue in table.issues}
    assert len(projects) == len({issue[I_PROJECT] for issue in table.issues}) < len(table.issues)
    # a table an earlier aa-tui wrote on one line still reads
    other = tmp_path / "old"
    other.mkdir()
    (other / "files.json").write_bytes(orjson.dumps(whole))
    again = file_rows.read_file_rows(other)
    assert again is not None and again.rows == whole["rows"]
    # one cut short is rebuilt (None), never half read
    (other / "files.json").write_bytes(saved[: len(saved) // 2])
    assert file_rows.read_file_rows(other) is None


def test_the_file_table_is_written_without_a_buffer_per_row(tmp_path):
    table = FileTable.of(
        FileRow(str(n), f"P-{n}", "P", f"file-{n}.png", n, "image/png", "Ann", "a1", True,
                "2024-01-15T20:46:02.000+0000", "Done", "Done", "2024-02-05T06:13:28.000+0000")
        for n in range(20_000)
    )  # fmt: skip
    assert not table._issue_index  # sealed: the look-ups for adding are let go
    tracemalloc.start()
    try:
        file_rows.write_file_rows(tmp_path, table)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # orjson keeps a 4 KB buffer per encoded row until joined: 20,000 at once would be 80 MB
    assert peak < 4_000_000
    again = file_rows.read_file_rows(tmp_path)
    assert again is not None and again.rows == table.rows and again.issues == table.issues


def test_a_damaged_groups_file_stops_the_export_in_one_sentence(stored, tmp_path):
    data, scan_id = stored
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    groups = Store(copy).scan_dir(scan_id) / "groups.json"
    raw = groups.read_bytes()
    groups.write_bytes(raw[: len(raw) * 2 // 3])  # cut short: the first groups read, not the rest
    workspace = Workspace.open(copy)
    try:
        with pytest.raises(StoreError, match="is damaged"):
            workspace.export(scan_id, json_path=tmp_path / "r.json")
    finally:
        workspace.close()
    assert not (tmp_path / "r.json").exists()
    done = aa(["report", scan_id, "--json", str(tmp_path / "r.json")], copy)
    assert done.returncode != 0 and "is damaged" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r.json").exists()


def test_a_list_of_files_is_written_as_the_whole_list_encoded_at_once(stored, tmp_path):
    data, scan_id = stored
    workspace = Workspace.open(data)
    try:
        done = workspace.export_files(scan_id, "stale", path=tmp_path / "s.json", kind="json")
        files = workspace.files(scan_id, "stale")
    finally:
        workspace.close()
    expected = {
        "scan_id": scan_id,
        "list": "stale",
        "key": "",
        "files": len(files),
        "size": sum(f.size for f in files),
        "rows": [f.to_dict() for f in files],
    }
    assert done.files == len(files) > 0
    assert (tmp_path / "s.json").read_bytes() == orjson.dumps(expected, option=orjson.OPT_INDENT_2)
