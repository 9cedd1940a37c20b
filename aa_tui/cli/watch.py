"""``aa-tui scan`` headless: site and account from the environment, the cap's warning (exit 4)
and the webhook notice after a scan."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aa_tui.service.scanning import ScanOutcome
    from aa_tui.service.watch import CapWatch
    from aa_tui.service.workspace import Workspace

#: what a scheduled job sets instead of flags (the names container and cron setups use)
ENV_SITE, ENV_EMAIL, ENV_NOTIFY = "JIRA_URL", "JIRA_EMAIL", "AA_TUI_NOTIFY_URL"


@dataclass(frozen=True)
class Watch:
    """What to do once the scan is saved: check the cap, send the notice."""

    cap: CapWatch | None
    notify_url: str | None
    keep_scans: int | None = None  # the complete scans of this line kept (the newest N)


def from_environment(args: argparse.Namespace) -> Watch:
    """Fill ``--site`` and ``--email`` from ``JIRA_URL`` and ``JIRA_EMAIL`` where not given
    (flags win; ``args.email`` becomes the account, see :mod:`aa_tui.model.accounts`), check
    the cap and the webhook URL: all before the scan starts."""
    from aa_tui.model.accounts import account_for
    from aa_tui.service.errors import InputError
    from aa_tui.service.notify import notice_url
    from aa_tui.service.watch import cap_watch

    args.site = args.site or os.environ.get(ENV_SITE, "").strip()
    if not args.site:
        raise InputError(f"No site given: pass --site or set {ENV_SITE}.")
    # The account: an email (Cloud), a user name (Data Center, Basic) or neither (Data Center,
    # a personal access token); JIRA_EMAIL only where no --user says otherwise.
    email = args.email or ("" if args.user else os.environ.get(ENV_EMAIL, "").strip())
    args.email = account_for(email, args.user or "")
    url = args.notify or os.environ.get(ENV_NOTIFY, "").strip() or None
    if args.keep_scans is not None and args.keep_scans < 1:
        raise InputError(
            f"--keep-scans {args.keep_scans}: keep at least 1 scan (the newest is what the "
            "next rescan starts from)."
        )
    return Watch(
        cap=cap_watch(args.cap, args.warn_at),
        notify_url=notice_url(url, allow_insecure_http=args.allow_http) if url else None,
        keep_scans=args.keep_scans,
    )


def after_scan(watch: Watch, workspace: Workspace, outcome: ScanOutcome) -> int:
    """The cap's line and the notice, once the scan is saved and exported; the exit code (a
    failed notice is a warning and changes nothing)."""
    from aa_tui.model.summary import ScanSummary
    from aa_tui.service.errors import EXIT_OK
    from aa_tui.service.notify import send_notice
    from aa_tui.service.watch import EXIT_CAP_REACHED, previous_scan, scan_notice

    summary = ScanSummary.from_dict(outcome.summary)
    check = watch.cap.check(summary.totals.total_size) if watch.cap else None
    if check is not None:  # under the summary; reached, a warning (what cron mails)
        if check.reached:
            print(f"aa-tui: warning: {check.sentence()}", file=sys.stderr)
        else:
            print(check.sentence())
    if watch.notify_url:
        previous = previous_scan(workspace.list_scans(), outcome.info)
        removed = workspace.removed(previous.id) if previous is not None else None
        cleaned = (len(removed.deleted), removed.freed) if removed is not None else (0, 0)
        payload = scan_notice(outcome.info, summary, previous, check, cleaned)
        failed = send_notice(watch.notify_url, payload)
        if failed:
            print(f"aa-tui: warning: {failed}", file=sys.stderr)
    if watch.keep_scans:  # after the notice: it compares with the scan before this one
        _prune(workspace, outcome, watch.keep_scans)
    return EXIT_CAP_REACHED if check is not None and check.reached else EXIT_OK


def _prune(workspace: Workspace, outcome: ScanOutcome, keep: int) -> None:
    """Delete the older scans past the newest ``keep``; a failure is a warning (the scan
    is saved)."""
    from aa_tui.model.errors import AaTuiError

    try:
        pruned = workspace.prune_scans(outcome.info, keep)
    except (AaTuiError, OSError) as exc:
        print(f"aa-tui: warning: older scans were not deleted: {exc}", file=sys.stderr)
        return
    if line := pruned.sentence():
        print(line)
