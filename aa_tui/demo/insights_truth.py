"""What a perfect scan's insight tables must say about a demo site (tests' answer key).

Computed from the generator's arrays alone (never from aa-tui's pipeline): upload times,
issue updates, uploaders and whether their accounts are active, and which files are copies.
Only issues with attachments count (a scan sees no others), like :class:`SiteTruth`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aa_tui.demo import catalog as cat
from aa_tui.demo.generator import DemoData

DAY = 86400


@dataclass
class InsightTruth:
    """Per-file facts of every attachment in scope, and the tables they add up to."""

    months: dict[str, list[int]] = field(default_factory=dict)  # YYYY-MM -> files, size, waste
    project_last_update: dict[str, int] = field(default_factory=dict)  # epoch s
    project_files: dict[str, list[int]] = field(default_factory=dict)  # key -> files, size
    inactive: dict[str, list[Any]] = field(default_factory=dict)  # account id -> name, files, size
    copies: set[str] = field(default_factory=set)  # redundant copies (not the canonical)
    groups: dict[frozenset[str], dict[str, int]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # every attachment id in scope
    done_updated: dict[str, int] = field(default_factory=dict)  # id -> update, Done issues
    updated: dict[str, int] = field(default_factory=dict)  # id -> its issue's update
    names: dict[str, str] = field(default_factory=dict)

    def idle_projects(self, now: int, days: int) -> dict[str, list[int]]:
        """Projects whose newest update is older than ``days`` before ``now``: files, size."""
        return {
            key: self.project_files[key]
            for key, last in self.project_last_update.items()
            if last < now - days * DAY
        }

    def stale(self, now: int, days: int) -> set[str]:
        return {a for a, upd in self.done_updated.items() if upd < now - days * DAY}

    def clutter(self, min_copies: int) -> dict[frozenset[str], dict[str, int]]:
        return {g: v for g, v in self.groups.items() if v["copies"] >= min_copies}


def _month(epoch: int) -> str:
    return time.strftime("%Y-%m", time.gmtime(epoch))


def insight_truth(data: DemoData, projects: tuple[str, ...] | None = None) -> InsightTruth:
    """The answer key for ``projects`` (keys; all when ``None``)."""
    site = data.truth_for(projects) if projects is not None else data.truth
    allowed = set(site.projects)
    out = InsightTruth()

    def index(attachment_id: str) -> int:
        j = data.attachment_index(attachment_id)
        assert j is not None  # the truth names only attachments of this site
        return j

    for group in site.groups:
        members = sorted(group, key=lambda a: (data.att_created[index(a)], a))
        out.copies.update(members[1:])
        idx = [index(a) for a in members]
        out.groups[group] = {
            "copies": len(members),
            "size": site.group_size[group],
            "issues": len({data.att_issue[j] for j in idx}),
            "projects": len({data.issue_project[data.att_issue[j]] for j in idx}),
        }
    for j in range(data.attachment_count):
        i = data.att_issue[j]
        key = cat.PROJECTS[data.issue_project[i]].key
        if key not in allowed:
            continue
        aid = data.attachment_id(j)
        size = data.attachment_size(j)
        out.sizes[aid] = size
        out.names[aid] = data.att_name[j]
        month = out.months.setdefault(_month(data.att_created[j]), [0, 0, 0])
        month[0] += 1
        month[1] += size
        if aid in out.copies:
            month[2] += size
        updated = data.issue_updated[i]
        out.updated[aid] = updated
        out.project_last_update[key] = max(out.project_last_update.get(key, 0), updated)
        files = out.project_files.setdefault(key, [0, 0])
        files[0] += 1
        files[1] += size
        if cat.STATUSES[data.issue_status[i]].category == "done":
            out.done_updated[aid] = updated
        author = data.att_author[j]
        if author >= 0 and not cat.USERS[author].active:
            user = cat.USERS[author]
            row = out.inactive.setdefault(user.account_id, [user.display_name, 0, 0])
            row[1] += 1
            row[2] += size
    return out
