"""The comment a cleanup leaves on each issue it touched (the site renders its format).

One comment per issue names every file removed from it and, for a redundant copy, where the
kept copy of its bytes lives (a link to that issue); for an only copy, that it is archived. It
ends with a marker naming the plan: before posting again after a lost answer or a crash, the issue's comments are searched for it, so no issue gets two.
"""

from __future__ import annotations

from collections.abc import Callable

from aa_tui.jira.document import Bullets, Document, Paragraph, Text
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.cleanup import Outcome, Plan, PlannedDeletion
from aa_tui.model.links import issue_url
from aa_tui.model.units import size_text
from aa_tui.service.cleanup.schedule import NotStarted, run_by_issue
from aa_tui.store.audit import ApplyState, AuditJournal


def marker(plan: Plan) -> str:
    return f"aa-tui cleanup {plan.id}"


def comment_body(plan: Plan, removed: list[PlannedDeletion]) -> Document:
    """The comment for one issue's ``removed`` files (the site renders it in its format)."""
    count = len(removed)
    files = "file" if count == 1 else "files"
    items: list[Paragraph] = []
    for d in removed:
        size = size_text(d.size)
        if d.redundant is None:
            only = (
                f"{d.file_name} ({size}, attachment {d.attachment_id}): no other copy was on "
                "Jira; it is kept in the cleanup's archive, its bytes verified by SHA-256."
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
        if resolved and resolved.outcome is Outcome.DELETED and d.issue_key not in state.commented:
            out.setdefault(d.issue_key, []).append(d)
    return out


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
) -> None:
    """One comment on each issue of :func:`issues_to_comment`, journaled before and after."""
    issues = issues_to_comment(plan, state)
    tag = marker(plan)

    def work(issue: str) -> str:
        if stopping():
            raise NotStarted()
        if issue in state.comment_intents:  # a run stopped after posting, maybe
            found = writes.find_comment(issue, tag)
            if found is not None:
                journal.commented(issue, found)
                return found
        journal.comment_intent(issue)
        comment_id = writes.add_comment(
            issue,
            comment_body(plan, issues[issue]),
            already=lambda: writes.find_comment(issue, tag),
        )
        journal.commented(issue, comment_id)
        return comment_id

    def done(issue: str, comment_id: str) -> None:
        state.commented[issue] = comment_id
        on_done(issue, comment_id)

    run_by_issue(
        list(issues),
        lambda issue: issue,
        work,
        workers=workers,
        stopping=stopping,
        on_result=done,
        on_tick=on_tick,
    )
