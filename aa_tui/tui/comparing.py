"""What makes two scans measure different things, said on the screens that compare them."""

from __future__ import annotations

from collections.abc import Callable

from aa_tui.model.scans import ScanInfo
from aa_tui.model.summary import ScanHeader


def scan_differences(
    a: ScanHeader | ScanInfo, b: ScanHeader | ScanInfo, label: Callable[[str], str] = str
) -> list[str]:
    """What makes scans ``a`` and ``b`` (their summaries' headers or index entries) measure
    different things: their site, scope or method; ``label`` names a site as the app shows
    it."""
    found = []
    site_a, site_b = label(a.site.rstrip("/")), label(b.site.rstrip("/"))
    if site_a != site_b:
        found.append(f"site {site_a} vs {site_b}")
    if a.scope != b.scope:
        found.append(f"scope {a.scope.describe()} vs {b.scope.describe()}")
    if a.verify != b.verify:
        found.append(f"method {a.verify.label} vs {b.verify.label}")
    return found
