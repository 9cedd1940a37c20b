"""Re-checking a plan against Jira before it is applied (the app's past scans).

A scan read from the store says what the site held when it ran. Before the app lets such a
plan be applied it asks Jira again, for every planned file and every kept copy of a redundant
one, whether the file is still there with the size that was hashed (the attachment's metadata,
the same read the apply makes right before each DELETE). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

from aa_tui.jira.errors import Forbidden
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.cleanup import Plan
from aa_tui.model.units import counted

#: attachments asked about at once
RECHECK_WORKERS = 8


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

    def narrowed(self, plan: Plan, at: str) -> Plan:
        """``plan`` with only its files found there as scanned, and a note saying so, dated
        ``at`` (a stored time): the note stays with the plan, and a resumed run's review shows
        it later."""
        present = set(self.present)
        kept = [d for d in plan.deletions if d.attachment_id in present]
        note = (
            f"Re-checked against Jira on {at[:16].replace('T', ' ')} UTC: {len(kept):,} of "
            f"{counted(plan.files, 'file')} and their kept copies were there as scanned."
        )
        return replace(plan, deletions=kept, notes=[*plan.notes, note])


def recheck_plan(
    plan: Plan,
    connect: Callable[[], JiraSite],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Recheck:
    """Ask Jira about each planned file and each kept copy (each id once)."""
    result = Recheck(plan.id)
    kept = [d for d in plan.deletions if d.redundant is not None]
    wanted = sorted({d.attachment_id for d in plan.deletions} | {d.keep_id for d in kept})
    sizes = {d.attachment_id: d.size for d in plan.deletions}
    sizes.update({d.keep_id: d.size for d in kept})
    found: dict[str, str] = {}  # id -> "" (there, right size) or why not
    client = connect()

    def check(aid: str) -> str:
        """Why ``aid`` is not there as planned ("" when it is, with its size)."""
        try:
            meta = client.attachment(aid)
        except Forbidden:
            return "this account cannot see it"
        if meta is None:
            return "gone"
        if meta.size != sizes[aid]:
            return f"{meta.size:,} bytes now, not {sizes[aid]:,}"
        return ""

    # a few reads in flight (the governor keeps them under Jira's limits): one at a time,
    # 1,000 files took a tester's site minutes
    pool = ThreadPoolExecutor(RECHECK_WORKERS, thread_name_prefix="aa-recheck")
    try:
        futures = {pool.submit(check, aid): aid for aid in wanted}
        for n, future in enumerate(as_completed(futures), start=1):
            found[futures[future]] = future.result()
            result.checked = n
            if progress is not None:
                progress(n, len(wanted))
            if cancelled is not None and cancelled():
                break
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        client.close()
    for d in plan.deletions:
        mine = found.get(d.attachment_id)
        keep = found.get(d.keep_id) if d.redundant is not None else ""
        if mine is None or keep is None:
            result.problems[d.attachment_id] = "not re-checked (stopped)"
        elif keep:
            result.problems[d.attachment_id] = f"its kept copy {d.keep_id} is {keep}"
        elif mine:
            result.problems[d.attachment_id] = f"it is {mine}"
        else:
            result.present.append(d.attachment_id)
    return result
