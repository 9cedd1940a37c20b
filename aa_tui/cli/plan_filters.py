"""``aa-tui clean``'s policy and filters: the arguments and the :class:`PlanFilters` they make."""

from __future__ import annotations

import argparse

from aa_tui.model.cleanup import KeepRule, PlanFilters


def add_filter_arguments(clean: argparse.ArgumentParser) -> None:
    """``--policy`` and every filter of a plan."""
    clean.add_argument("--policy", default="duplicates", metavar="NAME",
                       help="duplicates (default), stale, hygiene, idle, inactive or largest: the "
                       "files of that insight list; a file with no other copy on Jira is removed "
                       "only with --archive")  # fmt: skip
    clean.add_argument("--keep", choices=("oldest", "newest"), default="oldest",
                       help="which copy of each group stays (default: oldest, the canonical)")  # fmt: skip
    clean.add_argument("--projects", default="", help="only files in these projects (KEY,KEY)")
    clean.add_argument("--types", default="", metavar="EXT,EXT",
                       help="only files with these extensions (pdf,log; no-extension)")  # fmt: skip
    clean.add_argument("--min-size", default="0", metavar="SIZE",
                       help="only files at least this big (500MB, 2GiB or bytes)")  # fmt: skip
    clean.add_argument("--older-than", type=int, metavar="DAYS",
                       help="only files on issues not updated for DAYS (for stale: its threshold, "
                       "instead of the scan's)")  # fmt: skip
    clean.add_argument("--idle-days", type=int, metavar="DAYS",
                       help="for idle: a project is idle after DAYS without an update (default: "
                       "the scan's, 180)")  # fmt: skip
    clean.add_argument("--jql", default="", metavar="JQL",
                       help="only files on the issues this JQL matches (asked of Jira when the "
                       "plan is made)")  # fmt: skip
    clean.add_argument("--limit", metavar="N|SIZE",
                       help="at most N files, or at most SIZE bytes (5GB), biggest first")  # fmt: skip
    clean.add_argument("--protect-days", type=int, metavar="DAYS",
                       help="files on issues updated within DAYS of the scan are never selected "
                       "(default 30; 0 = off; not for duplicates, whose bytes stay on Jira)")  # fmt: skip


def plan_filters(args: argparse.Namespace) -> PlanFilters:
    """The plan's filters from ``clean``'s arguments (a bad value: one sentence)."""
    from aa_tui.model.insights import parse_size
    from aa_tui.service.errors import InputError
    from aa_tui.service.scanning import project_keys

    projects = project_keys(args.projects)
    if args.min_size.strip().startswith("-"):
        raise InputError("--min-size must be zero or more bytes.")
    try:
        min_size = parse_size(args.min_size)
    except ValueError as exc:
        raise InputError(f"--min-size: {exc}") from None
    limit, max_bytes = _limit(args.limit)
    for flag, days in (
        ("--older-than", args.older_than),
        ("--protect-days", args.protect_days),
        ("--idle-days", args.idle_days),
    ):
        if days is not None and days < 0:
            raise InputError(f"{flag} must be 0 or more days, not {days}.")
    if args.workers < 1:
        raise InputError("--workers must be at least 1.")
    types = tuple(t.strip().lstrip(".").casefold() for t in args.types.split(",") if t.strip())
    return PlanFilters(
        keep=KeepRule(args.keep),
        projects=tuple(projects),
        min_size=min_size,
        limit=limit,
        file_types=types,
        older_than=args.older_than,
        max_bytes=max_bytes,
        jql=args.jql.strip(),
        protect_days=args.protect_days,
        idle_days=args.idle_days,
    )


def _limit(text: str | None) -> tuple[int | None, int | None]:
    """``--limit``: a count of files (``50``), or a byte cap with its unit (``5GB``)."""
    from aa_tui.model.insights import parse_cap
    from aa_tui.service.errors import InputError

    if text is None:
        return None, None
    value = text.strip()
    if value.lstrip("-").isdigit():
        if int(value) < 0:
            raise InputError("--limit must be zero or more.")
        return int(value), None
    try:
        return None, parse_cap(value)
    except ValueError as exc:
        raise InputError(f"--limit is a number of files or a size: {exc}") from None
