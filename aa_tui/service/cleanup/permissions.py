"""The permissions a cleanup or a restore needs, checked for every project before the first
write (Jira's "my permissions" of each project), and the one sentence that names what is
missing."""

from __future__ import annotations

from aa_tui.jira.errors import UsageError
from aa_tui.jira.protocol import DELETE_PERMISSIONS, Identity, JiraSite
from aa_tui.model.cleanup import PlannedDeletion
from aa_tui.model.errors import MessagePart
from aa_tui.service.wording import PROJECTS_OUT

PERMISSION_NAMES = {
    "DELETE_ALL_ATTACHMENTS": "Delete all attachments",
    "DELETE_OWN_ATTACHMENTS": "Delete own attachments",
    "ADD_COMMENTS": "Add comments",
    "CREATE_ATTACHMENTS": "Create attachments",
}


class MissingPermission(UsageError):
    """The account lacks a Jira permission the run needs; ``str()`` names it and the project."""


def permission_sentence(
    email: str, missing: dict[str, list[str]], *, after: str = "so nothing was deleted"
) -> tuple[MessagePart, ...]:
    """``missing``: permission key -> projects; one sentence naming them all (as the parts of
    an error's message: ``MissingPermission(*permission_sentence(...))``)."""
    parts = []
    for key, projects in missing.items():
        where = "project " if len(projects) == 1 else "projects "
        parts.append(f'"{PERMISSION_NAMES.get(key, key)}" in {where}{", ".join(projects)}')
    lacks = " and ".join(parts)
    noun = "permission" if len(parts) == 1 else "permissions"
    return (
        f"The Jira account {email} lacks the {noun} {lacks}, {after}: ask a Jira admin to "
        "grant it, or ",
        PROJECTS_OUT,
        ".",
    )


def check_delete_permissions(
    writes: JiraSite,
    identity: Identity,
    pending: list[PlannedDeletion],
    comment_projects: set[str],
) -> None:
    """Raise :class:`MissingPermission` unless the account may delete every pending file (all
    attachments, or its own when every file there is its own) and, for ``comment_projects``,
    add comments."""
    projects: dict[str, list[PlannedDeletion]] = {}
    for d in pending:
        projects.setdefault(d.project_key, []).append(d)
    keys = DELETE_PERMISSIONS + (("ADD_COMMENTS",) if comment_projects else ())
    missing: dict[str, list[str]] = {}
    for key in sorted(set(projects) | comment_projects):
        held = writes.my_permissions(key, keys)
        files = projects.get(key, [])
        if files and not held["DELETE_ALL_ATTACHMENTS"]:
            own = held["DELETE_OWN_ATTACHMENTS"] and all(
                d.author_id and d.author_id == identity.account_id for d in files
            )
            if not own:
                missing.setdefault("DELETE_ALL_ATTACHMENTS", []).append(key)
        if key in comment_projects and not held.get("ADD_COMMENTS", True):
            missing.setdefault("ADD_COMMENTS", []).append(key)
    if missing:
        raise MissingPermission(*permission_sentence(identity.email, missing))
