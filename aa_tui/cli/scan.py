"""``aa-tui scan`` and ``aa-tui scans``: run a scan with a progress line, list the stored ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aa_tui.cli.api_token import read_token
from aa_tui.cli.watch import after_scan, from_environment

if TYPE_CHECKING:
    from aa_tui.service.workspace import Workspace


def run_scan(args: argparse.Namespace, workspace: Workspace) -> int:
    """``aa-tui scan``: the scan in a thread, a progress line, the summary; the exit code."""
    from aa_tui.cli.progress import ProgressLine, print_summary
    from aa_tui.cli.threads import run_in_thread
    from aa_tui.memory import leave_to_the_end
    from aa_tui.model.enums import Phase
    from aa_tui.service.errors import EXIT_CANCELLED, Cancelled, UsageError, describe
    from aa_tui.service.scanning import scan_request

    watch = from_environment(args)
    request = scan_request(
        args.site,
        args.email,
        projects=args.projects,
        jql=args.jql,
        verify=args.verify,
        resume=args.resume,
        full=args.full,
        workers=args.workers,
        allow_insecure_http=args.allow_http,
    )
    token = read_token(args, workspace, request.site)
    progress = ProgressLine(sys.stderr, enabled=not args.quiet)
    run = workspace.scan(
        request, token, listener=progress.update, allow_insecure_http=args.allow_http
    )

    stopped: list[Phase | None] = []  # the phase Ctrl-C came in

    def interrupted(count: int) -> None:
        progress.finish()
        stopped.append(progress.phase)
        if count == 1 and progress.phase is Phase.SAVING:  # nothing left to stop
            print(
                "aa-tui: Ctrl-C: the scan is saving its results; it ends once saved.",
                file=sys.stderr,
            )
        elif count == 1:
            print(
                "aa-tui: stopping (Ctrl-C); the scan stays resumable with --resume.",
                file=sys.stderr,
            )

    outcome, error, finished = run_in_thread(
        run, name="aa-scan", on_interrupt=interrupted, grace_s=10
    )
    progress.finish()
    if not finished:
        error = Cancelled()  # still winding down after 10 s: its checkpoint is on disk
    if isinstance(error, Cancelled):
        print(
            "aa-tui: scan cancelled; continue it with the same command plus --resume.",
            file=sys.stderr,
        )
        return EXIT_CANCELLED
    if error is not None:
        problem = describe(error)
        if problem.unexpected:
            message = f"the scan failed ({type(error).__name__}: {error}); it can be continued with --resume."
        else:
            # Only when the store holds this scan's checkpoint (errors at sign-in leave none)
            # and going on can help (not when the scope itself was refused).
            can_resume = not isinstance(error, UsageError) and run.can_continue()
            message = problem.message
            if can_resume:
                message += " The scan can be continued with --resume."
        print(f"aa-tui: {message}", file=sys.stderr)
        return problem.exit_code
    if stopped and stopped[0] is not Phase.SAVING:  # it had read everything when stopped
        print("aa-tui: note: the scan had finished its reads: it is saved whole.", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"aa-tui: note: {warning}", file=sys.stderr)
    if args.json or args.csv:
        # The groups are in the store now, where the export reads them one at a time: this
        # copy (every grouped file's record, ~130 MB at 1,000,000 issues) is not kept beside
        # it.
        outcome.groups.clear()
    else:
        leave_to_the_end("scan", outcome)
    scan_id = outcome.info.id
    try:
        if args.json or args.csv:  # (else nothing of the exports or cleanups is loaded)
            _export(workspace, scan_id, args.json, args.csv, watch.cap.cap if watch.cap else None)
    except (KeyboardInterrupt, Exception) as exc:  # the scan is saved: say how to export it
        problem = describe(exc)
        said = f"the exports were not all written: {problem.message}"
        if isinstance(exc, KeyboardInterrupt):
            said = "interrupted while writing the exports."
        elif problem.unexpected:
            said = f"the exports failed: unexpected error: {type(exc).__name__}: {exc}."
        print(
            f"aa-tui: {said} Scan {scan_id} is saved whole: `aa-tui report {scan_id}` with "
            "--json/--csv writes them from the store.",
            file=sys.stderr,
        )
        return problem.exit_code
    print_summary(sys.stdout, outcome)
    return after_scan(watch, workspace, outcome)


def _export(
    workspace: Workspace,
    scan_id: str,
    json_path: str | None,
    csv_dir: str | None,
    cap: int | None,
) -> None:
    """The scan's JSON and CSV; with ``--cap``, their what-if counts the room under it (as
    ``report --cap`` does)."""
    from aa_tui.model.insights import InsightSettings

    done = workspace.export(
        scan_id,
        json_path=Path(json_path) if json_path else None,
        csv_dir=Path(csv_dir) if csv_dir else None,
        settings=InsightSettings(cap=cap) if cap is not None and (json_path or csv_dir) else None,
    )
    for line in done.lines():
        print(line, file=sys.stderr)


def list_scans(workspace: Workspace) -> int:
    """``aa-tui scans``: one line per stored scan."""
    from aa_tui.cli.progress import format_scans

    print(format_scans(workspace.list_scans(), workspace.cleaned_scans()))
    return 0
