"""The command line: ``aa-tui [demo | demo-site | scan | scans | report]``.

The CLI and the TUI are two faces of one service layer (``aa_tui.service``): this module parses
arguments and prints; scanning, storing and reporting happen there.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aa_tui import __version__


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` without ``demo-site``, that command's many options are left
    out (they import the demo site's generator: a third of a second at every start)."""
    parser = argparse.ArgumentParser(
        prog="aa-tui",
        description="Find the storage that Jira Cloud attachments waste. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"aa-tui {__version__}")
    parser.add_argument(
        "--data-dir",
        help="where the store lives (default: $AA_TUI_DATA_DIR, else the user data dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="open the app on the embedded demo site (no Jira account needed)"
    )
    demo.add_argument("--issues", type=int, default=3000, help="size of the generated demo site")
    demo.add_argument("--seed", type=int, default=7)

    site = sub.add_parser("demo-site", help="serve the embedded demo Jira site on 127.0.0.1")
    if argv is None or "demo-site" in argv:
        _add_demo_site_arguments(site)

    scan = sub.add_parser("scan", help="scan a site and save the result in the store")
    scan.add_argument(
        "--site",
        required=True,
        help="https://<name>.atlassian.net or https://api.atlassian.com/ex/jira/<cloudId>",
    )
    scan.add_argument("--email", required=True, help="the Atlassian account email of the API token")
    scan.add_argument(
        "--token-stdin", action="store_true", help="read the API token from standard input"
    )
    scan.add_argument("--projects", default="", help="comma-separated project keys (default: all)")
    scan.add_argument("--jql", default="", help="an extra JQL restriction, e.g. 'created >= -365d'")
    scan.add_argument(
        "--verify",
        choices=("exact", "metadata"),
        default="exact",
        help="exact: prove duplicates by bytes (default); metadata: size + name only, labelled 'likely'",
    )
    scan.add_argument(
        "--resume", action="store_true", help="continue an interrupted scan of this site and scope"
    )
    scan.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    scan.add_argument("--csv", metavar="DIR", help="also write the report as CSV tables")
    scan.add_argument(
        "--workers", type=int, default=8, help="requests in flight at most (default 8)"
    )
    scan.add_argument(
        "--allow-http",
        action="store_true",
        help="allow plain http:// to a non-loopback host (unsafe)",
    )
    scan.add_argument("--quiet", action="store_true", help="no progress line")

    sub.add_parser("scans", help="list past scans in the store")

    report = sub.add_parser("report", help="re-export a stored scan")
    report.add_argument("scan_id")
    report.add_argument("--json", metavar="FILE")
    report.add_argument("--csv", metavar="DIR")
    report.add_argument("--html", metavar="FILE", help="one self-contained page for a manager")
    report.add_argument("--cap", metavar="SIZE", help="the plan's storage cap, e.g. 250GB")
    report.add_argument("--stale-days", type=int, metavar="N", help="stale after (default 365)")
    report.add_argument("--idle-days", type=int, metavar="N", help="idle after (default 180)")
    _add_cleanup_parsers(sub)
    _data_dir_after_commands(sub)
    return parser


def _data_dir_after_commands(sub) -> None:
    """``--data-dir`` after the command too (``aa-tui scan ... --data-dir X``); given in both
    places, the one after the command wins."""
    for command in sub.choices.values():
        if not any("--data-dir" in a.option_strings for a in command._actions):
            command.add_argument(
                "--data-dir", default=argparse.SUPPRESS, help="where the store lives"
            )


def _add_cleanup_parsers(sub) -> None:
    from aa_tui.cli_clean import add_parsers  # clean, audit, restore

    add_parsers(sub)


def _add_demo_site_arguments(parser: argparse.ArgumentParser) -> None:
    from aa_tui.demo.cli_options import add_demo_site_arguments

    add_demo_site_arguments(parser)


class _Redacting:
    """A text stream that masks every registered secret (``aa_tui.logs``) before writing."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from aa_tui.logs import redact

        return self._stream.write(redact(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command in (None, "demo"):  # the app owns the terminal
        return _main(args)
    from aa_tui.logs import register_secret
    from aa_tui.service.errors import ENV_TOKEN

    # Whatever a message quotes back (a pasted URL, a server's error text), the token is masked.
    register_secret(os.environ.get(ENV_TOKEN, "").strip())
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Redacting(out), _Redacting(err)
    try:
        return _main(args)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print("aa-tui: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: one sentence, never a traceback
        from aa_tui.service.errors import describe

        problem = describe(exc)
        if problem.unexpected:
            print(f"aa-tui: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        else:
            print(f"aa-tui: {problem.message}", file=sys.stderr)
        return problem.exit_code


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "demo-site":
        from aa_tui.demo.cli_options import serve_forever

        return serve_forever(args)
    if command in (None, "demo"):
        from aa_tui.tui.app import run_app, run_demo

        if command == "demo":
            return run_demo(data_dir=args.data_dir, issues=args.issues, seed=args.seed)
        return run_app(data_dir=args.data_dir)
    workspace = _open_workspace(args.data_dir)
    try:
        if command == "scan":
            return _scan(args, workspace)
        if command == "scans":
            return _list_scans(workspace)
        if command in ("clean", "audit", "restore"):
            from aa_tui.cli_clean import run

            return run(args, workspace)
        return _report(args, workspace)
    finally:
        workspace.close()


def _open_workspace(data_dir: str | None):
    from aa_tui.logs import setup_logging
    from aa_tui.service.workspace import Workspace

    workspace = Workspace.open(data_dir)
    setup_logging(workspace.data_dir)
    for warning in workspace.warnings:
        print(f"aa-tui: warning: {warning}", file=sys.stderr)
    return workspace


def _read_token(args: argparse.Namespace, workspace, site: str) -> str:
    """``--token-stdin`` when asked for; else ``JIRA_API_TOKEN``; else the OS keyring."""
    from aa_tui.logs import register_secret
    from aa_tui.model.scans import Profile
    from aa_tui.service.errors import ENV_TOKEN, CredentialsError, InputError

    if args.token_stdin:
        token = sys.stdin.readline().strip()
        if not token:
            raise InputError("--token-stdin was given but standard input held no token.")
        register_secret(token)
        return token
    try:
        token = workspace.token_for(Profile(site, args.email)) or ""
    except CredentialsError as exc:
        raise InputError(f"No API token: {ENV_TOKEN} is not set, and {exc}") from None
    if not token:
        raise InputError(
            f"No API token for {args.email} at {site}: set {ENV_TOKEN}, pass --token-stdin, or "
            "save the site in the app (aa-tui) so the token is kept in the OS keyring."
        )
    return token


def _scan(args: argparse.Namespace, workspace) -> int:
    from aa_tui.cli_progress import ProgressLine, print_summary
    from aa_tui.cli_threads import run_in_thread
    from aa_tui.service.errors import EXIT_CANCELLED, EXIT_OK, UsageError, describe
    from aa_tui.service.scanning import Cancelled, scan_request

    request = scan_request(
        args.site,
        args.email,
        projects=args.projects,
        jql=args.jql,
        verify=args.verify,
        resume=args.resume,
        workers=args.workers,
        allow_insecure_http=args.allow_http,
    )
    token = _read_token(args, workspace, request.site)
    progress = ProgressLine(sys.stderr, enabled=not args.quiet)
    run = workspace.scan(
        request, token, listener=progress.update, allow_insecure_http=args.allow_http
    )

    def interrupted(count: int) -> None:
        progress.finish()
        if count == 1:
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
    for warning in outcome.warnings:
        print(f"aa-tui: note: {warning}", file=sys.stderr)
    _export(workspace, outcome.info.id, args.json, args.csv)
    print_summary(sys.stdout, outcome)
    return EXIT_OK


def _export(workspace, scan_id: str, json_path: str | None, csv_dir: str | None) -> None:
    done = workspace.export(
        scan_id,
        json_path=Path(json_path) if json_path else None,
        csv_dir=Path(csv_dir) if csv_dir else None,
    )
    for line in done.lines():
        print(line, file=sys.stderr)


def _list_scans(workspace) -> int:
    from aa_tui.cli_progress import format_scans

    print(format_scans(workspace.list_scans()))
    return 0


def _report(args: argparse.Namespace, workspace) -> int:
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


def _insight_settings(args: argparse.Namespace):
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
