"""The command line's arguments: ``aa-tui [demo | demo-site | scan | scans | report | clean |
audit | restore]``."""

from __future__ import annotations

import argparse

from aa_tui import __version__


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` without ``demo-site``, that command's many options are left
    out (they import the demo site's generator: a third of a second at every start)."""
    parser = argparse.ArgumentParser(
        prog="aa-tui",
        description="Find the storage that Jira attachments waste (Cloud, Data Center, Server). "
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
    demo.add_argument(
        "--data-center",
        action="store_true",
        help="the demo site speaks as Jira Data Center (REST v2, a personal access token)",
    )
    demo.add_argument(
        "--idle-projects",
        default=None,
        metavar="KEY,KEY",
        help="demo projects whose issues all date from 400+ days ago (default LEGAL; '' for none)",
    )

    site = sub.add_parser("demo-site", help="serve the embedded demo Jira site on 127.0.0.1")
    if argv is None or "demo-site" in argv:
        _add_demo_site_arguments(site)

    scan = sub.add_parser(
        "scan",
        help="scan a site and save the result in the store",
        description="Scan a site and save the result in the store. Exit codes: 0 done; 2 bad "
        "usage or credentials; 3 failed part-way (resumable); 4 done, and the scanned "
        "attachments reach --warn-at percent of --cap; 130 cancelled (resumable).",
    )
    scan.add_argument(
        "--site",
        help="https://<name>.atlassian.net, https://api.atlassian.com/ex/jira/<cloudId>, or a "
        "Data Center/Server address with its path (default: $JIRA_URL)",
    )
    account = scan.add_mutually_exclusive_group()
    account.add_argument(
        "--email",
        help="Jira Cloud: the Atlassian account email of the API token (default: $JIRA_EMAIL)",
    )
    account.add_argument(
        "--user",
        metavar="NAME",
        help="Jira Data Center/Server: sign in as NAME with its password or token (HTTP Basic). "
        "With neither --email nor --user the token is a Data Center personal access token",
    )
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
    scan.add_argument(
        "--full",
        action="store_true",
        help="read everything again (default: a rescan starts from the last complete scan of "
        "this site and scope and reads only what changed)",
    )
    scan.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    scan.add_argument("--csv", metavar="DIR", help="also write the report as CSV tables")
    scan.add_argument(
        "--workers",
        type=int,
        default=8,
        help="requests in flight at the site's rate limit (default 8); while Jira's burst "
        "allowance has room, the listing sends up to 4x that at once (32 at most)",
    )
    scan.add_argument(
        "--allow-http",
        action="store_true",
        help="allow plain http:// to a non-loopback host (unsafe)",
    )
    scan.add_argument("--quiet", action="store_true", help="no progress line")
    _add_watch_arguments(scan)

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


def _add_watch_arguments(scan: argparse.ArgumentParser) -> None:
    """A scheduled scan's alert: the cap's warning share (exit 4) and the webhook notice."""
    scan.add_argument("--cap", metavar="SIZE", help="the plan's storage cap, e.g. 250GB")
    scan.add_argument(
        "--warn-at",
        type=float,
        metavar="PERCENT",
        help="exit 4 when the scanned attachments reach this share of --cap (default 80)",
    )
    scan.add_argument(
        "--notify",
        metavar="URL",
        help="POST a short JSON summary to this webhook (Slack, Teams) after the scan "
        "(default: $AA_TUI_NOTIFY_URL)",
    )
    scan.add_argument(
        "--keep-scans",
        type=int,
        metavar="N",
        help="then delete this site and scope's older complete scans past the newest N "
        "(not those cleanup plans were made from)",
    )


def _data_dir_after_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``--data-dir`` after the command too (``aa-tui scan ... --data-dir X``); given in both
    places, the one after the command wins."""
    for command in sub.choices.values():
        if not any("--data-dir" in a.option_strings for a in command._actions):
            command.add_argument(
                "--data-dir", default=argparse.SUPPRESS, help="where the store lives"
            )


def _add_cleanup_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from aa_tui.cli.clean import add_parsers  # clean, audit, restore

    add_parsers(sub)


def _add_demo_site_arguments(parser: argparse.ArgumentParser) -> None:
    from aa_tui.demo.cli_options import add_demo_site_arguments

    add_demo_site_arguments(parser)
