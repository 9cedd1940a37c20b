"""The report as one CSV file per table (format ``aa-tui.report/2``, see :mod:`aa_tui.reports`),
with text a spreadsheet would run as a formula made inert."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from aa_tui.durable import fsync_dir
from aa_tui.jira.links import attachment_content_url
from aa_tui.model.insights import FILE_ROW_FIELDS, INSIGHT_TABLES
from aa_tui.model.links import issue_url
from aa_tui.model.summary import TABLES
from aa_tui.store.atomic import write_atomic

LOCATION_COLUMNS = (
    "attachment_id",
    "issue_key",
    "project_key",
    "file_name",
    "author",
    "created",
    "status",
    "status_category",
    "is_canonical",
)


UNREADABLE_COLUMNS = ["attachment_id", "reason", "issue_key", "project_key", "file_name", "size"]


_SLICE_ROWS = 2000  # rows encoded before a chunk goes to the file
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: per table, the columns whose text aa-tui writes itself (a what-if step such as
#: "+ stale files", a hygiene kind): never from Jira, so never a formula to make inert
OUR_LABELS: dict[str, frozenset[str]] = {
    "what_if": frozenset({"step"}),
    "hygiene": frozenset({"kind"}),
}


def csv_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading ``'`` (OWASP's advice):
    file names come from any Jira user, and admins open these files in Excel. JSON exports
    keep names exactly as Jira gave them."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _links(base: str, loc: dict[str, Any]) -> dict[str, str]:
    """Where a copy is opened: its issue, and the attachment's content (a signed-in browser
    follows it to the file)."""
    if not base:
        return {"issue_url": "", "attachment_url": ""}
    return {
        "issue_url": issue_url(base, loc["issue_key"]),
        "attachment_url": attachment_content_url(base, loc["attachment_id"]),
    }


def _csv_chunks(
    columns: list[str], rows: Iterable[dict[str, Any]], ours: frozenset[str]
) -> Iterator[bytes]:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for number, row in enumerate(rows, 1):
        writer.writerow({k: v if k in ours else csv_safe(v) for k, v in row.items()})
        if number % _SLICE_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_table_csv(
    path: Path,
    columns: list[str],
    rows: Iterable[dict[str, Any]],
    *,
    ours: frozenset[str] = frozenset(),
) -> None:
    """One table as a CSV file: a header of ``columns``, then each row, formulas made inert
    (but in the columns of ``ours``: aa-tui's own labels, such as ``+ stale files``). Streamed
    to a private temp file (mode 0600 from its first byte) renamed over ``path`` when whole."""
    write_atomic(Path(path), _csv_chunks(columns, rows, ours))


def write_csv(directory: Path, report: dict[str, Any]) -> list[Path]:
    """``totals.csv``, one CSV per table, ``duplicate_groups.csv`` and ``locations.csv``; from
    a ``/2`` report also one per insight table, ``unreadable.csv`` and the file lists. A table
    the report has none of leaves no file of its name from an earlier export in ``directory``.

    The tables are written in a hidden folder inside ``directory`` and moved in once all are
    whole: a failure part-way (a full disk) leaves ``directory`` as it was, not a mix of two
    exports that nothing marks as such."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".aa-tui-csv-", dir=directory))
    try:
        names, absent = _write_tables(staging, report)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and exc.filename:  # named as the file asked for
            named = str(directory / Path(exc.filename).name)
            raise OSError(exc.errno, exc.strerror, named) from None
        raise
    written = []
    for name in names:
        os.replace(staging / name, directory / name)
        written.append(directory / name)
    for name in absent:
        (directory / name).unlink(missing_ok=True)
    staging.rmdir()
    fsync_dir(directory)
    return written


def _write_tables(folder: Path, report: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Write ``report``'s tables in ``folder``: the names written, and those of the tables the
    report has none of (no file of their name may stay from an earlier export)."""
    written: list[str] = []
    absent: list[str] = []

    def emit(name: str, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
        path = folder / f"{name}.csv"
        write_table_csv(path, columns, rows, ours=OUR_LABELS.get(name, frozenset()))
        written.append(path.name)

    def remove_earlier(name: str) -> None:
        # none in this report: the file of that name an earlier export left goes, once the
        # new set is in
        absent.append(f"{name}.csv")

    totals = {k: v for k, v in report["totals"].items() if not isinstance(v, dict)}
    emit("totals", list(totals), [totals])
    after = report.get("totals_after_cleanup")
    if isinstance(after, dict):  # as in the JSON: what the site holds after its cleanups
        net = {k: v for k, v in after.items() if not isinstance(v, dict)}
        emit("totals_after_cleanup", list(net), [net])
    else:
        remove_earlier("totals_after_cleanup")
    if "what_if_after_cleanup" in report:
        columns = [f.name for f in fields(INSIGHT_TABLES["what_if"])]
        emit("what_if_after_cleanup", columns, report["what_if_after_cleanup"])
    else:
        remove_earlier("what_if_after_cleanup")
    for name in TABLES:
        emit(name, ["key", "files", "size", "duplicate_files", "wasted_size"], report[name])
    group_columns = ["hash", "size", "file_name", "mime_type", "copies", "wasted_size", "likely"]
    emit("duplicate_groups", group_columns, report["duplicate_groups"])
    emit("quick_wins", group_columns, report["quick_wins"])
    scan = report.get("scan") or {}
    base = str(scan.get("browse_url") or scan.get("site") or "").rstrip("/")
    emit(
        "locations",
        ["hash", "size", *LOCATION_COLUMNS, "issue_url", "attachment_url"],
        (
            {"hash": g["hash"], "size": g["size"], **loc, **_links(base, loc)}
            for g in report["duplicate_groups"]
            for loc in g["locations"]
        ),
    )
    for name, row_type in INSIGHT_TABLES.items():
        if name in report:
            emit(name, [f.name for f in fields(row_type)], report[name])
        else:
            remove_earlier(name)
    for name in ("largest_files", "stale_files", "empty_files"):
        if name in report:
            emit(name, list(FILE_ROW_FIELDS), report[name])
        else:
            remove_earlier(name)
    if "unreadable" in report:  # a header alone when the scan found none
        emit("unreadable", UNREADABLE_COLUMNS, report["unreadable"])
    else:
        remove_earlier("unreadable")
    return written, absent
