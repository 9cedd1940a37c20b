"""Comments in Jira wiki markup, the body Data Center's REST v2 takes and gives as a string."""

from __future__ import annotations

import re
from typing import Any

from aa_tui.jira.document import Document, Paragraph, Text

#: characters that start wiki effects (bold, italic, links, macros, tables...): escaped
_SPECIAL = re.compile(r"([\\*_\-+^~?{}\[\]!|#])")
_LINK = re.compile(r"(?<!\\)\[([^\[\]|]*)\|[^\[\]]*(?<!\\)\]")
_ESCAPE = re.compile(r"\\(.)")


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def _run(part: Text) -> str:
    if not part.href:
        return _escape(part.text)
    href = part.href.replace("]", "%5D").replace("|", "%7C").replace(" ", "%20")
    return f"[{_escape(part.text)}|{href}]"


def _line(paragraph: Paragraph) -> str:
    return "".join(_run(part) for part in paragraph.parts)


def to_wiki(document: Document) -> str:
    """Wiki markup of ``document``: paragraphs apart by a blank line, ``* `` bullets, links as
    ``[text|url]``; every character that would start an effect is escaped."""
    blocks: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            blocks.append(_line(block))
        else:
            blocks.append("\n".join("* " + _line(item) for item in block.items))
    return "\n\n".join(blocks)


def wiki_text(body: Any) -> str:
    """The plain text of a wiki-markup body: links as their text, escapes undone (so a marker
    written through :func:`to_wiki` is found again in what Jira gives back)."""
    if not isinstance(body, str):
        return ""
    lines = []
    for line in body.split("\n"):
        line = _LINK.sub(r"\1", line)
        if line.startswith("* "):
            line = line[2:]
        lines.append(_ESCAPE.sub(r"\1", line))
    return "\n".join(line for line in lines if line)
