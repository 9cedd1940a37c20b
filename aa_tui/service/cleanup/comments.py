"""The comment a cleanup leaves on each issue it touched (the site renders its format).

One comment per issue names every file removed from it and, for a redundant copy, where the
kept copy of its bytes lives (a link to that issue); for an only copy, that it is archived. It
ends with a marker naming the plan: before posting again after a lost answer or a crash, the issue's comments are searched for it, so no issue gets two.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aa_tui.jira.document import Bullets, Document, Paragraph, Text
from aa_tui.jira.errors import RequestRejected
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.cleanup import Outcome, Plan, PlannedDeletion
from aa_tui.model.links import issue_url
from aa_tui.model.units import size_text
from aa_tui.service.cleanup.schedule import NotStarted, run_by_issue
from aa_tui.store.audit import ApplyState, AuditJournal


def marker(plan: Plan) -> str:
    return f"aa-tui cleanup {plan.id}"


def comment_body(
    plan: Plan,
    removed: list[PlannedDeletion],
    archived: Mapping[str, Mapping[str, str]] | None = None,
) -> Document:
    """The comment for one issue's ``removed`` files (the site renders it in its format).
    ``archived``: attachment id -> its archived copy's ``path`` (where it is, as the archive
    names it: a folder's file, ``s3://bucket/prefix/...``) and ``sha256``, from the journal."""
    count = len(removed)
    files = "file" if count == 1 else "files"
    items: list[Paragraph] = []
    for d in removed:
        size = size_text(d.size)
        if d.redundant is None:
            kept = (archived or {}).get(d.attachment_id) or {}
            digest = kept.get("sha256") or d.sha256
            where = kept.get("path") or "the cleanup's archive"
            only = (
                f"{d.file_name} ({size}, {d.size:,} bytes, attachment {d.attachment_id}, "
                f"SHA-256 {digest}): no other copy was on Jira; its copy is archived at {where}, "
                "its bytes verified by SHA-256 before it was removed."
            )
            items.append(Paragraph((Text(only),)))
            continue
        where = issue_url(plan.issue_base, d.keep_issue_key) if plan.issue_base else ""
        same_issue = d.keep_issue_key == d.issue_key
        nodes = [
            Text(f"{d.file_name} ({size}, attachment {d.attachment_id}): the identical copy "),
            Text(f"{d.keep_file_name} (attachment {d.keep_id}) "),
        ]
        if same_issue:
            nodes.append(Text("stays on this issue."))
        else:
            nodes += [Text("stays on "), Text(d.keep_issue_key, where), Text(".")]
        items.append(Paragraph(tuple(nodes)))
    if all(d.redundant is not None for d in removed):
        heading = (
            f"Removed {count} duplicate {files} from this issue to free attachment "
            "storage; each was proven identical, byte for byte, to a copy that stays:"
        )
    else:
        heading = f"Removed {count} {files} from this issue to free attachment storage:"
    return Document(
        (
            Paragraph((Text(heading),)),
            Bullets(tuple(items)),
            Paragraph((Text(f"Removed by {marker(plan)}."),)),
        )
    )


def issues_to_comment(plan: Plan, state: ApplyState) -> dict[str, list[PlannedDeletion]]:
    """Issues that lost a file to this plan and have no comment of it yet."""
    out: dict[str, list[PlannedDeletion]] = {}
    for d in plan.deletions:
        resolved = state.outcomes.get(d.attachment_id)
        if (
            resolved
            and resolved.outcome is Outcome.DELETED
            and d.issue_key not in state.commented
            and d.issue_key not in state.comment_failed
        ):
            out.setdefault(d.issue_key, []).append(d)
    return out


@dataclass(frozen=True)
class _Unreachable:
    reason: str


def post_comments(
    plan: Plan,
    writes: JiraSite,
    journal: AuditJournal,
    state: ApplyState,
    *,
    workers: int,
    stopping: Callable[[], bool],
    on_done: Callable[[str, str], None],
    on_tick: Callable[[int], None],
    on_failed: Callable[[str, str], None] = lambda issue, reason: None,
) -> None:
    """One comment on each issue of :func:`issues_to_comment`, journaled before and after.
    An issue Jira answers 404 for (gone, or hidden from this account) gets no comment: it is
    journaled with the reason and reported (``on_failed``), and the others go on."""
    issues = issues_to_comment(plan, state)
    tag = marker(plan)

    def post(issue: str) -> str:
        if issue in state.comment_intents:  # a run stopped after posting, maybe
            found = writes.find_comment(issue, tag)
            if found is not None:
                journal.commented(issue, found)
                return found
        journal.comment_intent(issue)
        comment_id = writes.add_comment(
            issue,
            comment_body(plan, issues[issue], state.archived),
            already=lambda: writes.find_comment(issue, tag),
        )
        journal.commented(issue, comment_id)
        return comment_id

    def work(issue: str) -> str | _Unreachable:
        if stopping():
            raise NotStarted()
        try:
            return post(issue)
        except RequestRejected as exc:
            if exc.status != 404:
                raise
            reason = (
                f"Jira answered 404 for {issue} (the issue is gone, or hidden from this "
                "account), so it has no comment"
            )
            journal.comment_failed(issue, reason)
            return _Unreachable(reason)

    def done(issue: str, result: str | _Unreachable) -> None:
        if isinstance(result, _Unreachable):
            state.comment_failed[issue] = result.reason
            on_failed(issue, result.reason)
            return
        state.commented[issue] = result
        on_done(issue, result)

    run_by_issue(
        list(issues),
        lambda issue: issue,
        work,
        workers=workers,
        stopping=stopping,
        on_result=done,
        on_tick=on_tick,
    )
