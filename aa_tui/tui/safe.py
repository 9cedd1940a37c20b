"""Text that comes from Jira (or a user) shown as text: never markup, never terminal control.

A file name such as ``[/].txt`` is valid in Jira, and Rich or Textual markup would read it as a
closing tag (a crash), ``[link=...]`` as a link and ``[bold red]`` as a style. A name may also
hold control characters (``\\x1b[31m`` would reach the terminal as an escape sequence) or bidi
overrides (``\\u202e`` turns the rest of the line around). Whatever data meets a widget goes
through :func:`visible` (a ``str``) or :func:`plain` (a Rich ``Text``, never parsed as markup);
the tables (:class:`~aa_tui.tui.widgets.tables.PlainDataTable`) do it for every cell.
"""

from __future__ import annotations

from rich.console import JustifyMethod
from rich.text import Text
from textual.content import Content

from aa_tui.model.text import ELLIPSIS, visible

__all__ = ["ELLIPSIS", "content", "plain", "plain_text", "visible"]


def plain(
    text: str,
    style: str = "",
    *,
    limit: int = 0,
    justify: JustifyMethod | None = None,
    lines: bool = False,
) -> Text:
    """``text`` as a Rich ``Text`` that no widget reads as markup (see :func:`visible`)."""
    return Text(visible(text, limit=limit, lines=lines), style=style, justify=justify)


def plain_text(text: Text) -> Text:
    """A copy of a Rich ``Text`` whose characters are made visible (its styles kept)."""
    shown = visible(text.plain)
    if shown == text.plain:
        return text
    copy = text.copy()
    copy.plain = shown  # one character for one: the spans keep their places
    return copy


def content(text: str, *, lines: bool = True) -> Content:
    """``text`` as Textual ``Content`` (a Static's, a toast's): literal, control made visible."""
    return Content(visible(text, lines=lines))
