"""The command line: ``aa-tui [demo | demo-site | scan | scans | report]``.

The CLI and the TUI are two faces of one engine (``aa_tui.scan.engine``): nothing here
re-implements scanning, storing or reporting.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from aa_tui import __version__

EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_CANCELLED = 0, 2, 3, 130


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def build_parser() -> argparse.ArgumentParser:
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
    return parser


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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in (None, "demo"):  # the app owns the terminal
        return _main(args)
    from aa_tui.credentials import ENV_TOKEN
    from aa_tui.logs import register_secret

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
    except CliError as exc:
        print(f"aa-tui: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("aa-tui: interrupted.", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # the last guard: one sentence, never a traceback
        from aa_tui.jira.errors import JiraError
        from aa_tui.store.store import StoreError

        if isinstance(exc, JiraError):
            print(f"aa-tui: {exc}", file=sys.stderr)
            return exc.exit_code
        if isinstance(exc, StoreError):
            print(f"aa-tui: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"aa-tui: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


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
    store = _open_store(args.data_dir)
    if command == "scan":
        return _scan(args, store)
    if command == "scans":
        return _list_scans(store)
    if command == "report":
        return _report(args, store)
    raise CliError(f"unknown command {command!r}")  # pragma: no cover - argparse guards


def _open_store(data_dir: str | None):
    from aa_tui.locations import data_dir as resolve
    from aa_tui.logs import setup_logging
    from aa_tui.store.store import Store

    folder = resolve(data_dir)
    setup_logging(folder)
    store = Store(folder)
    for warning in store.warnings:
        print(f"aa-tui: warning: {warning}", file=sys.stderr)
    return store


def _read_token(args: argparse.Namespace, site: str) -> str:
    """``--token-stdin`` when asked for; else ``JIRA_API_TOKEN``; else the OS keyring."""
    from aa_tui.credentials import ENV_TOKEN, CredentialsError, get_token
    from aa_tui.logs import register_secret

    if args.token_stdin:
        token = sys.stdin.readline().strip()
        if not token:
            raise CliError("--token-stdin was given but standard input held no token.")
        register_secret(token)
        return token
    try:
        token = get_token(site, args.email) or ""
    except CredentialsError as exc:
        raise CliError(f"No API token: {ENV_TOKEN} is not set, and {exc}") from None
    if not token:
        raise CliError(
            f"No API token for {args.email} at {site}: set {ENV_TOKEN}, pass --token-stdin, or "
            "save the site in the app (aa-tui) so the token is kept in the OS keyring."
        )
    return token


def _scan(args: argparse.Namespace, store) -> int:
    from aa_tui.cli_progress import ProgressLine, print_summary
    from aa_tui.jira.client import JiraClient
    from aa_tui.jira.errors import Cancelled, JiraError
    from aa_tui.jira.governor import RateGovernor
    from aa_tui.jira.jql import validate_project_keys
    from aa_tui.jira.site import normalize_site_url
    from aa_tui.model.records import Scope
    from aa_tui.scan.engine import ScanEngine, ScanRequest

    site = normalize_site_url(args.site, allow_insecure_http=args.allow_http)
    scope = Scope(
        projects=validate_project_keys(args.projects.split(",")) if args.projects else (),
        jql=args.jql.strip(),
    )
    token = _read_token(args, site)
    if args.workers < 1:
        raise CliError("--workers must be at least 1.")
    governor = RateGovernor(max_concurrency=args.workers)
    client = JiraClient(
        site, args.email, token, governor=governor, allow_insecure_http=args.allow_http
    )
    request = ScanRequest(
        site=client.site,
        email=args.email,
        scope=scope,
        verify=args.verify,
        resume=args.resume,
        workers=args.workers,
    )
    progress = ProgressLine(sys.stderr, enabled=not args.quiet)
    engine = ScanEngine(client, store, request, listener=progress.update)
    outcome_box: dict = {}

    finished = threading.Event()

    def work() -> None:
        try:
            outcome_box["outcome"] = engine.run()
        except BaseException as exc:  # handed to the main thread
            outcome_box["error"] = exc
        finally:
            finished.set()

    thread = threading.Thread(target=work, name="aa-scan", daemon=True)
    thread.start()
    # Wait on an Event, not Thread.join: a join interrupted by Ctrl-C marks the thread as
    # stopped while it still runs (CPython < 3.13), and the next join returns at once.
    try:
        while not finished.wait(0.2):
            pass
    except KeyboardInterrupt:
        client.cancel.set()
        progress.finish()
        print("aa-tui: stopping (Ctrl-C); the scan stays resumable with --resume.", file=sys.stderr)
        finished.wait(10)
    finally:
        client.close()
    progress.finish()
    error = outcome_box.get("error")
    if not finished.is_set():
        error = Cancelled()  # still winding down after 10 s: its checkpoint is on disk
    if isinstance(error, Cancelled):
        print(
            "aa-tui: scan cancelled; continue it with the same command plus --resume.",
            file=sys.stderr,
        )
        return EXIT_CANCELLED
    if isinstance(error, JiraError):
        from aa_tui.jira.errors import UsageError

        # Only when the store holds a scan to continue (errors at sign-in leave none) and going
        # on can help (not when the scope itself was refused).
        can_resume = not isinstance(error, UsageError) and (
            store.find_resumable(client.site, scope, args.verify) is not None
        )
        resumable = " The scan can be continued with --resume." if can_resume else ""
        print(f"aa-tui: {error}{resumable}", file=sys.stderr)
        return error.exit_code
    if error is not None:
        print(
            f"aa-tui: the scan failed ({type(error).__name__}: {error}); it can be continued with --resume.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    outcome = outcome_box["outcome"]
    for warning in outcome.warnings:
        print(f"aa-tui: note: {warning}", file=sys.stderr)
    _export(store, outcome.info.id, args.json, args.csv, summary=outcome.summary)
    print_summary(sys.stdout, outcome)
    return EXIT_OK


def _export(store, scan_id: str, json_path: str | None, csv_dir: str | None, summary=None) -> None:
    if not json_path and not csv_dir:
        return
    from aa_tui.scan.report import full_report, write_csv, write_json

    report = full_report(summary or store.load_summary(scan_id), store.load_groups(scan_id))
    if json_path:
        write_json(Path(json_path), report)
        print(f"Wrote {json_path}", file=sys.stderr)
    if csv_dir:
        paths = write_csv(Path(csv_dir), report)
        print(f"Wrote {len(paths)} CSV files to {csv_dir}", file=sys.stderr)


def _list_scans(store) -> int:
    from aa_tui.cli_progress import format_scans

    print(format_scans(store.list_scans()))
    return EXIT_OK


def _report(args: argparse.Namespace, store) -> int:
    info = store.get_scan(args.scan_id)
    if info is None:
        raise CliError(f"No scan {args.scan_id!r} in the store (see `aa-tui scans`).")
    if not store.has_results(info.id):
        raise CliError(f"Scan {info.id} did not finish ({info.status}): nothing to report yet.")
    if not args.json and not args.csv:
        raise CliError("Say what to write: --json FILE and/or --csv DIR.")
    _export(store, info.id, args.json, args.csv)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
