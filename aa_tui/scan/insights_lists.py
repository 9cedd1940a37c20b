"""The files behind every number: one list per table row or total, from a scan's file rows."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from aa_tui.model.classify import age_bracket, file_type
from aa_tui.model.insights import FileRow, InsightSettings
from aa_tui.scan.insights import Selectors, month_of
from aa_tui.scan.insights_hygiene import hygiene_kind

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
    "uploads_by_month": "YYYY-MM",
    "idle_projects": "project key (empty: every idle project)",
    "inactive_uploaders": "account id (empty: every departed account)",
    "hygiene": "hygiene kind (empty: every kind)",
    "clutter": "group hash",
}


class UnknownList(ValueError):
    """A list name that :data:`FILE_LISTS` does not know."""


def select_files(
    rows: Sequence[FileRow],
    name: str,
    key: str = "",
    *,
    now: datetime,
    settings: InsightSettings | None = None,
    unreadable: Collection[str] = (),
) -> list[FileRow]:
    """The files of list ``name`` (and ``key``), biggest first (heat: hottest first)."""
    if name not in FILE_LISTS:
        raise UnknownList(f"There is no list of files called {name!r}.")
    settings = settings or InsightSettings()
    pick = Selectors(rows, now, settings)
    test = _test(name, key, pick, now, set(unreadable))
    chosen = [r for r in rows if test(r)]
    if name == "heat":
        days = {r.attachment_id: pick.days_idle(r) or 0 for r in chosen}
        chosen.sort(key=lambda r: (-r.size * days[r.attachment_id], -r.size, r.attachment_id))
    else:
        chosen.sort(key=lambda r: (-r.size, r.attachment_id))
    return chosen


def _test(
    name: str, key: str, pick: Selectors, now: datetime, unreadable: set[str]
) -> Callable[[FileRow], bool]:
    tests: dict[str, Callable[[FileRow], bool]] = {
        "all": lambda r: True,
        "largest": lambda r: True,
        "stale": pick.stale,
        "empty": lambda r: r.size == 0,
        "unreadable": lambda r: r.attachment_id in unreadable,
        "heat": lambda r: r.size > 0 and pick.days_idle(r) is not None,
        "copies": lambda r: r.is_copy,
        "projects": lambda r: r.project_key == key,
        "file_types": lambda r: file_type(r.file_name) == key,
        "uploaders": lambda r: r.author == key,
        "age_brackets": lambda r: age_bracket(r.created, now) == key,
        "status_categories": lambda r: r.status_category == key,
        "uploads_by_month": lambda r: month_of(r.created, pick.parse) == key,
        "idle_projects": lambda r: pick.idle(r) and (not key or r.project_key == key),
        "inactive_uploaders": lambda r: (
            r.author_active is False and (not key or (r.author_id or r.author) == key)
        ),
        "hygiene": lambda r: bool(k := hygiene_kind(r.file_name)) and (not key or k == key),
        "clutter": lambda r: bool(r.hash) and r.hash == key,
    }
    return tests[name]
