"""Attachments: metadata, settings, delete and content (303 to the media origin, or bytes)."""

from __future__ import annotations

from aa_tui.demo.http import Rejected, Reply, Request, errors
from aa_tui.demo.views import Links, attachment_json

UPLOAD_LIMIT = 1_073_741_824


def find_attachment(req: Request, text: str) -> int:
    """The index of a visible attachment, else a 403 (anonymous) or 404 raised as Rejected."""
    demo = req.demo
    j = demo.data.attachment_index(text)
    if req.anonymous:
        raise Rejected(
            errors(403, f"You do not have permission to view attachment with id: {text}")
        )
    gone = j is not None and demo.is_deleted(j)
    if j is None or gone or demo.data.issue_project[demo.data.att_issue[j]] in demo.hidden:
        raise Rejected(errors(404, f"The attachment with id '{text}' does not exist"))
    return j


def attachment_meta(req: Request) -> Reply:
    return Reply(
        200, {"enabled": req.demo.options.attachments_enabled, "uploadLimit": UPLOAD_LIMIT}
    )


def attachment_get(req: Request) -> Reply:
    j = find_attachment(req, req.params["id"])
    links = Links(req.demo.base_url, req.api)
    return Reply(200, attachment_json(req.demo.data, links, j, int_id=True))


def attachment_delete(req: Request) -> Reply:
    j = find_attachment(req, req.params["id"])
    req.demo.delete_attachment(j)
    return Reply(204)


def attachment_content(req: Request) -> Reply | None:
    demo, text = req.demo, req.params["id"]
    j = find_attachment(req, text)
    status = demo.data.download_status(j)
    if status == 403:
        return errors(403, f"You do not have permission to view attachment with id: {text}")
    if status == 404:
        return errors(404, f"The attachment content for id '{text}' could not be found")
    if (req.query.get("redirect") or ["true"])[0].lower() == "false":
        req.handler.send_file(j, "jira_bytes", {})
        return None
    demo.stats.add("redirects")
    return Reply(303, headers={"Location": demo.media_link(j)})


ROUTES = [
    ("GET", "/rest/api/3/attachment/meta", attachment_meta),
    ("GET", "/rest/api/3/attachment/{id}", attachment_get),
    ("DELETE", "/rest/api/3/attachment/{id}", attachment_delete),
    ("GET", "/rest/api/3/attachment/content/{id}", attachment_content),
]
