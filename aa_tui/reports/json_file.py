"""The report as one JSON object (format ``aa-tui.report/2``, see :mod:`aa_tui.reports`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from aa_tui.store.atomic import write_atomic


def full_report(summary: dict[str, Any], groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole report: a saved summary and the scan's duplicate groups."""
    report = dict(summary)
    report["duplicate_groups"] = groups
    return report


def write_json(path: Path, report: dict[str, Any]) -> None:
    """Write ``report`` to ``path`` (indented; atomically)."""
    write_atomic(Path(path), orjson.dumps(report, option=orjson.OPT_INDENT_2))
