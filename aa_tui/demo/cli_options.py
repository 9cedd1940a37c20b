"""Command-line flags of ``aa-tui demo-site`` and the loop that serves until Ctrl-C.

Every knob of :class:`~aa_tui.demo.options.DemoOptions` that a person trying the app would turn
has a flag; a flag that would be silently ignored (``--endpoint-rate`` without
``--rate-scope endpoint``, ...) is refused in one sentence (exit 2).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time

from aa_tui.demo.catalog import IDLE_BY_DEFAULT, project_keys, unknown_projects
from aa_tui.demo.generator import PROFILES, DemoData, GenerationOptions, generate_site
from aa_tui.demo.server import DemoOptions, DemoServer

RATE_SCOPES = ("site", "endpoint")
DELETE_PERMISSIONS = ("all", "own", "none")
METHODS = ("GET", "POST", "PUT", "DELETE")

#: What ``--faults`` turns on (individual flags override it).
FAULT_PRESET = {
    "fault_5xx": 0.05,
    "fault_429_burst": 0.02,
    "fault_cut_download": 0.05,
    "fault_slow": 0.02,
}


class DemoSiteUsageError(ValueError):
    """Flags that do not make sense together; the message is one sentence for the user."""


def endpoint_rate(text: str) -> tuple[str, float, int | None]:
    """``"GET /rest/api/3/attachment/content/{id}=5/10"`` -> ``(key, 5.0, 10)``; the burst
    after ``/`` is optional (None: ``--burst``)."""
    key, eq, rate = text.rpartition("=")
    method, _, path = key.strip().partition(" ")
    if not eq or method not in METHODS or not path.strip().startswith("/"):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not METHOD /path=RPS[/BURST], "
            'e.g. "GET /rest/api/3/attachment/content/{id}=5/10"'
        )
    rps, slash, burst = rate.partition("/")
    try:
        value, size = float(rps), int(burst) if slash else None
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: the rate must be a number and the burst a whole number"
        ) from None
    if value <= 0 or (size is not None and size < 1):
        raise argparse.ArgumentTypeError(f"{text!r}: the rate and the burst must be above 0")
    return f"{method} {path.strip()}", value, size


def write_limit(text: str) -> tuple[int, float]:
    """``"20/2"`` -> ``(20, 2.0)``: at most 20 writes to one issue in any 2 seconds."""
    count, slash, window = text.partition("/")
    try:
        limit, seconds = int(count), float(window)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WRITES/SECONDS, e.g. 20/2") from None
    if not slash or limit < 1 or seconds <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not WRITES/SECONDS, e.g. 20/2")
    return limit, seconds


def add_demo_site_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the demo-site flags to ``parser``."""
    g = parser.add_argument_group("demo site")
    g.add_argument("--port", type=int, default=8080, help="Jira origin port (0: any free one)")
    g.add_argument("--media-port", type=int, default=0, help="media origin port (0: any)")
    g.add_argument("--seed", type=int, default=7, help="generation seed (same seed, same site)")
    g.add_argument("--issues", type=int, default=3000, help="number of issues to generate")
    g.add_argument(
        "--profile",
        choices=PROFILES,
        default="demo",
        help="demo: files up to 20 MB; realistic: adds files of 50-500 MB",
    )
    g.add_argument("--email", default="demo@example.com", help="email the site accepts")
    g.add_argument("--token", default="demo-token", help="API token the site accepts")
    g.add_argument("--latency-ms", type=float, default=0.0, help="delay of every request")
    g.add_argument(
        "--per-issue-ms", type=float, default=0.0, help="extra delay per issue returned with fields"
    )
    g.add_argument(
        "--per-id-ms", type=float, default=0.0, help="extra delay per id on id-only search pages"
    )
    g.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        metavar="RPS",
        help="token-bucket limit in requests/s (429 with Retry-After above it)",
    )
    g.add_argument("--burst", type=int, default=40, help="token-bucket size")
    g.add_argument(
        "--rate-scope",
        choices=RATE_SCOPES,
        default="site",
        help="site: one bucket for every request; endpoint: one per endpoint and method, as "
        "Jira's burst limit (a 429 on downloads leaves search alone); needs --rate-limit",
    )
    g.add_argument(
        "--endpoint-rate",
        type=endpoint_rate,
        action="append",
        default=[],
        metavar="'METHOD /path=RPS[/BURST]'",
        help="an endpoint's own limit (repeatable; path as Jira's template, e.g. "
        "'GET /rest/api/3/attachment/content/{id}=5/10'); needs --rate-scope endpoint",
    )
    g.add_argument(
        "--issue-write-limit",
        type=write_limit,
        default=None,
        metavar="WRITES/SECONDS",
        help="at most WRITES deletes, comments and uploads to one issue in any SECONDS, 429 "
        "above (Jira's per-issue write limit, reported as 20/2); default: unlimited",
    )
    g.add_argument(
        "--media-token-ttl-s",
        type=float,
        default=DemoOptions.media_token_ttl_s,
        metavar="SECONDS",
        help="media download links expire after this (401 from the media host); "
        "default %(default)s",
    )
    g.add_argument(
        "--delete-permission",
        choices=DELETE_PERMISSIONS,
        default="all",
        help="what the demo user may delete: all attachments, only its own uploads, or none",
    )
    g.add_argument(
        "--viewer-email",
        default="viewer@example.com",
        help="email of the read-only user (browses; never deletes, comments or uploads)",
    )
    g.add_argument(
        "--viewer-token",
        default=None,
        help="API token of the read-only user (default: the --token with -viewer appended)",
    )
    g.add_argument(
        "--faults",
        action="store_true",
        help="preset: 5%% 5xx, 429 bursts, 5%% cut downloads, slow answers",
    )
    g.add_argument("--fault-5xx", type=float, default=None, metavar="SHARE")
    g.add_argument("--fault-429-burst", type=float, default=None, metavar="SHARE")
    g.add_argument("--fault-cut-download", type=float, default=None, metavar="SHARE")
    g.add_argument("--fault-slow", type=float, default=None, metavar="SHARE")
    g.add_argument("--slow-s", type=float, default=1.0, help="delay of a slow answer")
    g.add_argument("--fault-seed", type=int, default=1)
    g.add_argument(
        "--ignore-range",
        action="store_true",
        help="media answers 200 with the whole file to Range requests",
    )
    g.add_argument(
        "--hidden-projects",
        default="",
        metavar="KEYS",
        help="comma-separated project keys the user cannot browse",
    )
    g.add_argument(
        "--deployment",
        choices=("Cloud", "Server", "DataCenter"),
        default="",
        help="deploymentType in serverInfo (default: Cloud, or Server with --data-center)",
    )
    dc = parser.add_argument_group("Jira Data Center mode")
    dc.add_argument(
        "--data-center",
        action="store_true",
        help="speak REST v2 as Jira Data Center 9.x: /rest/api/2/search with startAt, bytes "
        "from /secure/attachment, a personal access token (Bearer) or Basic username:password, "
        "the rate limiter per user",
    )
    dc.add_argument(
        "--password",
        default=None,
        help="the demo user's password for Basic auth (default: the --token)",
    )
    dc.add_argument(
        "--search-page-cap",
        type=int,
        default=DemoOptions.search_page_cap,
        metavar="N",
        help="most issues a search page returns (default %(default)s)",
    )
    dc.add_argument(
        "--search-window",
        type=int,
        default=DemoOptions.search_window,
        metavar="N",
        help="a search asking past N results is a 500, as on OpenSearch-backed sites "
        "(0: no limit; default %(default)s)",
    )
    dc.add_argument(
        "--ignore-range-share",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of files (fixed per file) answered 200 with everything to a Range request",
    )
    g.add_argument(
        "--idle-projects",
        default=",".join(IDLE_BY_DEFAULT),
        metavar="KEY,KEY",
        help="projects whose issues all date from 400+ days ago (idle; default "
        f"{','.join(IDLE_BY_DEFAULT)}; '' for none)",
    )


