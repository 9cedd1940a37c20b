"""What a scan checks before it lists anything: the projects asked for, attachments enabled,
a scan to resume that can be."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

from aa_tui.jira.errors import JiraError, QueryRejected, UsageError
from aa_tui.jira.protocol import Identity, JiraSite, ServerInfo
from aa_tui.jira.transport import request_priority
from aa_tui.model.enums import VerifyMode
from aa_tui.model.records import Scope
from aa_tui.model.scans import ScanInfo
from aa_tui.store.store import Store

#: the sign-in checks go before any other request waiting with them (a listing's pages wait
#: with priorities up to 1,000): the scan waits on them first, they are short, and the first
#: answer tells the governor the room in Jira's bucket, which holds the rest to 8 in flight
#: until then (a rescan of 1,000,000 issues sent them after 8 id pages of ~0.4 s each)
CHECKS_PRIORITY = 10_000

_T = TypeVar("_T")


def _first(call: Callable[[], _T]) -> _T:
    with request_priority(CHECKS_PRIORITY):
        return call()


class SignInChecks:
    """Who the token is, the site's server info, and a warning on its attachment settings:
    three independent checks, begun side by side (one latency instead of three) before the
    scan's listings are (they go first: :data:`CHECKS_PRIORITY`)."""

    def __init__(self, client: JiraSite) -> None:
        self._pool = ThreadPoolExecutor(3, thread_name_prefix="aa-check")
        self._identity = self._pool.submit(_first, client.myself)
        self._server = self._pool.submit(_first, client.server_info)
        self._settings = self._pool.submit(_first, lambda: attachments_warning(client))

    def result(self) -> tuple[Identity, ServerInfo, str]:
        """Their answers, once all are in; ``myself``'s error comes first."""
        try:
            return self._identity.result(), self._server.result(), self._settings.result()
        finally:
            self.close()

    def close(self) -> None:
        """Wait for the checks in the air (the scan stopped before it took their answers)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class ScanRequestLike(Protocol):
    """What a resume is looked up by (the engine's ScanRequest)."""

    scope: Scope
    verify: VerifyMode
    email: str
    resume_id: str


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


def resumable(store: Store, site: str, request: ScanRequestLike) -> ScanInfo | None:
    """The scan a resume continues: ``request.resume_id``, else the newest unfinished scan of
    the site and scope (``None``: there is none); one that would only fail again is refused."""
    if not request.resume_id:
        found = store.last_unfinished(site, request.scope, request.verify, email=request.email)
        if found is not None and not found.resumable:
            refuse_dead_end(found)
        return found
    found = store.get_scan(request.resume_id)
    if found is not None and found.unfinished and not found.resumable:
        refuse_dead_end(found)
    if found is None or not found.unfinished or found.site != site:
        raise UsageError(f"Scan {request.resume_id} of {site} cannot be resumed.")
    return found


def listing_warnings(
    notes: list[str], skipped: int, not_visible: int, said: list[str]
) -> list[str]:
    """What the listing and the details had to say that ``said`` does not say yet."""
    out = [n for n in notes if n not in said]
    if skipped:
        out.append(
            f"{skipped} attachments (or issues) were left out: Jira listed them without a "
            "usable id, size or fields, so they are not counted or compared."
        )
    if not_visible:
        out.append(
            f"{not_visible} issues were listed but could not be read (deleted meanwhile, or "
            "no permission); their attachments are not counted."
        )
    return out


def approximate_count(client: JiraSite, jql: str) -> int | None:
    """About how many issues ``jql`` finds, for the progress total (``None``: unknown)."""
    try:
        return client.approximate_count(jql)
    except JiraError:
        return None
