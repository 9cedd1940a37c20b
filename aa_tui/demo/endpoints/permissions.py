"""What the caller may do: ``GET /mypermissions`` and the checks behind delete, comment, upload.

The demo user browses every visible project and, by ``DemoOptions.delete_permission``, may
delete all attachments ("all"), only the ones it uploaded ("own"), or none ("none"); it may
comment and upload. The read-only user (``DemoServer.viewer_email``) may only browse.
"""

from __future__ import annotations

from aa_tui.demo import catalog as cat
from aa_tui.demo.http import Request
from aa_tui.demo.params import list_param
from aa_tui.demo.replies import Reply, errors

PERMISSIONS = {
    # key: (id, name, description)
    "BROWSE_PROJECTS": ("10", "Browse Projects", "Ability to browse projects and their issues."),
    "ADD_COMMENTS": ("15", "Add Comments", "Ability to comment on issues."),
    "CREATE_ATTACHMENTS": ("19", "Create Attachments", "Users with this permission may attach."),
    "DELETE_ALL_ATTACHMENTS": ("38", "Delete All Attachments", "Delete all attachments."),
    "DELETE_OWN_ATTACHMENTS": ("39", "Delete Own Attachments", "Delete own attachments."),
}


def can(req: Request, permission: str) -> bool:
    """Whether the caller holds ``permission`` (in every visible project: no per-project rules)."""
    if req.anonymous:
        return False
    if permission == "BROWSE_PROJECTS":
        return True
    if req.viewer:
        return False
    mode = req.demo.options.delete_permission
    if permission == "DELETE_ALL_ATTACHMENTS":
        return mode == "all"
    if permission == "DELETE_OWN_ATTACHMENTS":
        return mode in ("all", "own")
    return permission in ("ADD_COMMENTS", "CREATE_ATTACHMENTS")


def my_permissions(req: Request) -> Reply:
    wanted = [p.strip().upper() for p in list_param(req.query, "permissions")]
    if not wanted and req.demo.options.data_center:
        wanted = list(PERMISSIONS)  # Data Center answers every permission when none is named
    if not wanted:
        return errors(400, "The 'permissions' query parameter is required.")
    unknown = [p for p in wanted if p not in PERMISSIONS]
    if unknown:
        return errors(400, f"Unrecognized permission key: {unknown[0]}")
    for name in ("projectKey", "projectId"):
        text = (req.query.get(name) or [""])[0]
        if text:
            p = req.demo.data.project_index(text)
            if p is None or p in req.demo.hidden or (name == "projectKey" and not _is_key(p, text)):
                return errors(404, f"No project could be found with {name} '{text}'.")
    for name in ("issueKey", "issueId"):
        text = (req.query.get(name) or [""])[0]
        if text:
            i = req.demo.data.issue_index(text)
            if i is None or req.demo.data.issue_project[i] in req.demo.hidden:
                return errors(404, f"The issue {text} does not exist.")
    out = {}
    for key in wanted:
        pid, name, description = PERMISSIONS[key]
        out[key] = {
            "id": pid,
            "key": key,
            "name": name,
            "type": "PROJECT",
            "description": description,
            "havePermission": can(req, key),
        }
    return Reply(200, {"permissions": out})


def _is_key(p: int, text: str) -> bool:
    return cat.PROJECTS[p].key == text.strip().upper()


ROUTES = [("GET", "/rest/api/3/mypermissions", my_permissions)]
