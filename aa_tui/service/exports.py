"""Writing a stored scan out: the JSON report or a folder of CSV tables (one place for both
faces)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aa_tui.scan.report import full_report, write_csv, write_json
from aa_tui.store.results import ScanResults


@dataclass
class Export:
    """What an export wrote."""

    json_path: Path | None = None
    csv_dir: Path | None = None
    csv_files: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One sentence per thing written."""
        said = []
        if self.json_path is not None:
            said.append(f"Wrote {self.json_path}")
        if self.csv_dir is not None:
            said.append(f"Wrote {len(self.csv_files)} CSV files to {self.csv_dir}")
        return said


def export_results(
    results: ScanResults, *, json_path: Path | None = None, csv_dir: Path | None = None
) -> Export:
    done = Export()
    if json_path is None and csv_dir is None:
        return done
    report = full_report(results.summary().to_dict(), results.groups())
    if json_path is not None:
        write_json(Path(json_path), report)
        done.json_path = Path(json_path)
    if csv_dir is not None:
        done.csv_files = write_csv(Path(csv_dir), report)
        done.csv_dir = Path(csv_dir)
    return done
