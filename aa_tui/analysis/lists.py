"""The files behind every number: one list per table row or total, from a scan's file table."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from aa_tui.analysis.facts import Facts, month_of
from aa_tui.analysis.whatif import WHAT_IF_STEPS
from aa_tui.memory import gc_paused
from aa_tui.model.errors import AaTuiError
from aa_tui.model.file_table import (
    AID,
    COPY,
    CREATED,
    HASH,
    I_CATEGORY,
    I_PROJECT,
    ISSUE,
    NAME,
    P_ACTIVE,
    P_ID,
    P_NAME,
    PERSON,
    SIZE,
    FileTable,
)
from aa_tui.model.insights import FileList, FileRow, InsightSettings

#: list name -> what its key means ("" for lists without a key)
FILE_LISTS: dict[str, str] = {
    "all": "",
    "largest": "",
    "stale": "",
    "empty": "",
    "unreadable": "",
    "heat": "",
    "copies": "",  # redundant copies (the waste)
    "projects": "project key",
    "file_types": "file type",
    "uploaders": "uploader name",
    "age_brackets": "age bracket",
    "status_categories": "status category",
    "uploads_by_month": "YYYY-MM, or YYYY-MM|PROJECT for one project's",
    "idle_projects": "project key (empty: every idle project)",
    "inactive_uploaders": "account id (empty: every departed account)",
    "hygiene": "hygiene kind (empty: every kind)",
    "clutter": "group hash",
    "what_if": "a what-if step: its files, none counted in an earlier step",
}


class UnknownList(AaTuiError, ValueError):
    """A list name that :data:`FILE_LISTS` does not know."""


def select_files(
    table: FileTable,
    name: str,
    key: str = "",
    *,
    now: datetime,
    settings: InsightSettings | None = None,
    unreadable: Collection[str] = (),
    limit: int | None = None,
) -> list[FileRow]:
    """The files of list ``name`` (and ``key``), biggest first (heat: hottest first); the
    first ``limit`` of them when given."""
    return select_list(
        table, name, key, now=now, settings=settings, unreadable=unreadable, limit=limit
    ).files


def select_list(
    table: FileTable,
    name: str,
    key: str = "",
    *,
    now: datetime,
    settings: InsightSettings | None = None,
    unreadable: Collection[str] = (),
    limit: int | None = None,
    facts: Facts | None = None,
    keep: Callable[[FileRow], bool] | None = None,
) -> FileList:
    """:func:`select_files` with the whole list's count and bytes (a UI shows the first
    ``limit`` files of a list of 500,000 without building them all). ``facts`` (of this
    table, ``now`` and ``settings``) may be kept from an earlier list: what it worked out is
    not worked out again. ``keep``: only the files it keeps (a filter over the whole list,
    not over the first ``limit``), counted and summed as a list of their own."""
    if name not in FILE_LISTS:
        raise UnknownList(f"There is no list of files called {name!r}.")
    if facts is None or facts.table is not table:
        facts = Facts(table, now, settings or InsightSettings())
    with gc_paused():  # millions of rows alive: collections would walk them all (see memory)
        return _select(table, name, key, facts, set(unreadable), limit, keep)


def _select(
    table: FileTable,
    name: str,
    key: str,
    facts: Facts,
    unreadable: set[str],
    limit: int | None,
    keep: Callable[[FileRow], bool] | None = None,
) -> FileList:
    rows = table.rows
    # The lists that test a worked-out fact of each file: no call per file.
    chosen: Sequence[int]
    if name in ("all", "largest"):
        chosen = range(len(rows))
    elif name == "hygiene":
        kinds = facts.kinds
        chosen = [
            i for i, row in enumerate(rows) if (k := kinds[row[NAME]]) and (not key or k == key)
        ]
    elif name == "file_types":
        types = facts.file_types
        chosen = [i for i, row in enumerate(rows) if types[row[NAME]] == key]
    elif name == "age_brackets":
        chosen = [i for i, label in enumerate(facts.age_brackets) if label == key]
    elif name == "what_if":
        chosen = _what_if_files(table, facts, key)
    else:
        test = _test(table, name, key, facts, unreadable)
        chosen = [i for i, row in enumerate(rows) if test(row)]
    if keep is not None:  # a file at a time: the filter reads files, not rows
        file = table.file
        chosen = [i for i in chosen if keep(file(i))]
    if isinstance(chosen, range):  # every file: no index to follow
        sizes = [row[SIZE] for row in rows]
    else:
        sizes = [rows[i][SIZE] for i in chosen]
    # The first key alone finds the cut (ints: C compares them); only the files up to it, ties
    # at the cut included, are sorted by the whole key.
    if name == "heat":
        days = facts.days
        primary = [s * (days[rows[i][ISSUE]] or 0) for i, s in zip(chosen, sizes, strict=True)]
    else:
        primary = sizes
    if limit is not None and limit <= 0:
        chosen = []
    elif limit is not None and limit < len(chosen):
        cut = heapq.nlargest(limit, primary)[-1]
        chosen = [i for i, p in zip(chosen, primary, strict=True) if p >= cut]
    if name == "heat":

        def order(i: int) -> tuple[int, ...]:
            row = rows[i]
            return (-row[SIZE] * (days[row[ISSUE]] or 0), -row[SIZE], row[AID])
    else:

        def order(i: int) -> tuple[int, ...]:
            return (-rows[i][SIZE], rows[i][AID])

    first = sorted(chosen, key=order)[:limit]
    return FileList(table.files(first), len(sizes), sum(sizes))


def _what_if_files(table: FileTable, facts: Facts, step: str) -> list[int]:
    """The files a what-if step frees beyond the steps before it (as the table counts them:
    a redundant copy is a duplicate, else stale, else hygiene, else of an idle project);
    "as it is": every file."""
    if step not in WHAT_IF_STEPS:
        return []
    wanted = WHAT_IF_STEPS.index(step)
    rows = table.rows
    if wanted == 0:
        return list(range(len(rows)))
    step_of = facts.what_if_step
    return [i for i, row in enumerate(rows) if step_of(row) == wanted]


def _test(
    table: FileTable, name: str, key: str, facts: Facts, unreadable: set[str]
) -> Callable[[list[Any]], bool]:
    issues, people = table.issues, table.people
    month, _, project = key.partition("|")
    tests: dict[str, Callable[[list[Any]], bool]] = {
        "stale": lambda r: facts.stale[r[ISSUE]],
        "empty": lambda r: r[SIZE] == 0,
        "unreadable": lambda r: r[AID] in unreadable,
        "heat": lambda r: r[SIZE] > 0 and facts.days[r[ISSUE]] is not None,
        "copies": lambda r: r[COPY],
        "projects": lambda r: issues[r[ISSUE]][I_PROJECT] == key,
        "uploaders": lambda r: people[r[PERSON]][P_NAME] == key,
        "status_categories": lambda r: issues[r[ISSUE]][I_CATEGORY] == key,
        "uploads_by_month": lambda r: (
            month_of(r[CREATED]) == month
            and (not project or issues[r[ISSUE]][I_PROJECT] == project)
        ),
        "idle_projects": lambda r: (
            facts.idle[r[ISSUE]] and (not key or issues[r[ISSUE]][I_PROJECT] == key)
        ),
        "inactive_uploaders": lambda r: (
            people[r[PERSON]][P_ACTIVE] is False
            and (not key or (people[r[PERSON]][P_ID] or people[r[PERSON]][P_NAME]) == key)
        ),
        "hygiene": lambda r: bool(k := facts.hygiene(r[NAME])) and (not key or k == key),
        "clutter": lambda r: bool(r[HASH]) and r[HASH] == key,
    }
    return tests[name]
