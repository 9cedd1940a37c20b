"""Inline SVG charts for the HTML report: drawn from numbers, no script and no network."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from aa_tui.model.insights import cap_text
from aa_tui.model.units import counted

FILL = "#4f7cac"
WASTE = "#d9534f"
CAP = "#222"


def month_bars(months: Sequence[dict[str, Any]], size: Callable[[int], str]) -> str:
    """Bytes uploaded per month (stacked: the wasted part in red), one bar a month."""
    if not months:
        return "<p class=muted>No uploads with a readable date.</p>"
    width, height, left, bottom, top = 900, 240, 70, 40, 12
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max(m["size"] for m in months) or 1
    step = plot_w / len(months)
    bar = max(1.0, step * 0.8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="Uploads per month">'
    ]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(size(int(peak * frac)))}</text>"
        )
    label_every = max(1, len(months) // 12)
    for i, m in enumerate(months):
        x = left + i * step + (step - bar) / 2
        h = plot_h * m["size"] / peak
        w = plot_h * m["wasted_size"] / peak
        tip = (
            f"{m['month']}: {counted(m['files'], 'file')}, {size(m['size'])} "
            f"({size(m['wasted_size'])} wasted)"
        )
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{FILL}"/>'
            f'<rect x="{x:.1f}" y="{top + plot_h - w:.1f}" width="{bar:.1f}" height="{w:.1f}" '
            f'fill="{WASTE}"/></g>'
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="11">{escape(str(m["month"]))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def what_if_bars(
    steps: Sequence[dict[str, Any]], cap: int | None, size: Callable[[int], str]
) -> str:
    """What would remain after each cleanup step, against the cap when one is stated."""
    if not steps:
        return ""
    width, row, left = 900, 30, 160
    height = row * len(steps) + 30
    peak = max([s["remaining_size"] for s in steps] + [cap or 0]) or 1
    plot_w = width - left - 120
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="What would remain after each cleanup">'
    ]
    cap_x = left + plot_w * cap / peak if cap else None
    for i, s in enumerate(steps):
        y = 10 + i * row
        w = plot_w * s["remaining_size"] / peak
        label = size(s["remaining_size"])
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"{escape(str(s['step']))}</text>"
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row - 8}" fill="{FILL}"/>'
            + _bar_label(label, left + w, left, cap_x, y + 16)
        )
    if cap and cap_x is not None:
        x = cap_x
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="4" y2="{height - 20}" stroke="{CAP}" '
            f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{height - 6}" text-anchor="middle" '
            f'font-size="12">cap {escape(cap_text(cap))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


#: a generous width of one character at font-size 12 (digits and units are ~6.7 px)
CHAR_W = 7.0


def _bar_label(text: str, end: float, start: float, cap_x: float | None, y: int) -> str:
    """A bar's figure after its end, unless the cap line would cross it: then inside the bar's
    end (white on the bar) when it fits, else just past the cap line."""
    span = CHAR_W * len(text)
    x, anchor, fill = end + 6, "start", ""
    if cap_x is not None and x - 3 <= cap_x <= x + span + 3:
        if end - start >= span + 12:
            x, anchor, fill = end - 6, "end", ' fill="#fff"'
        else:
            x = cap_x + 6
    return (
        f'<text x="{x:.1f}" y="{y}" text-anchor="{anchor}" font-size="12"{fill}>'
        f"{escape(text)}</text>"
    )