def options_from_args(args: argparse.Namespace) -> tuple[DemoData, DemoOptions, tuple[int, int]]:
    """Generate the site and build its options from parsed flags."""
    if args.rate_scope == "endpoint" and args.rate_limit is None:
        raise DemoSiteUsageError(
            "--rate-scope endpoint needs --rate-limit (the other endpoints' rate)."
        )
    if args.endpoint_rate and args.rate_scope != "endpoint":
        raise DemoSiteUsageError("--endpoint-rate needs --rate-scope endpoint.")
    data_center = getattr(args, "data_center", False)
    if data_center and args.rate_scope == "endpoint":
        raise DemoSiteUsageError(
            "--rate-scope endpoint is Jira Cloud's; the Data Center limiter is per user."
        )
    if args.search_page_cap < 1 or args.search_window < 0:
        raise DemoSiteUsageError(
            "--search-page-cap must be 1 or more and --search-window 0 or more."
        )
    if not 0 <= args.ignore_range_share <= 1:
        raise DemoSiteUsageError("--ignore-range-share must be between 0 and 1.")
    if args.media_token_ttl_s <= 0:
        raise DemoSiteUsageError("--media-token-ttl-s must be above 0 seconds.")
    preset = FAULT_PRESET if args.faults else {}

    def fault(name: str) -> float:
        """A fault share: its flag, else the --faults preset, else off."""
        value: float | None = getattr(args, name, None)
        return preset.get(name, 0.0) if value is None else value

    options = DemoOptions(
        latency_s=args.latency_ms / 1000,
        per_issue_s=args.per_issue_ms / 1000,
        per_id_s=args.per_id_ms / 1000,
        rate_limit_rps=args.rate_limit,
        burst=args.burst,
        rate_scope=args.rate_scope,
        endpoint_rates=tuple(
            (key, rps, args.burst if burst is None else burst)
            for key, rps, burst in args.endpoint_rate
        ),
        issue_write_limit=args.issue_write_limit,
        media_token_ttl_s=args.media_token_ttl_s,
        delete_permission=args.delete_permission,
        slow_s=args.slow_s,
        ignore_range=args.ignore_range,
        ignore_range_share=args.ignore_range_share,
        deployment=args.deployment,
        data_center=data_center,
        search_page_cap=args.search_page_cap,
        search_window=args.search_window,
        hidden_projects=tuple(
            k.strip().upper() for k in args.hidden_projects.split(",") if k.strip()
        ),
        fault_seed=args.fault_seed,
        fault_5xx=fault("fault_5xx"),
        fault_429_burst=fault("fault_429_burst"),
        fault_cut_download=fault("fault_cut_download"),
        fault_slow=fault("fault_slow"),
    )
    idle, unknown = project_keys(args.idle_projects)
    if unknown:
        raise DemoSiteUsageError(unknown_projects(unknown))
    data = generate_site(
        seed=args.seed,
        issues=args.issues,
        profile=args.profile,
        options=GenerationOptions(idle_projects=idle),
    )
    return data, options, (args.port, args.media_port)


