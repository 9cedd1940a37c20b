"""What a scan checks before it lists anything: the projects asked for, attachments enabled,
a scan to resume that can be."""

from __future__ import annotations

from aa_tui.jira.errors import JiraError, QueryRejected, UsageError
from aa_tui.jira.protocol import JiraSite
from aa_tui.model.scans import ScanInfo


def visible_projects(
    client: JiraSite, wanted: tuple[str, ...], email: str
) -> tuple[tuple[str, ...], str]:
    """The asked-for projects the account can browse, and a warning naming the others ("").

    Jira answers a search naming a project the user cannot see with a 400, so one hidden key
    would otherwise sink the whole scan; none visible at all is a :class:`QueryRejected`."""
    if not wanted:
        return wanted, ""
    visible = {str(p.get("key", "")).upper() for p in client.projects()}
    missing = [k for k in wanted if k.upper() not in visible]
    if not missing:
        return wanted, ""
    who = email or "this account"
    if len(missing) == len(wanted):
        raise QueryRejected(
            f"No project among {', '.join(missing)} is visible to {who}: check the keys, "
            "and that the account has the Browse projects permission."
        )
    kept = tuple(k for k in wanted if k not in missing)
    return kept, f"Not scanned: {', '.join(missing)} (no such project, or {who} cannot browse it)."


def attachments_warning(client: JiraSite) -> str:
    """A warning when the site has attachments disabled ("" otherwise, or when unknown)."""
    try:
        settings = client.attachment_settings()
    except JiraError:
        return ""
    if settings.enabled is False:
        return (
            "Attachments are disabled on this site: existing files are still scanned, but "
            "nobody can add new ones."
        )
    return ""


def refuse_dead_end(info: ScanInfo) -> None:
    """A scan stopped by what would stop its resume too (Jira refused its query): say why,
    and what to do instead."""
    raise UsageError(
        f"Scan {info.id} cannot be resumed: {info.message} A resume would ask Jira the same; "
        "start a new scan with a corrected scope."
    )
