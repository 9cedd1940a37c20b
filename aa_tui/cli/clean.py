"""``aa-tui clean | audit | restore``: the cleanup's command line (parse, print; the work is in
:mod:`aa_tui.service.cleanup`).

Exit codes as ``scan``: 0 done, 2 bad usage or a missing permission, 3 partly done (resumable),
130 cancelled (resumable).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aa_tui.cli.api_token import read_token
from aa_tui.cli.plan_filters import add_filter_arguments, plan_filters
from aa_tui.cli.status_line import StatusLine
from aa_tui.cli.threads import run_in_thread
from aa_tui.model.audit_totals import AuditTotals
from aa_tui.model.cleanup import CleanupPhase, CleanupProgress, Outcome, PlanFilters
from aa_tui.model.units import counted, size_text

if TYPE_CHECKING:
    from aa_tui.cli.threads import Job
    from aa_tui.model.cleanup import Plan
    from aa_tui.service.cleanup import Cleanup, CleanupOutcome, CleanupRun, PlanReview
    from aa_tui.service.workspace import Workspace

FIRST_ROWS = 10


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``clean``, ``audit`` and ``restore`` with their options."""
    clean = sub.add_parser(
        "clean",
        help="remove what a cleanup policy selects from a stored scan (default: proven duplicate "
        "copies; a dry run unless --yes)",
    )
    clean.add_argument("scan_id", metavar="SCAN_ID")
    add_filter_arguments(clean)
    clean.add_argument("--archive", metavar="DEST",
                       help="keep each removed file (checked by SHA-256) and a manifest here: a "
                       "directory (or s3://bucket/prefix)")  # fmt: skip
    clean.add_argument("--comment", action="store_true",
                       help="one comment per touched issue naming what was removed")  # fmt: skip
    clean.add_argument("--yes", action="store_true", help="apply the plan (default: dry run)")
    clean.add_argument("--resume", action="store_true",
                       help="continue this scan's interrupted cleanup (its own plan)")  # fmt: skip
    clean.add_argument("--prove", action="store_true",
                       help="a metadata scan: read every copy of its likely groups in full and "
                       "plan only what their SHA-256 proves")  # fmt: skip
    clean.add_argument("--json", metavar="FILE", help="write the plan and each file's outcome")
    clean.add_argument("--token-stdin", action="store_true",
                       help="read the API token from standard input")  # fmt: skip
    clean.add_argument(
        "--workers", type=int, default=8, help="files in flight, one per issue (default 8)"
    )
    clean.add_argument("--quiet", action="store_true", help="no progress line")

    audit = sub.add_parser("audit", help="every deletion ever made from this store")
    audit.add_argument("--json", metavar="FILE")
    audit.add_argument("--csv", metavar="FILE")
    audit.add_argument("--all", action="store_true", help="also the files left alone for safety")

    restore = sub.add_parser(
        "restore", help="upload archived files back to their issues (a dry run unless --yes)"
    )
    restore.add_argument(
        "manifest",
        metavar="MANIFEST|DEST",
        help="an archive: its folder or manifest.jsonl, or s3://bucket/prefix",
    )
    restore.add_argument("--issue", metavar="KEY", default="", help="only this issue's files")
    restore.add_argument("--file", metavar="ID", default="", help="only this attachment id")
    restore.add_argument("--yes", action="store_true", help="upload (default: dry run)")
    restore.add_argument("--token-stdin", action="store_true")
    restore.add_argument("--quiet", action="store_true", help="no progress line")


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    """Run ``clean``, ``audit`` or ``restore``; the exit code."""
    if args.command == "clean":
        return _clean(args, workspace)
    if args.command == "audit":
        return _audit(args, workspace)
    return _restore(args, workspace)


def _err(text: str) -> None:
    print(f"aa-tui: {text}", file=sys.stderr)


