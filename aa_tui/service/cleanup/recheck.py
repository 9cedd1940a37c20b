"""Re-checking a plan against Jira before it is applied (the app's past scans).

A scan read from the store says what the site held when it ran. Before the app lets such a
plan be applied it asks Jira again, for every planned copy and every kept copy, whether the
file is still there with the size that was hashed (``GET /rest/api/3/attachment/{id}``, the
same read the apply makes right before each DELETE). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aa_tui.jira.client import JiraClient
from aa_tui.jira.writes import Forbidden, JiraWrites
from aa_tui.model.cleanup import Plan


@dataclass
class Recheck:
    """What Jira says now about a plan's files."""

    plan_id: str
    present: list[str] = field(default_factory=list)  # copies still there, kept copy too
    problems: dict[str, str] = field(default_factory=dict)  # attachment id -> why it goes out
    checked: int = 0  # attachments asked about

    @property
    def ok(self) -> bool:
        return not self.problems


def recheck_plan(
    plan: Plan,
    connect: Callable[[], JiraClient],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Recheck:
    """Ask Jira about each planned copy and its kept copy (each id once)."""
    result = Recheck(plan.id)
    wanted = sorted({d.attachment_id for d in plan.deletions} | {d.keep_id for d in plan.deletions})
    sizes = {d.attachment_id: d.size for d in plan.deletions}
    sizes.update({d.keep_id: d.size for d in plan.deletions})
    found: dict[str, str] = {}  # id -> "" (there, right size) or why not
    client = connect()
    try:
        writes = JiraWrites(client)
        for n, aid in enumerate(wanted, start=1):
            if cancelled is not None and cancelled():
                break
            try:
                meta = writes.attachment(aid)
            except Forbidden:
                found[aid] = "this account cannot see it"
            else:
                if meta is None:
                    found[aid] = "gone"
                elif meta.size != sizes[aid]:
                    found[aid] = f"{meta.size:,} bytes now, not {sizes[aid]:,}"
                else:
                    found[aid] = ""
            result.checked = n
            if progress is not None:
                progress(n, len(wanted))
    finally:
        client.close()
    for d in plan.deletions:
        mine, kept = found.get(d.attachment_id), found.get(d.keep_id)
        if mine is None or kept is None:
            result.problems[d.attachment_id] = "not re-checked (stopped)"
        elif kept:
            result.problems[d.attachment_id] = f"its kept copy {d.keep_id} is {kept}"
        elif mine:
            result.problems[d.attachment_id] = f"it is {mine}"
        else:
            result.present.append(d.attachment_id)
    return result
