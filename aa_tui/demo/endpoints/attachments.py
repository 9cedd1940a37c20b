"""Attachments: metadata, settings, delete, content (303 to the media origin, or bytes), upload."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

from aa_tui.demo.endpoints.issues import find_issue
from aa_tui.demo.endpoints.permissions import can
from aa_tui.demo.http import Request
from aa_tui.demo.issue_view import upload_json
from aa_tui.demo.replies import Rejected, Reply, errors
from aa_tui.demo.views import attachment_json

UPLOAD_LIMIT = 1_073_741_824


def find_attachment(req: Request, text: str) -> int:
    """The index of a visible attachment, else a 403 (anonymous) or 404 raised as Rejected."""
    demo = req.demo
    j = demo.attachment_index(text)
    if req.anonymous:
        raise Rejected(
            errors(403, f"You do not have permission to view attachment with id: {text}")
        )
    if (
        j is None
        or demo.is_deleted(j)
        or demo.data.issue_project[demo.attachment_issue(j)] in (demo.hidden)
    ):
        raise Rejected(errors(404, f"The attachment with id '{text}' does not exist"))
    return j


def attachment_meta(req: Request) -> Reply:
    return Reply(
        200, {"enabled": req.demo.options.attachments_enabled, "uploadLimit": UPLOAD_LIMIT}
    )


def attachment_get(req: Request) -> Reply:
    j = find_attachment(req, req.params["id"])
    links = req.links
    upload = req.demo.upload(j)
    if upload is not None:
        return Reply(200, upload_json(links, req.demo.email, upload, int_id=True))
    return Reply(200, attachment_json(req.demo.data, links, j, int_id=True))


def attachment_delete(req: Request) -> Reply:
    """204; 403 without Delete all attachments (or Delete own, for the caller's uploads)."""
    demo, text = req.demo, req.params["id"]
    j = find_attachment(req, text)
    demo.check_write(demo.attachment_issue(j), req.route)
    own = demo.upload(j) is not None  # the demo user uploaded it
    if not (can(req, "DELETE_ALL_ATTACHMENTS") or (own and can(req, "DELETE_OWN_ATTACHMENTS"))):
        return errors(403, f"You do not have permission to delete attachment with id: {text}")
    demo.delete_attachment(j)
    return Reply(204)


def attachment_content(req: Request) -> Reply | None:
    demo, text = req.demo, req.params["id"]
    j = find_attachment(req, text)
    status = demo.download_status(j)
    if status == 403:
        return errors(403, f"You do not have permission to view attachment with id: {text}")
    if status == 404:
        return errors(404, f"The attachment content for id '{text}' could not be found")
    if (req.query.get("redirect") or ["true"])[0].lower() == "false":
        req.handler.send_file(j, "jira_bytes", {})
        return None
    demo.stats.add("redirects")
    return Reply(303, headers={"Location": demo.media_link(j)})


def attachments_post(req: Request) -> Reply:
    """``multipart/form-data`` with parts named ``file``; needs ``X-Atlassian-Token: no-check``."""
    demo, headers = req.demo, req.handler.headers
    if (headers.get("X-Atlassian-Token") or "").lower() != "no-check":
        return errors(403, "XSRF check failed")
    i = find_issue(req)
    demo.check_write(i, req.route)
    if not can(req, "CREATE_ATTACHMENTS"):
        return errors(403, "You do not have permission to create attachments for this issue.")
    if not demo.options.attachments_enabled:
        return errors(403, "Attachments are disabled.")
    files = _multipart_files(headers.get("Content-Type") or "", req.raw)
    if not files:
        return errors(400, "No file named 'file' in the multipart request.")
    if any(len(content) > UPLOAD_LIMIT for _, _, content in files):
        return errors(413, "The file is bigger than the attachment size limit.")
    links = req.links
    uploads = [demo.changes.add_upload(i, name, mime, content) for name, mime, content in files]
    demo.touch(i)
    return Reply(200, [upload_json(links, demo.email, u) for u in uploads])


def _multipart_files(content_type: str, raw: bytes) -> list[tuple[str, str, bytes]]:
    """``(filename, mime, bytes)`` of every part named ``file``."""
    if not content_type.lower().startswith("multipart/form-data"):
        return []
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    out: list[tuple[str, str, bytes]] = []
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") != "file":
            continue
        name = part.get_filename() or "attachment"
        mime = part.get_content_type() or "application/octet-stream"
        payload = part.get_payload(decode=True)  # bytes (None without a body)
        out.append((name, mime, payload if isinstance(payload, bytes) else b""))
    return out


ROUTES = [
    ("GET", "/rest/api/3/attachment/meta", attachment_meta),
    ("GET", "/rest/api/3/attachment/{id}", attachment_get),
    ("DELETE", "/rest/api/3/attachment/{id}", attachment_delete),
    ("GET", "/rest/api/3/attachment/content/{id}", attachment_content),
    ("POST", "/rest/api/3/issue/{issueIdOrKey}/attachments", attachments_post),
]