# -- clean ------------------------------------------------------------------------------------
def _clean(args: argparse.Namespace, workspace: Workspace) -> int:
    from aa_tui.service.cleanup import policy_named
    from aa_tui.service.errors import EXIT_OK, InputError

    cleanup = workspace.cleanup()
    info = workspace.get_scan(args.scan_id)
    if info is None:
        raise InputError(f"No scan {args.scan_id!r} in the store (see `aa-tui scans`).")
    filters = plan_filters(args)
    policy_named(args.policy)  # an unknown name: one sentence before anything
    if args.prove and args.policy != "duplicates":
        raise InputError("--prove proves duplicate groups: it goes with --policy duplicates.")
    if args.idle_days is not None and args.policy != "idle":
        raise InputError("--idle-days says when a project is idle: it goes with --policy idle.")
    unfinished = cleanup.unfinished(info.id)
    if args.resume and unfinished is None:
        done = [row for row in cleanup.plans(info.id) if row.status == "done"]
        if done:
            # "Finish what was started", never "start a new plan": that one is finished (a
            # run killed after its last file asks again, and hears so).
            print(
                f"Nothing to resume: plan {done[0].id} of scan {info.id} is done. Leave out "
                "--resume to plan a new cleanup."
            )
            return EXIT_OK
        row = cleanup.interrupted_on_site(info.site)
        if row is not None:  # the one meant, most likely: never a new plan in its place
            raise InputError(
                f"Nothing to resume for scan {info.id}: the interrupted cleanup of this site is "
                f"plan {row.id}, of scan {row.scan_id}. Resume it with `aa-tui clean "
                f"{row.scan_id} --resume`; leave out --resume to plan a new cleanup of "
                f"{info.id}."
            )
        # Killed before its plan was even saved: plan anew (the same plan, from the scan).
        _err(f"note: scan {info.id} has no interrupted cleanup; planning anew.")
    if args.resume and unfinished is not None:
        plan = cleanup.load(unfinished.id)
        if filters != PlanFilters():
            _err(f"note: resuming plan {plan.id} as it was made ({plan.filters.describe()}).")
    else:
        if unfinished is not None and args.yes:
            raise InputError(
                f"The cleanup of scan {info.id} by plan {unfinished.id} was interrupted: finish "
                "it first with the same command and --resume."
            )
        if filters.jql:
            token = _token(args, workspace, info.site, info.email)
            filters = cleanup.with_jql(info.id, filters, token)
        if args.prove:
            token = _token(args, workspace, info.site, info.email)
            plan = cleanup.prove_and_plan(info.id, filters, token)
        else:
            plan = cleanup.plan(info.id, filters, policy=args.policy)
        plan = cleanup.save(plan)
        if unfinished is not None:
            _err(
                f"note: plan {unfinished.id} of this scan was interrupted; --resume goes on with it."
            )
    if args.yes and plan.only_copies and not args.archive and not cleanup.state(plan).started:
        raise InputError(
            f"Plan {plan.id} removes {counted(len(plan.only_copies), 'file')} that "
            f"{'has' if len(plan.only_copies) == 1 else 'have'} no other copy on Jira: give --archive DEST, where each one is kept and verified before it is "
            "deleted; nothing was changed."
        )
    job, progress = _start(args, workspace, cleanup, plan) if args.yes else (None, None)
    review = cleanup.review(plan)
    _print_plan(review, applying=args.yes)
    if job is None or progress is None:
        if args.json:
            _write(args.json, cleanup.document(plan))
        if plan.only_copies and not args.archive:
            print(
                f"Dry run: nothing was changed. {len(plan.only_copies):,} of these files "
                f"{'has' if len(plan.only_copies) == 1 else 'have'} no other copy on Jira: apply it with --yes --archive DEST (each file is kept "
                "there and verified before it is deleted; --comment leaves a note on each issue)."
            )
        else:
            print(
                "Dry run: nothing was changed. Apply it with --yes (add --archive DEST to keep "
                "a copy of every file, --comment to leave a note on each issue)."
            )
        return 0
    return _apply(args, cleanup, plan, job, progress)


def _print_plan(review: PlanReview, *, applying: bool) -> None:
    plan = review.plan
    verb = "Applying" if applying else "Plan"
    done = plan.files - review.files
    resumed = f" ({done:,} done before)" if done else ""
    where = (
        f"in {counted(plan.group_count, 'group')}" if plan.policy == "duplicates" else "to offload"
    )
    print(
        f"{verb} {plan.id} ({plan.policy}) for scan {plan.scan_id} of {plan.site} "
        f"({plan.filters.describe()}): {counted(review.files, 'file')}, {size_text(review.size)} "
        f"{where}{resumed}"
    )
    for note in plan.notes:
        print(f"  note: {note}")
    for total in review.projects:
        files = "file " if total.files == 1 else "files"
        print(f"  {total.key:<12} {total.files:>7,} {files} {size_text(total.size):>11}")
    if review.pending:
        print("First files:")
        for d in review.pending[:FIRST_ROWS]:
            beside = f"keep {d.keep_issue_key} ({d.keep_id})" if d.keep_id else "archived first"
            print(
                f"  {size_text(d.size):>10}  {d.file_name}  {d.issue_key} ({d.attachment_id})"
                f"  {beside}"
            )
        if len(review.pending) > FIRST_ROWS:
            print(f"  ... and {len(review.pending) - FIRST_ROWS:,} more")


