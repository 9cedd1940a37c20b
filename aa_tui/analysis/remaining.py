"""A scan's files as they stand after its cleanups: the removed files out, each group's
copies counted again, and the breakdowns (totals, projects, types, uploaders, ages, status)
of what is left, by the counting rules of the scan (:mod:`aa_tui.scan.stats`)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from aa_tui.analysis.facts import Facts
from aa_tui.model.dates import epoch_ms
from aa_tui.model.file_table import (
    AID,
    COPY,
    CREATED,
    HASH,
    I_CATEGORY,
    I_PROJECT,
    ISSUE,
    NAME,
    P_NAME,
    PERSON,
    SIZE,
    FileTable,
)
from aa_tui.model.records import StatRow, Totals
from aa_tui.model.summary import TABLES, ordered_rows

__all__ = ["kept_anew", "remaining_table", "stat_tables"]


def _upload_order(row: list[Any]) -> tuple[int, int, str]:
    """The canonical copy's rule: the oldest upload, ties to the lowest attachment id."""
    when = epoch_ms(row[CREATED])
    return (when if when is not None else 2**62, len(row[AID]), row[AID])


def remaining_table(table: FileTable, gone: Collection[str]) -> FileTable:
    """``table`` without the files in ``gone``. A group keeps its canonical copy while it is
    there (else the oldest upload left takes its place); its other copies stay redundant, so a
    group left with one copy wastes nothing. ``table`` itself is not changed."""
    if not gone:
        return table
    touched = {r[HASH] for r in table.rows if r[HASH] and r[AID] in gone}
    rows: list[list[Any]] = []
    members: dict[str, list[list[Any]]] = {}
    for row in table.rows:
        if row[AID] in gone:
            continue
        if row[HASH] in touched:
            row = list(row)  # recounted below: the cached table stays as the scan saw it
            members.setdefault(row[HASH], []).append(row)
        rows.append(row)
    for group in members.values():
        keep = next((m for m in group if not m[COPY]), None) or min(group, key=_upload_order)
        for m in group:
            m[COPY] = m is not keep
    return FileTable(rows=rows, issues=table.issues, people=table.people, mimes=table.mimes)


def stat_tables(
    table: FileTable, facts: Facts, scanned: Totals
) -> tuple[Totals, dict[str, list[StatRow]]]:
    """The totals and breakdown tables of ``table`` (stale as ``facts``' settings say); what
    only the scan knew (issues without files, unreadable files, the cost of the proof) comes
    from its totals ``scanned``, less the issues none of whose files are left."""
    issues, people = table.issues, table.people
    stale, types, ages = facts.stale, facts.file_types, facts.age_brackets
    keyers: dict[str, Callable[[int, list[Any]], str]] = {
        "projects": lambda i, r: issues[r[ISSUE]][I_PROJECT],
        "file_types": lambda i, r: types[r[NAME]],
        "uploaders": lambda i, r: people[r[PERSON]][P_NAME],
        "age_brackets": lambda i, r: ages[i],
        "status_categories": lambda i, r: issues[r[ISSUE]][I_CATEGORY],
    }
    rows: dict[str, dict[str, StatRow]] = {name: {} for name in TABLES}
    files = size = zero = copies = wasted = stale_files = stale_size = 0
    groups: set[str] = set()
    with_files: set[int] = set()
    for i, r in enumerate(table.rows):
        n = r[SIZE]
        files += 1
        size += n
        zero += n == 0
        with_files.add(r[ISSUE])
        if r[COPY]:
            copies += 1
            wasted += n
            groups.add(r[HASH])
        if stale[r[ISSUE]]:
            stale_files += 1
            stale_size += n
        for name, keyer in keyers.items():
            key = keyer(i, r)
            row = rows[name].get(key) or rows[name].setdefault(key, StatRow(key))
            row.files += 1
            row.size += n
            if r[COPY]:
                row.duplicate_files += 1
                row.wasted_size += n
    emptied = len(issues) - len(with_files)  # issues whose every file is gone (or none seen)
    totals = replace(
        scanned,
        issues_scanned=max(0, min(scanned.issues_scanned, len(issues)) - emptied),
        total_files=files,
        total_size=size,
        canonical_files=files - copies,
        duplicate_files=copies,
        duplicate_size=wasted,
        waste_pct=round(100.0 * wasted / size, 2) if size else 0.0,
        zero_byte_files=zero,
        stale_files=stale_files,
        stale_size=stale_size,
        duplicate_groups=len(groups),
        bytes_read_by_stage=dict(scanned.bytes_read_by_stage),
    )
    return totals, {name: ordered_rows(name, rows[name]) for name in TABLES}


def kept_anew(table: FileTable, gone: Collection[str]) -> tuple[int, int]:
    """The files that are their group's kept copy only because cleanups removed the one that
    was (one per such group with copies left: a duplicate no more, so what-if figures that
    counted it as one can rise after the cleanup), and their bytes."""
    if not gone:
        return 0, 0
    kept_gone: set[str] = set()
    left: dict[str, int] = {}  # group -> the size of its copies that are left
    for row in table.rows:
        digest = row[HASH]
        if not digest:
            continue
        if row[AID] in gone:
            if not row[COPY]:
                kept_gone.add(digest)
        else:
            left[digest] = row[SIZE]
    sizes = [left[d] for d in kept_gone if d in left]
    return len(sizes), sum(sizes)
