"""Jira Cloud's storage caps by plan, for a Data Center or Server site about to move there.

Atlassian caps attachment storage per Cloud plan: Free 2 GB, Standard 250 GB; Premium and
Enterprise have no cap. The caps are decimal units (GB = 10^9 bytes), as Atlassian states them.
"""

from __future__ import annotations

from dataclasses import dataclass

from aa_tui.model.forecast import decimal_size
from aa_tui.model.insights import WhatIfRow

#: (plan, its storage cap in bytes; None: unlimited), smallest first
CLOUD_PLANS: tuple[tuple[str, int | None], ...] = (
    ("Free", 2 * 10**9),
    ("Standard", 250 * 10**9),
    ("Premium", None),
    ("Enterprise", None),
)
UNLIMITED = "Premium or Enterprise"


def smallest_plan(size: int) -> str:
    """The smallest Cloud plan whose storage cap holds ``size`` bytes of attachments."""
    for plan, cap in CLOUD_PLANS:
        if cap is None:
            return UNLIMITED
        if size <= cap:
            return plan
    return UNLIMITED


@dataclass(frozen=True)
class MigrationRow:
    """One cleanup step on the way to Cloud: the storage left and the plan that holds it."""

    step: str
    remaining: int  # bytes of attachments that would move
    plan: str  # the smallest plan whose cap holds them
    standard_share: float  # of Standard's 250 GB cap (1.0 = full)

    @property
    def share_text(self) -> str:
        """The share of Standard's cap in whole percent; a share that rounds to 0 but is not
        nothing reads ``<1%`` (a 1 GB site read 0% on every row)."""
        if 0 < self.standard_share < 0.005:
            return "<1%"
        return f"{self.standard_share:.0%}"


def migration_sentence(rows: list[MigrationRow]) -> str:
    """``As it is, 1.1 GB would move: Jira Cloud Free holds it.`` and, when a cleanup step
    brings it down to a smaller plan, the first such step."""
    if not rows:
        return ""
    first = rows[0]
    text = f"As it is, {decimal_size(first.remaining)} of attachments would move to Jira Cloud"
    text += f" ({first.plan} holds it"
    text += ")." if first.plan != UNLIMITED else ": over Standard's 250 GB cap)."
    smaller = next((r for r in rows[1:] if r.plan != first.plan), None)
    if smaller is not None:
        text += (
            f" After {smaller.step.lstrip('+ ')}, {decimal_size(smaller.remaining)}: "
            f"{smaller.plan} holds it."
        )
    return text


def migration_rows(what_if: list[WhatIfRow]) -> list[MigrationRow]:
    """The what-if's steps as Cloud storage: what would move after each, and where it fits."""
    standard = dict(CLOUD_PLANS)["Standard"] or 1
    return [
        MigrationRow(
            row.step,
            row.remaining_size,
            smallest_plan(row.remaining_size),
            row.remaining_size / standard,
        )
        for row in what_if
    ]