class _Progress:
    """A cleanup's (or a restore's) progress on one status line (stderr)."""

    def __init__(self, enabled: bool, restore: bool = False) -> None:
        self.line = StatusLine(sys.stderr, enabled)
        self._phase: CleanupPhase | None = None
        self._restore = restore  # a restore counts uploads, not deletions

    def update(self, p: CleanupProgress) -> None:
        if not self.line.enabled:
            return
        if p.phase is CleanupPhase.DONE:  # finished or stopped: the summary says which
            where = "this run"
        elif p.phase is CleanupPhase.COMMENTING:
            where = f"{p.phase}: {p.done:,}/{p.total:,} issues"
        else:
            where = f"{p.phase}: {p.done:,}/{p.total:,}"
        if self._restore:
            text = f"{where} | uploaded {p.uploaded:,}"
        else:
            text = (
                f"{where} | deleted {p.deleted:,} ({size_text(p.freed)}), "
                f"gone {p.already_gone:,}, skipped {p.skipped:,}"
            )
            if p.archived:
                text += f", archived {p.archived:,} ({size_text(p.archived_size)})"
            if p.comments:
                text += f", {p.comments:,} comments"
        if p.throttled or p.issue_throttled:
            text += f" | throttled {p.throttled + p.issue_throttled}"
        if p.waiting_issues:
            text += f", {p.waiting_issues} issues waiting"
        if p.message:
            text = p.message
        # A new phase is a line of its own in a log; the rest at most every few seconds.
        new_phase, self._phase = p.phase != self._phase, p.phase
        self.line.show(text, matters=new_phase)

    def finish(self) -> None:
        self.line.finish()


def _token(args: argparse.Namespace, workspace: Workspace, site: str, email: str) -> str:
    """The token as ``scan`` reads it (standard input is read once: kept for this run)."""
    if getattr(args, "_token", None) is None:
        args.email = email
        args._token = read_token(args, workspace, site)
    return str(args._token)


def _in_thread(job: Job, progress: _Progress, what: str) -> tuple[Any, BaseException | None]:
    """Run ``job.run()`` in a thread; Ctrl-C asks it to stop (twice: stop at once)."""

    def interrupted(count: int) -> None:
        progress.finish()
        if count == 1:
            _err(
                f"stopping (Ctrl-C): the {what} ends after the writes in flight; "
                "Ctrl-C again stops them too."
            )
        else:
            _err("stopping now (Ctrl-C again): the writes in flight are stopped too.")

    outcome, error, _finished = run_in_thread(job, name=f"aa-{what}", on_interrupt=interrupted)
    progress.finish()
    return outcome, error


def _start(
    args: argparse.Namespace, workspace: Workspace, cleanup: Cleanup, plan: Plan
) -> tuple[CleanupRun, _Progress]:
    """The run of ``plan`` and its progress line (from now on the plan counts as being
    applied)."""
    from aa_tui.service.cleanup import ApplyOptions

    token = _token(args, workspace, plan.site, plan.email)
    options = ApplyOptions(
        archive=args.archive or None,  # a folder or s3://bucket/prefix (Path would mangle it)
        comment=args.comment,
        workers=args.workers,
    )
    progress = _Progress(not args.quiet)
    job = cleanup.apply(plan, token, options, resume=args.resume, listener=progress.update)
    return job, progress


def _apply(
    args: argparse.Namespace, cleanup: Cleanup, plan: Plan, job: CleanupRun, progress: _Progress
) -> int:
    from aa_tui.service.errors import EXIT_CANCELLED, EXIT_FAILED, Cancelled, describe

    outcome, error = _in_thread(job, progress, "cleanup")
    outcome = outcome or job.outcome
    if args.json:
        _write(args.json, cleanup.document(plan))
    if outcome is not None:
        _print_outcome(outcome)
    if error is None:
        return 0
    if isinstance(error, Cancelled):
        _err(str(error) or "cleanup cancelled; continue it with --resume.")
        return EXIT_CANCELLED
    problem = describe(error)
    message = problem.message if not problem.unexpected else f"the cleanup failed ({error})."
    started = cleanup.state(plan).started
    if started and problem.exit_code != 2:
        message += " The cleanup can be continued with the same command and --resume."
    _err(message)
    return problem.exit_code if not problem.unexpected else EXIT_FAILED


def _print_outcome(outcome: CleanupOutcome) -> None:
    counts = outcome.counts
    print(
        f"Deleted {counted(counts.get(Outcome.DELETED, 0), 'file')} "
        f"({size_text(outcome.freed_total)} freed), "
        f"{counts.get(Outcome.ALREADY_GONE, 0):,} were gone already, "
        f"{counts.get(Outcome.SKIPPED, 0):,} left alone, {outcome.pending:,} still to do"
        + (f"; {counted(outcome.comments, 'comment')} posted" if outcome.comments else "")
        + "."
    )
    for result in outcome.skipped[:FIRST_ROWS]:
        print(f"  skipped {result.file_name} on {result.issue_key}: {result.reason}")
    if len(outcome.skipped) > FIRST_ROWS:
        print(f"  ... and {len(outcome.skipped) - FIRST_ROWS:,} more left alone")
    for issue, why in sorted(outcome.comment_problems.items()):
        print(f"  no comment on {issue}: {why}")
    if outcome.archive is not None:
        listed = outcome.archive_manifest
        print(f"Archive: {outcome.archive} ({listed} lists every file; see aa-tui restore)")
    if outcome.finished:
        print(f"Plan {outcome.plan.id} is done.")


