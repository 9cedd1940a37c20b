"""Storage hygiene: kinds of files that rarely need keeping, the patterns in one table."""

from __future__ import annotations

import re
from fnmatch import translate

#: kind -> file-name patterns (shell style, matched case-insensitively on the base name)
HYGIENE_PATTERNS: dict[str, tuple[str, ...]] = {
    "log": ("*.log", "*.log.[0-9]*", "*.log.gz", "*.trace"),
    "heap/core dump": ("*.hprof", "*.dmp", "*.mdmp", "*.heapsnapshot", "core", "core.[0-9]*"),
    "HAR": ("*.har",),
    "temp": ("~$*", "*.tmp", "*.temp", "*~", "*.swp", ".~lock.*", "*.crdownload", "*.part"),
    "OS junk": (".DS_Store", "._*", "Thumbs.db", "ehthumbs.db", "desktop.ini", "Icon\r"),
}
HYGIENE_KINDS = tuple(HYGIENE_PATTERNS)

_MATCHERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile("|".join(translate(p) for p in patterns), re.IGNORECASE))
    for kind, patterns in HYGIENE_PATTERNS.items()
)


def hygiene_kind(file_name: str) -> str:
    """The hygiene kind of a file name (first match in table order), or ``""``."""
    base = file_name.rsplit("/", 1)[-1]
    for kind, matcher in _MATCHERS:
        if matcher.match(base):
            return kind
    return ""
