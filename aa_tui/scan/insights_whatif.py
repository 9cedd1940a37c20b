"""What if: the bytes each cleanup would free, no file counted twice, against a cap."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aa_tui.model.insights import FileRow, WhatIfRow

#: the cleanup steps, in the order they add up
WHAT_IF_STEPS = ("as it is", "duplicates", "+ stale files", "+ hygiene", "+ idle projects")


def what_if(
    rows: Sequence[FileRow],
    *,
    stale: Callable[[FileRow], bool],
    hygiene: Callable[[FileRow], bool],
    idle: Callable[[FileRow], bool],
    cap: int | None = None,
) -> list[WhatIfRow]:
    """One row per step: the files and bytes it frees beyond every step before it.

    "duplicates" are the copies beyond each group's canonical one; the later steps take what
    is left (a stale file already freed as a duplicate is not counted again)."""
    tests: list[Callable[[FileRow], bool]] = [
        lambda r: r.is_copy,
        stale,
        hygiene,
        idle,
    ]
    total = sum(r.size for r in rows)
    files = [0] * len(tests)
    size = [0] * len(tests)
    for row in rows:
        for step, test in enumerate(tests):
            if test(row):
                files[step] += 1
                size[step] += row.size
                break
    out = [_row(WHAT_IF_STEPS[0], 0, 0, 0, total, cap)]
    cumulative = 0
    for step, name in enumerate(WHAT_IF_STEPS[1:]):
        cumulative += size[step]
        out.append(_row(name, files[step], size[step], cumulative, total - cumulative, cap))
    return out


def _row(
    step: str, files: int, size: int, cumulative: int, remaining: int, cap: int | None
) -> WhatIfRow:
    under = None if cap is None else cap - remaining
    return WhatIfRow(step, files, size, cumulative, remaining, under)