def _write(path: str, document: dict[str, Any]) -> None:
    from aa_tui.service.cleanup import write_json

    write_json(Path(path), document)
    print(f"Wrote {path}", file=sys.stderr)


# -- audit ------------------------------------------------------------------------------------
def _audit(args: argparse.Namespace, workspace: Workspace) -> int:
    from aa_tui.service.cleanup import audit_document, write_audit_csv

    entries = workspace.cleanup().audit(include_skipped=args.all)
    exporting = bool(args.json or args.csv)  # then only the "Wrote" lines, as other exports
    if not entries:
        print("No deletions yet: see `aa-tui clean SCAN_ID`.")
    elif not exporting:
        print(f"{'WHEN':<25} {'OUTCOME':<13} {'SIZE':>10}  FILE / ISSUE (KEPT COPY)")
        for e in entries:
            restored = f", restored as {e.restored_as}" if e.restored_as else ""
            kept = f"kept {e.keep_id} on {e.keep_issue_key}" if e.keep_id else "only copy"
            print(
                f"{e.at:<25} {e.outcome.value:<13} {size_text(e.size):>10}  {e.file_name} on "
                f"{e.issue_key} ({e.attachment_id}; {kept}{restored})"
            )
        totals = AuditTotals.of(entries)
        print(
            f"{counted(len(entries), 'file')}, {size_text(totals.freed)} deleted by aa-tui"
            f"{totals.restored_since()}."
        )
    if args.json:
        _write(args.json, audit_document(entries))
    if args.csv:
        write_audit_csv(Path(args.csv), entries)
        print(f"Wrote {args.csv}", file=sys.stderr)
    return 0


# -- restore ----------------------------------------------------------------------------------
def _restore(args: argparse.Namespace, workspace: Workspace) -> int:
    from aa_tui.service.cleanup import RestoreScope
    from aa_tui.service.errors import EXIT_CANCELLED, EXIT_FAILED, Cancelled, describe

    cleanup = workspace.cleanup()
    plan = cleanup.restore_plan(args.manifest, RestoreScope(issue=args.issue, file=args.file))
    pending = plan.pending
    print(
        f"Restore to {plan.site}: {counted(len(pending), 'file')}, "
        f"{size_text(sum(i.size for i in pending))}"
        + (f"; {len(plan.done):,} restored already" if plan.done else "")
        + "."
    )
    for item in pending[:FIRST_ROWS]:
        print(f"  {size_text(item.size):>10}  {item.file_name} -> {item.issue_key}")
    if len(pending) > FIRST_ROWS:
        print(f"  ... and {len(pending) - FIRST_ROWS:,} more")
    for item in plan.problems:
        print(f"  cannot restore {item.file_name} ({item.attachment_id}): {item.problem}")
    if not pending:
        if not plan.problems:
            print("Nothing to upload: every file of it is back on Jira already.")
        return _restore_problems(plan.problems) if args.yes else 0
    if not args.yes:
        print("Dry run: nothing was uploaded. Upload with --yes.")
        return 0
    token = _token(args, workspace, plan.site, plan.email)
    progress = _Progress(not args.quiet, restore=True)
    job = cleanup.restore(plan, token, listener=progress.update)
    outcome, error = _in_thread(job, progress, "restore")
    outcome = outcome or job.outcome
    if outcome is not None:
        for result in outcome.results:
            if result.outcome is not Outcome.RESTORED:
                print(
                    f"  not restored: {result.file_name} ({result.attachment_id}): {result.reason}"
                )
        print(f"Restored {counted(outcome.uploaded, 'file')}; {outcome.pending:,} still to do.")
    if error is not None:
        if isinstance(error, Cancelled):
            _err(str(error) or "restore cancelled; run the same command again to go on.")
            return EXIT_CANCELLED
        problem = describe(error)
        _err(problem.message if not problem.unexpected else f"the restore failed ({error}).")
        return problem.exit_code if not problem.unexpected else EXIT_FAILED
    return _restore_problems(plan.problems)


def _restore_problems(problems: list[Any]) -> int:
    """The exit code of a restore that did what it could: 3 when some files cannot be
    restored (listed above as "cannot restore"), said in one closing sentence."""
    from aa_tui.service.errors import EXIT_FAILED

    if not problems:
        return 0
    _err(
        f'{counted(len(problems), "file")} of the archive cannot be restored (the "cannot '
        f'restore" lines above say why): that is why the exit code is {EXIT_FAILED}.'
    )
    return EXIT_FAILED
