"""What a scan's files say under a set of thresholds, each worked out once per table: an
issue's days since its update, stale, idle; a file name's hygiene kind; an upload's month."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cached_property
from typing import Any

from aa_tui.analysis.hygiene import hygiene_kind
from aa_tui.model.classify import UNKNOWN_AGE, age_of_days, file_type
from aa_tui.model.dates import parse_jira_time
from aa_tui.model.file_table import (
    COPY,
    CREATED,
    I_CATEGORY,
    I_PROJECT,
    I_UPDATED,
    I_UPDATED_S,
    ISSUE,
    NAME,
    FileTable,
)
from aa_tui.model.insights import InsightSettings

UNKNOWN_MONTH = "unknown"
_DAY_S = 86400


def month_of(created: str) -> str:
    """``YYYY-MM`` of an upload time in UTC (``unknown`` when it cannot be read)."""
    if created.endswith(("+0000", "Z", "+00:00")) and created[4:5] == "-":
        return created[:7]
    when = parse_jira_time(created)
    return when.astimezone(timezone.utc).strftime("%Y-%m") if when else UNKNOWN_MONTH


class Facts:
    """What each issue and project of a table says under ``settings``: stale, idle, days
    since the update (each worked out once, on first use); each file name's hygiene kind."""

    def __init__(self, table: FileTable, now: datetime, settings: InsightSettings) -> None:
        self.table = table
        self.now = now
        self.settings = settings
        self._now_s = now.timestamp()
        self._parsed: dict[str, float | None] = {}
        self._kinds: dict[str, str] = {}

    def _when(self, text: str) -> float | None:
        try:
            return self._parsed[text]
        except KeyError:
            dt = parse_jira_time(text)
            when = self._parsed[text] = dt.timestamp() if dt else None
            return when

    @cached_property
    def times(self) -> list[float | None]:
        """Per issue: its last update as Unix seconds (saved in the table; parsed for a
        table an earlier aa-tui saved without them)."""
        when = self._when
        return [
            issue[I_UPDATED_S] if len(issue) > I_UPDATED_S else when(issue[I_UPDATED])
            for issue in self.table.issues
        ]

    @cached_property
    def days(self) -> list[int | None]:
        """Per issue: whole days since its last update (``None``: unreadable date)."""
        now_s = self._now_s
        return [None if t is None else max(0, int(now_s - t) // _DAY_S) for t in self.times]

    @cached_property
    def stale(self) -> list[bool]:
        """Per issue: in the Done category and not updated for ``stale_days``."""
        cut = self._now_s - self.settings.stale_days * _DAY_S
        return [
            t is not None and t < cut and issue[I_CATEGORY] == "Done"
            for issue, t in zip(self.table.issues, self.times, strict=True)
        ]

    @cached_property
    def _projects(self) -> tuple[set[str], dict[str, str]]:
        cut = self._now_s - self.settings.idle_days * _DAY_S
        newest: dict[str, float | None] = {}
        last: dict[str, str] = {}
        for issue, t in zip(self.table.issues, self.times, strict=True):
            project = issue[I_PROJECT]
            best = newest.get(project, 0.0)
            if project not in newest or (t is not None and (best is None or t > best)):
                newest[project], last[project] = t, issue[I_UPDATED]
        # A project none of whose updates can be read is not called idle (nothing proves it).
        return {key for key, t in newest.items() if t is not None and t < cut}, last

    @property
    def idle_projects(self) -> set[str]:
        """Projects whose newest update is older than ``idle_days``."""
        return self._projects[0]

    @property
    def last_update(self) -> dict[str, str]:
        """Per project: its newest issue update, as Jira gave it."""
        return self._projects[1]

    @cached_property
    def idle(self) -> list[bool]:
        """Per issue: its project is idle."""
        idle = self.idle_projects
        return [issue[I_PROJECT] in idle for issue in self.table.issues]

    @cached_property
    def _names(self) -> set[str]:
        return {row[NAME] for row in self.table.rows}

    @cached_property
    def kinds(self) -> dict[str, str]:
        """Every file name of the table and its hygiene kind (``""``: none)."""
        return {name: hygiene_kind(name) for name in self._names}

    @cached_property
    def file_types(self) -> dict[str, str]:
        """Every file name of the table and its file type (see :func:`file_type`)."""
        return {name: file_type(name) for name in self._names}

    @cached_property
    def age_brackets(self) -> list[str]:
        """Per file: its upload's age bracket (as :func:`~aa_tui.model.classify.age_bracket`)."""
        now = self.now
        labels: dict[int, str] = {}
        out = []
        for row in self.table.rows:
            when = parse_jira_time(row[CREATED])
            if when is None:
                out.append(UNKNOWN_AGE)
                continue
            days = (now - when).days
            label = labels.get(days)
            if label is None:
                label = labels[days] = age_of_days(days)
            out.append(label)
        return out

    def hygiene(self, name: str) -> str:
        kind = self._kinds.get(name)
        if kind is None:
            kind = self._kinds[name] = hygiene_kind(name)
        return kind

    def what_if_step(self, row: list[Any]) -> int:
        """The what-if step that frees a file (0: none): a redundant copy is a duplicate,
        else stale, else hygiene, else of an idle project."""
        if row[COPY]:
            return 1
        issue = row[ISSUE]
        return (
            2 if self.stale[issue] else 3 if self.kinds[row[NAME]] else 4 if self.idle[issue] else 0
        )