def serve_forever(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Start the demo site, print how to connect, serve until Ctrl-C (or ``stop``); exit 0."""
    started = time.perf_counter()
    server: DemoServer | None = None
    try:
        try:
            data, options, (port, media_port) = options_from_args(args)
        except DemoSiteUsageError as e:
            print(f"demo-site: {e}", file=sys.stderr)
            return 2
        server = DemoServer(
            data, options, port=port, media_port=media_port, email=args.email, token=args.token
        )
        server.viewer_email = args.viewer_email
        if args.viewer_token:
            server.viewer_token = server.viewer_password = args.viewer_token
        if args.password:
            server.password = args.password
        try:
            server.start()
        except OSError as e:
            print(
                f"demo-site: cannot listen on 127.0.0.1:{port}: {e.strerror or e}", file=sys.stderr
            )
            return 2
        _print_banner(server, time.perf_counter() - started)
        while True:
            if stop is None:
                time.sleep(0.5)
            elif stop.wait(0.5):
                break
    except KeyboardInterrupt:
        print("\nDemo site stopped.", flush=True)
    finally:
        if server is not None:
            server.stop()
    return 0


def _print_banner(server: DemoServer, seconds: float) -> None:
    truth = server.truth()
    if server.options.data_center:
        lines = [
            f"Demo Jira site: {server.base_url}   (Data Center: REST v2, no media host)",
            f"  personal access token (Bearer): {server.token}",
            f"  Basic:         {server.username} (or {server.email}) / {server.password}",
            f"  read-only:     {server.viewer_username} / {server.viewer_password}  "
            f"(browse only; Bearer {server.viewer_token})",
            f"  truth: {truth.summary()}",
            f"  generated in {seconds:.1f} s; Ctrl-C to stop.",
        ]
        print("\n".join(lines), flush=True)
        return
    lines = [
        f"Demo Jira site: {server.base_url}   (media host {server.media_url})",
        f"  email:         {server.email}",
        f"  API token:     {server.token}",
        f"  expired token: {server.expired_token}  (401 on /myself, anonymous elsewhere)",
        f"  read-only:     {server.viewer_email} / {server.viewer_token}  (browse only)",
        f"  truth: {truth.summary()}",
        f"  generated in {seconds:.1f} s; Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
