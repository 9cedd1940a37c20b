"""A comment's text, as aa-tui writes it: paragraphs and bullet lists of plain text and links.

Deployment-neutral: each implementation of :class:`~aa_tui.jira.protocol.JiraSite` renders it
in its site's format (Jira Cloud: Atlassian Document Format; Data Center: wiki markup).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A run of text; a link to ``href`` when one is given."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Text, ...]

    @property
    def plain(self) -> str:
        return "".join(part.text for part in self.parts)


@dataclass(frozen=True)
class Bullets:
    """A bullet list: one paragraph per item."""

    items: tuple[Paragraph, ...]


Block = Paragraph | Bullets


@dataclass(frozen=True)
class Document:
    """A comment's body: blocks in order."""

    blocks: tuple[Block, ...]

    @property
    def plain(self) -> str:
        """The text alone, one line per paragraph (what a marker search looks in)."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.plain)
            else:
                lines.extend(item.plain for item in block.items)
        return "\n".join(lines)
