"""Writing a stored scan out: the JSON report or a folder of CSV tables (one place for both
faces)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aa_tui.model.classify import STALE_AFTER_DAYS
from aa_tui.model.insights import FILE_ROW_FIELDS, FileRow, InsightSettings, kept_anew_sentence
from aa_tui.model.summary import ScanSummary
from aa_tui.model.units import counted
from aa_tui.reports.csv_tables import write_csv, write_table_csv
from aa_tui.reports.html_page import write_html
from aa_tui.reports.json_file import full_report, write_json
from aa_tui.reports.rows import Rows
from aa_tui.service.after_cleanup import kept_anew_of, summary_after
from aa_tui.service.cleanup import NOTHING_REMOVED, Removed
from aa_tui.service.forecast import forecast_of
from aa_tui.service.insights import files_of, insights_in, insights_of
from aa_tui.store.results import ScanResults


@dataclass
class Export:
    """What an export wrote."""

    json_path: Path | None = None
    csv_dir: Path | None = None
    csv_files: list[Path] = field(default_factory=list)
    html_path: Path | None = None

    def lines(self) -> list[str]:
        """One sentence per thing written."""
        said = []
        if self.json_path is not None:
            said.append(f"Wrote {self.json_path}")
        if self.csv_dir is not None:
            said.append(f"Wrote {len(self.csv_files)} CSV files to {self.csv_dir}")
        if self.html_path is not None:
            said.append(f"Wrote {self.html_path}")
        return said


def export_results(
    results: ScanResults,
    *,
    json_path: Path | None = None,
    csv_dir: Path | None = None,
    html_path: Path | None = None,
    settings: InsightSettings | None = None,
    removed: Removed = NOTHING_REMOVED,
    with_forecast: bool = False,
) -> Export:
    """Write the report as JSON, CSV tables and/or HTML; ``settings`` (thresholds, a cap)
    rebuild the insight tables when they differ from the saved ones. JSON and CSV keep what
    the scan saw and add ``totals_after_cleanup`` (and the ``cleanup`` done since); the HTML
    page, read by people, is after cleanup (net of ``removed``) and says so. ``with_forecast``:
    both say when the cap is reached at the site's recent rate, net of cleanups."""
    done = Export()
    if json_path is None and csv_dir is None and html_path is None:
        return done
    after = summary_after(results, removed, settings)
    forecast = (  # from the insights after cleanup just counted, not counted again
        forecast_of(results, settings, removed.ids, insights_in(after)) if with_forecast else None
    )
    if json_path is not None or csv_dir is not None:
        # The long tables are streams (Rows): each writer reads them as it writes, so neither
        # the groups nor the file lists, nor the encoded report, sit in memory whole.
        report = full_report(results.summary().to_dict(), Rows(results.iter_groups))
        report.update(insights_of(results, settings).to_summary())
        # (a copy: the saved summary's own totals stay as saved)
        report["totals"] = {**report["totals"], **_stale_counted(results, after, removed, settings)}
        for name, list_name in (("stale_files", "stale"), ("empty_files", "empty")):
            report[name] = _file_rows(results, list_name, settings)
        report["totals_after_cleanup"] = after.totals.to_dict()
        section = removed.section()
        if section:  # files that cleanups removed since the scan (aa_tui.service.cleanup)
            report["cleanup"] = section
            # what_if is the scan's; beside the forecast (net of cleanups), the one after them
            after_what_if = insights_in(after).table("what_if")
            report["what_if_after_cleanup"] = [asdict(row) for row in after_what_if]
        if forecast is not None:  # when the cap is reached at this rate (service.forecast)
            report["forecast"] = forecast.to_dict()
        if json_path is not None:
            write_json(Path(json_path), report)
            done.json_path = Path(json_path)
        if csv_dir is not None:
            done.csv_files = write_csv(Path(csv_dir), report)
            done.csv_dir = Path(csv_dir)
    if html_path is not None:
        # The page counts stale and empty files from the totals; it lists none of them (their
        # lists were built here and never read: 468,028 dicts at 1,000,000 issues).
        page = full_report(after.to_dict(), [])
        section = removed.section()
        if section:
            page["cleanup"] = section
        if forecast is not None:
            page["forecast"] = forecast.to_dict()
        kept = kept_anew_of(results, removed.ids)
        if kept[0]:  # why a what-if figure can be higher than before the cleanup
            page["kept_anew"] = kept_anew_sentence(*kept)
        write_html(Path(html_path), page)
        done.html_path = Path(html_path)
    return done


def _stale_counted(
    results: ScanResults, after: ScanSummary, removed: Removed, settings: InsightSettings | None
) -> dict[str, int]:
    """The scan's stale files and bytes (what it saw, before any cleanup) under ``settings``'
    ``stale_days``: its saved totals count them at the default days, and an export whose other
    stale figures (the list, the totals after cleanup) count the days asked for must not say
    two things (``--stale-days 30`` gave 627 stale files in ``totals.csv``, 1,095 in
    ``totals_after_cleanup.csv``)."""
    if settings is None or settings.stale_days == STALE_AFTER_DAYS:
        return {}
    if removed.ids:  # (``after`` is net of them)
        after = summary_after(results, NOTHING_REMOVED, settings, insights=False)
    return {"stale_files": after.totals.stale_files, "stale_size": after.totals.stale_size}


def _file_rows(results: ScanResults, name: str, settings: InsightSettings | None) -> Rows:
    def make() -> Iterator[dict[str, Any]]:
        return (row.to_dict() for row in files_of(results, name, settings=settings))

    return Rows(make)


@dataclass(frozen=True)
class FileListExport:
    """What a list's export wrote: where, how many files and their bytes."""

    path: Path
    files: int
    size: int

    def lines(self) -> list[str]:
        return [f"Wrote {counted(self.files, 'file')} ({self.size:,} bytes) to {self.path}"]


def export_file_list(
    results: ScanResults,
    name: str,
    key: str = "",
    *,
    path: Path,
    kind: str,
    settings: InsightSettings | None = None,
    rows: list[FileRow] | None = None,
) -> FileListExport:
    """Write list ``name`` (``key``) of a scan as one CSV file (``kind`` "csv": the columns of the report's
    file lists, formulas made inert) or one JSON object (else: the scan, the list, its count and
    bytes, and every file as Jira named it); ``rows`` (as a face shows them, filtered or
    sorted) in place of the whole list, biggest first."""
    files = files_of(results, name, key, settings=settings) if rows is None else rows
    size = sum(f.size for f in files)
    path = Path(path)
    if kind == "csv":
        write_table_csv(path, list(FILE_ROW_FIELDS), (f.to_dict() for f in files))
    else:
        write_json(
            path,
            {
                "scan_id": results.scan_id,
                "list": name,
                "key": key,
                "files": len(files),
                "size": size,
                "rows": Rows(lambda: (f.to_dict() for f in files)),  # streamed, see write_json
            },
        )
    return FileListExport(path, len(files), size)
