"""Comments in Atlassian Document Format (ADF), the body Jira Cloud's REST v3 takes and gives."""

from __future__ import annotations

from typing import Any

from aa_tui.jira.document import Document, Paragraph, Text


def _text(part: Text) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": part.text}
    if part.href:
        node["marks"] = [{"type": "link", "attrs": {"href": part.href}}]
    return node


def _paragraph(paragraph: Paragraph) -> dict[str, Any]:
    return {"type": "paragraph", "content": [_text(part) for part in paragraph.parts]}


def to_adf(document: Document) -> dict[str, Any]:
    """The ADF ``doc`` of ``document``: paragraphs, bullet lists, text with link marks."""
    content: list[dict[str, Any]] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            content.append(_paragraph(block))
        else:
            items = [{"type": "listItem", "content": [_paragraph(i)]} for i in block.items]
            content.append({"type": "bulletList", "content": items})
    return {"type": "doc", "version": 1, "content": content}


def adf_text(doc: Any) -> str:
    """The plain text of an Atlassian Document (or a v2 plain-text body)."""
    if isinstance(doc, str):
        return doc
    if not isinstance(doc, dict):
        return ""
    if doc.get("type") == "text":
        return str(doc.get("text", ""))
    return "\n".join(adf_text(c) for c in doc.get("content") or [])
