"""``aa-tui report``: write a stored scan again as JSON, CSV and/or HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aa_tui.model.insights import InsightSettings
    from aa_tui.service.workspace import Workspace


def run_report(args: argparse.Namespace, workspace: Workspace) -> int:
    """``aa-tui report``: export a finished scan; the exit code."""
    from aa_tui.service.errors import InputError

    info = workspace.get_scan(args.scan_id)
    if info is None:
        raise InputError(f"No scan {args.scan_id!r} in the store (see `aa-tui scans`).")
    if not workspace.has_results(info.id):
        raise InputError(f"Scan {info.id} did not finish ({info.status}): nothing to report yet.")
    if not args.json and not args.csv and not args.html:
        raise InputError("Say what to write: --json FILE, --csv DIR and/or --html FILE.")
    done = workspace.export(
        info.id,
        json_path=Path(args.json) if args.json else None,
        csv_dir=Path(args.csv) if args.csv else None,
        html_path=Path(args.html) if args.html else None,
        settings=_insight_settings(args),
    )
    for line in done.lines():
        print(line, file=sys.stderr)
    return 0


def _insight_settings(args: argparse.Namespace) -> InsightSettings | None:
    """The report's thresholds and cap (``None``: the ones saved with the scan)."""
    from aa_tui.model.insights import InsightSettings, parse_cap
    from aa_tui.service.errors import InputError

    if args.cap is None and args.stale_days is None and args.idle_days is None:
        return None
    for flag, days in (("--stale-days", args.stale_days), ("--idle-days", args.idle_days)):
        if days is not None and days < 0:
            raise InputError(f"{flag} must be 0 or more days, not {days}.")
    try:
        cap = parse_cap(args.cap) if args.cap is not None else None
    except ValueError as exc:
        raise InputError(f"--cap: {exc}") from None
    base = InsightSettings()
    return InsightSettings(
        stale_days=base.stale_days if args.stale_days is None else args.stale_days,
        idle_days=base.idle_days if args.idle_days is None else args.idle_days,
        cap=cap,
    )
