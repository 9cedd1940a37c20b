"""Response faults of the demo site: broken JSON, damaged fields, odd paging, non-Jira pages.

Everything here is deterministic given the site's seed (which attachments and issues are
damaged, which issues bulkfetch cannot return), so tests can compute the expected answer with
:meth:`aa_tui.demo.generator.DemoData.truth_for` and the helpers below. The per-request shares
(``fault_bad_json``) are drawn per request like the other ``fault_*`` options (:mod:`aa_tui.demo.dice`).
"""

from __future__ import annotations

from typing import Any

from aa_tui.demo.generator import DemoData, mix64

_SCALE = float(1 << 64)

#: How a damaged attachment looks, in turn (see :func:`damage_attachment`).
ATTACHMENT_DAMAGE = (
    "size_missing",
    "size_null",
    "size_negative",
    "size_string",
    "author_null",
    "author_and_filename_missing",
    "mime_and_created_null",
    "id_integer",
    "filename_empty",
)
#: Damage that leaves no usable size: such an attachment cannot be scanned.
UNUSABLE = frozenset({"size_missing", "size_null", "size_negative", "size_string"})
ISSUE_DAMAGE = ("status_null", "project_missing", "updated_null", "fields_extra_nulls")

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Intranet</title></head>"
    b"<body><h1>Welcome to the Acme intranet</h1><p>Nothing to see here.</p></body></html>"
)
HTML_404 = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"


def _share(value: int, share: float) -> bool:
    return share > 0 and value / _SCALE < share


def attachment_damage(data: DemoData, share: float, j: int) -> str | None:
    """The damage of attachment index ``j`` (None: intact)."""
    if not _share(mix64(data.seed, j, 0xDA), share):
        return None
    return ATTACHMENT_DAMAGE[mix64(j, 0xDB) % len(ATTACHMENT_DAMAGE)]


def issue_damage(data: DemoData, share: float, i: int) -> str | None:
    if not _share(mix64(data.seed, i, 0x15D), share):
        return None
    return ISSUE_DAMAGE[mix64(i, 0x15E) % len(ISSUE_DAMAGE)]


def unusable_attachments(data: DemoData, share: float) -> set[str]:
    """Ids of attachments whose size the site damages beyond use."""
    return {
        data.attachment_id(j)
        for j in range(data.attachment_count)
        if attachment_damage(data, share, j) in UNUSABLE
    }


def bulk_hidden(data: DemoData, share: float, i: int) -> bool:
    """Whether bulkfetch answers issue ``i`` in ``issueErrors`` although search listed it."""
    return _share(mix64(data.seed, i, 0xB0), share)


def bulk_hidden_issues(data: DemoData, share: float) -> set[str]:
    return {data.issue_id(i) for i in range(data.issue_count) if bulk_hidden(data, share, i)}


def attachments_of_issues(data: DemoData, issue_ids: set[str]) -> set[str]:
    out: set[str] = set()
    for iid in issue_ids:
        i = data.issue_index(iid)
        if i is not None:
            out.update(data.attachment_id(j) for j in data.attachments_of(i))
    return out


def damage_attachment(item: dict[str, Any], kind: str) -> None:
    if kind == "size_missing":
        item.pop("size", None)
    elif kind == "size_null":
        item["size"] = None
    elif kind == "size_negative":
        item["size"] = -abs(int(item.get("size") or 1)) - 1
    elif kind == "size_string":
        item["size"] = str(item.get("size"))
    elif kind == "author_null":
        item["author"] = None
    elif kind == "author_and_filename_missing":
        item.pop("author", None)
        item.pop("filename", None)
    elif kind == "mime_and_created_null":
        item.pop("mimeType", None)
        item["created"] = None
    elif kind == "id_integer":
        item["id"] = int(item["id"])
    elif kind == "filename_empty":
        item["filename"] = ""


def damage_issue(fields: dict[str, Any], kind: str) -> None:
    if kind == "status_null":
        fields["status"] = None
    elif kind == "project_missing":
        fields.pop("project", None)
    elif kind == "updated_null":
        fields["updated"] = None
    elif kind == "fields_extra_nulls":
        fields["summary"] = None
        fields["issuetype"] = None
        fields["customfield_10000"] = None


def damage_issues(data: DemoData, share: float, issues: list[dict[str, Any]]) -> None:
    """Damage the issue beans (with fields) of one answer in place."""
    if share <= 0:
        return
    for issue in issues:
        fields = issue.get("fields")
        i = data.issue_index(str(issue.get("id")))
        if not isinstance(fields, dict) or i is None:
            continue
        kind = issue_damage(data, share, i)
        if kind:
            damage_issue(fields, kind)
        for item in fields.get("attachment") or []:
            j = data.attachment_index(str(item.get("id")))
            if j is None:
                continue
            kind = attachment_damage(data, share, j)
            if kind:
                damage_attachment(item, kind)


def broken_json(body: bytes) -> bytes:
    """A JSON answer cut in the middle (what a proxy that gave up half-way sends)."""
    return body[: max(1, len(body) // 2)]
