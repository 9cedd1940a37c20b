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

#: one visible character in place of each invisible one, so that a cell keeps its width and
#: a ``Text``'s styles keep their offsets: C0 controls as their Control Pictures (``␛``, ``␍``)
_REPLACE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}
_REPLACE[0x7F] = "\u2421"  # ␡
for _c in range(0x80, 0xA0):  # C1 controls (0x9b is a one-byte CSI on some terminals)
    _REPLACE[_c] = "\ufffd"
for _c in (
    0x061C,  # arabic letter mark
    0x200E, 0x200F,  # left-to-right and right-to-left marks
    0x2028, 0x2029,  # line and paragraph separators
    *range(0x202A, 0x202F),  # embeddings and overrides (U+202E turns the text around)
    *range(0x2066, 0x206A),  # isolates
):  # fmt: skip
    _REPLACE[_c] = "\ufffd"
_NEWLINE_KEPT = {k: v for k, v in _REPLACE.items() if k != 0x0A}
ELLIPSIS = "…"


def visible(text: str, *, limit: int = 0, lines: bool = False) -> str:
    """``text`` with each control and bidi character replaced by one visible character (a
    newline too, unless ``lines``), cut to ``limit`` characters with ``…`` when given."""
    shown = str(text).translate(_NEWLINE_KEPT if lines else _REPLACE)
    if limit and len(shown) > limit:
        shown = shown[: max(limit - 1, 0)] + ELLIPSIS
    return shown


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
