"""Text from outside (Jira, a user) made safe to show: no control or bidi character reaches a
terminal. Both faces use it: the app through ``aa_tui.tui.safe``, the command line on what it
prints (a file name holding ``\\x1b]8;;...`` would otherwise be an escape sequence)."""

from __future__ import annotations

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


def visible(text: str, *, limit: int = 0, lines: bool = False, keep: str = "") -> str:
    """``text`` with each control and bidi character replaced by one visible character (a
    newline too, unless ``lines``; nor the characters of ``keep``), cut to ``limit``
    characters with ``…`` when given."""
    table = _NEWLINE_KEPT if lines else _REPLACE
    if keep:
        table = {k: v for k, v in table.items() if chr(k) not in keep}
    shown = str(text).translate(table)
    if limit and len(shown) > limit:
        shown = shown[: max(limit - 1, 0)] + ELLIPSIS
    return shown
