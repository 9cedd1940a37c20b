"""What if: the bytes each cleanup would free, no file counted twice, against a cap."""

from __future__ import annotations

from collections.abc import Sequence

from aa_tui.analysis.facts import Facts
from aa_tui.model.file_table import SIZE
from aa_tui.model.insights import WhatIfRow

#: the cleanup steps, in the order they add up
WHAT_IF_STEPS = ("as it is", "duplicates", "+ stale files", "+ hygiene", "+ idle projects")


def what_if(steps: Sequence[Sequence[int]], *, cap: int | None = None) -> list[WhatIfRow]:
    """One row per step from ``steps``: [files, bytes] of what is kept, then of what each
    cleanup frees beyond every step before it (copies beyond each group's canonical one;
    stale files; hygiene; idle projects), so no file is counted twice."""
    total = sum(size for _, size in steps)
    out = [_row(WHAT_IF_STEPS[0], 0, 0, 0, total, cap)]
    cumulative = 0
    for name, (files, size) in zip(WHAT_IF_STEPS[1:], steps[1:], strict=True):
        cumulative += size
        out.append(_row(name, files, size, cumulative, total - cumulative, cap))
    return out


def what_if_of(facts: Facts, *, cap: int | None = None) -> list[WhatIfRow]:
    """The what-if of ``facts``' table alone (as :func:`aa_tui.analysis.insights.build_insights`
    counts it, without building the other insight tables)."""
    steps = [[0, 0] for _ in WHAT_IF_STEPS]
    step_of = facts.what_if_step
    for row in facts.table.rows:
        step = steps[step_of(row)]
        step[0] += 1
        step[1] += row[SIZE]
    return what_if(steps, cap=cap)


def _row(
    step: str, files: int, size: int, cumulative: int, remaining: int, cap: int | None
) -> WhatIfRow:
    return WhatIfRow(step, files, size, cumulative, remaining, room_under(cap, remaining))


def room_under(cap: int | None, remaining: int) -> int | None:
    """The room a cap leaves over what remains (negative: still over it; None: no cap)."""
    return None if cap is None else cap - remaining
