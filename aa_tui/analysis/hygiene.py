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


def _needs(pattern: str) -> tuple[str, str]:
    """What any name matching ``pattern`` must hold, case-folded: ("prefix", text) for a
    pattern that starts with text, else ("contains", the first run of text after a ``*``)."""
    literal = pattern.split("*")[0].split("[")[0].split("?")[0]
    if literal:
        return "prefix", literal.casefold()
    rest = pattern.lstrip("*")
    run = rest.split("*")[0].split("[")[0].split("?")[0]
    return "contains", run.casefold()


_NEEDS = [_needs(p) for patterns in HYGIENE_PATTERNS.values() for p in patterns]
_PREFIXES = tuple(text for how, text in _NEEDS if how == "prefix")
_CONTAINS = re.compile("|".join(re.escape(text) for how, text in _NEEDS if how == "contains"))


def _maybe(base: str) -> bool:
    """A quick test every matching name passes (most names fail it: no pattern is tried)."""
    folded = base.casefold()
    return folded.startswith(_PREFIXES) or _CONTAINS.search(folded) is not None


def hygiene_kind(file_name: str) -> str:
    """The hygiene kind of a file name (first match in table order), or ``""``."""
    base = file_name.rsplit("/", 1)[-1]
    if not _maybe(base):
        return ""
    for kind, matcher in _MATCHERS:
        if matcher.match(base):
            return kind
    return ""
