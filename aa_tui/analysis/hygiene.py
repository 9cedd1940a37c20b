"""Storage hygiene: kinds of files that rarely need keeping, the patterns in one table.

:data:`HYGIENE_PATTERNS` is the one table (README's "Hygiene patterns" lists it): shell-style
patterns matched case-insensitively against the whole base name, the first kind in table order
winning. A word such as ``har`` inside a longer name counts only between separators (``-``,
``_``, ``.``, a space), so ``network-har.json`` is a HAR file and ``charter.json`` is not.
"""

from __future__ import annotations

import re
from fnmatch import translate

_SEP = "[-_. ]"  # what may stand beside a word inside a name (``network-har.json``)

#: kind -> file-name patterns (shell style, matched case-insensitively on the base name)
HYGIENE_PATTERNS: dict[str, tuple[str, ...]] = {
    "log": (
        "*.log", "*.log.[0-9]*", "*.log.gz", "*.log.zip", "*.trace",
        # zipped log bundles, as support tools and admins name them
        "log.zip", "logs.zip", "log[-_]*.zip", "logs[-_]*.zip", f"*{_SEP}logs.zip",
        f"*{_SEP}log.zip", "*.logs.gz", "*.logs.tar.gz",
    ),
    "heap/core dump": ("*.hprof", "*.dmp", "*.mdmp", "*.heapsnapshot", "core", "core.[0-9]*"),
    # browser network captures, also saved as JSON: ``x.har.json``, ``har-3.json``, ``my har.json``
    "HAR": (
        "*.har", "*.har.json", "*.har.gz", "*.har.zip",
        "har.json", f"har{_SEP}*.json", f"*{_SEP}har.json", f"*{_SEP}har{_SEP}*.json",
    ),
    "temp": ("~$*", "*.tmp", "*.temp", "*~", "*.swp", ".~lock.*", "*.crdownload", "*.part"),
    "OS junk": (".DS_Store", "._*", "Thumbs.db", "ehthumbs.db", "desktop.ini", "Icon\r"),
}  # fmt: skip
HYGIENE_KINDS = tuple(HYGIENE_PATTERNS)

_MATCHERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile("|".join(translate(p) for p in patterns), re.IGNORECASE))
    for kind, patterns in HYGIENE_PATTERNS.items()
)


def _needs(pattern: str) -> tuple[str, str]:
    """What any name matching ``pattern`` must hold, case-folded: ("prefix", text) for a
    pattern that starts with text, else ("contains", its longest run of plain text)."""
    runs = re.split(r"\*|\?|\[[^\]]*\]", pattern)
    if runs[0]:
        return "prefix", runs[0].casefold()
    return "contains", max(runs, key=len).casefold()


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
