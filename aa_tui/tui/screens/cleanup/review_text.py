"""What the review's title and totals say of a plan's groups (the copy each keeps, where the
files are)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aa_tui.model.cleanup import DUPLICATES, KeepRule, Plan
from aa_tui.tui import format as fmt

if TYPE_CHECKING:
    from aa_tui.service.cleanup import PlanReview


def keep_rule(plan: Plan) -> str:
    """Which copy of a group stays (★): the duplicates policy's rule, or for a plan of other
    files (marked, stale, ...) the copy the plan leaves, which need not be the oldest."""
    which = "newest" if plan.filters.keep is KeepRule.NEWEST else "oldest"
    if plan.policy == DUPLICATES:
        return f"each group keeps its {which} copy (★)"
    return f"★ kept: the {which} copy not in this plan"


def where_text(review: PlanReview) -> str:
    """ ", in 16 groups on 8 projects. ": an only copy is no group (a stale plan's 540 files
    were "in 540 groups"), so a plan with only copies counts its groups of copies apart."""
    left = review.groups_left
    groups = [g for g in left if g.keep_id]  # copies removed beside a kept copy
    projects = fmt.counted(len(review.projects), "project")
    if groups and len(groups) == len(left):
        return f", in {fmt.counted(len(groups), 'group')} on {projects}. "
    copies = sum(len(g.removed) for g in groups)
    of = f" ({fmt.counted(copies, 'copy', 'copies')} in {fmt.counted(len(groups), 'group')})"
    return f", on {projects}{of if groups else ''}. "
