"""The words of the Insights screen: its tabs, their captions, the titles and cells it makes
from a scan's figures."""

from __future__ import annotations

from aa_tui.model.units import size_text

#: (tab id, its label)
TABS = (
    ("growth", "Growth"),
    ("what_if", "What if"),
    ("idle_projects", "Idle projects"),
    ("inactive_uploaders", "Departed"),
    ("clutter", "Clutter"),
    ("hygiene", "Hygiene"),
    ("heat", "Heat"),
    ("lists", "Files"),
)

CAPTIONS = {
    "what_if": "What each cleanup would free, no file counted twice: Enter lists its files;"
    " c states the plan's storage cap (the room under it gets a column).",
    "idle_projects": "Projects whose newest issue update is older than the idle threshold.",
    "inactive_uploaders": "Files uploaded by accounts that are no longer active.",
    "clutter": "Groups with many copies (signatures, logos, templates), most copies first.",
    "hygiene": "Files that rarely need keeping: logs, dumps, HAR, temp and OS junk.",
    "heat": "Big and forgotten: size x days since the issue was last updated.",
    "lists": "Every number of the scan: Enter lists its files.",
}


def planned_text(planned: int, size: int) -> str:
    """How much of a what-if row's bytes a plan deletes already ("" for none)."""
    if not planned:
        return ""
    share = f" ({planned * 100 // size}%)" if size else ""
    return f"{size_text(planned)}{share}"


def what_if_title(step: str) -> str:
    """The title of the list of files behind a what-if row."""
    if step == "as it is":
        return "Every file, as it is"
    return f"What-if {step.removeprefix('+ ')}: the files it frees beyond the steps before"


BREAKDOWN_NOUNS = {
    "projects": "Project",
    "file_types": "Type",
    "uploaders": "Uploader",
    "age_brackets": "Age",
    "status_categories": "Status",
}
